/* The innermost loops of the plain SGD step (update64/32 and hidden_deltas64/32
 * of _kernels.pxd), written once in C so that their pointers can be restrict:
 * a weight row, its changes, the inputs and the deltas never overlap, and
 * without that promise the compiler guards every vectorised loop with
 * run-time overlap checks, which cost more than the arithmetic on the short
 * rows of small networks.  Each value gets exactly the operations of the
 * Cython loops they replace, in the same order (no fused multiply-add: the
 * build turns contraction off), so the results keep their bits.
 */
#ifndef NNCORE_ROW_UPDATES_H
#define NNCORE_ROW_UPDATES_H

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

#define NNCORE_ROW_UPDATES(B, REAL)                                                                \
    /* nncore_update_row of each of the n_out rows of a layer, and bias[j] = bias[j] + step.    \
     * Out of line: inlined into the large training loop, its vector loop lost registers to     \
     * the loop around it and reloaded and spilled values on every iteration. */                \
    static inline void nncore_update_row##B(REAL *NNCORE_RESTRICT w, REAL *NNCORE_RESTRICT c,                   \
                                            const REAL *NNCORE_RESTRICT x, REAL step, REAL momentum,     \
                                            ptrdiff_t n);                                         \
    static NNCORE_NOINLINE void nncore_update_layer##B(REAL *NNCORE_RESTRICT w, REAL *NNCORE_RESTRICT c,        \
                                                       const REAL *NNCORE_RESTRICT x,            \
                                                       const REAL *NNCORE_RESTRICT delta,        \
                                                       REAL *NNCORE_RESTRICT bias, REAL lr,      \
                                                       REAL momentum, ptrdiff_t n_out, ptrdiff_t n_in) \
    {                                                                                             \
        for (ptrdiff_t j = 0; j < n_out; j++) {                                                   \
            REAL step = lr * delta[j];                                                            \
            nncore_update_row##B(w + j * n_in, c + j * n_in, x, step, momentum, n_in);            \
            bias[j] = bias[j] + step;                                                             \
        }                                                                                         \
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

#endif
