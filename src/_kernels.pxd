# cython: language_level=3
"""The per-sample training step of a fully-connected network, as C-level kernels.

Every function here trusts its input completely: shapes, offsets and
finiteness are checked by the Python-facing code in ``_core.pyx`` before any
of them runs.  They hold no Python objects, allocate nothing and run without
the GIL.

The parameters of a network with layer sizes ``n_0 .. n_L`` live in a few flat
arrays described by :c:type:`Net`.  Neuron-indexed arrays (biases, outputs,
deltas) share one index space: neuron ``j`` of layer ``l`` sits at
``neuron_offset[l] + j`` (the input layer's slots of ``biases`` and ``deltas``
are unused).  The weights of layer ``l`` form an ``n_l x n_(l-1)`` row-major
block starting at ``weight_offset[l]``; row ``j`` holds the incoming
connections of neuron ``j``.  ``changes`` (the momentum buffer) has the
layout of ``weights``.

Sums are accumulated in the same order as the pure-Python reference
(``nncore.reference``): a neuron's input is ``bias + (((0 + w_0*o_0) + w_1*o_1)
+ ...)``, a hidden error is ``((0 + d_0*w_0j) + d_1*w_1j) + ...``.  Several rows
are summed side by side (eight, then two, then one at a time), which breaks
the dependency chain of a single accumulator without changing any individual
sum, so the results stay identical to the reference.
"""

from libc.math cimport fabs, log, log1p
from _elementary cimport exp64, sigmoid64, tanh64

cdef extern from "_row_sums.h":
    # 1 in the builds that target AVX (nncore._kernels_avx2, _kernels_avx512), else 0
    const bint NNCORE_ROW_SUMS
    void row_sums16 "nncore_row_sums16"(const double* w, const double* biases, const double* inputs,
                                        double* sums, Py_ssize_t n_in) noexcept nogil
from libc.stdint cimport uint64_t

# The codes are positions in nncore._vocabulary's tables (ACTIVATIONS, LOSSES, ORDERS);
# _core.pyx checks that they agree when it loads.
cdef enum Activation:
    SIGMOID = 0
    TANH = 1
    RELU = 2
    LEAKY_RELU = 3
    IDENTITY = 4
    SOFTMAX = 5                    # the output layer only, with CROSS_ENTROPY
    N_ACTIVATIONS = 6

cdef enum Loss:
    MSE = 0
    CROSS_ENTROPY = 1              # with SOFTMAX or SIGMOID outputs
    N_LOSSES = 2

cdef enum Order:
    SEQUENTIAL = 0
    SHUFFLE = 1
    RANDOM = 2
    N_ORDERS = 3


cdef struct Net:
    Py_ssize_t n_layers            # layers including the input layer
    const Py_ssize_t* sizes
    const Py_ssize_t* weight_offset
    const Py_ssize_t* neuron_offset
    const int* activation          # per layer; entry 0 (input) unused
    double leaky_relu_alpha
    double learning_rate
    double momentum
    double* weights
    double* changes
    double* biases
    double* outputs
    double* deltas
    double magnitude_bound         # >= |every weight, change and bias|; < 0 when not known
    int loss
    double* output_sums            # the output layer's sums z of the last forward pass (CROSS_ENTROPY only)


# ---------------------------------------------------------------- activations

cdef inline double largest_value(const double* z, Py_ssize_t n) noexcept nogil:
    """max(z[0:n]), scanned in index order."""
    cdef double largest = z[0]
    cdef Py_ssize_t j
    for j in range(1, n):
        if z[j] > largest:
            largest = z[j]
    return largest


cdef inline void softmax_in_place(double* z, Py_ssize_t n) noexcept nogil:
    """z[j] = exp(z[j] - max z) / sum_k exp(z[k] - max z), the sum taken in index order."""
    cdef double largest = largest_value(z, n), total = 0.0
    cdef Py_ssize_t j
    for j in range(n):
        z[j] = exp64(z[j] - largest)
        total = total + z[j]
    for j in range(n):
        z[j] = z[j] / total


cdef inline void activate_in_place(double* z, Py_ssize_t n, int activation,
                                   double alpha) noexcept nogil:
    cdef Py_ssize_t j
    if activation == SIGMOID:
        for j in range(n):
            z[j] = sigmoid64(z[j])
    elif activation == TANH:
        for j in range(n):
            z[j] = tanh64(z[j])
    elif activation == RELU:
        for j in range(n):
            z[j] = z[j] if z[j] > 0.0 else 0.0
    elif activation == LEAKY_RELU:
        for j in range(n):
            z[j] = z[j] if z[j] > 0.0 else alpha * z[j]
    elif activation == SOFTMAX:
        softmax_in_place(z, n)
    # IDENTITY: z is the output


