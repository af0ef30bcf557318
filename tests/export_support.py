"""Compiling and running the C and JavaScript exports, for the tests that compare them with ``predict``.

``run_c`` compiles any number of exported C functions into one program and
runs each on its own rows; ``run_js`` runs any number of exported JavaScript
functions in one Node process. ``test_source_export.py`` runs one network at a
time through them, ``test_forward_conformance.py`` a whole table at once.
The tools are the ``cc`` and ``node`` fixtures of ``conftest.py``.
"""

import json
import subprocess
from pathlib import Path
from typing import NamedTuple

import numpy as np

STRICT_FLAGS = ["-std=c99", "-Wall", "-Wextra", "-pedantic", "-Werror"]

# Calls one exported function: reads one row of inputs from stdin (any strtod format,
# hexadecimal included) and writes every output as an exact hexadecimal float.
C_CALL = """
static int call_{name}(void)
{
    {T} input[{n_inputs}];
    {T} output[{n_outputs}];
    for (int k = 0; k < {n_inputs}; k++) {
        if (scanf("{SCAN}", &input[k]) != 1) {
            return 1;
        }
    }
    {name}(input, output);
    for (int j = 0; j < {n_outputs}; j++) {
        printf("%a\\n", (double)output[j]);
    }
    return 0;
}
"""

# Each row on stdin starts with the number of the function that takes it.
C_MAIN = """
int main(void)
{
    int which;
    while (scanf("%d", &which) == 1) {
        switch (which) {
{CASES}
        default:
            return 1;
        }
    }
    return 0;
}
"""

# Loads each exported function from its file, runs it on its inputs and prints one result
# per function as JSON (JSON.stringify writes the shortest exact decimal of a double): the
# outputs, or the error the function threw.
JS_DRIVER = """
const fs = require("fs");
const jobs = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const results = jobs.map(({path, name, inputs}) => {
    try {
        const predict = new Function(fs.readFileSync(path, "utf8") + "\\nreturn " + name + ";")();
        return {outputs: inputs.map((input) => predict(input))};
    } catch (error) {
        return {error: String(error && error.stack || error)};
    }
});
process.stdout.write(JSON.stringify(results));
"""


class CFunction(NamedTuple):
    """An exported C function to run: its source (``Network.to_c(name)``), name, dtype, sizes and input rows."""

    source: str
    name: str
    dtype: np.dtype
    n_inputs: int
    n_outputs: int
    rows: np.ndarray


def c_function(net, rows, name="nncore_predict"):
    """``net`` exported as the C function ``name``, to run on ``rows``."""
    return CFunction(net.to_c(name), name, net.dtype, net.sizes[0], net.sizes[-1], np.asarray(rows))


def run_c_functions(cc, folder: Path, functions, flags=("-O2", "-ffp-contract=off"), std=True):
    """Compile ``functions`` (CFunction) into one program, run each on its rows; return their outputs, in order.

    The exported sources go into one file one after another (each guards its
    shared helpers), with a ``main`` that hands each row to its function.
    """
    parts, cases = [], []
    for number, function in enumerate(functions):
        c_type, scan = ("float", "%f") if function.dtype == np.float32 else ("double", "%lf")
        call = C_CALL.replace("{T}", c_type).replace("{SCAN}", scan).replace("{name}", function.name)
        call = call.replace("{n_inputs}", str(function.n_inputs)).replace("{n_outputs}", str(function.n_outputs))
        parts += [function.source, call]
        cases.append(
            f"        case {number}:\n            if (call_{function.name}()) {{\n"
            f"                return 1;\n            }}\n            break;"
        )
    source = "#include <stdio.h>\n" + "".join(parts) + C_MAIN.replace("{CASES}", "\n".join(cases))
    path = folder / "exported.c"
    path.write_text(source)
    program = folder / "exported"
    warnings = STRICT_FLAGS if std else STRICT_FLAGS[1:]
    compiled = subprocess.run(
        [cc, *warnings, *flags, "-o", str(program), str(path), "-lm"], capture_output=True, text=True, check=False
    )
    assert compiled.returncode == 0, compiled.stderr
    text = "".join(
        f"{number} " + " ".join(float.hex(float(value)) for value in row) + "\n"
        for number, function in enumerate(functions)
        for row in function.rows
    )
    ran = subprocess.run([str(program)], input=text, capture_output=True, text=True, check=False, timeout=120)
    assert ran.returncode == 0, f"the compiled program failed ({ran.returncode}): {ran.stderr}"
    values = iter(float.fromhex(value) for value in ran.stdout.split())
    results = []
    for function in functions:
        count = len(function.rows) * function.n_outputs
        outputs = np.array([next(values) for _ in range(count)])
        results.append(outputs.reshape(len(function.rows), function.n_outputs).astype(function.dtype))
    return results


def run_c(cc, folder: Path, net, rows, flags=("-O2", "-ffp-contract=off"), name="nncore_predict", std=True):
    """``net`` exported as C, compiled with ``flags`` and run on ``rows``: its outputs, of ``net``'s dtype."""
    return run_c_functions(cc, folder, [c_function(net, rows, name)], flags, std)[0]


class JSFunction(NamedTuple):
    """An exported JavaScript function to run: its source (``Network.to_javascript(name)``), name and inputs."""

    source: str
    name: str
    inputs: list


def run_js_functions(node, folder: Path, functions):
    """Run each JSFunction on its inputs in one Node process; return, in order, each one's outputs
    (as parsed from JSON) or ``{"error": text}`` for one that threw."""
    jobs = []
    for number, function in enumerate(functions):
        path = folder / f"predict_{number}.js"
        path.write_text(function.source)
        jobs.append({"path": str(path), "name": function.name, "inputs": function.inputs})
    (folder / "jobs.json").write_text(json.dumps(jobs))
    ran = subprocess.run(
        [node, "-e", JS_DRIVER, str(folder / "jobs.json")], capture_output=True, text=True, check=False, timeout=120
    )
    assert ran.returncode == 0, ran.stderr
    return json.loads(ran.stdout)


def run_js(node, folder: Path, net, inputs, name="nncorePredict"):
    """``net`` exported as JavaScript and run by Node on ``inputs`` (a list of arrays or objects)."""
    (result,) = run_js_functions(node, folder, [JSFunction(net.to_javascript(name), name, inputs)])
    assert "error" not in result, result.get("error")
    return result["outputs"]
