"""Threads, processes and interpreters around fit and fit_many: no deadlock, no hang, clear refusals.

Every scenario that could hang runs in a child process with a timeout, so a
deadlock fails its test instead of the whole run.
"""

import importlib.util
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import nncore

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_Y = np.array([0, 1, 1, 0], dtype=float)

CHILD_TIMEOUT = 240

pytestmark = pytest.mark.skipif(sys.platform == "emscripten", reason="WebAssembly builds cannot start processes")


def run_child(script, timeout=CHILD_TIMEOUT):
    """Run ``script`` in a fresh interpreter; its standard output, or a failure naming the hang or the error."""
    # The child imports nncore from where this process did (an installed wheel or a source tree). It runs
    # in the tests' folder: `python -c` puts its working folder first on sys.path, and from a clone's root
    # that would be the unbuilt sources.
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path for path in sys.path if path))
    try:
        child = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(script)],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            cwd=os.path.dirname(os.path.abspath(__file__)),
        )
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"the child hung for {timeout} s\nstdout:\n{error.stdout}\nstderr:\n{error.stderr}")
    assert child.returncode == 0, f"the child ended with code {child.returncode}\n{child.stdout}\n{child.stderr}"
    return child.stdout


# ---------------------------------------------------------------- fit_many from several threads


def test_two_fit_many_calls_on_one_population_in_opposite_orders_both_finish():
    out = run_child("""
        import os, sys, threading
        import numpy as np
        import nncore
        sys.setswitchinterval(1e-6)  # switch threads as often as possible
        X, Y = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float), np.array([0, 1, 1, 0], dtype=float)
        nets = [nncore.Network([2, 2, 1], seed=i) for i in range(400)]
        for attempt in range(50):
            barrier = threading.Barrier(2)
            def call(order):
                barrier.wait()
                nncore.fit_many(order, X, Y, steps=1, seeds=range(len(order)), threads=1)
            calls = [threading.Thread(target=call, args=(order,), daemon=True) for order in (nets, nets[::-1])]
            for thread in calls:
                thread.start()
            for thread in calls:
                thread.join(20)
            if any(thread.is_alive() for thread in calls):
                print(f"deadlock at attempt {attempt}", flush=True)
                os._exit(1)
        print(sorted({net.iterations for net in nets}))
    """)
    assert out.split("\n")[0] == "[100]"  # every network took its step of each of the 100 calls


def test_the_same_network_twice_in_one_call_stays_refused():
    net = nncore.Network([2, 2, 1], seed=0)
    with pytest.raises(ValueError, match=r"networks\[1\] is the same network as networks\[0\]"):
        nncore.fit_many([net, net], XOR_X, XOR_Y, steps=1)
    assert net.iterations == 0


# ---------------------------------------------------------------- on a Dask cluster


@pytest.mark.parametrize("client", [object(), 5, "tcp://127.0.0.1:8786", True, False])
def test_a_bad_client_is_refused_before_any_network_changes(client):
    pytest.importorskip("distributed")
    population = [nncore.Network([2, 3, 1], seed=i) for i in range(2)]
    before = [net.to_dict() for net in population]
    with pytest.raises(TypeError, match=r"client must be a dask.distributed.Client, got "):
        nncore.fit_many(population, XOR_X, XOR_Y, epochs=5, client=client)
    assert [net.to_dict() for net in population] == before


@pytest.mark.parametrize("workers", ["none", "busy"])
def test_on_a_cluster_without_a_free_worker_the_timeout_holds(workers):
    pytest.importorskip("distributed")
    out = run_child(f"""
        import time
        import distributed
        import numpy as np
        import nncore
        X, Y = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float), np.array([0, 1, 1, 0], dtype=float)
        busy = {workers == "busy"}
        cluster = distributed.LocalCluster(n_workers=1 if busy else 0, threads_per_worker=1, processes=True,
                                           host="127.0.0.1", dashboard_address=None)
        client = distributed.Client(cluster)
        if busy:
            blocker = client.submit(time.sleep, 600, pure=False)
            while not any(client.processing().values()):  # the worker's one thread is taken
                time.sleep(0.05)
        nets = [nncore.Network([2, 3, 1], seed=i) for i in range(3)]
        before = [net.to_dict() for net in nets]
        results = nncore.fit_many(nets, X, Y, epochs=10, seeds=[1, 2, 3], timeout=0.5, client=client)
        print([result.stop_reason for result in results], [result.steps for result in results],
              [net.to_dict() for net in nets] == before)
        client.close()
        cluster.close()  # stops the busy worker's process
    """)
    assert out.split("\n")[0] == "['timeout', 'timeout', 'timeout'] [0, 0, 0] True"