cdef inline void scale_by_derivative(double* delta, const double* output, Py_ssize_t n,
                                     int activation, double alpha) noexcept nogil:
    """delta[j] = error[j] * f'(o[j]), with f' written in terms of the output."""
    cdef Py_ssize_t j
    if activation == SIGMOID:
        for j in range(n):
            delta[j] = delta[j] * output[j] * (1.0 - output[j])
    elif activation == TANH:
        for j in range(n):
            delta[j] = (1.0 - output[j] * output[j]) * delta[j]
    elif activation == RELU:
        for j in range(n):
            delta[j] = delta[j] if output[j] > 0.0 else 0.0
    elif activation == LEAKY_RELU:
        for j in range(n):
            delta[j] = delta[j] if output[j] > 0.0 else alpha * delta[j]
    # IDENTITY: f' = 1. SOFTMAX is only ever an output layer with CROSS_ENTROPY, never scaled.


# ---------------------------------------------------------------- step 1: forward

cdef inline void weighted_sums(const double* weights, const double* biases,
                               const double* inputs, double* sums,
                               Py_ssize_t n_out, Py_ssize_t n_in) noexcept nogil:
    """sums[j] = biases[j] + sum_k weights[j, k] * inputs[k], sixteen or eight rows at a time."""
    cdef Py_ssize_t j = 0, k
    cdef double s0, s1, s2, s3, s4, s5, s6, s7, x
    cdef const double* r
    if NNCORE_ROW_SUMS:
        while j + 16 <= n_out:
            row_sums16(weights + j * n_in, biases + j, inputs, sums + j, n_in)
            j += 16
    while j + 8 <= n_out:
        r = weights + j * n_in
        s0 = 0.0; s1 = 0.0; s2 = 0.0; s3 = 0.0; s4 = 0.0; s5 = 0.0; s6 = 0.0; s7 = 0.0
        for k in range(n_in):
            x = inputs[k]
            s0 = s0 + r[k] * x
            s1 = s1 + r[n_in + k] * x
            s2 = s2 + r[2 * n_in + k] * x
            s3 = s3 + r[3 * n_in + k] * x
            s4 = s4 + r[4 * n_in + k] * x
            s5 = s5 + r[5 * n_in + k] * x
            s6 = s6 + r[6 * n_in + k] * x
            s7 = s7 + r[7 * n_in + k] * x
        sums[j] = biases[j] + s0
        sums[j + 1] = biases[j + 1] + s1
        sums[j + 2] = biases[j + 2] + s2
        sums[j + 3] = biases[j + 3] + s3
        sums[j + 4] = biases[j + 4] + s4
        sums[j + 5] = biases[j + 5] + s5
        sums[j + 6] = biases[j + 6] + s6
        sums[j + 7] = biases[j + 7] + s7
        j += 8
    while j + 2 <= n_out:
        r = weights + j * n_in
        s0 = 0.0; s1 = 0.0
        for k in range(n_in):
            x = inputs[k]
            s0 = s0 + r[k] * x
            s1 = s1 + r[n_in + k] * x
        sums[j] = biases[j] + s0
        sums[j + 1] = biases[j + 1] + s1
        j += 2
    while j < n_out:
        r = weights + j * n_in
        s0 = 0.0
        for k in range(n_in):
            s0 = s0 + r[k] * inputs[k]
        sums[j] = biases[j] + s0
        j += 1


cdef inline void forward(Net* net) noexcept nogil:
    """Propagate ``outputs`` of the input layer (already set) to the output layer."""
    cdef Py_ssize_t l, j, n_out, n_in
    cdef double* out
    for l in range(1, net.n_layers):
        n_out = net.sizes[l]
        n_in = net.sizes[l - 1]
        out = net.outputs + net.neuron_offset[l]
        weighted_sums(net.weights + net.weight_offset[l], net.biases + net.neuron_offset[l],
                      net.outputs + net.neuron_offset[l - 1], out, n_out, n_in)
        if l == net.n_layers - 1 and net.loss == CROSS_ENTROPY:
            for j in range(n_out):  # kept for the loss, which is exact only from the sums
                net.output_sums[j] = out[j]
        activate_in_place(out, n_out, net.activation[l], net.leaky_relu_alpha)


