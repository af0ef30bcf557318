/* The plain SGD step of a small all-sigmoid MSE network, its state packed for 256-bit vectors.
 *
 * run_schedule (src/_kernels.pxd.tp) takes this path when every layer, the
 * input layer included, has at most NNCORE_SMALL_WIDEST neurons, there are at
 * most NNCORE_SMALL_LAYERS layers after the input, every one of them is a
 * sigmoid, the loss is MSE and the update is the plain path's (SGD, classical
 * momentum, one sample, no weights or decay).  It copies the network into a
 * nncore_small64 (or nncore_small32) on entry, runs its steps there and copies
 * it back on exit: within a call nothing else reads the network.
 *
 * The packed state holds each layer twice, in the two orders its two uses read:
 * transposed (wt, ct: one row per input, one lane per neuron) for the forward
 * sums and the update, and row-major (w, c: one row per neuron, one lane per
 * input) for the deltas of the layer before it.  Both copies get the very same
 * operations, so they stay equal bit for bit.  Rows are padded to whole
 * vectors; the padding lanes of weights, changes, biases, outputs and deltas
 * stay zero (outputs are masked after the sigmoid).
 *
 * Every value gets exactly the operations of the general kernels, in the same
 * order: a neuron's sum is bias + (((0 + w_0*x_0) + w_1*x_1) + ...), a hidden
 * error ((0 + d_0*w_0j) + d_1*w_1j) + ..., the sigmoid is _elementary.h's
 * (its clamps and exp from _vector_elementary.h), one IEEE operation per lane
 * for each of its scalar operations (no fused
 * multiply-add: the build turns contraction off), so the results keep their
 * bits.  Only neurons (or inputs) sit side by side in the lanes, never the
 * terms of one sum.
 *
 * The vectors are GCC's vector extensions (GCC and Clang), 256 bits: one AVX
 * register in the avx2 and avx512 builds (the layers are too narrow for
 * 512-bit vectors to pay, whose divisions also take longer).  The path exists
 * in those builds only: lowered to pairs of SSE2 registers, the baseline's,
 * it is slower than the general kernels.  Elsewhere NNCORE_SMALL_STEP is 0 and
 * the functions are stand-ins that must not be called.
 */
#ifndef NNCORE_SMALL_STEP_H
#define NNCORE_SMALL_STEP_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "_vector_elementary.h"

#define NNCORE_SMALL_WIDEST 16  /* the widest layer (inputs included) the path takes */
#define NNCORE_SMALL_LAYERS 4   /* the most layers after the input (three hidden ones and the output) */

#if NNCORE_VECTOR_TYPES && defined(__AVX__)
#define NNCORE_SMALL_STEP 1
/* The avx512 build compiles this code as AVX2: measured side by side on XOR [2, 10, 10, 1], its AVX-512
 * encodings of the same 256-bit operations took about 10 % longer per step. */
#if defined(__AVX512F__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC target("no-avx512f")
#define NNCORE_SMALL_POP_OPTIONS
#endif

/* Values of one layer's copies at most: wt, ct, w, c, each NNCORE_SMALL_WIDEST rows of NNCORE_SMALL_WIDEST. */
#define NNCORE_SMALL_LAYER_VALUES (4 * NNCORE_SMALL_WIDEST * NNCORE_SMALL_WIDEST)
#define NNCORE_SMALL_VALUES \
    (NNCORE_SMALL_LAYERS * NNCORE_SMALL_LAYER_VALUES + 3 * (NNCORE_SMALL_LAYERS + 1) * NNCORE_SMALL_WIDEST)

typedef double nncore_v64 __attribute__((vector_size(32)));
typedef int64_t nncore_i64 __attribute__((vector_size(32)));
typedef uint64_t nncore_u64 __attribute__((vector_size(32)));
typedef float nncore_v32 __attribute__((vector_size(32)));
typedef int32_t nncore_i32 __attribute__((vector_size(32)));
typedef uint32_t nncore_u32 __attribute__((vector_size(32)));

