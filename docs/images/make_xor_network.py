"""Draw docs/images/xor-network.svg: the tutorial's XOR network after training, as Network.to_svg draws it.

Run from anywhere: ``python docs/images/make_xor_network.py``. The network is the one of the README and
of ``nncore xor`` (sizes [2, 10, 10, 1], seed 0, 20,000 random per-sample steps), so the picture is the
same on every machine; tests/test_svg.py checks that the committed file is what this script draws.
"""

from pathlib import Path

import nncore

PICTURE = Path(__file__).with_name("xor-network.svg")


def xor_network_svg() -> str:
    """The picture of the trained XOR network, with named inputs and output."""
    net = nncore.Network([2, 10, 10, 1], seed=0)
    net.fit([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0], steps=20000, order="random", seed=0)
    net.input_names, net.output_names = ["a", "b"], ["a XOR b"]
    return net.to_svg()


if __name__ == "__main__":
    PICTURE.write_text(xor_network_svg(), encoding="ascii", newline="\n")
    print(f"wrote {PICTURE}")
