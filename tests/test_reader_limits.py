"""What reading a file may cost: memory in proportion to its size, time linear in it, and ASCII numbers only.

Each hostile file is read in a child process (``fuzz_support.py measure``),
which caps its address space at 4 GiB and reports how much its peak resident
memory (``ru_maxrss``) grew over the read, after reading a valid file of every
format once. The growth must stay within ``fuzz_support.memory_bound`` of
the file's size: 50 bytes per byte plus a constant.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import nncore
from nncore import _csvdata, _fann

SUPPORT = Path(__file__).resolve().parent / "fuzz_support.py"
_SPEC = importlib.util.spec_from_file_location("nncore_fuzz_support", SUPPORT)  # as test_fuzz.py loads it
if _SPEC.name not in sys.modules:
    sys.modules[_SPEC.name] = importlib.util.module_from_spec(_SPEC)
    _SPEC.loader.exec_module(sys.modules[_SPEC.name])
fz = sys.modules[_SPEC.name]

fann_text, unconnected_net = fz.fann_net_text, fz.unconnected_fann_net
HOSTILE_FILES = fz.crafted_files()


def measure(tmp_path, reader: str, text: str) -> tuple[int, int]:
    """The growth of a child's peak memory reading ``text`` with ``reader``, and the bound for its size."""
    path = tmp_path / f"hostile.{reader}"
    path.write_text(text)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(entry for entry in sys.path if entry))
    try:
        child = subprocess.run(
            [sys.executable, str(SUPPORT), "measure", reader, str(path)],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=SUPPORT.parent,
            env=env,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"reading {path} took more than 300 s")
    assert child.returncode == 0, f"{child.stdout[-5000:]}\n{child.stderr[-5000:]}"
    grew, bound = child.stdout.split()[-3::2]
    return int(grew), int(bound)


@pytest.mark.skipif(sys.platform in ("emscripten", "win32"), reason="needs processes and the resource module")
@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_a_hostile_file_costs_memory_in_proportion_to_its_size(tmp_path, name):
    reader, text = HOSTILE_FILES[name]
    grew, bound = measure(tmp_path, reader, text)
    assert grew <= bound or not fz.MEASURES_MEMORY, (
        f"{name}: the peak memory grew by {grew >> 20} MiB, more than {bound >> 20} MiB"
    )


# ---------------------------------------------------------------- FANN networks


def test_a_neuron_without_its_connections_is_refused_before_anything_is_allocated():
    with pytest.raises(
        ValueError,
        match=r"neuron 3 \(layer 1\) has 0 inputs, expected 3 "
        r"\(one from each neuron of layer 0, its bias neuron included\)",
    ):
        nncore.Network.from_fann(unconnected_net(2))


@pytest.mark.parametrize(
    ("neurons", "message"),
    [
        (
            "(0, 0, 0) (1, 0, 0) (0, 0, 0) (3, 3, 0.5) (0, 3, 0.5)",
            r"neuron 1 \(an input neuron\) has 1 inputs, expected 0",
        ),
        (
            "(0, 0, 0) (0, 0, 0) (0, 0, 0) (3, 3, 0.5) (3, 3, 0.5)",
            r"neuron 4 \(the bias neuron of layer 1\) has 3 inputs, expected 0",
        ),
        ("(0, 0, 0) (0, 0, 0) (0, 0, 0) (4, 3, 0.5) (0, 3, 0.5)", r"neuron 3 \(layer 1\) has 4 inputs, expected 3"),
    ],
)
def test_every_neuron_must_have_the_inputs_of_a_fully_connected_layer(neurons, message):
    with pytest.raises(ValueError, match=message):
        nncore.Network.from_fann(fann_text(**{_fann.NEURONS_KEY: neurons}))


def test_a_connection_from_a_neuron_that_does_not_exist_is_refused():
    connections = "(0, 1.0) (1, 2.0) (10000000000000000000000000, 3.0) "
    with pytest.raises(
        ValueError,
        match=r"connection 2 comes from neuron 10000000000000000000000000, but the "
        r"network has 5 neurons",
    ):
        nncore.Network.from_fann(fann_text(**{_fann.CONNECTIONS_KEY: connections}))


