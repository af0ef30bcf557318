/* The arithmetic of one training step for a block of networks side by side
 * (_lanes.pxd's run_lanes64/32): NNCORE_LANE_BYTES bytes of lanes, 8 float64
 * or 16 float32 networks, value v of lane i at [v * W + i].  With GCC and
 * Clang, the block's values are vectors of the level's widest registers (one
 * AVX-512 register per value, two AVX2 ones, four SSE2 or NEON ones) and
 * every operation of a lane is one operation on a vector, exp and sigmoid
 * included; with other compilers the same loops run on one lane at a time
 * (the "vector" is then one value, and _elementary.h's own functions).  Each
 * lane gets exactly the operations of the plain per-sample step
 * (_kernels.pxd's forward, backward and update) in the same order, and the
 * operations of _elementary.h's exp and sigmoid in theirs; the build turns
 * contraction off, so each lane's results have the bits of its network
 * trained alone.
 */
#ifndef NNCORE_LANES_H
#define NNCORE_LANES_H

#include <stddef.h>
#include <stdint.h>
#include "_vector_elementary.h"

#if defined(_MSC_VER)
#define NNCORE_LANES_RESTRICT __restrict
#else
#define NNCORE_LANES_RESTRICT __restrict__
#endif

#define NNCORE_LANE_BYTES 64

/* The update's loop has few operations a weight: unrolled, its counting costs less */
#if defined(__clang__)
#define NNCORE_LANES_UNROLL _Pragma("unroll 4")
#elif defined(__GNUC__)
#define NNCORE_LANES_UNROLL _Pragma("GCC unroll 4")
#else
#define NNCORE_LANES_UNROLL
#endif

enum { nncore_lanes64 = NNCORE_LANE_BYTES / sizeof(double), nncore_lanes32 = NNCORE_LANE_BYTES / sizeof(float) };

/* The widest vector of the level's registers: a block's values are done in parts of that width (one
   part with AVX-512, two with AVX2, four with SSE2 or NEON), so that exp's temporaries stay in registers. */
#if defined(__AVX512F__)
#define NNCORE_LANE_VECTOR_BYTES 64
#elif defined(__AVX__)
#define NNCORE_LANE_VECTOR_BYTES 32
#else
#define NNCORE_LANE_VECTOR_BYTES 16
#endif

/* A block's values as vectors (nncore_lv64, nncore_lv32: one value each in the plain build) and the own exp
   and sigmoid on them */
NNCORE_VECTOR_ELEMENTARY(lv, lv, NNCORE_LANE_VECTOR_BYTES)

#if NNCORE_VECTOR_TYPES

/* ---------------------------------------------------------------- vectors (GCC, Clang) */

/* Row random_index(&state[i], n) of _kernel_abi.pxd for i < count (a multiple of the vector's lanes), the
   states advanced: SplitMix64 on 64-bit lanes, u = (z >> 11) * 2^-53 converted exactly (u < 2^53: its
   high and low 32 bits through the exponent-bits trick), floor(u * n) by truncation to 32 bits (n < 2^31). */
static inline void nncore_lane_random_rows(uint64_t *NNCORE_LANES_RESTRICT state, ptrdiff_t n, ptrdiff_t count,
                                           int32_t *NNCORE_LANES_RESTRICT rows)
{
    enum { V = NNCORE_LANE_VECTOR_BYTES / sizeof(uint64_t) };
    typedef uint64_t u64 __attribute__((vector_size(NNCORE_LANE_VECTOR_BYTES), aligned(8), may_alias));
    typedef int32_t i32 __attribute__((vector_size(NNCORE_LANE_VECTOR_BYTES / 2), aligned(4), may_alias));
    const double scale = 1.0 / 9007199254740992.0, two84_52 = 19342813118337666422669312.0; /* 2^-53, 2^84 + 2^52 */
    const double n_real = (double)n;
    for (ptrdiff_t o = 0; o < count; o += V) {
        u64 z = *(u64 *)(state + o) + 0x9E3779B97F4A7C15ULL;
        *(u64 *)(state + o) = z;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        z = (z ^ (z >> 31)) >> 11;
        nncore_lv64 high = (nncore_lv64)((z >> 32) | 0x4530000000000000ULL) - two84_52;
        nncore_lv64 u = (high + (nncore_lv64)((z & 0xFFFFFFFFULL) | 0x4330000000000000ULL)) * scale;
        *(i32 *)(rows + o) = __builtin_convertvector(u * n_real, i32);
    }
}