# ---------------------------------------------------------------- losses

cdef inline double softmax_cross_entropy(const double* z, const double* target, Py_ssize_t n) noexcept nogil:
    """-sum t_j log(softmax(z)_j) for targets summing to 1: max z + log(sum exp(z - max z)) - sum t_j z_j."""
    cdef double largest = largest_value(z, n), total = 0.0, dot = 0.0
    cdef Py_ssize_t j
    for j in range(n):
        total = total + exp64(z[j] - largest)
    for j in range(n):
        dot = dot + target[j] * z[j]
    return (largest + log(total)) - dot


cdef inline double sigmoid_cross_entropy(const double* z, const double* target, Py_ssize_t n) noexcept nogil:
    """sum_j of the binary cross-entropy of sigmoid(z_j): max(z, 0) - t z + log1p(exp(-|z|))."""
    cdef double total = 0.0, positive
    cdef Py_ssize_t j
    for j in range(n):
        positive = z[j] if z[j] > 0.0 else 0.0
        total = total + ((positive - target[j] * z[j]) + log1p(exp64(-fabs(z[j]))))
    return total


cdef inline double output_loss(const Net* net, const double* target) noexcept nogil:
    """The sample's loss after :func:`forward`: 0.5 * sum (t - o)^2, or the cross-entropy from the sums."""
    cdef Py_ssize_t last = net.n_layers - 1
    cdef Py_ssize_t j, n = net.sizes[last]
    cdef const double* out = net.outputs + net.neuron_offset[last]
    cdef double error, sum_squares = 0.0
    if net.loss == CROSS_ENTROPY:
        if net.activation[last] == SOFTMAX:
            return softmax_cross_entropy(net.output_sums, target, n)
        return sigmoid_cross_entropy(net.output_sums, target, n)
    for j in range(n):
        error = target[j] - out[j]
        sum_squares = sum_squares + error * error
    return 0.5 * sum_squares


# ---------------------------------------------------------------- step 2: deltas

cdef inline double cross_entropy_output_deltas(Net* net, const double* target) noexcept nogil:
    """Deltas t - o of a cross-entropy output layer (the loss's derivative cancels the activation's)."""
    cdef Py_ssize_t last = net.n_layers - 1
    cdef Py_ssize_t j, n = net.sizes[last]
    cdef const double* out = net.outputs + net.neuron_offset[last]
    cdef double* delta = net.deltas + net.neuron_offset[last]
    for j in range(n):
        delta[j] = target[j] - out[j]
    return output_loss(net, target)


cdef inline double output_deltas(Net* net, const double* target) noexcept nogil:
    """Deltas of the output layer; returns the sample's loss (0.5 * sum (t - o)^2 for MSE)."""
    if net.loss == CROSS_ENTROPY:
        return cross_entropy_output_deltas(net, target)
    cdef Py_ssize_t last = net.n_layers - 1
    cdef Py_ssize_t j, n = net.sizes[last]
    cdef const double* out = net.outputs + net.neuron_offset[last]
    cdef double* delta = net.deltas + net.neuron_offset[last]
    cdef double error, sum_squares = 0.0
    for j in range(n):
        error = target[j] - out[j]
        delta[j] = error
        sum_squares = sum_squares + error * error
    scale_by_derivative(delta, out, n, net.activation[last], net.leaky_relu_alpha)
    return 0.5 * sum_squares


cdef inline void hidden_deltas(Net* net, Py_ssize_t l) noexcept nogil:
    """Deltas of hidden layer ``l`` from the deltas and weights of layer ``l + 1``."""
    cdef Py_ssize_t j, k
    cdef Py_ssize_t n = net.sizes[l]
    cdef Py_ssize_t n_next = net.sizes[l + 1]
    cdef double* delta = net.deltas + net.neuron_offset[l]
    cdef const double* delta_next = net.deltas + net.neuron_offset[l + 1]
    cdef const double* weights_next = net.weights + net.weight_offset[l + 1]
    cdef const double* row
    cdef double d
    for j in range(n):
        delta[j] = 0.0
    # Row by row over the next layer's weights: contiguous reads, and each
    # delta[j] still sums k = 0, 1, 2, ... in order.
    for k in range(n_next):
        d = delta_next[k]
        row = weights_next + k * n
        for j in range(n):
            delta[j] = delta[j] + d * row[j]
    scale_by_derivative(delta, net.outputs + net.neuron_offset[l], n,
                        net.activation[l], net.leaky_relu_alpha)


