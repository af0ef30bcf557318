import sys

from nncore._cli import main

sys.exit(main())
