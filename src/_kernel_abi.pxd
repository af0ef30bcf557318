# cython: language_level=3
"""What ``nncore._core`` and the kernel modules must agree on, to the byte: codes, structs and the sample order.

``nncore._core`` and each ``nncore._kernels_<level>`` are compiled
separately, all from these declarations; the core calls the kernels through
the table of ``_kernel_table.pxd``, which carries ``KERNEL_TABLE_VERSION`` and
the sizes of :c:type:`Net`, :c:type:`Schedule` and :c:type:`Lanes`, and
refuses kernels built otherwise. A change to a code or a struct here must
raise ``KERNEL_TABLE_VERSION``. SplitMix64 (with ``random_index`` and
``shuffle``) fixes every seeded sample order: it must stay the stream that
``nncore._sampling`` computes.
"""

from libc.stdint cimport uint64_t

# The codes are positions in nncore._vocabulary's tables (ACTIVATIONS, LOSSES,
# ORDERS, DTYPES); _core.pyx checks that they agree when it loads.
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

cdef enum:                         # dtype codes (anonymous: they index arrays)
    FLOAT64 = 0
    FLOAT32 = 1
    N_DTYPES = 2

cdef enum Optimizer:
    SGD = 0
    ADAM = 1
    RPROP = 2
    N_OPTIMIZERS = 3


cdef struct Net:
    Py_ssize_t n_layers            # layers including the input layer
    const Py_ssize_t* sizes
    const Py_ssize_t* weight_offset
    const Py_ssize_t* neuron_offset
    const int* activation          # per layer; entry 0 (input) unused
    int dtype                      # FLOAT64: the buffers hold double; FLOAT32: float
    double leaky_relu_alpha        # the rates are rounded to float by the float32 kernels
    double learning_rate
    double momentum
    bint nesterov                  # SGD: Nesterov's momentum (the general update only: see plain_path)
    void* weights
    void* changes
    void* biases
    void* outputs
    void* deltas
    double magnitude_bound         # >= |every weight, change and bias|; < 0 when not known
    # The general update (optimizers, batches, weight decay, sample weights): see update_batch.
    int optimizer
    double weight_decay            # L2 on the weights, added to every update's gradient
    double beta1, beta2, epsilon   # Adam
    double rprop_increase, rprop_decrease, rprop_step_min, rprop_step_max
    long long updates              # Adam's t: updates made so far
    double beta1_power, beta2_power  # beta1**t and beta2**t, by repeated multiplication
    void* batch_weights            # the batch's summed delta * input (weights' layout) ...
    void* batch_biases             # ... and delta (neurons' layout); zero between batches
    void* first_weights            # Adam: m; RPROP: the last gradient (weights' layout)
    void* first_biases             # the same for the biases (neurons' layout)
    void* second_weights           # Adam: v; RPROP: the step size
    void* second_biases
    int loss
    void* output_sums              # the output layer's sums z of the last forward pass (CROSS_ENTROPY only)


# ---------------------------------------------------------------- the data-set loop's state

cdef enum LoopStatus:
    LOOP_BUDGET = 0        # the step budget of this call is used up
    LOOP_DONE = 1          # the requested steps or epochs are done
    LOOP_EPOCH_END = 2     # an epoch ended and the caller asked to hear of it
    LOOP_THRESHOLD = 3     # an epoch's mean error fell below the threshold
    LOOP_DIVERGED = 4      # a sample error was not finite (weights not updated)
    LOOP_ERRORS_FULL = 5   # the buffer of epoch errors is full: the caller empties it


cdef struct Schedule:
    const void* inputs             # n_samples x n_inputs, row-major, in the network's dtype
    const void* targets            # n_samples x n_outputs, row-major, in the network's dtype
    const void* factors            # per sample w / mean(w) in the network's dtype, or NULL (unweighted)
    Py_ssize_t n_samples
    bint general                   # the general update (else today's per-sample step)
    Py_ssize_t batch_size          # samples per update (general update; n_samples: whole batches)
    Py_ssize_t in_batch            # samples accumulated in the current batch
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


# ---------------------------------------------------------------- the lanes' state (_lanes.pxd)

cdef enum:
    LANE_RUNNING = -1      # a lane's status while it trains; else the LoopStatus that stopped it


cdef struct Lanes:
    Py_ssize_t n_lanes             # L
    Py_ssize_t n_blocks            # blocks of W lanes (W = 64 bytes of the dtype), the last one padded
    Py_ssize_t n_layers
    const Py_ssize_t* sizes
    const Py_ssize_t* weight_offset
    const Py_ssize_t* neuron_offset
    const int* activation
    double leaky_relu_alpha
    void* weights                  # by block: value v of lane i of block b at (b * n_weights + v) * W + i
    void* changes
    void* biases                   # by block, L values per neuron (the input layer's unused)
    void* outputs
    void* deltas
    void* learning_rates           # by block, one per lane, in the networks' dtype
    void* momenta
    int* status                    # per lane: LANE_RUNNING, or why the lane stopped
    Schedule** schedules           # one per lane; all have the same data, n_samples and max_steps
    # A lane that stops is copied here (lane after lane, n_weights or n_neurons values each) as it stops
    void* parked_weights
    void* parked_changes
    void* parked_biases
    void* parked_outputs
    void* parked_deltas


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