cdef inline double backward(Net* net, const double* target) noexcept nogil:
    """All deltas, computed with the weights as they were before this step."""
    cdef Py_ssize_t l
    cdef double error = output_deltas(net, target)
    for l in range(net.n_layers - 2, 0, -1):
        hidden_deltas(net, l)
    return error


# ---------------------------------------------------------------- step 3: update

cdef inline void update(Net* net) noexcept nogil:
    """change = lr * delta * input + momentum * change; weight += change; bias += lr * delta."""
    cdef Py_ssize_t l, j, k, n_out, n_in
    cdef double lr = net.learning_rate, momentum = net.momentum, step, change
    cdef double* w
    cdef double* c
    cdef const double* inputs
    cdef const double* delta
    cdef double* bias
    for l in range(1, net.n_layers):
        n_out = net.sizes[l]
        n_in = net.sizes[l - 1]
        inputs = net.outputs + net.neuron_offset[l - 1]
        delta = net.deltas + net.neuron_offset[l]
        bias = net.biases + net.neuron_offset[l]
        for j in range(n_out):
            step = lr * delta[j]
            w = net.weights + net.weight_offset[l] + j * n_in
            c = net.changes + net.weight_offset[l] + j * n_in
            for k in range(n_in):
                change = step * inputs[k] + momentum * c[k]
                c[k] = change
                w[k] = w[k] + change
            bias[j] = bias[j] + step


cdef inline double zero_if_finite(double x) noexcept nogil:
    """0.0 for a finite ``x``, NaN for NaN and +-inf: a sum of these is NaN when any value is not finite."""
    return x * 0.0


cdef inline bint all_finite(const double* values, Py_ssize_t n) noexcept nogil:
    """True when ``values[0:n]`` are all finite (four sums side by side, which the compiler vectorises)."""
    cdef double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
    cdef Py_ssize_t k = 0
    while k + 4 <= n:
        s0 = s0 + zero_if_finite(values[k])
        s1 = s1 + zero_if_finite(values[k + 1])
        s2 = s2 + zero_if_finite(values[k + 2])
        s3 = s3 + zero_if_finite(values[k + 3])
        k += 4
    while k < n:
        s0 = s0 + zero_if_finite(values[k])
        k += 1
    return s0 + s1 + s2 + s3 == 0.0


cdef inline bint update_is_finite(const Net* net) noexcept nogil:
    """True when :func:`update` would leave every weight, change and bias finite.

    Computes what ``update`` would write, without writing it: ``train`` asks
    first, so that a step that would overflow is refused whole. (When the new
    weight ``w + change`` is finite, so is ``change``.) Four rows are checked
    side by side, each in its own chain of additions.
    """
    cdef Py_ssize_t l, j, k, n_out, n_in
    cdef double lr = net.learning_rate, m = net.momentum, x, t0, t1, t2, t3
    cdef double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
    cdef const double* w
    cdef const double* c
    cdef const double* inputs
    cdef const double* delta
    cdef const double* bias
    for l in range(1, net.n_layers):
        n_out = net.sizes[l]
        n_in = net.sizes[l - 1]
        inputs = net.outputs + net.neuron_offset[l - 1]
        delta = net.deltas + net.neuron_offset[l]
        bias = net.biases + net.neuron_offset[l]
        j = 0
        while j + 4 <= n_out:
            w = net.weights + net.weight_offset[l] + j * n_in
            c = net.changes + net.weight_offset[l] + j * n_in
            t0 = lr * delta[j]; t1 = lr * delta[j + 1]; t2 = lr * delta[j + 2]; t3 = lr * delta[j + 3]
            for k in range(n_in):
                x = inputs[k]
                s0 = s0 + zero_if_finite(w[k] + (t0 * x + m * c[k]))
                s1 = s1 + zero_if_finite(w[n_in + k] + (t1 * x + m * c[n_in + k]))
                s2 = s2 + zero_if_finite(w[2 * n_in + k] + (t2 * x + m * c[2 * n_in + k]))
                s3 = s3 + zero_if_finite(w[3 * n_in + k] + (t3 * x + m * c[3 * n_in + k]))
            j += 4
        while j < n_out:
            w = net.weights + net.weight_offset[l] + j * n_in
            c = net.changes + net.weight_offset[l] + j * n_in
            t0 = lr * delta[j]
            for k in range(n_in):
                s0 = s0 + zero_if_finite(w[k] + (t0 * inputs[k] + m * c[k]))
            j += 1
        for j in range(n_out):
            s1 = s1 + zero_if_finite(bias[j] + lr * delta[j])
    return s0 + s1 + s2 + s3 == 0.0


