import platform
import sys
from pathlib import Path

import numpy as np
import pytest

import nncore
import nncore._core
from nncore._examples import XOR_INPUTS, XOR_TARGETS

# The tests' support modules (elementary_numpy.py) import by name under --import-mode=importlib
# too, which does not put the tests' folder on sys.path.
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))


def pytest_report_header(config):
    gil = "enabled" if getattr(sys, "_is_gil_enabled", lambda: True)() else "disabled"
    return [
        f"nncore {nncore.__version__}; compiled core imported from {nncore._core.__file__}",
        f"{platform.python_implementation()} {platform.python_version()} ({platform.machine()}), "
        f"GIL {gil}, numpy {np.__version__}",
    ]


@pytest.fixture
def xor_data():
    return np.array(XOR_INPUTS), np.array(XOR_TARGETS)


def state_of(net):
    """Everything that defines a network's state, for exact comparisons."""
    return net.to_dict()
