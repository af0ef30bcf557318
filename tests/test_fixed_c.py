"""FixedNetwork.to_c: integer C99 that gives predict_raw bit for bit, and builds for AVR and Cortex-M3."""

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from fixed_support import (
    NO_FLOAT_FLAGS,
    STRICT_FLAGS,
    every_activation_network,
    random_integer_rows,
    run_fixed_c,
    xor_network,
)

import nncore
from nncore import _fixed_forms

AVR_FLAGS = ["-mmcu=atmega328p", "-Os"]
ARM_FLAGS = ["-mcpu=cortex-m3", "-mthumb", "-Os"]


def _scaled_network():
    rng = np.random.default_rng(7)
    X = rng.uniform(0, 50, size=(100, 3))
    net = nncore.Network([3, 6, 2], activation=["tanh", "sigmoid"], input_scaling="standard", seed=7)
    net.fit(X, (X[:, :2] > 25).astype(float), epochs=5, seed=7)
    return net


NETWORKS = {
    "xor_2_3_1": lambda: xor_network(),
    "xor_2_10_10_1": lambda: xor_network((2, 10, 10, 1)),
    "every_activation": lambda: every_activation_network(),
    "every_activation_saturating": lambda: every_activation_network(scale=50.0),
    "input_scaling": _scaled_network,
}


@pytest.mark.parametrize("bits", [16, 8])
@pytest.mark.parametrize("network", sorted(NETWORKS))
def test_c_gives_predict_raw_bit_for_bit_on_thousands_of_rows(cc, tmp_path, network, bits):
    fixed = NETWORKS[network]().to_fixed(bits=bits)
    rows = random_integer_rows(fixed, 4000, seed=bits)
    np.testing.assert_array_equal(run_fixed_c(cc, tmp_path, fixed, rows), fixed.predict_raw(rows))


@pytest.mark.parametrize("frac_bits", [0, 3, 9])
def test_c_gives_predict_raw_bit_for_bit_with_given_binary_points(cc, tmp_path, frac_bits):
    # small binary points move sums left to the tables' points; 0 makes the biases enter unshifted
    fixed = every_activation_network().to_fixed(bits=16, frac_bits=frac_bits)
    rows = random_integer_rows(fixed, 2000, seed=frac_bits)
    np.testing.assert_array_equal(run_fixed_c(cc, tmp_path, fixed, rows), fixed.predict_raw(rows))


def test_both_sum_forms_are_exercised():
    # the saturating and the proved sums (with their different C) are both among the networks above
    kinds = set()
    for make in NETWORKS.values():
        for bits in (16, 8):
            fixed = make().to_fixed(bits=bits)
            for layer, frac_bits in zip(fixed._layers, fixed._input_frac_bits_of()):
                kinds.add(layer.saturating(bits, frac_bits))
    assert kinds == {True, False}


# Calls the source's own integer helpers on values from stdin, the negative ones included.
PRIMITIVES_MAIN = """
#include <stdio.h>
#include "net.c"

int main(void)
{
    long v, w;
    int s;
    while (scanf("%ld %ld %d", &v, &w, &s) == 3) {
        printf("%ld %ld %ld\\n", (long)nncore_predict_shr((int32_t)v, s), (long)nncore_predict_shl((int32_t)v, s),
               (long)nncore_predict_add((int32_t)v, (int32_t)w));
    }
    return 0;
}
"""


