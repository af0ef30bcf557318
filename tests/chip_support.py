"""Generated C networks on simulated microcontrollers: an ATmega328P in simavr, a Cortex-M3 in qemu.

:func:`run_on_chip` takes C source defining ``void NAME(const T *input, T *output)`` and the macros
``NAME_INPUTS`` and ``NAME_OUTPUTS`` (what ``Network.to_c`` and ``FixedNetwork.to_c`` write; ``T``
is ``int8_t``, ``int16_t``, ``float`` or ``double``), builds it with the harness of ``tests/chips/``
for the chip, runs it there on every row of a batch of inputs (compiled into the program as a
table in flash) and returns the outputs' exact bits and what the chip measured:

- ``"atmega328p"``: ``avr-gcc -mmcu=atmega328p -Os``, run by ``simavr``; output through USART0,
  cycles from Timer1 at prescaler 1 (one tick a cycle, overflows counted and the overflow
  handler's own cycles taken away), exact to the cycle.
- ``"cortex-m3"``: ``arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb -Os`` with the harness's own
  startup and linker script (no RTOS), run by ``qemu-system-arm -M lm3s6965evb`` with semihosting
  for output and exit. qemu has no cycle counter (no DWT): with ``-icount shift=0`` it runs one
  instruction per nanosecond of virtual time and SysTick counts that time, so the measure is
  *instructions* executed per inference (a real Cortex-M3 takes more cycles: 2 for a load, 2-4 for
  a taken branch), counted to within one instruction.

Flash and RAM are what the network adds to the program, from ``avr-size`` and
``arm-none-eabi-size``: the harness is linked once with the network and once with an empty
function of the same name, and the difference of ``text + data`` is flash, of ``data + bss``
static RAM (library routines the network pulls in, such as software floating point, count). The
stack one call reaches is measured on the chip (the free RAM is filled with a pattern before the
call and searched after it). Every measurement of the harness is checked against calibration
code that takes a known number of cycles (or instructions).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HARNESS = Path(__file__).parent / "chips"

C_TYPES = {
    np.dtype(np.int8): "int8_t",
    np.dtype(np.int16): "int16_t",
    np.dtype(np.float32): "float",
    np.dtype(np.float64): "double",
}
"""The C type of the network's values, for each numpy dtype of its inputs."""

STRICT_FLAGS = ["-std=c99", "-Wall", "-Wextra", "-pedantic", "-Werror"]
"""The network's source is compiled with these: it must build cleanly for the chip."""


class ChipError(RuntimeError):
    """A build or a simulation failed, or the harness's output is not what it must be."""


@dataclass(frozen=True)
class Chip:
    """A simulated microcontroller: how to build for it, measure the program and run it."""

    name: str
    unit: str  # what cycles_per_inference counts
    compiler: str
    flags: tuple[str, ...]
    link_flags: tuple[str, ...]
    sources: tuple[str, ...]  # the harness's files for this chip, in tests/chips/
    size_tool: str
    simulator: tuple[str, ...]  # the command, the program's path appended
    c_types: tuple[str, ...]

    @property
    def tools(self) -> tuple[str, ...]:
        return (self.compiler, self.size_tool, self.simulator[0])


CHIPS = {
    "atmega328p": Chip(
        name="atmega328p",
        unit="cycles",
        compiler="avr-gcc",
        flags=("-mmcu=atmega328p", "-Os"),
        link_flags=(),
        sources=("harness.c", "atmega328p.c"),
        size_tool="avr-size",
        simulator=("simavr", "-m", "atmega328p", "-f", "16000000"),
        c_types=("int8_t", "int16_t", "float"),  # avr-gcc's double is a float
    ),
    "cortex-m3": Chip(
        name="cortex-m3",
        unit="instructions",
        compiler="arm-none-eabi-gcc",
        flags=("-mcpu=cortex-m3", "-mthumb", "-Os", "-ffunction-sections", "-fdata-sections"),
        link_flags=("-nostartfiles", "--specs=nano.specs", f"-T{HARNESS / 'cortex_m3.ld'}", "-Wl,--gc-sections"),
        sources=("harness.c", "cortex_m3.c"),
        size_tool="arm-none-eabi-size",
        simulator=(
            "qemu-system-arm",
            "-M",
            "lm3s6965evb",
            "-display",
            "none",
            "-monitor",
            "none",
            "-serial",
            "null",
            "-semihosting-config",
            "enable=on,target=native",
            "-icount",
            "shift=0,align=off,sleep=off",
            "-kernel",
        ),
        c_types=("int8_t", "int16_t", "float", "double"),
    ),
}


