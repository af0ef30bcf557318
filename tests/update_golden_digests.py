"""Rewrite tests/golden_digests.json with the digests this machine computes, and print what changed.

A deliberate act: run it only when a change of the numbers is intended (a new
scenario, a new field in ``to_json``, a different training result on
purpose), and say why in the commit. Run it against the installed package
(``pip install -e .`` first), from anywhere; it checks that every SIMD level
of this machine agrees before writing.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_golden_digests import GOLDEN, differences, digests_at

from nncore import _core


def main():
    by_level = {level: digests_at(level) for level in _core.SIMD_AVAILABLE}
    computed = by_level["baseline"]
    for level, digests in by_level.items():
        if digests != computed:
            sys.exit(
                f"SIMD level {level} disagrees with the baseline; nothing written:\n  "
                + "\n  ".join(differences(computed, digests))
            )
    golden = json.loads(GOLDEN.read_text()) if GOLDEN.exists() else {}
    changes = differences(golden, computed)
    GOLDEN.write_text(json.dumps(computed, indent=1) + "\n")
    print(f"{GOLDEN}: {len(computed)} digests, checked at {', '.join(by_level)}")
    print("\n".join(changes) if changes else "nothing changed")


if __name__ == "__main__":
    main()