# ---------------------------------------------------------------- fork


FORK_DURING_FIT = """
    import os, sys, threading, time
    import numpy as np
    import nncore
    X = np.random.default_rng(0).random((200, 20))
    Y = np.random.default_rng(1).random((200, 1))
    net = nncore.Network([20, 32, 32, 1], seed=0)
    inside_fit = threading.Event()

    def fork_here(progress):
        inside_fit.set()
        if FROM_CALLBACK and progress.epoch == 2:
            fork_and_use()

    def fork_and_use():
        pid = os.fork()
        if pid == 0:  # the child: every network answers, and trains
            try:
                net.learning_rate = 0.25
                net.train(X[0], Y[0])
                steps = net.fit(X, Y, steps=7, seed=1).steps
                other = nncore.Network([20, 2, 1], seed=1)
                nncore.fit_many([net, other], X, Y, steps=5, seeds=[1, 2])
                print("child", steps, net.learning_rate, np.isfinite(net.predict(X)).all(), flush=True)
                os._exit(0)
            except BaseException as error:
                print("child failed:", repr(error), flush=True)
                os._exit(3)
        for _ in range(1200):  # the parent: waits at most a minute for the child
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                print("child ended", os.waitstatus_to_exitcode(status), flush=True)
                return
            time.sleep(0.05)
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        print("child hung", flush=True)

    fit = threading.Thread(target=net.fit, args=(X, Y), daemon=True,
                           kwargs={"epochs": 4 if FROM_CALLBACK else 10**6, "callback": fork_here,
                                   "callback_period": 1})
    fit.start()
    inside_fit.wait()
    if not FROM_CALLBACK:
        time.sleep(0.05)
        fork_and_use()
    fit.join(60 if FROM_CALLBACK else 0)
    print("parent", net.learning_rate, flush=True)
    os._exit(0)  # the fit thread may still run
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.parametrize("from_callback", [False, True], ids=["another thread", "the fit's own callback"])
def test_a_child_forked_during_a_fit_can_use_every_network(from_callback):
    out = run_child(f"FROM_CALLBACK = {from_callback}\n" + textwrap.dedent(FORK_DURING_FIT))
    lines = out.splitlines()
    assert lines[0] == "child 7 0.25 True", out
    assert lines[1:] == ["child ended 0", "parent 0.3"], out  # the parent's network is its own


# ---------------------------------------------------------------- subinterpreters


IMPORT_IN_A_SUBINTERPRETER = """
try:
    import nncore
except ImportError as error:
    print("subinterpreter:", error, flush=True)
else:
    print("subinterpreter: imported", flush=True)
"""

SUBINTERPRETER = """
    try:
        import _interpreters as interpreters  # Python 3.13 and later
    except ImportError:
        import _xxsubinterpreters as interpreters
    if MAIN_FIRST:
        import nncore
    interpreter = interpreters.create()
    run = getattr(interpreters, "run_string", None) or interpreters.exec
    run(interpreter, CODE)
    import nncore
    print("main:", nncore.Network([2, 1], seed=0).sizes, flush=True)
"""


@pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in ("_interpreters", "_xxsubinterpreters")),
    reason="this Python has no subinterpreters module (_interpreters or _xxsubinterpreters)",
)
@pytest.mark.parametrize("main_first", [False, True], ids=["subinterpreter first", "main interpreter first"])
def test_a_subinterpreter_gets_the_real_reason_and_the_main_interpreter_still_imports(main_first):
    script = f"MAIN_FIRST, CODE = {main_first}, {IMPORT_IN_A_SUBINTERPRETER!r}\n" + textwrap.dedent(SUBINTERPRETER)
    out = run_child(script)
    sub, main = out.splitlines()
    assert sub.startswith("subinterpreter: nncore cannot be imported in a subinterpreter"), out
    assert "can only be loaded into one interpreter per process" in sub and "not built" not in sub, out
    assert main == "main: (2, 1)", out