#define NNCORE_SMALL_INLINE __attribute__((unused, always_inline)) static inline
#define NNCORE_SMALL_FUNCTION __attribute__((unused)) static

/* _elementary.h's exp and sigmoid on these vectors: nncore_small_v_exp_argument<B>, _reduced_exp<B>, ... */
NNCORE_VECTOR_ELEMENTARY(small_v, small_v, 32)

/* F(ARGS..., n) with n = V, one of 1 .. 4, as a constant. */
#define NNCORE_SMALL_BY_VECTORS(V, F, ...)                                                                  \
    do {                                                                                                    \
        switch (V) {                                                                                        \
        case 1: F(__VA_ARGS__, 1); break;                                                                   \
        case 2: F(__VA_ARGS__, 2); break;                                                                   \
        case 3: F(__VA_ARGS__, 3); break;                                                                   \
        default: F(__VA_ARGS__, 4); break;                                                                  \
        }                                                                                                   \
    } while (0)

/* Everything of one type: REAL in vectors VEC of LANES lanes, with integer vectors IVEC (signed) and UVEC;
 * MOVEMASK the AVX instruction's builtin (vmovmskp; ALL_LANES: MOVEMASK of all ones); 2^k for
 * |k| <= K_SAFE times a value in [0.5, 2] is a normal number. */
#define NNCORE_SMALL_FUNCTIONS(B, REAL, VEC, IVEC, UVEC, INT, LANES, MOVEMASK, ALL_LANES, K_SAFE)          \
                                                                                                            \
