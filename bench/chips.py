"""Fixed-point and float32 networks on simulated microcontrollers: flash, RAM and cycles per inference.

Usage: python bench/chips.py

The networks of tests/test_chips.py (XOR [2, 3, 1] and [2, 10, 10, 1], digits [64, 32, 10],
one with every activation) in 16 and 8 bits (``FixedNetwork.to_c``) and in float32
(``Network.to_c``), each on an ATmega328P in simavr and a Cortex-M3 in qemu-system-arm
(tests/chip_support.py says how each is measured). Every output is checked against
``predict_raw`` (``predict`` for float32) bit for bit before its row is printed. The agreement
with the float network is ``FixedNetwork.compare``'s, on the same inputs, except for digits:
the whole test split (450 rows) there. The float32 digits network does not fit the ATmega328P:
avr-gcc keeps ``const`` arrays in its 2 KB of RAM unless they are marked ``PROGMEM``, which
``Network.to_c`` does not do. Needs gcc-avr, avr-libc, simavr, gcc-arm-none-eabi,
libnewlib-arm-none-eabi and qemu-system-arm (Debian packages), and scikit-learn.
"""

import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from chip_support import CHIPS, NETWORKS, digits_network, missing_tools, run_on_chip, table

RAM_OF = {"atmega328p": 2048, "cortex-m3": 65536}
"""Bytes of RAM of each chip: a float32 network whose weights need more is not run there."""


def agreement(fixed, network: str, inputs: np.ndarray) -> str:
    if fixed is None:
        return "(the float network)"
    if network.startswith("digits"):
        inputs = digits_network(n_rows=None)[1]
    found = fixed.compare(inputs)
    return f"{found['agreement']:.1%} of {found['samples']}, max |difference| {found['max_abs_difference']:.2g}"


def main() -> None:
    missing = sorted({tool for chip in CHIPS for tool in missing_tools(chip)})
    if missing:
        sys.exit(f"bench/chips.py needs {', '.join(missing)} on PATH")
    runs, agreements = [], []
    with tempfile.TemporaryDirectory() as folder:
        for network, build in NETWORKS.items():
            net, inputs = build("float32")
            for bits in (16, 8, "float32"):
                if bits == "float32":
                    fixed, rows, source = None, inputs.astype(np.float32), net.to_c("net")
                    expected = np.array([net.predict(row) for row in rows], dtype=np.float32)
                else:
                    fixed = net.to_fixed(bits=bits)
                    rows, source = fixed.quantize_inputs(inputs), fixed.to_c("net")
                    expected = fixed.predict_raw(rows)
                for chip in CHIPS:
                    if bits == "float32" and too_big(net, chip):
                        continue
                    run = run_on_chip(chip, source, "net", rows, Path(folder) / f"{chip}-{bits}")
                    if run.outputs.tobytes() != expected.tobytes():
                        sys.exit(f"{network}, {bits} bits, {chip}: the outputs differ from Python's")
                    runs.append((network, bits, run))
                    agreements.append(agreement(fixed, network, inputs))
    print(table(runs, agreements))
    print()
    cycles = {(network, bits, run.chip): run.cycles_per_inference for network, bits, run in runs}
    for (network, bits, chip), float_cycles in cycles.items():
        if bits == "float32":
            ratio = float_cycles / cycles[network, 16, chip]
            print(f"{network} on the {chip}: float32 takes {ratio:.1f}x the {CHIPS[chip].unit} of 16 bits")


def too_big(net, chip: str) -> bool:
    """Whether the float32 network's weights and biases alone need more than the chip's RAM."""
    return 4 * sum(a * b + b for a, b in zip(net.sizes, net.sizes[1:])) > RAM_OF[chip] // 2


if __name__ == "__main__":
    main()