def test_c_shifts_and_additions_equal_numpy_on_negative_and_extreme_values(cc, tmp_path):
    (tmp_path / "net.c").write_text(xor_network().to_fixed().to_c())
    (tmp_path / "main.c").write_text(PRIMITIVES_MAIN)
    rng = np.random.default_rng(9)
    special = np.array([-(2**31), -(2**31) + 1, -(2**30), -3, -2, -1, 0, 1, 2, 3, 2**30, 2**31 - 1])
    v = np.concatenate([np.repeat(special, len(special)), rng.integers(-(2**31), 2**31 - 1, 3000)])
    w = np.concatenate([np.tile(special, len(special)), rng.integers(-(2**31), 2**31 - 1, 3000)])
    s = rng.integers(1, 31, len(v))
    program = tmp_path / "primitives"
    subprocess.run([cc, *STRICT_FLAGS, *NO_FLOAT_FLAGS, "-o", str(program), str(tmp_path / "main.c")], check=True)
    text = "".join(f"{a} {b} {c}\n" for a, b, c in zip(v, w, s))
    result = subprocess.run([str(program)], input=text, capture_output=True, text=True, check=True)
    found = np.array([[int(x) for x in line.split()] for line in result.stdout.splitlines()])
    expected_shr = [_fixed_forms.shift_right(np.int64(a), int(c)) for a, c in zip(v, s)]
    expected_shl = [_fixed_forms.shift_left(np.int64(a), int(c)) for a, c in zip(v, s)]
    np.testing.assert_array_equal(found[:, 0], expected_shr)
    np.testing.assert_array_equal(found[:, 1], expected_shl)
    np.testing.assert_array_equal(found[:, 2], _fixed_forms.add(v.astype(np.int64), w.astype(np.int64)))


@pytest.mark.parametrize("bits", [16, 8])
def test_the_source_has_no_floating_point_no_library_and_no_allocation(bits):
    source = every_activation_network().to_fixed(bits=bits).to_c()
    assert not re.search(r"\b(float|double|malloc|free|math\.h)\b", source)
    assert re.findall(r"#include <([^>]+)>", source) == ["stdint.h", "avr/pgmspace.h"]
    code = re.sub(r"/\*.*?\*/", "", source, flags=re.S)  # no floating literal outside the comments
    assert not re.search(r"\d\.|\.\d|\d[eE][-+]?\d|0[xX][0-9a-fA-F.]*[pP]", code)
    t = f"int{bits}_t"
    assert f"void nncore_predict(const {t} *input, {t} *output);" in source
    assert "pgm_read_word" in source and (bits == 16 or "pgm_read_byte" in source)