def missing_tools(chip: str) -> list[str]:
    """The tools that running on ``chip`` needs and that are not on PATH."""
    return [tool for tool in CHIPS[chip].tools if shutil.which(tool) is None]


@dataclass(frozen=True)
class ChipRun:
    """What one run of a network on a chip gave."""

    chip: str
    unit: str  # "cycles" (ATmega328P) or "instructions" (Cortex-M3 in qemu)
    outputs: np.ndarray  # (rows, NAME_OUTPUTS), the dtype of the inputs, bit for bit as the chip left them
    cycles: np.ndarray  # per row: the cycles (instructions) one call took
    flash: int  # bytes of flash the network adds to the program (text + data)
    static_ram: int  # bytes of RAM the network adds (data + bss)
    stack: int  # bytes of stack one call reaches

    @property
    def ram(self) -> int:
        """Static RAM and stack: all the RAM the network needs."""
        return self.static_ram + self.stack

    @property
    def cycles_per_inference(self) -> float:
        """The mean over the rows."""
        return float(self.cycles.mean())


def run_on_chip(chip: str, source: str, name: str, inputs: np.ndarray, folder: Path, timeout: float = 120) -> ChipRun:
    """Build ``source`` for ``chip`` in ``folder``, run ``name`` on each row of ``inputs`` there.

    ``inputs`` is 2-D, of the function's value type (int8, int16, float32 or float64); the
    outputs come back in the same type.
    """
    spec = CHIPS[chip]
    inputs = np.ascontiguousarray(inputs)
    dtype = inputs.dtype
    c_type = C_TYPES.get(dtype)
    if c_type not in spec.c_types:
        raise ValueError(f"{chip} runs functions of {', '.join(spec.c_types)}, not of {dtype}")
    n_inputs, n_outputs = (_macro(source, f"{name.upper()}_{side}") for side in ("INPUTS", "OUTPUTS"))
    if inputs.ndim != 2 or inputs.shape[1] != n_inputs:
        raise ValueError(f"inputs must have {n_inputs} columns ({name.upper()}_INPUTS), got shape {inputs.shape}")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "chip_data.h").write_text(_data_header(name, c_type, n_inputs, n_outputs, inputs))
    (folder / "network.c").write_text(source)
    harness = [_compile(spec, HARNESS / file, folder, timeout) for file in spec.sources]
    network = _compile(spec, folder / "network.c", folder, timeout, strict=True)
    stub = _compile(spec, HARNESS / "stub.c", folder, timeout)
    program = _link(spec, [*harness, network], folder / "network.elf", timeout)
    empty = _link(spec, [*harness, stub], folder / "empty.elf", timeout)
    text, data, bss = _sizes(spec, program, timeout)
    empty_text, empty_data, empty_bss = _sizes(spec, empty, timeout)
    output = _simulate(spec, program, timeout)
    cycles, stack, outputs = _read_output(output, dtype, n_outputs, len(inputs))
    return ChipRun(
        chip=chip,
        unit=spec.unit,
        outputs=outputs,
        cycles=cycles,
        flash=(text + data) - (empty_text + empty_data),
        static_ram=(data + bss) - (empty_data + empty_bss),
        stack=stack,
    )


def _macro(source: str, macro: str) -> int:
    found = re.search(rf"^#define {macro} (\d+)$", source, re.M)
    if found is None:
        raise ValueError(f"the source defines no {macro}")
    return int(found.group(1))


