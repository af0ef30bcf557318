/* The innermost loops of the plain SGD step (update64/32 and hidden_deltas64/32
 * of _kernels.pxd), written once in C so that their pointers can be restrict:
 * a weight row, its changes, the inputs and the deltas never overlap, and
 * without that promise the compiler guards every vectorised loop with
 * run-time overlap checks, which cost more than the arithmetic on the short
 * rows of small networks.  Each value gets exactly the operations of the
 * Cython loops they replace, in the same order (no fused multiply-add: the
 * build turns contraction off), so the results keep their bits.  Rows of up
 * to 16 values (small networks, where train()'s per-call step spends its
 * time) run with their length a constant, and the magnitude bound of train()'s
 * checked step reads four values at a time.
 */
#ifndef NNCORE_ROW_UPDATES_H
#define NNCORE_ROW_UPDATES_H

#include <math.h>
#include <stddef.h>

#if defined(_MSC_VER)
#define NNCORE_RESTRICT __restrict
#else
#define NNCORE_RESTRICT __restrict__
#endif

#if defined(_MSC_VER)
#define NNCORE_NOINLINE __declspec(noinline)
#else
#define NNCORE_NOINLINE __attribute__((noinline))
#endif

#if defined(_MSC_VER)
#define NNCORE_ALWAYS_INLINE static __forceinline
#else
#define NNCORE_ALWAYS_INLINE static inline __attribute__((always_inline))
#endif

/* The rows of nncore_update_layer, N values each (the same operations whatever N is). */
#define NNCORE_UPDATE_ROWS(B, REAL, N, ROW)                                                                 \
    for (ptrdiff_t j = 0; j < n_out; j++) {                                                       \
        REAL step = lr * delta[j];                                                                \
        ROW(w + j * (N), c + j * (N), x, step, momentum, (N));                                    \
        bias[j] = bias[j] + step;                                                                 \
    }