def test_the_source_defines_the_sizes_and_binary_points_under_its_name(cc, tmp_path):
    fixed = xor_network().to_fixed(bits=16)
    source = fixed.to_c("xor_chip")
    for macro, value in [
        ("XOR_CHIP_INPUTS", 2),
        ("XOR_CHIP_OUTPUTS", 1),
        ("XOR_CHIP_INPUT_FRAC_BITS", fixed.input_frac_bits),
        ("XOR_CHIP_OUTPUT_FRAC_BITS", fixed.output_frac_bits),
    ]:
        assert f"#define {macro} {value}\n" in source
    assert "void xor_chip(const int16_t *input, int16_t *output)" in source
    rows = fixed.quantize_inputs([[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(run_fixed_c(cc, tmp_path, fixed, rows, name="xor_chip"), fixed.predict_raw(rows))


@pytest.mark.parametrize("name", ["2fast", "int", "nncore predict", "nncore_exp64"])
def test_to_c_refuses_a_name_that_is_not_a_free_c_identifier(name):
    with pytest.raises(ValueError, match="name must"):
        xor_network().to_fixed().to_c(name)


def _sections(size_tool, obj):
    lines = subprocess.run([size_tool, str(obj)], capture_output=True, text=True, check=True).stdout.splitlines()
    text, data, bss = (int(x) for x in lines[1].split()[:3])
    return text, data, bss


@pytest.mark.parametrize("bits", [16, 8])
@pytest.mark.parametrize("network", ["xor_2_3_1", "every_activation"])
def test_c_compiles_for_the_atmega328p_and_the_cortex_m3(avr_gcc, arm_gcc, tmp_path, network, bits):
    (tmp_path / "net.c").write_text(NETWORKS[network]().to_fixed(bits=bits).to_c())
    for compiler, flags in ((avr_gcc[0], AVR_FLAGS), (arm_gcc[0], ARM_FLAGS)):
        command = [compiler, *flags, *STRICT_FLAGS, *NO_FLOAT_FLAGS, "-c", "net.c", "-o", "net.o"]
        subprocess.run(command, cwd=tmp_path, check=True)


@pytest.mark.parametrize("sizes", [(2, 3, 1), (2, 10, 10, 1)])
def test_xor_in_16_bits_fits_2_kb_of_flash_and_100_bytes_of_ram_on_the_atmega328p(avr_gcc, tmp_path, sizes):
    fixed = xor_network(sizes).to_fixed(bits=16)
    (tmp_path / "net.c").write_text(fixed.to_c())
    subprocess.run([avr_gcc[0], *AVR_FLAGS, *STRICT_FLAGS, "-c", "net.c", "-o", "net.o"], cwd=tmp_path, check=True)
    text, data, bss = _sections(avr_gcc[1], tmp_path / "net.o")
    stack_buffers = 2 * 2 * max(sizes[1:-1])  # two int16_t arrays as wide as the widest hidden layer
    assert text + data < 2048
    assert data + bss + stack_buffers < 100
    assert data == 0  # the weights and the table are in flash


@pytest.mark.parametrize("bits", [16, 8])
def test_the_command_line_exports_fixed_point_c(nncore_cli, cc, tmp_path, bits):
    net = xor_network()
    net.save(tmp_path / "xor.json")
    out = tmp_path / "xor.c"
    code, _, err = nncore_cli("export", str(tmp_path / "xor.json"), "--to", "c", "--fixed", str(bits), "-o", str(out))
    assert code == 0, err
    fixed = net.to_fixed(bits=bits)
    assert out.read_text() == fixed.to_c()
    code, _, err = nncore_cli(
        "export", str(tmp_path / "xor.json"), "--to", "c", "--fixed", str(bits), "--name", "xor_net", "-o", str(out)
    )
    assert code == 0 and out.read_text() == fixed.to_c("xor_net")


def test_the_command_line_takes_fixed_only_with_c_and_8_or_16_bits(nncore_cli, tmp_path):
    xor_network().save(tmp_path / "xor.json")
    code, _, err = nncore_cli("export", str(tmp_path / "xor.json"), "--to", "js", "--fixed", "16", "-o", "-")
    assert code == 2 and err == "nncore export: error: --fixed is for --to c, not --to js\n"
    code, _, err = nncore_cli("export", str(tmp_path / "xor.json"), "--to", "c", "--fixed", "12", "-o", "-")
    assert code == 2 and "--fixed: invalid choice: 12 (choose from 16, 8)" in err


ARDUINO_CORE = Path("/usr/share/arduino/hardware/arduino/avr")  # Debian's arduino-core-avr
PAGE = Path(__file__).resolve().parents[1] / "docs" / "user_guide" / "microcontroller.md"


def test_the_arduino_sketch_of_the_documentation_compiles_for_the_uno(avr_gcc, tmp_path):
    if not (ARDUINO_CORE / "cores" / "arduino" / "Arduino.h").is_file():
        pytest.skip("the Arduino sketch's build needs the Arduino core for AVR (Debian: arduino-core-avr)")
    sketches = re.findall(r"```cpp\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)
    assert len(sketches) == 1 and "xor_net(input, output);" in sketches[0]
    (tmp_path / "xor.ino").write_text(sketches[0])
    (tmp_path / "xor_net.h").write_text(xor_network().to_fixed(bits=16).to_c("xor_net"))
    compiler = str(Path(avr_gcc[0]).with_name("avr-g++"))
    command = [
        compiler,
        *AVR_FLAGS,
        "-std=gnu++11",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-DF_CPU=16000000L",
        "-DARDUINO=10807",
        "-DARDUINO_AVR_UNO",
        "-DARDUINO_ARCH_AVR",
        f"-I{ARDUINO_CORE / 'cores' / 'arduino'}",
        f"-I{ARDUINO_CORE / 'variants' / 'standard'}",
        "-x",
        "c++",
        "-include",
        "Arduino.h",
        "-c",
        "xor.ino",
        "-o",
        "xor.o",
    ]
    subprocess.run(command, cwd=tmp_path, check=True)