def _data_header(name: str, c_type: str, n_inputs: int, n_outputs: int, inputs: np.ndarray) -> str:
    data = inputs.astype(inputs.dtype.newbyteorder("<")).tobytes()  # both chips are little-endian
    lines = [", ".join(f"0x{byte:02x}" for byte in data[i : i + 16]) for i in range(0, len(data), 16)]
    return "\n".join(
        [
            "/* Written by tests/chip_support.py: the function to run and its inputs. */",
            f"typedef {c_type} chip_value;",
            f"#define CHIP_NETWORK {name}",
            f"#define CHIP_INPUTS {n_inputs}",
            f"#define CHIP_OUTPUTS {n_outputs}",
            f"#define CHIP_ROWS {len(inputs)}",
            "__attribute__((unused)) static const uint8_t chip_inputs[] CHIP_FLASH = {",
            ",\n".join(f"    {line}" for line in lines),
            "};",
            "",
        ]
    )


def _run(command: list[str], timeout: float, what: str) -> subprocess.CompletedProcess:
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as error:
        raise ChipError(f"{what} did not finish in {timeout} s: {' '.join(command)}\n{error.stderr or ''}") from None
    if result.returncode != 0:
        raise ChipError(f"{what} failed ({result.returncode}): {' '.join(command)}\n{result.stdout}{result.stderr}")
    return result


def _compile(spec: Chip, source: Path, folder: Path, timeout: float, strict: bool = False) -> Path:
    target = folder / f"{source.stem}.o"
    flags = STRICT_FLAGS if strict else ["-std=gnu99", "-Wall", "-Wextra", "-Werror"]
    include = ["-I", str(HARNESS), "-I", str(folder)]
    _run([spec.compiler, *spec.flags, *flags, *include, "-c", str(source), "-o", str(target)], timeout, "compiling")
    return target


def _link(spec: Chip, objects: list[Path], target: Path, timeout: float) -> Path:
    command = [spec.compiler, *spec.flags, *spec.link_flags, *map(str, objects), "-o", str(target), "-lm"]
    _run(command, timeout, "linking")
    return target


def _sizes(spec: Chip, program: Path, timeout: float) -> tuple[int, int, int]:
    """``text``, ``data`` and ``bss`` of the program, from the size tool's Berkeley format."""
    lines = _run([spec.size_tool, str(program)], timeout, "measuring").stdout.splitlines()
    text, data, bss = (int(word) for word in lines[1].split()[:3])
    return text, data, bss


_COLOUR = re.compile(r"\x1b\[[0-9;]*m")


def _simulate(spec: Chip, program: Path, timeout: float) -> list[str]:
    result = _run([*spec.simulator, str(program)], timeout, f"running on {spec.name}")
    # simavr logs what the UART sent a line at a time, its newline shown as '.', in colour; qemu
    # writes the semihosting output to the error stream too
    text = _COLOUR.sub("", result.stdout + result.stderr)
    lines = [line.strip().removesuffix(".") for line in text.splitlines()]
    lines = [line for line in lines if re.fullmatch(r"[KZSLRVEF] ?[0-9a-f ]*|F fault", line)]
    if "E" not in lines:
        raise ChipError(f"{spec.name}: the program did not finish its run:\n{result.stdout}{result.stderr}")
    return lines


