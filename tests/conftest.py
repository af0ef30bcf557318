import numpy as np
import pytest

import nncore
import nncore._core


def pytest_report_header(config):
    return f"nncore {nncore.__version__}; compiled core imported from {nncore._core.__file__}"


XOR_X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
XOR_Y = [[0.0], [1.0], [1.0], [0.0]]


@pytest.fixture
def xor_data():
    return np.array(XOR_X), np.array(XOR_Y)


def state_of(net):
    """Everything that defines a network's state, for exact comparisons."""
    return net.to_dict()