enum { nncore_lane_step64 = NNCORE_LANE_VECTOR_BYTES / sizeof(double),
       nncore_lane_step32 = NNCORE_LANE_VECTOR_BYTES / sizeof(float) };
#define NNCORE_LANE_ITEM(v, i) ((v)[i])
#define NNCORE_LANE_LARGER(B, a, b) nncore_lv_select##B((a) > (b), (a), (b)) /* a > b ? a : b */

#else

/* ---------------------------------------------------------------- one lane at a time (other compilers) */

enum { nncore_lane_step64 = 1, nncore_lane_step32 = 1 };
#define NNCORE_LANE_ITEM(v, i) (v)
#define NNCORE_LANE_LARGER(B, a, b) ((a) > (b) ? (a) : (b))

static inline void nncore_lane_random_rows(uint64_t *NNCORE_LANES_RESTRICT state, ptrdiff_t n, ptrdiff_t count,
                                           int32_t *NNCORE_LANES_RESTRICT rows)
{
    for (ptrdiff_t i = 0; i < count; i++) {
        uint64_t z = (state[i] += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        z = z ^ (z >> 31);
        rows[i] = (int32_t)((double)(z >> 11) * (1.0 / 9007199254740992.0) * (double)n);
    }
}

#endif

/* ---------------------------------------------------------------- the step's loops, on vectors or on lanes */

#define NNCORE_LANE_AT(B, p, v) (*(nncore_lv##B *)((p) + (v) * nncore_lanes##B))

#define NNCORE_LANES(B, REAL)                                                                        \
    /* z[j] = bias[j] + (((0 + w[j, 0] x[0]) + w[j, 1] x[1]) + ...), w row-major (n_out x n_in) */   \
    static inline void nncore_lane_sums_part##B(const REAL *NNCORE_LANES_RESTRICT w,                      \
                                           const REAL *NNCORE_LANES_RESTRICT bias,                   \
                                           const REAL *NNCORE_LANES_RESTRICT x,                      \
                                           REAL *NNCORE_LANES_RESTRICT z, ptrdiff_t n_out, ptrdiff_t n_in) \
    {                                                                                                \
        const nncore_lv##B zero = {0};                                                               \
        ptrdiff_t j = 0, k;                                                                          \
        for (; j + 4 <= n_out; j += 4) {                                                             \
            nncore_lv##B a0 = zero, a1 = zero, a2 = zero, a3 = zero, xk;                             \
            for (k = 0; k < n_in; k++) {                                                             \
                xk = NNCORE_LANE_AT(B, x, k);                                                        \
                a0 = a0 + NNCORE_LANE_AT(B, w, j * n_in + k) * xk;                                   \
                a1 = a1 + NNCORE_LANE_AT(B, w, (j + 1) * n_in + k) * xk;                             \
                a2 = a2 + NNCORE_LANE_AT(B, w, (j + 2) * n_in + k) * xk;                             \
                a3 = a3 + NNCORE_LANE_AT(B, w, (j + 3) * n_in + k) * xk;                             \
            }                                                                                        \
            NNCORE_LANE_AT(B, z, j) = NNCORE_LANE_AT(B, bias, j) + a0;                               \
            NNCORE_LANE_AT(B, z, j + 1) = NNCORE_LANE_AT(B, bias, j + 1) + a1;                       \
            NNCORE_LANE_AT(B, z, j + 2) = NNCORE_LANE_AT(B, bias, j + 2) + a2;                       \
            NNCORE_LANE_AT(B, z, j + 3) = NNCORE_LANE_AT(B, bias, j + 3) + a3;                       \
        }                                                                                            \
        for (; j < n_out; j++) {                                                                     \
            nncore_lv##B a0 = zero;                                                                  \
            for (k = 0; k < n_in; k++) a0 = a0 + NNCORE_LANE_AT(B, w, j * n_in + k) * NNCORE_LANE_AT(B, x, k); \
            NNCORE_LANE_AT(B, z, j) = NNCORE_LANE_AT(B, bias, j) + a0;                               \
        }                                                                                            \
    }                                                                                                \
                                                                                                     \
    /* delta[j] = ((0 + w[0, j] d[0]) + w[1, j] d[1]) + ..., w row-major (n_next x n) */           \
    static inline void nncore_lane_back_sums_part##B(const REAL *NNCORE_LANES_RESTRICT w,                 \
                                                const REAL *NNCORE_LANES_RESTRICT d,                 \
                                                REAL *NNCORE_LANES_RESTRICT delta, ptrdiff_t n,      \
                                                ptrdiff_t n_next)                                    \
    {                                                                                                \
        const nncore_lv##B zero = {0};                                                               \
        ptrdiff_t j = 0, k;                                                                          \
        for (; j + 4 <= n; j += 4) {                                                                 \
            nncore_lv##B a0 = zero, a1 = zero, a2 = zero, a3 = zero, dk;                             \
            for (k = 0; k < n_next; k++) {                                                           \
                dk = NNCORE_LANE_AT(B, d, k);                                                        \
                a0 = a0 + NNCORE_LANE_AT(B, w, k * n + j) * dk;                                      \
                a1 = a1 + NNCORE_LANE_AT(B, w, k * n + j + 1) * dk;                                  \
                a2 = a2 + NNCORE_LANE_AT(B, w, k * n + j + 2) * dk;                                  \
                a3 = a3 + NNCORE_LANE_AT(B, w, k * n + j + 3) * dk;                                  \
            }                                                                                        \
            NNCORE_LANE_AT(B, delta, j) = a0;                                                        \
            NNCORE_LANE_AT(B, delta, j + 1) = a1;                                                    \
            NNCORE_LANE_AT(B, delta, j + 2) = a2;                                                    \
            NNCORE_LANE_AT(B, delta, j + 3) = a3;                                                    \
        }                                                                                            \
        for (; j < n; j++) {                                                                         \
            nncore_lv##B a0 = zero;                                                                  \
            for (k = 0; k < n_next; k++) a0 = a0 + NNCORE_LANE_AT(B, w, k * n + j) * NNCORE_LANE_AT(B, d, k); \
            NNCORE_LANE_AT(B, delta, j) = a0;                                                        \
        }                                                                                            \
    }                                                                                                \
                                                                                                     \
    /* the mse loss: delta = target - output; error = half * sum of delta^2 (in REAL, then double) */ \
    static inline void nncore_lane_errors_part##B(const REAL *NNCORE_LANES_RESTRICT target,               \
                                             const REAL *NNCORE_LANES_RESTRICT output,               \
                                             REAL *NNCORE_LANES_RESTRICT delta,                      \
                                             double *NNCORE_LANES_RESTRICT error, ptrdiff_t n)       \
    {                                                                                                \
        const REAL half = 0.5;                                                                       \
        nncore_lv##B acc = {0}, e;                                                                   \
        ptrdiff_t j;                                                                                 \
        int i;                                                                                       \
        for (j = 0; j < n; j++) {                                                                    \
            e = NNCORE_LANE_AT(B, target, j) - NNCORE_LANE_AT(B, output, j);                         \
            NNCORE_LANE_AT(B, delta, j) = e;                                                         \
            acc = acc + e * e;                                                                       \
        }                                                                                            \
        acc = half * acc;                                                                            \
        for (i = 0; i < nncore_lane_step##B; i++) error[i] = (double)NNCORE_LANE_ITEM(acc, i);                             \
    }                                                                                                \
                                                                                                     \
    /* change = step x[k] + momentum c[k]; c[k] = change; w[k] += change; bias += step,              \
       with step = rate delta[j], for every weight of a layer (w, c row-major n_out x n_in) */       \
    static inline void nncore_lane_update_part##B(REAL *NNCORE_LANES_RESTRICT w,                          \
                                             REAL *NNCORE_LANES_RESTRICT c,                          \
                                             REAL *NNCORE_LANES_RESTRICT bias,                       \
                                             const REAL *NNCORE_LANES_RESTRICT x,                    \
                                             const REAL *NNCORE_LANES_RESTRICT delta,                \
                                             const REAL *NNCORE_LANES_RESTRICT rate,                 \
                                             const REAL *NNCORE_LANES_RESTRICT momentum,             \
                                             ptrdiff_t n_out, ptrdiff_t n_in)                        \
    {                                                                                                \
        nncore_lv##B step, change, r = NNCORE_LANE_AT(B, rate, 0), m = NNCORE_LANE_AT(B, momentum, 0); \
        ptrdiff_t j, k;                                                                              \
        for (j = 0; j < n_out; j++) {                                                                \
            step = r * NNCORE_LANE_AT(B, delta, j);                                                  \
            NNCORE_LANES_UNROLL                                                                      \
            for (k = 0; k < n_in; k++) {                                                             \
                change = step * NNCORE_LANE_AT(B, x, k) + m * NNCORE_LANE_AT(B, c, j * n_in + k);    \
                NNCORE_LANE_AT(B, c, j * n_in + k) = change;                                         \
                NNCORE_LANE_AT(B, w, j * n_in + k) = NNCORE_LANE_AT(B, w, j * n_in + k) + change;    \
            }                                                                                        \
            NNCORE_LANE_AT(B, bias, j) = NNCORE_LANE_AT(B, bias, j) + step;                          \
        }                                                                                            \
    }                                                                                                \
                                                                                                     \
    /* sigmoid of every value, as nncore_sigmoid */                                                  \
    static inline void nncore_lane_sigmoid_part##B(REAL *NNCORE_LANES_RESTRICT z, ptrdiff_t n)            \
    {                                                                                                \
        ptrdiff_t j;                                                                                 \
        for (j = 0; j < n; j++)                                                                      \
            NNCORE_LANE_AT(B, z, j) = nncore_lv_sigmoid##B(NNCORE_LANE_AT(B, z, j));               \
    }                                                                                                \
                                                                                                     \
    /* delta = (delta * output) * (1 - output): the sigmoid's derivative */                          \
    static inline void nncore_lane_sigmoid_slope_part##B(REAL *NNCORE_LANES_RESTRICT delta,               \
                                                    const REAL *NNCORE_LANES_RESTRICT output, ptrdiff_t n) \
    {                                                                                                \
        const REAL one = 1;                                                                          \
        ptrdiff_t j;                                                                                 \
        nncore_lv##B o;                                                                              \
        for (j = 0; j < n; j++) {                                                                    \
            o = NNCORE_LANE_AT(B, output, j);                                                        \
            NNCORE_LANE_AT(B, delta, j) = NNCORE_LANE_AT(B, delta, j) * o * (one - o);               \
        }                                                                                            \
    } \
                                                                                                     \
    /* the functions above for a whole block, part after part */                                     \
    static inline void nncore_lane_sums##B(const REAL *w, const REAL *bias, const REAL *x, REAL *z,  \
                                           ptrdiff_t n_out, ptrdiff_t n_in)                          \
    {                                                                                                \
        for (ptrdiff_t o = 0; o < nncore_lanes##B; o += nncore_lane_step##B)         \
            nncore_lane_sums_part##B(w + o, bias + o, x + o, z + o, n_out, n_in);                    \
    }                                                                                                \
    static inline void nncore_lane_back_sums##B(const REAL *w, const REAL *d, REAL *delta, ptrdiff_t n, \
                                                ptrdiff_t n_next)                                    \
    {                                                                                                \
        for (ptrdiff_t o = 0; o < nncore_lanes##B; o += nncore_lane_step##B)         \
            nncore_lane_back_sums_part##B(w + o, d + o, delta + o, n, n_next);                       \
    }                                                                                                \
    static inline void nncore_lane_errors##B(const REAL *target, const REAL *output, REAL *delta,    \
                                             double *error, ptrdiff_t n)                             \
    {                                                                                                \
        for (ptrdiff_t o = 0; o < nncore_lanes##B; o += nncore_lane_step##B)         \
            nncore_lane_errors_part##B(target + o, output + o, delta + o, error + o, n);             \
    }                                                                                                \
    static inline void nncore_lane_update##B(REAL *w, REAL *c, REAL *bias, const REAL *x, const REAL *delta, \
                                             const REAL *rate, const REAL *momentum, ptrdiff_t n_out, \
                                             ptrdiff_t n_in)                                         \
    {                                                                                                \
        for (ptrdiff_t o = 0; o < nncore_lanes##B; o += nncore_lane_step##B)         \
            nncore_lane_update_part##B(w + o, c + o, bias + o, x + o, delta + o, rate + o, momentum + o, \
                                       n_out, n_in);                                                 \
    }                                                                                                \
    static inline void nncore_lane_sigmoid##B(REAL *z, ptrdiff_t n)                                  \
    {                                                                                                \
        for (ptrdiff_t o = 0; o < nncore_lanes##B; o += nncore_lane_step##B)         \
            nncore_lane_sigmoid_part##B(z + o, n);                                                   \
    }                                                                                                \
    static inline void nncore_lane_sigmoid_slope##B(REAL *delta, const REAL *output, ptrdiff_t n)    \
    {                                                                                                \
        for (ptrdiff_t o = 0; o < nncore_lanes##B; o += nncore_lane_step##B)         \
            nncore_lane_sigmoid_slope_part##B(delta + o, output + o, n);                             \
    }

NNCORE_LANES(64, double)
NNCORE_LANES(32, float)

/* ---------------------------------------------------------------- many rows through one network */

#define NNCORE_ROW_LANES 16 /* rows of one block of forward_rows (_lanes.pxd), side by side */

/* z[j * R + i] = bias[j] + (((0 + w[j, 0] x[0 * R + i]) + w[j, 1] x[1 * R + i]) + ...) for the R =
   NNCORE_ROW_LANES rows i of a block, w row-major (n_out x n_in): the sums of forward's layer, row by row */
#define NNCORE_LANE_ROW_SUMS(B, REAL)                                                                    \
    static inline void nncore_lane_row_sums##B(const REAL *NNCORE_LANES_RESTRICT w,                  \
                                               const REAL *NNCORE_LANES_RESTRICT bias,               \
                                               const REAL *NNCORE_LANES_RESTRICT x,                  \
                                               REAL *NNCORE_LANES_RESTRICT z, ptrdiff_t n_out,       \
                                               ptrdiff_t n_in)                                       \
    {                                                                                                \
        enum { S = nncore_lane_step##B, P = NNCORE_ROW_LANES / nncore_lane_step##B };                \
        const nncore_lv##B zero = {0};                                                               \
        nncore_lv##B acc[P];                                                                         \
        ptrdiff_t j, k;                                                                              \
        int p;                                                                                       \
        for (j = 0; j < n_out; j++) {                                                                \
            for (p = 0; p < P; p++) acc[p] = zero;                                                   \
            for (k = 0; k < n_in; k++) {                                                             \
                const REAL wk = w[j * n_in + k];                                                     \
                for (p = 0; p < P; p++)                                                              \
                    acc[p] = acc[p] + wk * *(const nncore_lv##B *)(x + k * NNCORE_ROW_LANES + p * S); \
            }                                                                                        \
            for (p = 0; p < P; p++)                                                                  \
                *(nncore_lv##B *)(z + j * NNCORE_ROW_LANES + p * S) = bias[j] + acc[p];              \
        }                                                                                            \
    }

/* softmax_in_place of each of the R rows of a block: z[j * R + i] for the n values j of row i */
#define NNCORE_LANE_ROW_SOFTMAX(B, REAL)                                                                 \
    static inline void nncore_lane_row_softmax##B(REAL *NNCORE_LANES_RESTRICT z, ptrdiff_t n)       \
    {                                                                                                \
        enum { S = nncore_lane_step##B };                                                            \
        const nncore_lv##B zero = {0};                                                               \
        nncore_lv##B largest, total, value;                                                          \
        ptrdiff_t j;                                                                                 \
        int p;                                                                                       \
        for (p = 0; p < NNCORE_ROW_LANES; p += S) {                                                  \
            largest = *(nncore_lv##B *)(z + p);                                                      \
            for (j = 1; j < n; j++) {                                                                \
                value = *(nncore_lv##B *)(z + j * NNCORE_ROW_LANES + p);                             \
                largest = NNCORE_LANE_LARGER(B, value, largest);                                     \
            }                                                                                        \
            total = zero;                                                                            \
            for (j = 0; j < n; j++) {                                                                \
                value = nncore_lv_exp##B(*(nncore_lv##B *)(z + j * NNCORE_ROW_LANES + p) - largest); \
                *(nncore_lv##B *)(z + j * NNCORE_ROW_LANES + p) = value;                             \
                total = total + value;                                                               \
            }                                                                                        \
            for (j = 0; j < n; j++)                                                                  \
                *(nncore_lv##B *)(z + j * NNCORE_ROW_LANES + p) =                                    \
                    *(nncore_lv##B *)(z + j * NNCORE_ROW_LANES + p) / total;                         \
        }                                                                                            \
    }

NNCORE_LANE_ROW_SUMS(64, double)
NNCORE_LANE_ROW_SUMS(32, float)
NNCORE_LANE_ROW_SOFTMAX(64, double)
NNCORE_LANE_ROW_SOFTMAX(32, float)

#endif