def test_more_connections_than_the_neurons_announce_are_refused():
    connections = "(0, 1.0) (1, 2.0) (2, 3.0) (0, 4.0) "
    with pytest.raises(ValueError, match=r"expected 3 groups of 2 numbers, got more"):
        nncore.Network.from_fann(fann_text(**{_fann.CONNECTIONS_KEY: connections}))


def test_connections_in_another_order_are_read_by_their_source():
    net = nncore.Network.from_fann(fann_text(**{_fann.CONNECTIONS_KEY: "(2, 3.0) (1, 2.0) (0, 1.0) "}))
    np.testing.assert_array_equal(net.weights[0], [[1.0, 2.0]])
    np.testing.assert_array_equal(net.biases[0], [3.0])


# ---------------------------------------------------------------- FANN training data


def test_a_data_header_announcing_more_than_the_file_holds_names_the_line(tmp_path):
    # Allocating first asked for 22 GiB: a MemoryError where memory is capped (the child of the test above).
    path = tmp_path / "huge.data"
    path.write_text("1 3000000000 1\n1\n1\n")
    with pytest.raises(ValueError, match=f"^{path}: line 2: expected 3000000000 inputs, got 1 numbers$"):
        nncore.read_fann_data(path)


@pytest.mark.parametrize("header", ["0 100000000000000 100000000000000", "0 1 68719476737"])
def test_no_pairs_of_more_inputs_or_outputs_than_a_network_has(tmp_path, header):
    path = tmp_path / "empty.data"
    path.write_text(header + "\n")
    with pytest.raises(ValueError, match=f"^{path}: line 1 announces .* a network has at most 2\\*\\*36 of each"):
        nncore.read_fann_data(path)


def test_no_pairs_of_a_size_a_network_can_have_is_an_empty_data_set(tmp_path):
    path = tmp_path / "empty.data"
    path.write_text("0 2 1\n")
    X, Y = nncore.read_fann_data(path)
    assert X.shape == (0, 2) and Y.shape == (0, 1)


# ---------------------------------------------------------------- ASCII digits only

UNICODE_DIGITS = ["\u0663", "\uff11", "\u00b2", "\u09ea", "1\u0663"]  # Arabic-Indic 3, fullwidth 1, ², Bengali 4


@pytest.mark.parametrize("digit", UNICODE_DIGITS)
def test_numbers_are_ascii_digits_only(digit):
    assert _csvdata.parse_number(digit) is None
    assert _csvdata.parse_number(f"0.{digit}") is None
    assert _csvdata.parse_whole_number(digit) is None


@pytest.mark.parametrize("digit", UNICODE_DIGITS)
def test_a_csv_cell_in_other_digits_is_not_a_number(tmp_path, digit):
    path = tmp_path / "data.csv"
    path.write_text(f"x,y\n1,{digit}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=f"^{path}, line 2, column 'y': '{digit}' is not a number$"):
        _csvdata.read_table(path).columns(["x", "y"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1 1 1\u00b2\n1\n1\n", r"line 1: expected 'num_pairs num_inputs num_outputs' \(integers in ASCII digits"),
        ("\u0661 1 1\n1\n1\n", r"line 1: expected 'num_pairs num_inputs num_outputs'"),
        ("1 1 1\n\u0663\n1\n", "line 2: '\u0663' is not a finite number"),
        ("1 1 1\n1\n\uff11\n", "line 3: '\uff11' is not a finite number"),
        ("1 1 " + "9" * 5000 + "\n1\n1\n", r"line 1: expected 'num_pairs num_inputs num_outputs'"),
    ],
)
def test_a_fann_data_file_in_other_digits_is_refused_naming_the_line(tmp_path, text, message):
    path = tmp_path / "bad.data"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=f"^{path}: {message}"):
        nncore.read_fann_data(path)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"num_layers": "\u0662"}, r"field 'num_layers': expected an integer >= 2"),
        ({"layer_sizes": "3 \u0662 "}, r"field 'layer_sizes': expected integers"),
        (
            {_fann.NEURONS_KEY: "(0, 0, 0) (0, 0, 0) (0, 0, 0) (\u0663, 3, 0.5) (0, 3, 0.5)"},
            r"neuron 3: expected \(integer, integer, number\)",
        ),
        (
            {_fann.CONNECTIONS_KEY: "(0, 1.0) (\uff11, 2.0) (2, 3.0) "},
            r"connection 1: expected \(neuron, finite number\)",
        ),
        (
            {_fann.CONNECTIONS_KEY: "(0, 1.0) (1, \u0662.0) (2, 3.0) "},
            r"connection 1: expected \(neuron, finite number\)",
        ),
        ({"learning_rate": "0.\u0663"}, r"field 'learning_rate': expected a number"),
        ({"num_layers": "9" * 5000}, r"field 'num_layers': expected an integer >= 2"),
    ],
)
def test_a_fann_network_in_other_digits_is_refused_naming_the_field(fields, message):
    with pytest.raises(ValueError, match=message):
        nncore.Network.from_fann(fann_text(**fields))


