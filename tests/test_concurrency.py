"""Threads, processes and interpreters around fit and fit_many: no deadlock, no hang, clear refusals.

Every scenario that could hang runs in a child process with a timeout, so a
deadlock fails its test instead of the whole run.
"""

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
    # The child imports nncore from where this process did (an installed wheel or a source tree).
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path for path in sys.path if path))
    try:
        child = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True,
                               timeout=timeout, env=env)
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