# ---------------------------------------------------------------- one sample

cdef inline void set_inputs(Net* net, const double* x) noexcept nogil:
    cdef Py_ssize_t k
    for k in range(net.sizes[0]):
        net.outputs[k] = x[k]


cdef inline double train_step(Net* net, const double* x, const double* target) noexcept nogil:
    """One per-sample step. Returns the error before the update.

    When that error is not finite the weights are left untouched and the
    caller decides what to do (it is the earliest sign of divergence).
    """
    set_inputs(net, x)
    forward(net)
    cdef double error = backward(net, target)
    if error - error == 0.0:        # finite (NaN and +-inf give NaN here)
        update(net)
    return error


cdef inline double largest_magnitude(const double* values, Py_ssize_t n) noexcept nogil:
    cdef double largest = 0.0, size
    cdef Py_ssize_t i
    for i in range(n):
        size = fabs(values[i])
        if size > largest:
            largest = size
    return largest


cdef inline double parameter_magnitude(const Net* net) noexcept nogil:
    """The largest magnitude of any weight, change or bias (exact; one pass over the parameters)."""
    cdef Py_ssize_t n_weights = net.weight_offset[net.n_layers]
    cdef Py_ssize_t n_neurons = net.neuron_offset[net.n_layers]
    cdef double a = largest_magnitude(net.weights, n_weights)
    cdef double b = largest_magnitude(net.changes, n_weights)
    cdef double c = largest_magnitude(net.biases + net.sizes[0], n_neurons - net.sizes[0])
    return a if a > b and a > c else (b if b > c else c)


cdef inline double bound_after_update(const Net* net, double bound) noexcept nogil:
    """An upper bound of every parameter's magnitude after :func:`update`, from ``bound`` before it.

    A new change is ``lr * delta * input + momentum * change`` and a new weight
    ``weight + change``, so nothing grows past ``bound * (1 + momentum) +
    lr * max|delta| * max(1, max|input|)``; the factor 1 + 2**-40 covers the rounding
    of this estimate itself. O(neurons), no pass over the weights.
    """
    cdef Py_ssize_t n_neurons = net.neuron_offset[net.n_layers]
    cdef Py_ssize_t last_inputs = net.neuron_offset[net.n_layers - 1]
    cdef double inputs = largest_magnitude(net.outputs, last_inputs)
    if inputs < 1.0:
        inputs = 1.0  # a bias moves by lr * delta, as if its input were 1
    cdef double deltas = largest_magnitude(net.deltas + net.sizes[0], n_neurons - net.sizes[0])
    return (bound * (1.0 + net.momentum) + net.learning_rate * deltas * inputs) * (1.0 + 9.094947017729282e-13)


cdef inline bint update_is_safe(Net* net) noexcept nogil:
    """True when :func:`update` cannot make a weight, change or bias infinite; keeps the bound up to date.

    Almost always decided by the bound alone; only a network holding values
    near the largest double pays for an exact pass (and, if even that is not
    enough, for :func:`update_is_finite`).
    """
    cdef double limit = 1e307  # below it, one more update cannot reach the largest double (1.8e308)
    cdef double after
    if net.magnitude_bound < 0.0:
        net.magnitude_bound = parameter_magnitude(net)
    after = bound_after_update(net, net.magnitude_bound)
    if after >= limit:  # the bound may have drifted far above the truth: tighten it
        net.magnitude_bound = parameter_magnitude(net)
        after = bound_after_update(net, net.magnitude_bound)
    if after < limit:
        net.magnitude_bound = after
        return True
    net.magnitude_bound = -1.0  # huge values: decide exactly, and measure again next time
    return update_is_finite(net)


cdef inline double checked_train_step(Net* net, const double* x, const double* target,
                                      bint* updated) noexcept nogil:
    """:func:`train_step`, but the update is made only if it leaves every parameter finite.

    ``updated`` says whether it was made. ``fit``'s loop uses the unchecked
    step and checks the whole network once per chunk instead.
    """
    set_inputs(net, x)
    forward(net)
    cdef double error = backward(net, target)
    updated[0] = error - error == 0.0 and update_is_safe(net)
    if updated[0]:
        update(net)
    return error


# ---------------------------------------------------------------- sample order

