"""Run nncore's benchmark suite from a checkout: the same as ``nncore bench``.

Usage: python bench/run.py [--quick] [--workloads W1,W3] [--json FILE] [--plot FILE.png] ...

The suite itself lives in the package (``nncore.bench``), so an installed
nncore runs it too; ``python bench/run.py --help`` lists every option.
"""

import sys

from nncore.bench import main

if __name__ == "__main__":
    sys.exit(main(prog="python bench/run.py"))
