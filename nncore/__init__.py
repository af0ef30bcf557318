"""nncore: small fully-connected neural networks trained one sample at a time, in compiled code.

>>> import nncore
>>> net = nncore.Network([2, 10, 10, 1], seed=0)
>>> error = net.train([0, 1], [1])
"""

from nncore._version import __version__
from nncore.exceptions import DivergenceError
from nncore.fitting import FitProgress, FitResult
from nncore.network import Network

__all__ = ["DivergenceError", "FitProgress", "FitResult", "Network", "__version__"]
