# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False, freethreading_compatible=True
"""Compiled core of nncore: the one owner of a network's buffers, and the training loop.

``NetworkCore`` owns a network's contiguous buffers (float64 or float32) and their layout
(which offset holds which layer), its sizes, activations and loss, its step count
and its rates, and the rule "one fit at a time". It exposes the per-sample
API (``train``, ``activate``, ``run``) with its own fast input checks.
``nncore.Network`` subclasses it; the services of the Python layer never
reach into it, they get objects it hands out:

- :class:`LayerBuffers`: live, read-only numpy views of one layer's
  weights, biases, changes, outputs and deltas, and checked writes of single
  values (``nncore._views`` builds the tutorial's object model on them);
- :class:`FitSchedule`: one ``fit`` call's data, sample order and counters,
  bound to its network: ``advance`` runs the compiled loop for a budget of
  steps, ``checkpoint``/``restore`` make a stretch of training repeatable
  (``nncore._fitting`` drives it).

Every entry point validates what it receives before a kernel from
``_kernels.pxd`` runs; the kernels trust their input. The buffers' own
lock (``_lock``) is held only while C code runs, never while Python code
or an allocation does (a garbage-collector finaliser that touches the same
network must not find it held).

This file holds what the parts share (imports, the kernels' codes); each part
is included below, and together they build one extension module:
``_core_simd.pxi`` (the instruction-set level), ``_core_inputs.pxi`` (reading
samples), ``_core_network.pxi`` (``NetworkCore``), ``_core_layers.pxi`` (the
fit guard and ``LayerBuffers``), ``_core_schedule.pxi`` (``FitSchedule``) and
``_core_lanes.pxi`` (``LaneGroup``).
"""

cimport cython
from cpython.float cimport PyFloat_AS_DOUBLE
from cpython.long cimport PyLong_AsDouble
from cpython.buffer cimport (
    PyObject_CheckBuffer, PyObject_GetBuffer, PyBuffer_Release, PyBUF_ANY_CONTIGUOUS, PyBUF_FORMAT, PyBUF_ND,
    PyBUF_WRITABLE,
)
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from libc.limits cimport LLONG_MAX
from libc.math cimport fabs, isfinite
from libc.stdint cimport uint64_t
from libc.string cimport memcpy

from _kernel_table cimport KernelTable, KernelSet, KERNEL_TABLE_VERSION
from _kernel_abi cimport (
    Net, Schedule, Lanes, LANE_RUNNING, FLOAT64, FLOAT32, N_DTYPES, SGD, ADAM, RPROP, N_OPTIMIZERS,
    SIGMOID, TANH, RELU, LEAKY_RELU, IDENTITY, SOFTMAX, N_ACTIVATIONS, MSE, CROSS_ENTROPY, N_LOSSES,
    SEQUENTIAL, SHUFFLE, RANDOM, N_ORDERS,
    LOOP_BUDGET, LOOP_DONE, LOOP_EPOCH_END, LOOP_THRESHOLD, LOOP_DIVERGED, LOOP_ERRORS_FULL,
)
from _kernels cimport output_loss64, output_loss32
from _lanes cimport ROW_LANES, LANES64, LANES32

import threading
import weakref

import numpy as np

from nncore._checks import (
    as_float_array, check_flag, check_in_dtype, check_rate, describe, input_scaling_not_fitted, train_call_hint,
    unscalable_input,
)
from nncore._loss_rules import check_loss_targets, loss_target_rule
from nncore._vocabulary import ACTIVATIONS, DTYPES, LOSSES, OPTIMIZERS, ORDERS, RULE_DEFAULTS
from nncore._exceptions import DivergenceError, divergence_advice


def _kernel_codes_agree():
    """True when the kernels' enums list the names of nncore._vocabulary in the same order."""
    kernel_activations = {SIGMOID: "sigmoid", TANH: "tanh", RELU: "relu", LEAKY_RELU: "leaky_relu",
                          IDENTITY: "identity", SOFTMAX: "softmax"}
    kernel_losses = {MSE: "mse", CROSS_ENTROPY: "cross_entropy"}
    kernel_orders = {SEQUENTIAL: "sequential", SHUFFLE: "shuffle", RANDOM: "random"}
    kernel_dtypes = {FLOAT64: "float64", FLOAT32: "float32"}
    kernel_optimizers = {SGD: "sgd", ADAM: "adam", RPROP: "rprop"}
    return (tuple(kernel_activations.get(code) for code in range(N_ACTIVATIONS)) == ACTIVATIONS
            and tuple(kernel_losses.get(code) for code in range(N_LOSSES)) == LOSSES
            and tuple(kernel_orders.get(code) for code in range(N_ORDERS)) == ORDERS
            and tuple(kernel_dtypes.get(code) for code in range(N_DTYPES)) == DTYPES
            and tuple(kernel_optimizers.get(code) for code in range(N_OPTIMIZERS)) == OPTIMIZERS)


if not _kernel_codes_agree():  # pragma: no cover - a build from inconsistent sources
    raise ImportError("nncore._core was built from kernels whose codes disagree with nncore._vocabulary")

include "_core_simd.pxi"


ACTIVATION_CODES = {name: code for code, name in enumerate(ACTIVATIONS)}
LOSS_CODES = {name: code for code, name in enumerate(LOSSES)}
DTYPE_CODES = {name: code for code, name in enumerate(DTYPES)}
OPTIMIZER_CODES = {name: code for code, name in enumerate(OPTIMIZERS)}
ORDER_CODES = {name: code for code, name in enumerate(ORDERS)}
LOOP_STATUS = {
    LOOP_BUDGET: "budget", LOOP_DONE: "done", LOOP_EPOCH_END: "epoch_end",
    LOOP_THRESHOLD: "error_threshold", LOOP_DIVERGED: "diverged", LOOP_ERRORS_FULL: "errors_full",
}
EPOCH_ERRORS_CAPACITY = 16384  # epochs recorded between two returns to Python


cdef inline bint plain_path(const Net* net, Py_ssize_t batch_size, bint weighted) noexcept nogil:
    """True when steps of ``net`` may take the plain path, the fast per-sample loop (SGD with classical
    momentum, no weight decay, one sample per update, no sample weights); else they take the general update."""
    return (net.optimizer == SGD and not net.nesterov and net.weight_decay == 0.0 and batch_size == 1
            and not weighted)

include "_core_inputs.pxi"
include "_core_network.pxi"
include "_core_layers.pxi"
include "_core_schedule.pxi"
include "_core_lanes.pxi"