/* nncore_sigmoid<B>(z) in lanes: 1 / (1 + exp(x)) for x = z's exp argument, clamped as there */           \
NNCORE_SMALL_INLINE VEC nncore_small_sigmoid##B(VEC z)                                                       \
{                                                                                                           \
    const REAL one = 1;                                                                                     \
    IVEC k, k_half;                                                                                         \
    VEC w = (VEC)nncore_small_v_reduced_exp##B(nncore_small_v_exp_argument##B((nncore_small_v##B)-z), &k);  \
    /* k >> 1, the sign bit kept by hand: SSE2 and AVX2 have no arithmetic shift of 64-bit lanes */        \
    k_half = (IVEC)((UVEC)k >> 1) | (k & ~(IVEC)((UVEC)((IVEC){0} - 1) >> 1));                               \
    /* Where (1 - w) * 2^k is normal both scalings are exact, and one multiplication gives their bits. */  \
    if (MOVEMASK((VEC)((k >= -K_SAFE) & (k <= K_SAFE))) == ALL_LANES)                                        \
        return one / (one + (one - w) * (VEC)nncore_small_v_power_of_two##B(k));                            \
    return one / (one + ((one - w) * (VEC)nncore_small_v_power_of_two##B(k_half))                          \
                  * (VEC)nncore_small_v_power_of_two##B(k - k_half));                                       \
}                                                                                                           \
                                                                                                            \
typedef struct {                                                                                            \
    ptrdiff_t n_layers;                    /* layers after the input */                                     \
    ptrdiff_t n[NNCORE_SMALL_LAYERS + 1];  /* widths, n[0] the inputs */                                    \
    ptrdiff_t v[NNCORE_SMALL_LAYERS + 1];  /* vectors per row of each layer's width */                      \
    VEC *wt[NNCORE_SMALL_LAYERS + 1], *ct[NNCORE_SMALL_LAYERS + 1];  /* n[l-1] rows of v[l] vectors */      \
    VEC *w[NNCORE_SMALL_LAYERS + 1], *c[NNCORE_SMALL_LAYERS + 1];    /* l >= 2: n[l] rows of v[l-1] */      \
    VEC *b[NNCORE_SMALL_LAYERS + 1], *o[NNCORE_SMALL_LAYERS + 1], *d[NNCORE_SMALL_LAYERS + 1];              \
    IVEC keep[NNCORE_SMALL_LAYERS + 1][4];  /* all ones on the real lanes (4: the most vectors of a row) */\
    REAL rate, momentum;                                                                                    \
    VEC area[NNCORE_SMALL_VALUES / LANES];                                                                  \
} nncore_small##B;                                                                                          \
                                                                                                            \
/* The forward sums and sigmoids of layer l, with NV vectors per row (a constant after inlining). */      \
NNCORE_SMALL_INLINE void nncore_small_forward##B(nncore_small##B *s, ptrdiff_t l, const int NV)             \
{                                                                                                           \
    VEC acc[4];                                                                   \
    const REAL *in = (const REAL *)s->o[l - 1];                                                             \
    const VEC *row = s->wt[l];                                                                              \
    ptrdiff_t k, i;                                                                                         \
    for (i = 0; i < NV; i++)                                                                                \
        acc[i] = (VEC){0};                                                                                  \
    for (k = 0; k < s->n[l - 1]; k++, row += NV) {                                                          \
        REAL x = in[k];                                                                                     \
        for (i = 0; i < NV; i++)                                                                            \
            acc[i] = acc[i] + row[i] * x;                                                                   \
    }                                                                                                       \
    for (i = 0; i < NV; i++)                                                                                \
        s->o[l][i] = (VEC)((IVEC)nncore_small_sigmoid##B(s->b[l][i] + acc[i]) & s->keep[l][i]);            \
}                                                                                                           \
                                                                                                            \
/* The deltas of hidden layer l from those of layer l + 1, with NV vectors per row. */                     \
NNCORE_SMALL_INLINE void nncore_small_deltas##B(nncore_small##B *s, ptrdiff_t l, const int NV)              \
{                                                                                                           \
    VEC acc[4];                                                                   \
    const REAL *next = (const REAL *)s->d[l + 1];                                                           \
    const VEC *row = s->w[l + 1];                                                                           \
    const REAL one = 1;                                                                                     \
    ptrdiff_t k, i;                                                                                         \
    for (i = 0; i < NV; i++)                                                                                \
        acc[i] = (VEC){0};                                                                                  \
    for (k = 0; k < s->n[l + 1]; k++, row += NV) {                                                          \
        REAL d = next[k];                                                                                   \
        for (i = 0; i < NV; i++)                                                                            \
            acc[i] = acc[i] + d * row[i];                                                                   \
    }                                                                                                       \
    for (i = 0; i < NV; i++)                                                                                \
        s->d[l][i] = acc[i] * s->o[l][i] * (one - s->o[l][i]);                                              \
}                                                                                                           \
                                                                                                            \
/* change = lr * delta * input + momentum * change; weight += change; bias += lr * delta, in both copies */ \
NNCORE_SMALL_INLINE void nncore_small_update##B(nncore_small##B *s, ptrdiff_t l, const int NV,             \
                                                const int NV_IN)                                            \
{                                                                                                           \
    VEC step[4];                                                                  \
    const REAL *in = (const REAL *)s->o[l - 1];                                                             \
    const REAL *delta = (const REAL *)s->d[l];                                                              \
    const REAL rate = s->rate, momentum = s->momentum;                                                      \
    VEC *w = s->wt[l], *c = s->ct[l], change;                                                               \
    ptrdiff_t k, j, i;                                                                                      \
    for (i = 0; i < NV; i++) {                                                                              \
        step[i] = rate * s->d[l][i];                                                                        \
        s->b[l][i] = s->b[l][i] + step[i];                                                                  \
    }                                                                                                       \
    for (k = 0; k < s->n[l - 1]; k++, w += NV, c += NV) {                                                   \
        REAL x = in[k];                                                                                     \
        for (i = 0; i < NV; i++) {                                                                          \
            change = step[i] * x + momentum * c[i];                                                         \
            c[i] = change;                                                                                  \
            w[i] = w[i] + change;                                                                           \
        }                                                                                                   \
    }                                                                                                       \
    if (l == 1)                                                                                             \
        return;                                                                                             \
    w = s->w[l];                                                                                            \
    c = s->c[l];                                                                                            \
    for (j = 0; j < s->n[l]; j++, w += NV_IN, c += NV_IN) {                                                 \
        REAL d = rate * delta[j];                                                                           \
        for (i = 0; i < NV_IN; i++) {                                                                       \
            change = d * s->o[l - 1][i] + momentum * c[i];                                                  \
            c[i] = change;                                                                                  \
            w[i] = w[i] + change;                                                                           \
        }                                                                                                   \
    }                                                                                                       \
}                                                                                                           \
                                                                                                            \
/* The layer functions above, their row lengths made constants: 1 .. 4 vectors (NNCORE_SMALL_WIDEST / LANES). */ \
NNCORE_SMALL_FUNCTION void nncore_small_forward_any##B(nncore_small##B *s, ptrdiff_t l)                    \
{                                                                                                           \
    NNCORE_SMALL_BY_VECTORS(s->v[l], nncore_small_forward##B, s, l);                                        \
}                                                                                                           \
                                                                                                            \
NNCORE_SMALL_FUNCTION void nncore_small_deltas_any##B(nncore_small##B *s, ptrdiff_t l)                     \
{                                                                                                           \
    NNCORE_SMALL_BY_VECTORS(s->v[l], nncore_small_deltas##B, s, l);                                         \
}                                                                                                           \
                                                                                                            \
/* NV_IN: 0 for layer 1, which has no row-major copy */                                                    \
NNCORE_SMALL_INLINE void nncore_small_update_in##B(nncore_small##B *s, ptrdiff_t l, const int NV)          \
{                                                                                                           \
    if (l == 1)                                                                                             \
        nncore_small_update##B(s, l, NV, 0);                                                                \
    else                                                                                                    \
        NNCORE_SMALL_BY_VECTORS(s->v[l - 1], nncore_small_update##B, s, l, NV);                             \
}                                                                                                           \
                                                                                                            \
NNCORE_SMALL_FUNCTION void nncore_small_update_any##B(nncore_small##B *s, ptrdiff_t l)                     \
{                                                                                                           \
    NNCORE_SMALL_BY_VECTORS(s->v[l], nncore_small_update_in##B, s, l);                                      \
}                                                                                                           \
                                                                                                            \
/* One sample: forward, deltas, and the update when the error is finite; returns 0.5 * sum (t - o)^2. */  \
NNCORE_SMALL_FUNCTION double nncore_small_step##B(nncore_small##B *s, const REAL *x, const REAL *target)                   \
{                                                                                                           \
    const ptrdiff_t last = s->n_layers;                                                                     \
    const REAL *out = (const REAL *)s->o[last];                                                             \
    REAL *delta = (REAL *)s->d[last];                                                                       \
    REAL error, sum_squares = 0, half = 0.5, one = 1;                                                       \
    ptrdiff_t k, l;                                                                                         \
    memcpy(s->o[0], x, (size_t)s->n[0] * sizeof(REAL));                                                     \
    for (l = 1; l <= last; l++)                                                                             \
        nncore_small_forward_any##B(s, l);                                                                  \
    for (k = 0; k < s->n[last]; k++) {                                                                      \
        error = target[k] - out[k];                                                                         \
        sum_squares = sum_squares + error * error;                                                          \
        delta[k] = error * out[k] * (one - out[k]);                                                         \
    }                                                                                                       \
    for (l = last - 1; l >= 1; l--)                                                                         \
        nncore_small_deltas_any##B(s, l);                                                                   \
    error = half * sum_squares;                                                                             \
    if (!((double)error - (double)error == 0.0))                                                            \
        return (double)error;                                                                               \
    for (l = 1; l <= last; l++)                                                                             \
        nncore_small_update_any##B(s, l);                                                                   \
    return (double)error;                                                                                   \
}                                                                                                           \
                                                                                                            \
/* True when a network of these layers takes this path (activations, loss and update checked by the caller). */ \
NNCORE_SMALL_FUNCTION int nncore_small_fits##B(ptrdiff_t n_layers, const ptrdiff_t *sizes)                                \
{                                                                                                           \
    ptrdiff_t l;                                                                                            \
    if (n_layers < 2 || n_layers > NNCORE_SMALL_LAYERS + 1)                                                 \
        return 0;                                                                                           \
    for (l = 0; l < n_layers; l++)                                                                          \
        if (sizes[l] < 1 || sizes[l] > NNCORE_SMALL_WIDEST)                                                 \
            return 0;                                                                                       \
    return 1;                                                                                               \
}                                                                                                           \
                                                                                                            \
/* Copy a network (row-major weights and changes from weight_offset[l], biases from neuron_offset[l]) in. */ \
NNCORE_SMALL_FUNCTION void nncore_small_pack##B(nncore_small##B *s, ptrdiff_t n_layers, const ptrdiff_t *sizes,            \
                                 const ptrdiff_t *weight_offset, const ptrdiff_t *neuron_offset,           \
                                 const REAL *weights, const REAL *changes, const REAL *biases,             \
                                 double rate, double momentum)                                              \
{                                                                                                           \
    VEC *next = s->area;                                                                                    \
    ptrdiff_t l, j, k, i;                                                                                   \
    memset(s, 0, offsetof(nncore_small##B, area));                                                          \
    s->n_layers = n_layers - 1;                                                                             \
    s->rate = (REAL)rate;                                                                                   \
    s->momentum = (REAL)momentum;                                                                           \
    for (l = 0; l < n_layers; l++) {                                                                        \
        s->n[l] = sizes[l];                                                                                 \
        s->v[l] = (sizes[l] + LANES - 1) / LANES;                                                           \
        for (i = 0; i < s->v[l] * LANES; i++)                                                               \
            ((INT *)s->keep[l])[i] = i < sizes[l] ? -1 : 0;                                                 \
        s->o[l] = next; next += s->v[l];                                                                    \
        s->d[l] = next; next += s->v[l];                                                                    \
        s->b[l] = next; next += s->v[l];                                                                    \
    }                                                                                                       \
    for (l = 1; l < n_layers; l++) {                                                                        \
        const ptrdiff_t n_in = sizes[l - 1];                                                                \
        s->wt[l] = next; next += n_in * s->v[l];                                                            \
        s->ct[l] = next; next += n_in * s->v[l];                                                            \
        if (l >= 2) {                                                                                       \
            s->w[l] = next; next += sizes[l] * s->v[l - 1];                                                 \
            s->c[l] = next; next += sizes[l] * s->v[l - 1];                                                 \
        }                                                                                                   \
    }                                                                                                       \
    memset(s->area, 0, (size_t)(next - s->area) * sizeof(VEC));                                             \
    for (l = 1; l < n_layers; l++) {                                                                        \
        const ptrdiff_t n_in = sizes[l - 1];                                                                \
        for (j = 0; j < sizes[l]; j++) {                                                                    \
            ((REAL *)s->b[l])[j] = biases[neuron_offset[l] + j];                                            \
            for (k = 0; k < n_in; k++) {                                                                    \
                REAL weight = weights[weight_offset[l] + j * n_in + k];                                     \
                REAL change = changes[weight_offset[l] + j * n_in + k];                                     \
                ((REAL *)s->wt[l])[k * s->v[l] * LANES + j] = weight;                                       \
                ((REAL *)s->ct[l])[k * s->v[l] * LANES + j] = change;                                       \
                if (l >= 2) {                                                                               \
                    ((REAL *)s->w[l])[j * s->v[l - 1] * LANES + k] = weight;                                \
                    ((REAL *)s->c[l])[j * s->v[l - 1] * LANES + k] = change;                                \
                }                                                                                           \
            }                                                                                               \
        }                                                                                                   \
    }                                                                                                       \
}                                                                                                           \
                                                                                                            \
/* Copy the state back into the network's arrays, outputs and deltas included. */                          \
NNCORE_SMALL_FUNCTION void nncore_small_unpack##B(const nncore_small##B *s, const ptrdiff_t *weight_offset,              \
                                   const ptrdiff_t *neuron_offset, REAL *weights, REAL *changes,            \
                                   REAL *biases, REAL *outputs, REAL *deltas)                               \
{                                                                                                           \
    ptrdiff_t l, j, k;                                                                                      \
    for (l = 0; l <= s->n_layers; l++) {                                                                    \
        for (j = 0; j < s->n[l]; j++) {                                                                     \
            outputs[neuron_offset[l] + j] = ((const REAL *)s->o[l])[j];                                     \
            if (l == 0)                                                                                     \
                continue;                                                                                   \
            deltas[neuron_offset[l] + j] = ((const REAL *)s->d[l])[j];                                      \
            biases[neuron_offset[l] + j] = ((const REAL *)s->b[l])[j];                                      \
            for (k = 0; k < s->n[l - 1]; k++) {                                                             \
                weights[weight_offset[l] + j * s->n[l - 1] + k] =                                           \
                    ((const REAL *)s->wt[l])[k * s->v[l] * LANES + j];                                      \
                changes[weight_offset[l] + j * s->n[l - 1] + k] =                                           \
                    ((const REAL *)s->ct[l])[k * s->v[l] * LANES + j];                                      \
            }                                                                                               \
        }                                                                                                   \
    }                                                                                                       \
}

NNCORE_SMALL_FUNCTIONS(64, double, nncore_v64, nncore_i64, nncore_u64, int64_t, 4, __builtin_ia32_movmskpd256, 0xF,
                       1020)
NNCORE_SMALL_FUNCTIONS(32, float, nncore_v32, nncore_i32, nncore_u32, int32_t, 8, __builtin_ia32_movmskps256, 0xFF,
                       120)

#ifdef NNCORE_SMALL_POP_OPTIONS
#pragma GCC pop_options
#endif

#else

#define NNCORE_SMALL_STEP 0

/* Stand-ins, never called, so that the kernels compile where the path does not exist. */
#define NNCORE_SMALL_STUBS(B, REAL)                                                                         \
typedef struct { int unused; } nncore_small##B;                                                              \
static double nncore_small_step##B(nncore_small##B *s, const REAL *x, const REAL *target)                   \
{ (void)s; (void)x; (void)target; return 0.0; }                                                             \
static int nncore_small_fits##B(ptrdiff_t n_layers, const ptrdiff_t *sizes)                                \
{ (void)n_layers; (void)sizes; return 0; }                                                                  \
static void nncore_small_pack##B(nncore_small##B *s, ptrdiff_t n_layers, const ptrdiff_t *sizes,            \
                                 const ptrdiff_t *weight_offset, const ptrdiff_t *neuron_offset,           \
                                 const REAL *weights, const REAL *changes, const REAL *biases,             \
                                 double rate, double momentum)                                              \
{ (void)s; (void)n_layers; (void)sizes; (void)weight_offset; (void)neuron_offset; (void)weights;           \
  (void)changes; (void)biases; (void)rate; (void)momentum; }                                                \
static void nncore_small_unpack##B(const nncore_small##B *s, const ptrdiff_t *weight_offset,              \
                                   const ptrdiff_t *neuron_offset, REAL *weights, REAL *changes,            \
                                   REAL *biases, REAL *outputs, REAL *deltas)                               \
{ (void)s; (void)weight_offset; (void)neuron_offset; (void)weights; (void)changes; (void)biases;           \
  (void)outputs; (void)deltas; }

NNCORE_SMALL_STUBS(64, double)
NNCORE_SMALL_STUBS(32, float)

#endif
#endif