#define NNCORE_UPDATE_ROWS_OF(B, REAL, N)                                                                \
    case N:                                                                                       \
        NNCORE_UPDATE_ROWS(B, REAL, N, nncore_update_short_row##B);                                                                 \
        return;

/* The largest |values[i]| (0 for none; a NaN is passed over, as `if a > m: m = a` does), in four
 * chains merged at the end, a quarter as long as one: a maximum is exact, its order does not matter. */
#define NNCORE_LARGEST_MAGNITUDE(B, REAL, ABS)                                                        \
    static inline double nncore_largest_magnitude##B(const REAL *values, ptrdiff_t n)             \
    {                                                                                             \
        REAL m[4] = {0, 0, 0, 0}, a;                                                              \
        ptrdiff_t i = 0, l;                                                                       \
        for (; i + 4 <= n; i += 4)                                                                \
            for (l = 0; l < 4; l++) {                                                             \
                a = ABS(values[i + l]);                                                            \
                m[l] = a > m[l] ? a : m[l];                                                       \
            }                                                                                     \
        for (; i < n; i++) {                                                                      \
            a = ABS(values[i]);                                                                    \
            m[0] = a > m[0] ? a : m[0];                                                           \
        }                                                                                         \
        for (l = 1; l < 4; l++)                                                                   \
            m[0] = m[l] > m[0] ? m[l] : m[0];                                                     \
        return (double)m[0];                                                                      \
    }

/* The loops of nncore_hidden_errors, rows of N values. */
#define NNCORE_ERRORS(B, N)                                                                        \
    for (ptrdiff_t j = 0; j < (N); j++)                                                           \
        delta[j] = 0;                                                                             \
    for (ptrdiff_t k = 0; k < n_next; k++)                                                        \
        nncore_add_scaled_row##B(delta, rows + k * (N), next[k], (N));
#define NNCORE_ERRORS_OF(B, N)                                                                     \
    case N:                                                                                       \
        NNCORE_ERRORS(B, N)                                                                       \
        return;

#define NNCORE_ROW_UPDATES(B, REAL)                                                                \
    static inline void nncore_update_row##B(REAL *NNCORE_RESTRICT w, REAL *NNCORE_RESTRICT c,                   \
                                            const REAL *NNCORE_RESTRICT x, REAL step, REAL momentum,     \
                                            ptrdiff_t n);                                         \
    static inline void nncore_add_scaled_row##B(REAL *NNCORE_RESTRICT delta,                     \
                                                const REAL *NNCORE_RESTRICT row, REAL d, ptrdiff_t n); \
    NNCORE_ALWAYS_INLINE void nncore_update_short_row##B(REAL *w, REAL *c, const REAL *x, REAL step,    \
                                                  REAL momentum, ptrdiff_t n);                    \
                                                                                                  \
    /* nncore_update_row of each of the n_out rows of a layer, and bias[j] = bias[j] + step.    \
     * Out of line: inlined into the large training loop, its vector loop lost registers to     \
     * the loop around it and reloaded and spilled values on every iteration. */                \
    static NNCORE_NOINLINE void nncore_update_layer##B(REAL *NNCORE_RESTRICT w, REAL *NNCORE_RESTRICT c,        \
                                                       const REAL *NNCORE_RESTRICT x,            \
                                                       const REAL *NNCORE_RESTRICT delta,        \
                                                       REAL *NNCORE_RESTRICT bias, REAL lr,      \
                                                       REAL momentum, ptrdiff_t n_out, ptrdiff_t n_in) \
    {                                                                                             \
        /* Rows of up to 16 values get a length the compiler knows: straight-line vector code per \
         * row, without the set-up and remainder of a loop of unknown length, which cost more     \
         * than the arithmetic of the short rows of small networks. */                            \
        switch (n_in) {                                                                           \
        NNCORE_UPDATE_ROWS_OF(B, REAL, 1) NNCORE_UPDATE_ROWS_OF(B, REAL, 2) NNCORE_UPDATE_ROWS_OF(B, REAL, 3)       \
        NNCORE_UPDATE_ROWS_OF(B, REAL, 4) NNCORE_UPDATE_ROWS_OF(B, REAL, 5) NNCORE_UPDATE_ROWS_OF(B, REAL, 6)       \
        NNCORE_UPDATE_ROWS_OF(B, REAL, 7) NNCORE_UPDATE_ROWS_OF(B, REAL, 8) NNCORE_UPDATE_ROWS_OF(B, REAL, 9)       \
        NNCORE_UPDATE_ROWS_OF(B, REAL, 10) NNCORE_UPDATE_ROWS_OF(B, REAL, 11) NNCORE_UPDATE_ROWS_OF(B, REAL, 12)    \
        NNCORE_UPDATE_ROWS_OF(B, REAL, 13) NNCORE_UPDATE_ROWS_OF(B, REAL, 14) NNCORE_UPDATE_ROWS_OF(B, REAL, 15)    \
        NNCORE_UPDATE_ROWS_OF(B, REAL, 16)                                                              \
        default:                                                                                  \
            NNCORE_UPDATE_ROWS(B, REAL, n_in, nncore_update_row##B);                                                          \
        }                                                                                         \
    }                                                                                             \
                                                                                                  \
    /* nncore_update_row of a row of at most 16 values, every value read before any is written: \
     * with N a constant, the compiler makes vectors of the row without proving that w and c do \
     * not overlap (they never do). */                                                           \
    NNCORE_ALWAYS_INLINE void nncore_update_short_row##B(REAL *w, REAL *c, const REAL *x, REAL step,    \
                                                  REAL momentum, ptrdiff_t n)                     \
    {                                                                                             \
        REAL change[16], weight[16];                                                              \
        for (ptrdiff_t k = 0; k < n; k++)                                                         \
            change[k] = step * x[k] + momentum * c[k];                                            \
        for (ptrdiff_t k = 0; k < n; k++)                                                         \
            weight[k] = w[k] + change[k];                                                         \
        for (ptrdiff_t k = 0; k < n; k++)                                                         \
            c[k] = change[k];                                                                     \
        for (ptrdiff_t k = 0; k < n; k++)                                                         \
            w[k] = weight[k];                                                                     \
    }                                                                                             \
                                                                                                  \
    /* change = step * x[k] + momentum * c[k]; c[k] = change; w[k] = w[k] + change */             \
    static inline void nncore_update_row##B(REAL *NNCORE_RESTRICT w, REAL *NNCORE_RESTRICT c,                   \
                                            const REAL *NNCORE_RESTRICT x, REAL step, REAL momentum,     \
                                            ptrdiff_t n)                                          \
    {                                                                                             \
        for (ptrdiff_t k = 0; k < n; k++) {                                                       \
            REAL change = step * x[k] + momentum * c[k];                                          \
            c[k] = change;                                                                        \
            w[k] = w[k] + change;                                                                 \
        }                                                                                         \
    }                                                                                             \
                                                                                                  \
    /* delta[k] = delta[k] + d * w[k] with the weight before the update, then the update of     \
     * nncore_update_row: the back-propagation through a row and its update in one pass. */      \
    static inline void nncore_update_row_back##B(REAL *NNCORE_RESTRICT w, REAL *NNCORE_RESTRICT c,              \
                                                 const REAL *NNCORE_RESTRICT x,                  \
                                                 REAL *NNCORE_RESTRICT delta, REAL d, REAL step,  \
                                                 REAL momentum, ptrdiff_t n)                      \
    {                                                                                             \
        for (ptrdiff_t k = 0; k < n; k++) {                                                       \
            delta[k] = delta[k] + d * w[k];                                                       \
            REAL change = step * x[k] + momentum * c[k];                                          \
            c[k] = change;                                                                        \
            w[k] = w[k] + change;                                                                 \
        }                                                                                         \
    }                                                                                             \
                                                                                                  \
    /* delta[j] = ((0 + next[0] * rows[0][j]) + next[1] * rows[1][j]) + ..., the hidden errors of a \
     * layer of n neurons from the n_next rows (of n weights each) of the layer after it.  Rows of \
     * up to 16 values get a length the compiler knows, as in nncore_update_layer. */             \
    static NNCORE_NOINLINE void nncore_hidden_errors##B(REAL *NNCORE_RESTRICT delta,             \
                                                        const REAL *NNCORE_RESTRICT rows,        \
                                                        const REAL *NNCORE_RESTRICT next,        \
                                                        ptrdiff_t n_next, ptrdiff_t n)           \
    {                                                                                             \
        switch (n) {                                                                              \
        NNCORE_ERRORS_OF(B, 1) NNCORE_ERRORS_OF(B, 2) NNCORE_ERRORS_OF(B, 3)                      \
        NNCORE_ERRORS_OF(B, 4) NNCORE_ERRORS_OF(B, 5) NNCORE_ERRORS_OF(B, 6)                      \
        NNCORE_ERRORS_OF(B, 7) NNCORE_ERRORS_OF(B, 8) NNCORE_ERRORS_OF(B, 9)                      \
        NNCORE_ERRORS_OF(B, 10) NNCORE_ERRORS_OF(B, 11) NNCORE_ERRORS_OF(B, 12)                   \
        NNCORE_ERRORS_OF(B, 13) NNCORE_ERRORS_OF(B, 14) NNCORE_ERRORS_OF(B, 15)                   \
        NNCORE_ERRORS_OF(B, 16)                                                                   \
        default:                                                                                  \
            NNCORE_ERRORS(B, n);                                                                  \
        }                                                                                         \
    }                                                                                             \
                                                                                                  \
    /* delta[j] = delta[j] + d * row[j] */                                                         \
    static inline void nncore_add_scaled_row##B(REAL *NNCORE_RESTRICT delta, const REAL *NNCORE_RESTRICT row,    \
                                                REAL d, ptrdiff_t n)                              \
    {                                                                                             \
        for (ptrdiff_t j = 0; j < n; j++) {                                                       \
            delta[j] = delta[j] + d * row[j];                                                     \
        }                                                                                         \
    }

NNCORE_ROW_UPDATES(64, double)
NNCORE_ROW_UPDATES(32, float)
NNCORE_LARGEST_MAGNITUDE(64, double, fabs)
NNCORE_LARGEST_MAGNITUDE(32, float, fabsf)

#endif