cdef inline uint64_t splitmix64(uint64_t* state) noexcept nogil:
    """A small, portable PRNG: the same stream on every platform."""
    state[0] += <uint64_t>0x9E3779B97F4A7C15ULL
    cdef uint64_t z = state[0]
    z = (z ^ (z >> 30)) * <uint64_t>0xBF58476D1CE4E5B9ULL
    z = (z ^ (z >> 27)) * <uint64_t>0x94D049BB133111EBULL
    return z ^ (z >> 31)


cdef inline Py_ssize_t random_index(uint64_t* state, Py_ssize_t n) noexcept nogil:
    """floor(u * n) for u uniform in [0, 1) with 53 random bits, like Math.random()."""
    cdef double u = <double>(splitmix64(state) >> 11) * (1.0 / 9007199254740992.0)
    return <Py_ssize_t>(u * <double>n)


cdef inline void shuffle(Py_ssize_t* items, Py_ssize_t n, uint64_t* state) noexcept nogil:
    """Fisher-Yates, from the last item down."""
    cdef Py_ssize_t i, j, tmp
    for i in range(n - 1, 0, -1):
        j = random_index(state, i + 1)
        tmp = items[i]
        items[i] = items[j]
        items[j] = tmp


# ---------------------------------------------------------------- the data-set loop

cdef enum LoopStatus:
    LOOP_BUDGET = 0        # the step budget of this call is used up
    LOOP_DONE = 1          # the requested steps or epochs are done
    LOOP_EPOCH_END = 2     # an epoch ended and the caller asked to hear of it
    LOOP_THRESHOLD = 3     # an epoch's mean error fell below the threshold
    LOOP_DIVERGED = 4      # a sample error was not finite (weights not updated)
    LOOP_ERRORS_FULL = 5   # the buffer of epoch errors is full: the caller empties it


cdef struct Schedule:
    const double* inputs           # n_samples x n_inputs, row-major
    const double* targets          # n_samples x n_outputs, row-major
    Py_ssize_t n_samples
    int order
    uint64_t rng
    Py_ssize_t* permutation        # n_samples entries, used by SHUFFLE
    double* epoch_errors           # mean error of the epochs completed since the last flush
    Py_ssize_t epoch_errors_capacity
    Py_ssize_t epochs_flushed      # epochs whose errors the caller has taken out
    double last_epoch_error
    long long max_steps
    long long steps                # steps taken so far in this fit
    Py_ssize_t position            # steps into the current epoch
    Py_ssize_t epochs              # epochs completed
    double error_sum               # sum of sample errors in the current epoch
    double error_threshold         # stop when an epoch's mean error is below
    Py_ssize_t report_every        # return LOOP_EPOCH_END after every this many epochs (0: never)


cdef inline Py_ssize_t next_sample(Schedule* s) noexcept nogil:
    if s.order == RANDOM:
        return random_index(&s.rng, s.n_samples)
    if s.order == SHUFFLE:
        if s.position == 0:
            shuffle(s.permutation, s.n_samples, &s.rng)
        return s.permutation[s.position]
    return s.position


cdef inline int run_schedule(Net* net, Schedule* s, long long budget) noexcept nogil:
    """Train on samples drawn by ``s`` until the budget, the schedule or a stop rule ends it."""
    cdef Py_ssize_t i
    cdef Py_ssize_t n_in = net.sizes[0]
    cdef Py_ssize_t n_out = net.sizes[net.n_layers - 1]
    cdef double error, mean
    while s.steps < s.max_steps:
        if budget <= 0:
            return LOOP_BUDGET
        if s.position == 0 and s.epochs - s.epochs_flushed >= s.epoch_errors_capacity:
            return LOOP_ERRORS_FULL    # no room to record the epoch about to start
        i = next_sample(s)
        error = train_step(net, s.inputs + i * n_in, s.targets + i * n_out)
        if not (error - error == 0.0):
            return LOOP_DIVERGED
        s.error_sum += error
        s.position += 1
        s.steps += 1
        budget -= 1
        if s.position == s.n_samples:
            mean = s.error_sum / <double>s.n_samples
            s.epoch_errors[s.epochs - s.epochs_flushed] = mean
            s.last_epoch_error = mean
            s.epochs += 1
            s.position = 0
            s.error_sum = 0.0
            if mean < s.error_threshold:
                return LOOP_THRESHOLD
            if s.report_every > 0 and s.epochs % s.report_every == 0:
                return LOOP_EPOCH_END
    return LOOP_DONE
