"""FANN's fixed-point networks (``FANN_FIX_2.0``) as ``nncore.FixedNetwork``, checked against libfixedfann both ways.

tests/fann_fixed_bridge.c, built against Debian's libfann-dev, makes networks with the float
build's ``fann_save_to_fixed`` and runs ``.net`` files in the fixed-point build (libfixedfann):
a file FANN wrote, read by ``FixedNetwork.from_fann``, must give ``fann_run``'s integers from
``predict_raw``, and a FixedNetwork written by ``to_fann`` must run in libfixedfann with the
same integers again. Its C (``to_c``) runs on the simulated chips too.
"""

import pickle
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from chip_support import missing_tools, run_on_chip

import nncore

pytestmark = pytest.mark.needs_libfann

BRIDGE_SOURCE = Path(__file__).parent / "fann_fixed_bridge.c"

# FANN's activation codes (fann_data.h)
LINEAR, THRESHOLD, THRESHOLD_SYMMETRIC, SIGMOID, SIGMOID_STEPWISE = range(5)
SIGMOID_SYMMETRIC, SIGMOID_SYMMETRIC_STEPWISE, GAUSSIAN = range(5, 8)

NETWORKS = {
    # name: (hidden code, output code, hidden steepness, output steepness, weight range, sizes)
    "sigmoid": (SIGMOID, SIGMOID, 0.5, 0.5, 2.0, [3, 6, 5, 2]),
    "sigmoid stepwise": (SIGMOID_STEPWISE, SIGMOID_STEPWISE, 0.5, 0.5, 2.0, [2, 3, 1]),
    "symmetric": (SIGMOID_SYMMETRIC, SIGMOID_SYMMETRIC_STEPWISE, 1.0, 1.0, 4.0, [4, 8, 3]),
    "symmetric to linear": (SIGMOID_SYMMETRIC, LINEAR, 0.7, 1.0, 0.2, [4, 8, 8, 3]),  # sums within 16 bits
    "steep and shallow": (SIGMOID, SIGMOID_SYMMETRIC, 0.25, 0.9, 8.0, [4, 8, 8, 3]),
    "small steepness": (SIGMOID, SIGMOID_SYMMETRIC, 0.1, 0.3, 2.0, [4, 8, 3]),
    "thresholds": (THRESHOLD, THRESHOLD_SYMMETRIC, 0.5, 0.5, 1.0, [4, 8, 8, 3]),
}


