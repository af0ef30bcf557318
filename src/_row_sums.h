/* Weighted sums of sixteen rows side by side in SIMD lanes, for the AVX builds
 * (here) and the NEON build (_row_sums_neon.h), in double (nncore_row_sums16) and in float (nncore_row_sums16_f32).
 *
 * sums[j] = biases[j] + (((0 + w[j,0]*x[0]) + w[j,1]*x[1]) + ...), exactly the
 * reference's order for each row: lane i of an accumulator holds the sum of
 * one row, and the columns w[j..j+3, k] are brought into the lanes by
 * transposing 4x4 blocks of the row-major weights in registers.  Only the
 * rows are side by side, never the terms of one sum, and a multiplication
 * and an addition stay two roundings (the build enables no FMA), so the
 * results are the bits of the scalar loop.
 *
 * NNCORE_ROW_SUMS is 1 where this code is compiled (the compiler targets AVX,
 * or setup.py builds nncore._kernels_neon for arm64), 0 elsewhere; the
 * functions then must not be called.
 */
#ifndef NNCORE_ROW_SUMS_H
#define NNCORE_ROW_SUMS_H

#include <stddef.h>

#if defined(__AVX__)
#include <immintrin.h>

#define NNCORE_ROW_SUMS 1

/* The four columns k..k+3 of rows r0..r3, each column in one vector (lane i = row i). */
#define NNCORE_TRANSPOSE4(r0, r1, r2, r3, k, c0, c1, c2, c3)                        \
    do {                                                                              \
        __m256d a0_ = _mm256_loadu_pd((r0) + (k)), a1_ = _mm256_loadu_pd((r1) + (k));   \
        __m256d a2_ = _mm256_loadu_pd((r2) + (k)), a3_ = _mm256_loadu_pd((r3) + (k));   \
        __m256d lo01_ = _mm256_unpacklo_pd(a0_, a1_), hi01_ = _mm256_unpackhi_pd(a0_, a1_); \
        __m256d lo23_ = _mm256_unpacklo_pd(a2_, a3_), hi23_ = _mm256_unpackhi_pd(a2_, a3_); \
        c0 = _mm256_permute2f128_pd(lo01_, lo23_, 0x20);                             \
        c1 = _mm256_permute2f128_pd(hi01_, hi23_, 0x20);                             \
        c2 = _mm256_permute2f128_pd(lo01_, lo23_, 0x31);                             \
        c3 = _mm256_permute2f128_pd(hi01_, hi23_, 0x31);                             \
    } while (0)

/* acc = acc + column * x, one rounding each. */
static inline __m256d nncore_add_product(__m256d acc, __m256d column, double x)
{
    return _mm256_add_pd(acc, _mm256_mul_pd(column, _mm256_set1_pd(x)));
}

/* One block of four rows starting at w (row stride n_in): returns their four sums. */
static inline void nncore_block4_step(const double* w, ptrdiff_t n_in, const double* inputs,
                                      ptrdiff_t k, __m256d* acc)
{
    __m256d c0, c1, c2, c3;
    NNCORE_TRANSPOSE4(w, w + n_in, w + 2 * n_in, w + 3 * n_in, k, c0, c1, c2, c3);
    *acc = nncore_add_product(*acc, c0, inputs[k]);
    *acc = nncore_add_product(*acc, c1, inputs[k + 1]);
    *acc = nncore_add_product(*acc, c2, inputs[k + 2]);
    *acc = nncore_add_product(*acc, c3, inputs[k + 3]);
}

static inline void nncore_block4_tail(const double* w, ptrdiff_t n_in, const double* inputs,
                                      ptrdiff_t k, __m256d* acc)
{
    __m256d column = _mm256_set_pd(w[3 * n_in + k], w[2 * n_in + k], w[n_in + k], w[k]);
    *acc = nncore_add_product(*acc, column, inputs[k]);
}

/* Rows j .. j+15 of the weights at w (row-major, n_in columns). */
static inline void nncore_row_sums16(const double* w, const double* biases, const double* inputs,
                                     double* sums, ptrdiff_t n_in)
{
    /* Four accumulators, so that four chains of additions are in flight at once. */
    __m256d acc0 = _mm256_setzero_pd(), acc1 = _mm256_setzero_pd();
    __m256d acc2 = _mm256_setzero_pd(), acc3 = _mm256_setzero_pd();
    ptrdiff_t k = 0;
    for (; k + 4 <= n_in; k += 4) {
        nncore_block4_step(w, n_in, inputs, k, &acc0);
        nncore_block4_step(w + 4 * n_in, n_in, inputs, k, &acc1);
        nncore_block4_step(w + 8 * n_in, n_in, inputs, k, &acc2);
        nncore_block4_step(w + 12 * n_in, n_in, inputs, k, &acc3);
    }
    for (; k < n_in; k++) {
        nncore_block4_tail(w, n_in, inputs, k, &acc0);
        nncore_block4_tail(w + 4 * n_in, n_in, inputs, k, &acc1);
        nncore_block4_tail(w + 8 * n_in, n_in, inputs, k, &acc2);
        nncore_block4_tail(w + 12 * n_in, n_in, inputs, k, &acc3);
    }
    _mm256_storeu_pd(sums, _mm256_add_pd(_mm256_loadu_pd(biases), acc0));
    _mm256_storeu_pd(sums + 4, _mm256_add_pd(_mm256_loadu_pd(biases + 4), acc1));
    _mm256_storeu_pd(sums + 8, _mm256_add_pd(_mm256_loadu_pd(biases + 8), acc2));
    _mm256_storeu_pd(sums + 12, _mm256_add_pd(_mm256_loadu_pd(biases + 12), acc3));
}

