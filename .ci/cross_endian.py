"""Files written on one machine load and run on another with the same bits, whatever their byte order.

    python .ci/cross_endian.py write DIR    train the networks, write them in every format into DIR
    python .ci/cross_endian.py check DIR    check the files another machine wrote into DIR

``write`` trains a few networks from fixed seeds (the golden digests prove the
training gives the same bits everywhere) and writes each in every format
nncore writes: nncore JSON (``save``), pickle, brain.js, the tutorial's JSON,
FANN ``.net``, ONNX, C and JavaScript sources, plus a FANN ``.data`` file and
``manifest.json`` with the predictions as the hexadecimal of their
little-endian bytes and this machine's byte order.

``check`` trains the same networks here and requires that: every file this
machine would write is the same, byte for byte, as the other machine's; every
file loads (``nncore.load``, ``pickle``, ``from_brainjs``, ``from_fann``,
``read_fann_data``) to a network that predicts the recorded bits; the ONNX
file's initializers hold little-endian bytes equal to the weights (and
onnxruntime, where installed, computes the predictions); the C source,
compiled here, prints the recorded predictions; the JavaScript source, where
Node.js is installed, too. What could not run here (no onnx, no Node.js) is
printed, not hidden. Only the public API is used.
"""

from __future__ import annotations

import contextlib
import json
import pickle
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

import nncore

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import export_support  # compiles and runs the C and JavaScript exports, as the tests do

SAMPLES = 6
# As the exported source asks: no contraction into fused multiply-adds, float expressions in float
# (GCC on s390x evaluates them in double in its ISO C modes, and the source then stops with #error).
C_FLAGS = ("-O2", "-ffp-contract=off", "-fexcess-precision=fast")


def networks():
    """Name -> (trained network, inputs): both dtypes, a softmax classifier, Adam and RPROP states."""
    rng = np.random.default_rng(2024)
    X = rng.uniform(-1, 1, (SAMPLES, 4))
    Y = rng.uniform(0.1, 0.9, (SAMPLES, 2))
    classes = np.eye(3)[[0, 1, 2, 0, 1, 2]]
    made = {}
    net = nncore.Network([4, 5, 2], seed=9)  # the tutorial's kind: sigmoid, SGD
    net.fit(X, Y, epochs=30, seed=10)
    made["tutorial-float64"] = (net, X)
    for dtype in ("float64", "float32"):
        net = nncore.Network([4, 5, 2], activation=["tanh", "sigmoid"], dtype=dtype, seed=1, momentum=0.4)
        net.fit(X, Y, epochs=30, seed=2)
        made[f"sgd-{dtype}"] = (net, X)
        net = nncore.Network([4, 6, 3], activation=["relu", "softmax"], loss="cross_entropy", dtype=dtype, seed=3)
        net.fit(X, classes, epochs=30, seed=4)
        made[f"softmax-{dtype}"] = (net, X)
    net = nncore.Network([4, 3, 2], activation=["leaky_relu", "identity"], optimizer="adam", seed=5)
    net.fit(X, Y, epochs=20, batch_size=2, seed=6)
    made["adam-float64"] = (net, X)
    net = nncore.Network([4, 3, 2], optimizer="rprop", dtype="float32", seed=7)
    net.fit(X, Y, epochs=20, seed=8)
    made["rprop-float32"] = (net, X)
    return made


def little_endian_hex(array):
    array = np.asarray(array)
    return array.astype(array.dtype.newbyteorder("<")).tobytes().hex()


def exports(net):
    """File name suffix -> bytes, for every format this network can be written in."""
    files = {
        "json": (net.to_json() + "\n").encode(),
        "pickle": pickle.dumps(net, protocol=4),
        "c": net.to_c().encode(),
        "js": net.to_javascript().encode(),
    }
    with contextlib.suppress(ValueError):  # the tutorial's networks are sigmoid-only, trained by SGD
        files["tutorial.json"] = json.dumps(net.to_tutorial_json()).encode()
    with contextlib.suppress(ValueError):  # brain.js has no such network (softmax, Adam's state)
        files["brainjs.json"] = json.dumps(net.to_brainjs()).encode()
    with contextlib.suppress(ValueError):  # FANN has no such network
        files["net"] = net.to_fann().encode()
    with contextlib.suppress(ImportError):  # no onnx here: check says what it could not run
        files["onnx"] = net.to_onnx()
    return files


def load_all(folder, name, report=None):
    """Suffix -> the network read back from each file of ``name`` in ``folder`` that can be read.

    With a report, a file that does not load is one of its failures, and the other files are still read.
    """
    loaded = {}
    for suffix in ("pickle", "json", "tutorial.json", "brainjs.json", "net"):
        path = folder / f"{name}.{suffix}"
        if not path.exists():
            continue
        try:
            loaded[suffix] = pickle.loads(path.read_bytes()) if suffix == "pickle" else nncore.load(path)
        except Exception as error:
            if report is None:
                raise
            report.check(False, f"{path.name}: loads here ({type(error).__name__}: {error})")
    return loaded


def write(folder):
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {"byteorder": sys.byteorder, "networks": {}}
    for name, (net, X) in networks().items():
        for suffix, content in exports(net).items():
            (folder / f"{name}.{suffix}").write_bytes(content)
        loaded = {suffix: little_endian_hex(other.predict(X)) for suffix, other in load_all(folder, name).items()}
        manifest["networks"][name] = {
            "loaded": loaded,
            "dtype": net.dtype.name,
            "inputs": X.tolist(),
            "predictions": little_endian_hex(net.predict(X)),
        }
        nncore.write_fann_data(folder / f"{name}.data", X, net.predict(X))
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1))
    print(f"wrote {len(list(folder.iterdir()))} files into {folder} ({sys.byteorder}-endian)")