def _read_output(lines: list[str], dtype: np.dtype, n_outputs: int, n_rows: int):
    """The cycles and the outputs of every row, and the stack of the deepest call."""
    constants = [int(word, 16) for word in lines[0].split()[1:]]
    measured = {line[0]: [int(word, 16) for word in line.split()[1:]] for line in lines if line[0] in "ZSL"}
    if lines[0][0] != "K" or sorted(measured) != ["L", "S", "Z"]:
        raise ChipError(f"the harness's output lacks its calibration: {lines[:4]}")
    short_ticks, long_ticks, return_bytes = constants
    empty_ticks, _, empty_stack = measured["Z"]
    if measured["S"][0] - empty_ticks != short_ticks:
        raise ChipError(f"the counter is off: code of {short_ticks} ticks measured {measured['S'][0] - empty_ticks}")
    long_extra, long_overflows = measured["L"][0] - empty_ticks - long_ticks, measured["L"][1]
    if (long_overflows == 0 and long_extra != 0) or (long_overflows and long_extra % long_overflows):
        raise ChipError(f"the counter's overflows are not counted: {long_overflows} overflows, {long_extra} ticks")
    per_overflow = long_extra // long_overflows if long_overflows else 0  # the overflow handler's own cycles
    cycles, stacks, values = [], [], []
    for line in lines:
        words = line.split()
        if words[0] == "R":
            ticks, overflows, stack = (int(word, 16) for word in words[1:])
            cycles.append(ticks - empty_ticks - overflows * per_overflow)
            stacks.append(stack - empty_stack + return_bytes)
            values.append("")
        elif words[0] == "V":
            values[-1] += words[1]
    little = dtype.newbyteorder("<")
    outputs = np.array([np.frombuffer(bytes.fromhex(row), dtype=little) for row in values]).astype(dtype)
    if outputs.shape != (n_rows, n_outputs):
        raise ChipError(f"expected {n_rows} rows of {n_outputs} outputs, the chip gave {outputs.shape}")
    return np.array(cycles), max(stacks), outputs


# ---------------------------------------------------------------- the networks proven on the chips

XOR_INPUTS = [[0, 0], [0, 1], [1, 0], [1, 1]]
XOR_TARGETS = [0, 1, 1, 0]


def xor_network(sizes, dtype="float32"):
    """A network trained on XOR (``[2, 3, 1]`` or ``[2, 10, 10, 1]``) and its four inputs."""
    import nncore

    net = nncore.Network(sizes, seed=0, dtype=dtype)
    net.fit(XOR_INPUTS, XOR_TARGETS, steps=20000, order="random", seed=0)
    return net, np.array(XOR_INPUTS, dtype=float)


def every_activation_network(dtype="float32", n_rows=12):
    """A network with a layer of each activation (softmax last, with cross-entropy) and inputs for it."""
    import nncore
    from nncore._vocabulary import ACTIVATIONS, OUTPUT_ONLY_ACTIVATIONS

    hidden = [name for name in ACTIVATIONS if name not in OUTPUT_ONLY_ACTIVATIONS]
    sizes = [4] + [6] * len(hidden) + [3]
    net = nncore.Network(
        sizes, activation=[*hidden, *OUTPUT_ONLY_ACTIVATIONS], loss="cross_entropy", seed=3, dtype=dtype
    )
    return net, np.random.default_rng(0).uniform(-2.0, 2.0, (n_rows, sizes[0]))


def digits_network(dtype="float32", n_rows=6):
    """A ``[64, 32, 10]`` network trained two epochs on scikit-learn's digits (scaled to [0, 1]), and test rows."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    import nncore

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, _ = train_test_split(X / 16.0, y, test_size=0.25, random_state=0)
    net = nncore.Network([64, 32, 10], seed=0, dtype=dtype)
    net.fit(X_train, np.eye(10)[y_train], epochs=2, seed=0)
    return net, X_test[:n_rows]


NETWORKS = {
    "xor [2, 3, 1]": lambda dtype="float32": xor_network([2, 3, 1], dtype),
    "xor [2, 10, 10, 1]": lambda dtype="float32": xor_network([2, 10, 10, 1], dtype),
    "every activation": every_activation_network,
    "digits [64, 32, 10]": digits_network,
}
"""Name -> a function returning a float network and a batch of its inputs (float64)."""


def table(runs, agreements=None) -> str:
    """A Markdown table of ``(network, bits, ChipRun)``: flash, RAM and cycles per inference, and a last
    column of ``agreements`` (one text a run) if given."""
    heads = ["network", "bits", "chip", "flash (bytes)", "RAM (bytes: static + stack)", "per inference"]
    heads += [] if agreements is None else ["agreement with float"]
    lines = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    for index, (network, bits, run) in enumerate(runs):
        cells = [
            network,
            str(bits),
            run.chip,
            f"{run.flash:,}",
            f"{run.ram:,} ({run.static_ram} + {run.stack})",
            f"{run.cycles_per_inference:,.0f} {run.unit}",
        ]
        cells += [] if agreements is None else [agreements[index]]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