@pytest.fixture(scope="module")
def bridges(tmp_path_factory):
    """The bridge built against the float build (makes networks) and the fixed-point build (runs them)."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("no C compiler (cc) to build the libfann bridge")
    folder = tmp_path_factory.mktemp("fann_fixed")
    programs = {}
    for kind, flags in (("float", ["-lfloatfann"]), ("fixed", ["-DBRIDGE_FIXED", "-lfixedfann"])):
        program = folder / f"fann_{kind}_bridge"
        command = [compiler, "-O1", "-o", str(program), str(BRIDGE_SOURCE), *flags, "-lm"]
        built = subprocess.run(command, capture_output=True, text=True)
        missing = "No such file" in built.stderr or "cannot find" in built.stderr
        if built.returncode != 0 and "fann" in built.stderr and missing:
            pytest.skip("libfann is not installed (apt-get install libfann-dev)")
        assert built.returncode == 0, built.stderr
        programs[kind] = program
    return programs


def make(bridges, path, name, seed=0):
    hidden, output, steepness_hidden, steepness_output, weight_range, sizes = NETWORKS[name]
    arguments = [hidden, output, steepness_hidden, steepness_output, weight_range, *sizes]
    done = subprocess.run(
        [bridges["float"], "make", path, str(seed), *map(str, arguments)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return path


def fann_run(bridges, path, rows):
    """libfixedfann's fann_run of every row (integers)."""
    text = "\n".join(" ".join(map(str, row)) for row in np.asarray(rows).tolist()) + "\n"
    done = subprocess.run([bridges["fixed"], "run", path], input=text, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return np.array([[int(word) for word in line.split()[1:]] for line in done.stdout.splitlines() if line[:2] == "R "])


def inputs_for(fixed, n_rows=300, seed=0):
    """Integer inputs over FANN's range, -1 to 1 (and a little beyond, where FANN only warns)."""
    one = 2**fixed.input_frac_bits
    shape = (n_rows, fixed.sizes[0])
    return np.random.default_rng(seed).integers(-one - one // 8, one + one // 8, shape, endpoint=True)


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_a_fann_fix_file_read_gives_libfixedfanns_outputs_bit_for_bit(bridges, tmp_path, name):
    path = make(bridges, tmp_path / "fann.net", name)
    fixed = nncore.FixedNetwork.from_fann(path)
    assert fixed.bits == 16 and fixed.sizes == tuple(NETWORKS[name][-1])
    rows = inputs_for(fixed)
    assert np.array_equal(fixed.predict_raw(rows.astype(np.int16)), fann_run(bridges, path, rows))
    assert nncore.FixedNetwork.from_fann(Path(path).read_text()).to_dict() == fixed.to_dict()  # text too


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_a_fixed_network_written_as_fann_fix_runs_the_same_in_libfixedfann(bridges, tmp_path, name):
    # weights of nncore's own choosing, in FANN's forms: libfixedfann reads the file and computes predict_raw
    fixed = nncore.FixedNetwork.from_fann(make(bridges, tmp_path / "fann.net", name))
    data = fixed.to_dict()
    rng = np.random.default_rng(1)
    for layer in data["layers"]:
        # a fann_linear layer's sums must stay within 16 bits, where libfixedfann's int does not saturate
        largest = 2000 if layer["activation"] == "fann_linear" else 20000
        layer["weights"] = rng.integers(-largest, largest, np.shape(layer["weights"])).tolist()
        layer["biases"] = rng.integers(-largest, largest, len(layer["biases"])).tolist()
    ours = nncore.FixedNetwork.from_dict(data)
    written = tmp_path / "written.net"
    written.write_text(ours.to_fann())
    rows = inputs_for(ours, seed=2)
    assert np.array_equal(fann_run(bridges, written, rows), ours.predict_raw(rows.astype(np.int16)))
    assert nncore.FixedNetwork.from_fann(written).to_dict() == ours.to_dict()


def test_a_fann_fixed_network_keeps_its_form_through_a_dictionary_and_a_pickle(bridges, tmp_path):
    fixed = nncore.FixedNetwork.from_fann(make(bridges, tmp_path / "fann.net", "symmetric to linear"))
    rows = inputs_for(fixed, 50).astype(np.int16)
    for copy in (nncore.FixedNetwork.from_dict(fixed.to_dict()), pickle.loads(pickle.dumps(fixed))):
        assert copy.activations == fixed.activations and np.array_equal(copy.predict_raw(rows), fixed.predict_raw(rows))
    assert fixed.activations == ("fann_sigmoid_symmetric", "fann_sigmoid_symmetric", "fann_linear")
    assert fixed.to_fann() == nncore.FixedNetwork.from_fann(fixed.to_fann()).to_fann()


@pytest.mark.needs_simulators
@pytest.mark.parametrize("name", ["steep and shallow", "symmetric to linear", "thresholds"])
@pytest.mark.parametrize("chip", ["atmega328p", "cortex-m3"])
def test_a_fann_fixed_network_runs_on_the_chips_as_in_libfixedfann(bridges, tmp_path, chip, name):
    missing = missing_tools(chip)
    if missing:
        pytest.skip(f"running C on the simulated {chip} needs {', '.join(missing)}, not found on PATH")
    path = make(bridges, tmp_path / "fann.net", name)
    fixed = nncore.FixedNetwork.from_fann(path)
    rows = inputs_for(fixed, 12)
    run = run_on_chip(chip, fixed.to_c("net"), "net", rows.astype(np.int16), tmp_path / chip)
    assert np.array_equal(run.outputs, fann_run(bridges, path, rows))


def first_weight(text, value):
    return re.sub(r"(connections \(connected_to_neuron, weight\)=\(0, )-?\d+", rf"\g<1>{value}", text, count=1)


def replace_line(text, key, value):
    return "\n".join(f"{key}={value}" if line.startswith(f"{key}=") else line for line in text.splitlines()) + "\n"


def test_what_libfixedfann_files_nncore_cannot_hold_is_refused_saying_why(bridges, tmp_path):
    text = make(bridges, tmp_path / "fann.net", "sigmoid").read_text()
    with pytest.raises(ValueError, match="decimal_point=14"):
        nncore.FixedNetwork.from_fann(replace_line(text, "decimal_point", "15"))
    with pytest.raises(ValueError, match="16-bit integers"):
        nncore.FixedNetwork.from_fann(first_weight(text, "40000"))
    gaussian = text.replace(f", {SIGMOID}, ", f", {GAUSSIAN}, ")
    with pytest.raises(ValueError, match=r"FANN_GAUSSIAN.*libfixedfann does not run"):
        nncore.FixedNetwork.from_fann(gaussian)
    with pytest.raises(ValueError, match=r"expected 'FANN_FIX_2\.0'"):
        nncore.FixedNetwork.from_fann(text.replace("FANN_FIX_2.0", "FANN_FLO_2.1"))
    with pytest.raises(ValueError, match=r"FixedNetwork\.from_fann"):
        nncore.Network.from_fann(text)
    with pytest.raises(ValueError, match="weights are integers"):
        nncore.FixedNetwork.from_fann(first_weight(text, "0.5"))
    sigmoid = f", {SIGMOID}, "
    first_neuron = text.index(sigmoid, text.index("neurons ("))  # layer 1's first neuron
    stepwise = f", {SIGMOID_STEPWISE}, "
    with pytest.raises(ValueError, match="layer 1 mixes activations"):
        nncore.FixedNetwork.from_fann(text[:first_neuron] + stepwise + text[first_neuron + len(sigmoid) :])
    half = 2 ** int(text.split("decimal_point=")[1].split()[0]) // 2  # every layer's steepness, 0.5
    with pytest.raises(ValueError, match="so small that FANN's stepwise sigmoid leaves the int32 range"):
        nncore.FixedNetwork.from_fann(text.replace(f"{sigmoid}{half})", f"{sigmoid}1)"))
    with pytest.raises(ValueError, match="steepness must be above 0"):
        nncore.FixedNetwork.from_fann(text.replace(f"{sigmoid}{half})", f"{sigmoid}0)"))


def test_only_a_network_in_fanns_forms_is_written_as_a_fann_file(bridges, tmp_path):
    net = nncore.Network([2, 3, 1], seed=0)
    with pytest.raises(ValueError, match="not one of FANN's fixed-point forms"):
        net.to_fixed(bits=16).to_fann()
    data = nncore.FixedNetwork.from_fann(make(bridges, tmp_path / "fann.net", "sigmoid")).to_dict()
    data["layers"][0]["weight_frac_bits"] -= 1
    with pytest.raises(ValueError, match="one binary point"):
        nncore.FixedNetwork.from_dict(data)
    data["layers"][0]["weight_frac_bits"] += 1
    data["layers"][1]["parameters"]["steepness"] = 0
    with pytest.raises(ValueError, match="steepness must be above 0"):
        nncore.FixedNetwork.from_dict(data)
    data["layers"][1]["parameters"] = {"steepness": 4096, "code": LINEAR}
    with pytest.raises(ValueError, match="code of 'fann_sigmoid' must be one of"):
        nncore.FixedNetwork.from_dict(data)
    data["layers"][1]["parameters"] = {"steepness": 4096.0, "code": SIGMOID}
    with pytest.raises(ValueError, match="steepness must be an integer"):
        nncore.FixedNetwork.from_dict(data)
