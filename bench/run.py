"""Run nncore's benchmark suite from a clone of the repository.

Usage: python bench/run.py [--quick] [--workloads W1,W3] [--json FILE] [--plot FILE.png] ...

The suite (``bench/nncore_bench/``) is not installed with nncore: this script
imports it from beside itself, and times the ``nncore`` installed in the
running Python (``python -m pip install ".[bench]"`` installs both nncore and
what the suite uses).  ``python bench/run.py --help`` lists every option.
"""

import sys
from pathlib import Path

# Run as a script, Python already puts this folder first on the path; imported
# some other way (e.g. runpy), it may not.
_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from nncore_bench import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
