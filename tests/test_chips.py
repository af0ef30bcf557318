"""Generated C on simulated microcontrollers, equal bit for bit to the network in Python.

An ATmega328P in simavr and a Cortex-M3 (a Stellaris LM3S6965) in qemu-system-arm run the C of
``FixedNetwork.to_c`` (16 and 8 bits) and of ``Network.to_c`` (float32) on a batch of inputs
(tests/chip_support.py, tests/chips/); the outputs must be ``predict_raw``'s (``predict``'s) bits.
The sizes and cycle counts are printed (``pytest -s``); only the size goals of the 16-bit XOR
networks on the ATmega328P are asserted, never a number of cycles: bench/chips.py prints the whole
table. Skipped, with the reason, where a chip's tools are missing; .ci/run installs them (gcc-avr,
avr-libc, simavr, gcc-arm-none-eabi, libnewlib-arm-none-eabi, qemu-system-arm).
"""

import numpy as np
import pytest
from chip_support import CHIPS, NETWORKS, missing_tools, run_on_chip, table

pytestmark = pytest.mark.needs_simulators


def simulated(chip):
    """``chip``, or a skip naming the tools it needs that are missing."""
    missing = missing_tools(chip)
    if missing:
        pytest.skip(f"running C on the simulated {chip} needs {', '.join(missing)}, not found on PATH")
    return chip


@pytest.fixture(params=sorted(CHIPS))
def chip(request):
    return simulated(request.param)


PROBE = """\
#include <stdint.h>
#define PROBE_INPUTS 3
#define PROBE_OUTPUTS 4
void probe(const VALUE_T *input, VALUE_T *output);
void probe(const VALUE_T *input, VALUE_T *output)
{
    output[0] = (VALUE_T)(input[0] + input[1]);
    output[1] = (VALUE_T)(input[0] * input[2]);
    output[2] = (VALUE_T)(input[1] - input[2]);
    output[3] = input[2];
}
"""


@pytest.mark.parametrize("dtype", ["int8", "int16", "float32", "float64"])
def test_the_harness_returns_what_a_known_function_computes(chip, tmp_path, dtype):
    # a function whose outputs numpy computes too: every byte of every output comes back in place,
    # and the measurements are counted from the chip's own calibrated counter
    c_type = {"int8": "int8_t", "int16": "int16_t", "float32": "float", "float64": "double"}[dtype]
    if c_type not in CHIPS[chip].c_types:
        with pytest.raises(ValueError, match=f"not of {dtype}"):
            run_on_chip(chip, PROBE.replace("VALUE_T", c_type), "probe", np.zeros((1, 3), dtype), tmp_path)
        return
    rng = np.random.default_rng(1)
    if dtype.startswith("int"):
        inputs = rng.integers(-8, 8, (7, 3)).astype(dtype)
    else:
        inputs = rng.uniform(-1e3, 1e3, (7, 3)).astype(dtype)
    run = run_on_chip(chip, PROBE.replace("VALUE_T", c_type), "probe", inputs, tmp_path)
    a, b, c = inputs.T
    expected = np.stack([a + b, a * c, b - c, c], axis=1).astype(dtype)
    assert run.outputs.dtype == np.dtype(dtype) and run.outputs.tobytes() == expected.tobytes()
    assert run.flash > 0 and run.static_ram == 0 and (run.cycles > 0).all()


def test_the_harness_refuses_a_source_without_its_macros(tmp_path):
    with pytest.raises(ValueError, match="PROBE_OUTPUTS"):
        run_on_chip("cortex-m3", "#define PROBE_INPUTS 3\n", "probe", np.zeros((1, 3), np.int16), tmp_path)


@pytest.mark.parametrize("network", ["xor [2, 10, 10, 1]", "every activation", "digits [64, 32, 10]"])
def test_float32_c_on_the_cortex_m3_gives_predict_bit_for_bit(tmp_path, network):
    # no floating-point unit: the C's float arithmetic is libgcc's software floating point
    net, inputs = NETWORKS[network]("float32")
    rows = inputs.astype(np.float32)
    run = run_on_chip(simulated("cortex-m3"), net.to_c("net"), "net", rows, tmp_path)
    expected = np.array([net.predict(row) for row in rows], dtype=np.float32)
    assert run.outputs.tobytes() == expected.tobytes()
    print(f"\n{table([(network, 'float32', run)])}")


# ---------------------------------------------------------------- fixed point


FIXED_NETWORKS = ["xor [2, 3, 1]", "xor [2, 10, 10, 1]", "digits [64, 32, 10]", "every activation"]


@pytest.mark.parametrize("bits", [16, 8])
@pytest.mark.parametrize("network", FIXED_NETWORKS)
def test_fixed_point_c_gives_predict_raw_bit_for_bit(chip, tmp_path, network, bits):
    # integer arithmetic only: the same bits on an 8-bit AVR (int is 16 bits there) and a 32-bit Arm
    net, inputs = NETWORKS[network]("float32")
    fixed = net.to_fixed(bits=bits)
    rows = fixed.quantize_inputs(inputs)
    run = run_on_chip(chip, fixed.to_c("net"), "net", rows, tmp_path)
    assert run.outputs.tobytes() == fixed.predict_raw(rows).tobytes()
    print(f"\n{table([(network, bits, run)])}")


@pytest.mark.parametrize("network", ["xor [2, 3, 1]", "xor [2, 10, 10, 1]"])
def test_xor_in_16_bits_fits_an_atmega328p_in_2_kb_of_flash_and_100_bytes_of_ram(tmp_path, network):
    # the goal for the network alone (the harness's own code and data are not counted); the
    # float32 build of the same network on the same chip, for the comparison of cycles (printed, not
    # asserted): avr-libc's software floating point, which gives predict's bits too
    chip = simulated("atmega328p")
    net, inputs = NETWORKS[network]("float32")
    fixed = net.to_fixed(bits=16)
    rows = fixed.quantize_inputs(inputs)
    run = run_on_chip(chip, fixed.to_c("net"), "net", rows, tmp_path / "fixed")
    assert run.outputs.tobytes() == fixed.predict_raw(rows).tobytes()
    assert run.flash < 2048 and run.ram < 100
    floats = inputs.astype(np.float32)
    float_run = run_on_chip(chip, net.to_c("net"), "net", floats, tmp_path / "float")
    assert float_run.outputs.tobytes() == np.array([net.predict(row) for row in floats], np.float32).tobytes()
    ratio = float_run.cycles_per_inference / run.cycles_per_inference
    print(f"\n{table([(network, 16, run), (network, 'float32', float_run)])}\nfloat32 / 16 bits: {ratio:.1f}x cycles")