/* The float twin: four rows per 128-bit vector, the same blocks and order. */
#define NNCORE_TRANSPOSE4_F32(r0, r1, r2, r3, k, c0, c1, c2, c3)                    \
    do {                                                                              \
        __m128 a0_ = _mm_loadu_ps((r0) + (k)), a1_ = _mm_loadu_ps((r1) + (k));        \
        __m128 a2_ = _mm_loadu_ps((r2) + (k)), a3_ = _mm_loadu_ps((r3) + (k));        \
        _MM_TRANSPOSE4_PS(a0_, a1_, a2_, a3_);                                        \
        c0 = a0_; c1 = a1_; c2 = a2_; c3 = a3_;                                       \
    } while (0)

static inline __m128 nncore_add_product_f32(__m128 acc, __m128 column, float x)
{
    return _mm_add_ps(acc, _mm_mul_ps(column, _mm_set1_ps(x)));
}

static inline void nncore_block4_step_f32(const float* w, ptrdiff_t n_in, const float* inputs,
                                          ptrdiff_t k, __m128* acc)
{
    __m128 c0, c1, c2, c3;
    NNCORE_TRANSPOSE4_F32(w, w + n_in, w + 2 * n_in, w + 3 * n_in, k, c0, c1, c2, c3);
    *acc = nncore_add_product_f32(*acc, c0, inputs[k]);
    *acc = nncore_add_product_f32(*acc, c1, inputs[k + 1]);
    *acc = nncore_add_product_f32(*acc, c2, inputs[k + 2]);
    *acc = nncore_add_product_f32(*acc, c3, inputs[k + 3]);
}

static inline void nncore_block4_tail_f32(const float* w, ptrdiff_t n_in, const float* inputs,
                                          ptrdiff_t k, __m128* acc)
{
    __m128 column = _mm_set_ps(w[3 * n_in + k], w[2 * n_in + k], w[n_in + k], w[k]);
    *acc = nncore_add_product_f32(*acc, column, inputs[k]);
}

static inline void nncore_row_sums16_f32(const float* w, const float* biases, const float* inputs,
                                         float* sums, ptrdiff_t n_in)
{
    __m128 acc0 = _mm_setzero_ps(), acc1 = _mm_setzero_ps();
    __m128 acc2 = _mm_setzero_ps(), acc3 = _mm_setzero_ps();
    ptrdiff_t k = 0;
    for (; k + 4 <= n_in; k += 4) {
        nncore_block4_step_f32(w, n_in, inputs, k, &acc0);
        nncore_block4_step_f32(w + 4 * n_in, n_in, inputs, k, &acc1);
        nncore_block4_step_f32(w + 8 * n_in, n_in, inputs, k, &acc2);
        nncore_block4_step_f32(w + 12 * n_in, n_in, inputs, k, &acc3);
    }
    for (; k < n_in; k++) {
        nncore_block4_tail_f32(w, n_in, inputs, k, &acc0);
        nncore_block4_tail_f32(w + 4 * n_in, n_in, inputs, k, &acc1);
        nncore_block4_tail_f32(w + 8 * n_in, n_in, inputs, k, &acc2);
        nncore_block4_tail_f32(w + 12 * n_in, n_in, inputs, k, &acc3);
    }
    _mm_storeu_ps(sums, _mm_add_ps(_mm_loadu_ps(biases), acc0));
    _mm_storeu_ps(sums + 4, _mm_add_ps(_mm_loadu_ps(biases + 4), acc1));
    _mm_storeu_ps(sums + 8, _mm_add_ps(_mm_loadu_ps(biases + 8), acc2));
    _mm_storeu_ps(sums + 12, _mm_add_ps(_mm_loadu_ps(biases + 12), acc3));
}

#elif defined(NNCORE_NEON_KERNELS) && (defined(__aarch64__) || defined(_M_ARM64))

#define NNCORE_ROW_SUMS 1
#include "_row_sums_neon.h"

#else

#define NNCORE_ROW_SUMS 0

static inline void nncore_row_sums16(const double* w, const double* biases, const double* inputs,
                                     double* sums, ptrdiff_t n_in)
{
    (void)w; (void)biases; (void)inputs; (void)sums; (void)n_in;
}

static inline void nncore_row_sums16_f32(const float* w, const float* biases, const float* inputs,
                                         float* sums, ptrdiff_t n_in)
{
    (void)w; (void)biases; (void)inputs; (void)sums; (void)n_in;
}

#endif
#endif