# ---------------------------------------------------------------- numbers beyond a double


@pytest.mark.parametrize("cell", ["1" * 5000, "-" + "9" * 400, "1e999", "-2e308"])
def test_a_csv_number_beyond_a_double_is_too_large(tmp_path, cell):
    path = tmp_path / "data.csv"
    path.write_text(f"x,y\n1,{cell}\n")
    with pytest.raises(
        ValueError,
        match=f"^{path}, line 2, column 'y': '{cell[:40]}' is too large "
        r"\(more than 1.7976931348623157e\+308, the largest double\)$",
    ):
        _csvdata.read_table(path).columns(["x", "y"])


def test_a_csv_cell_that_is_not_a_number_or_empty_says_so(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("x,y,z\n1,abc, \n")
    table = _csvdata.read_table(path)
    with pytest.raises(ValueError, match=r"column 'y': 'abc' is not a number$"):
        table.columns(["y"])
    with pytest.raises(ValueError, match=r"column 'z': ' ' is not a number \(the cell is empty\)$"):
        table.columns(["z"])


# ---------------------------------------------------------------- linear time


class CountedName(str):
    """A column name that counts how often it is compared for equality (``strip`` keeps the class)."""

    comparisons = 0

    def __eq__(self, other):
        CountedName.comparisons += 1
        return str.__eq__(self, other)

    __hash__ = str.__hash__

    def strip(self, *args):
        return CountedName(str.strip(self, *args))


@pytest.fixture
def counted_csv(monkeypatch):
    """``csv.reader`` as ``_csvdata`` uses it, handing out :class:`CountedName` cells."""
    reader = _csvdata.csv.reader

    class Counting:
        def __init__(self, *args, **kwargs):
            self.inner = reader(*args, **kwargs)

        @property
        def line_num(self):
            return self.inner.line_num

        def __iter__(self):
            return self

        def __next__(self):
            return [CountedName(cell) for cell in next(self.inner)]

    monkeypatch.setattr(_csvdata.csv, "reader", Counting)
    CountedName.comparisons = 0
    return CountedName


def test_a_wide_header_is_checked_comparing_each_name_a_bounded_number_of_times(tmp_path, counted_csv):
    # Checking for repeated names by scanning the names before each one compared n**2 / 2 pairs for n
    # columns (40,000 columns took 23 s); a set compares a name only with the rare ones of the same hash.
    columns = 5_000
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(columns)) + "\n" + "1," * (columns - 1) + "1\n")
    table = _csvdata.read_table(path)
    assert len(table.names) == columns
    assert counted_csv.comparisons <= columns
    counted_csv.comparisons = 0
    wanted = [CountedName(name) for name in reversed(table.names)]
    assert table.columns(wanted).shape == (1, columns)
    assert counted_csv.comparisons <= 2 * columns


def test_a_repeated_name_in_a_wide_header_is_still_found(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(10_000)) + ",c5000\n" + "1," * 10_000 + "1\n")
    with pytest.raises(ValueError, match=r"line 1: the header names column 'c5000' twice"):
        _csvdata.read_table(path)