class Report:
    def __init__(self):
        self.failures = []
        self.passed = 0
        self.not_run = set()

    def check(self, condition, what):
        if condition:
            self.passed += 1
        else:
            self.failures.append(what)
            print(f"FAILED: {what}")


def check_onnx(content, net, X, expected, report, name):
    """The initializers hold the weights and biases as little-endian ``raw_data``; onnxruntime predicts them."""
    try:
        import onnx
    except ImportError:
        report.not_run.add("reading the ONNX files (no onnx here)")
        return
    model = onnx.load_from_string(content)
    little = net.dtype.newbyteorder("<")
    stored = {tensor.name: bytes(tensor.raw_data) for tensor in model.graph.initializer}
    # Matrices are stored as MatMul takes them: inputs by outputs, the transpose of net.weights.
    parameters = [np.asarray(w).T for w in net.weights] + [np.asarray(b) for b in net.biases]
    wanted = [np.ascontiguousarray(values, dtype=little).tobytes() for values in parameters]
    named = [data for name, data in stored.items() if name.startswith(("weights_", "biases_"))]
    report.check(
        all(stored.values()) and sorted(named) == sorted(wanted),
        f"{name}.onnx: the initializers hold the weights and biases as little-endian raw_data",
    )
    try:
        import onnxruntime
    except ImportError:
        report.not_run.add("the ONNX files in onnxruntime (no onnxruntime here)")
        return
    session = onnxruntime.InferenceSession(content, providers=["CPUExecutionProvider"])
    (outputs,) = session.run(None, {"input": X.astype(net.dtype)})
    report.check(np.allclose(outputs, expected, rtol=1e-5, atol=1e-6), f"{name}.onnx: onnxruntime predicts the outputs")


def check(folder):
    manifest = json.loads((folder / "manifest.json").read_text())
    report = Report()
    cc, node = shutil.which("cc"), shutil.which("node")
    c_functions, js_functions = [], []
    for name, (net, X) in networks().items():
        recorded = manifest["networks"][name]
        dtype = np.dtype(recorded["dtype"])
        expected = np.frombuffer(bytes.fromhex(recorded["predictions"]), dtype=dtype.newbyteorder("<")).astype(dtype)
        expected = expected.reshape(len(X), -1)
        report.check(np.array_equal(X, np.array(recorded["inputs"])), f"{name}: the same inputs")
        report.check(
            net.predict(X).tobytes() == expected.tobytes(), f"{name}: trained here, predicts the recorded bits"
        )
        mine = exports(net)
        theirs = {path.name[len(name) + 1 :] for path in folder.glob(f"{name}.*")} - {"data"}
        missing = set(mine) - theirs - {"onnx"}  # onnx may be missing there; then "not run" says so
        report.check(not missing, f"{name}: every format written there ({sorted(missing)} missing)")
        for suffix, content in mine.items():
            if suffix in theirs:
                report.check((folder / f"{name}.{suffix}").read_bytes() == content, f"{name}.{suffix}: the same bytes")
        loaded = load_all(folder, name, report)
        report.check(set(loaded) == set(recorded["loaded"]), f"{name}: the files that loaded there load here")
        for suffix, other in loaded.items():
            outputs = little_endian_hex(other.predict(X))
            report.check(
                outputs == recorded["loaded"].get(suffix), f"{name}.{suffix}: loaded, predicts the bits it did there"
            )
        if "json" in loaded:
            report.check(loaded["json"].to_json() == net.to_json(), f"{name}.json: loaded, holds the same state")
        data_X, data_Y = nncore.read_fann_data(folder / f"{name}.data")
        report.check(np.array_equal(data_X, X) and np.array_equal(data_Y, expected), f"{name}.data: the same values")
        if "onnx" in theirs:
            check_onnx((folder / f"{name}.onnx").read_bytes(), net, X, expected, report, name)
        else:
            report.not_run.add("the ONNX files (none written there)")
        source = (folder / f"{name}.c").read_text()
        c_functions.append(export_support.CFunction(source, "nncore_predict", dtype, X.shape[1], expected.shape[1], X))
        js_source = (folder / f"{name}.js").read_text()
        js_functions.append(export_support.JSFunction(js_source, "nncorePredict", X.tolist()))
    expectations = [(name, np.asarray(net.predict(X))) for name, (net, X) in networks().items()]
    with tempfile.TemporaryDirectory() as work:
        if cc is None:
            report.not_run.add("the C sources (no C compiler here)")
        else:
            for (name, expected), function in zip(expectations, c_functions):
                (outputs,) = export_support.run_c_functions(cc, Path(work), [function], flags=C_FLAGS)
                report.check(outputs.tobytes() == expected.tobytes(), f"{name}.c: compiled here, prints the bits")
        if node is None:
            report.not_run.add("the JavaScript sources (no Node.js here)")
        else:
            for (name, expected), result in zip(
                expectations, export_support.run_js_functions(node, Path(work), js_functions)
            ):
                close = "error" not in result and np.allclose(result["outputs"], expected, rtol=1e-6, atol=1e-7)
                report.check(close, f"{name}.js: run by Node.js, predicts the outputs")
    print(
        f"checked the files of a {manifest['byteorder']}-endian machine on a {sys.byteorder}-endian one: "
        f"{report.passed} checks passed, {len(report.failures)} failed"
    )
    for what in sorted(report.not_run):
        print(f"not run here: {what}")
    return not report.failures


def main(arguments):
    if len(arguments) != 2 or arguments[0] not in ("write", "check"):
        sys.exit(__doc__)
    folder = Path(arguments[1])
    if arguments[0] == "write":
        write(folder)
    elif not check(folder):
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1:])
