/* Weighted sums of sixteen rows side by side in SIMD lanes, for the AVX builds
 * (here) and the NEON build (_row_sums_neon.h), in double (nncore_row_sums16) and in float (nncore_row_sums16_f32).
 *
 * sums[j] = biases[j] + (((0 + w[j,0]*x[0]) + w[j,1]*x[1]) + ...), exactly the
 * reference's order for each row: lane i of an accumulator holds the sum of
 * one row, and the columns w[j..j+3, k] (w[j..j+7, k] in AVX-512 and in float)
 * are brought into the lanes by transposing blocks of the row-major weights,
 * half of it by the loads and half in registers.  Only the
 * rows are side by side, never the terms of one sum, and a multiplication
 * and an addition stay two roundings (the build enables no FMA), so the
 * results are the bits of the scalar loop.
 *
 * NNCORE_ROW_SUMS is 1 where this code is compiled (the compiler targets AVX,
 * or setup.py builds nncore._kernels_neon for arm64), 0 elsewhere; the
 * functions then must not be called.  NNCORE_ROW_SPANS is 1 where a row's sum
 * may also be built a span of columns at a time (nncore_row_sums16_span) and
 * 32 rows are summed side by side (nncore_row_sums32): the AVX builds.
 */
#ifndef NNCORE_ROW_SUMS_H
#define NNCORE_ROW_SUMS_H

#include <stddef.h>

#if defined(__AVX__)
#include <immintrin.h>

#define NNCORE_ROW_SUMS 1
#define NNCORE_ROW_SPANS 1

/* NAME_span adds the columns k0..k1-1 of rows w .. w+15*n_in to acc[0..15], in two
 * vectors VEC of eight rows; NAME gives the sixteen sums biases[j] + (0 + ...), the
 * columns in order.  NAME32_span and NAME32: the same for 32 rows in four vectors,
 * twice the chains of additions in flight (an addition waits for the one before it
 * in its row: sixteen rows leave AVX-512's adders idle).  STEP(w, n_in, inputs, k,
 * &acc) adds the columns k..k+3 of eight rows, TAIL column k alone.  A row's sum may
 * be built span by span, in order. */
#define NNCORE_ROW_SUMS_BY_EIGHT(NAME, NAME32, REAL, VEC, STEP, TAIL, LOAD, ADD, STORE)           \
    static inline void NAME##_span(const REAL* w, ptrdiff_t n_in, const REAL* inputs, ptrdiff_t k0, \
                                   ptrdiff_t k1, REAL* acc)                                       \
    {                                                                                             \
        VEC acc0 = LOAD(acc), acc1 = LOAD(acc + 8);                                               \
        ptrdiff_t k = k0;                                                                         \
        for (; k + 4 <= k1; k += 4) {                                                             \
            STEP(w, n_in, inputs, k, &acc0);                                                      \
            STEP(w + 8 * n_in, n_in, inputs, k, &acc1);                                           \
        }                                                                                         \
        for (; k < k1; k++) {                                                                     \
            TAIL(w, n_in, inputs, k, &acc0);                                                      \
            TAIL(w + 8 * n_in, n_in, inputs, k, &acc1);                                           \
        }                                                                                         \
        STORE(acc, acc0);                                                                         \
        STORE(acc + 8, acc1);                                                                     \
    }                                                                                             \
                                                                                                  \
    static inline void NAME32##_span(const REAL* w, ptrdiff_t n_in, const REAL* inputs, ptrdiff_t k0, \
                                     ptrdiff_t k1, REAL* acc)                                     \
    {                                                                                             \
        VEC acc0 = LOAD(acc), acc1 = LOAD(acc + 8), acc2 = LOAD(acc + 16), acc3 = LOAD(acc + 24); \
        ptrdiff_t k = k0;                                                                         \
        for (; k + 4 <= k1; k += 4) {                                                             \
            STEP(w, n_in, inputs, k, &acc0);                                                      \
            STEP(w + 8 * n_in, n_in, inputs, k, &acc1);                                           \
            STEP(w + 16 * n_in, n_in, inputs, k, &acc2);                                          \
            STEP(w + 24 * n_in, n_in, inputs, k, &acc3);                                          \
        }                                                                                         \
        for (; k < k1; k++) {                                                                     \
            TAIL(w, n_in, inputs, k, &acc0);                                                      \
            TAIL(w + 8 * n_in, n_in, inputs, k, &acc1);                                           \
            TAIL(w + 16 * n_in, n_in, inputs, k, &acc2);                                          \
            TAIL(w + 24 * n_in, n_in, inputs, k, &acc3);                                          \
        }                                                                                         \
        STORE(acc, acc0);                                                                         \
        STORE(acc + 8, acc1);                                                                     \
        STORE(acc + 16, acc2);                                                                    \
        STORE(acc + 24, acc3);                                                                    \
    }                                                                                             \
                                                                                                  \
    static inline void NAME(const REAL* w, const REAL* biases, const REAL* inputs, REAL* sums,      \
                            ptrdiff_t n_in)                                                       \
    {                                                                                             \
        REAL acc[16] = {0};                                                                       \
        NAME##_span(w, n_in, inputs, 0, n_in, acc);                                               \
        for (int j = 0; j < 16; j += 8) {                                                         \
            STORE(sums + j, ADD(LOAD(biases + j), LOAD(acc + j)));                                \
        }                                                                                         \
    }                                                                                             \
                                                                                                  \
    static inline void NAME32(const REAL* w, const REAL* biases, const REAL* inputs, REAL* sums,    \
                              ptrdiff_t n_in)                                                     \
    {                                                                                             \
        REAL acc[32] = {0};                                                                       \
        NAME32##_span(w, n_in, inputs, 0, n_in, acc);                                             \
        for (int j = 0; j < 32; j += 8) {                                                         \
            STORE(sums + j, ADD(LOAD(biases + j), LOAD(acc + j)));                                \
        }                                                                                         \
    }

/* The four columns k..k+3 of rows r0..r3, each column in one vector (lane i = row i).
 * The loads do half the transpose: a = (r0[k], r0[k+1], r2[k], r2[k+1]) and
 * b = (r1[k], r1[k+1], r3[k], r3[k+1]) interleave into columns k and k+1 with
 * one unpack each, four shuffles a block instead of eight. */
#define NNCORE_LOAD_PAIRS(lo, hi, k)                                                   \
    _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_loadu_pd((lo) + (k))), _mm_loadu_pd((hi) + (k)), 1)
#define NNCORE_TRANSPOSE4(r0, r1, r2, r3, k, c0, c1, c2, c3)                        \
    do {                                                                              \
        __m256d a_ = NNCORE_LOAD_PAIRS(r0, r2, k), b_ = NNCORE_LOAD_PAIRS(r1, r3, k);   \
        __m256d c_ = NNCORE_LOAD_PAIRS(r0, r2, (k) + 2), d_ = NNCORE_LOAD_PAIRS(r1, r3, (k) + 2); \
        c0 = _mm256_unpacklo_pd(a_, b_);                                              \
        c1 = _mm256_unpackhi_pd(a_, b_);                                              \
        c2 = _mm256_unpacklo_pd(c_, d_);                                              \
        c3 = _mm256_unpackhi_pd(c_, d_);                                              \
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

#if defined(__AVX512F__)
/* Eight rows per 512-bit vector: the four columns k..k+3 of rows r0..r7 (lane i = row i).
 * a = (r0[k..k+3], r2[k..k+3]) and b = (r1[k..k+3], r3[k..k+3]) unpack into pairs
 * (r0, r1), (r2, r3) of columns k and k+2 in their 128-bit lanes; rows 4..7 the same,
 * and one shuffle of 128-bit lanes joins the pairs of a column. */
#define NNCORE_LOAD_QUADS(lo, hi, k)                                                   \
    _mm512_insertf64x4(_mm512_castpd256_pd512(_mm256_loadu_pd((lo) + (k))), _mm256_loadu_pd((hi) + (k)), 1)

static inline __m512d nncore_add_product8(__m512d acc, __m512d column, double x)
{
    return _mm512_add_pd(acc, _mm512_mul_pd(column, _mm512_set1_pd(x)));
}

static inline void nncore_block8_step(const double* w, ptrdiff_t n_in, const double* inputs,
                                      ptrdiff_t k, __m512d* acc)
{
    __m512d a0 = NNCORE_LOAD_QUADS(w, w + 2 * n_in, k), a1 = NNCORE_LOAD_QUADS(w + n_in, w + 3 * n_in, k);
    __m512d a2 = NNCORE_LOAD_QUADS(w + 4 * n_in, w + 6 * n_in, k);
    __m512d a3 = NNCORE_LOAD_QUADS(w + 5 * n_in, w + 7 * n_in, k);
    __m512d lo01 = _mm512_unpacklo_pd(a0, a1), hi01 = _mm512_unpackhi_pd(a0, a1);
    __m512d lo23 = _mm512_unpacklo_pd(a2, a3), hi23 = _mm512_unpackhi_pd(a2, a3);
    *acc = nncore_add_product8(*acc, _mm512_shuffle_f64x2(lo01, lo23, 0x88), inputs[k]);
    *acc = nncore_add_product8(*acc, _mm512_shuffle_f64x2(hi01, hi23, 0x88), inputs[k + 1]);
    *acc = nncore_add_product8(*acc, _mm512_shuffle_f64x2(lo01, lo23, 0xDD), inputs[k + 2]);
    *acc = nncore_add_product8(*acc, _mm512_shuffle_f64x2(hi01, hi23, 0xDD), inputs[k + 3]);
}

static inline void nncore_block8_tail(const double* w, ptrdiff_t n_in, const double* inputs,
                                      ptrdiff_t k, __m512d* acc)
{
    __m512d column = _mm512_set_pd(w[7 * n_in + k], w[6 * n_in + k], w[5 * n_in + k], w[4 * n_in + k],
                                   w[3 * n_in + k], w[2 * n_in + k], w[n_in + k], w[k]);
    *acc = nncore_add_product8(*acc, column, inputs[k]);
}

/* Rows j .. j+15 of the weights at w (row-major, n_in columns). */
NNCORE_ROW_SUMS_BY_EIGHT(nncore_row_sums16, nncore_row_sums32, double, __m512d, nncore_block8_step,
                           nncore_block8_tail, _mm512_loadu_pd, _mm512_add_pd, _mm512_storeu_pd)
#else
/* Columns k0..k1-1 of rows j .. j+15 of the weights at w (row-major, n_in columns) added
 * to acc[0..15]: four accumulators, so that four chains of additions are in flight at once. */
static inline void nncore_row_sums16_span(const double* w, ptrdiff_t n_in, const double* inputs, ptrdiff_t k0,
                                          ptrdiff_t k1, double* acc)
{
    __m256d acc0 = _mm256_loadu_pd(acc), acc1 = _mm256_loadu_pd(acc + 4);
    __m256d acc2 = _mm256_loadu_pd(acc + 8), acc3 = _mm256_loadu_pd(acc + 12);
    ptrdiff_t k = k0;
    for (; k + 4 <= k1; k += 4) {
        nncore_block4_step(w, n_in, inputs, k, &acc0);
        nncore_block4_step(w + 4 * n_in, n_in, inputs, k, &acc1);
        nncore_block4_step(w + 8 * n_in, n_in, inputs, k, &acc2);
        nncore_block4_step(w + 12 * n_in, n_in, inputs, k, &acc3);
    }
    for (; k < k1; k++) {
        nncore_block4_tail(w, n_in, inputs, k, &acc0);
        nncore_block4_tail(w + 4 * n_in, n_in, inputs, k, &acc1);
        nncore_block4_tail(w + 8 * n_in, n_in, inputs, k, &acc2);
        nncore_block4_tail(w + 12 * n_in, n_in, inputs, k, &acc3);
    }
    _mm256_storeu_pd(acc, acc0);
    _mm256_storeu_pd(acc + 4, acc1);
    _mm256_storeu_pd(acc + 8, acc2);
    _mm256_storeu_pd(acc + 12, acc3);
}

/* Rows j .. j+15 of the weights at w: sums[j] = biases[j] + (0 + ...). */
static inline void nncore_row_sums16(const double* w, const double* biases, const double* inputs,
                                     double* sums, ptrdiff_t n_in)
{
    double acc[16] = {0};
    nncore_row_sums16_span(w, n_in, inputs, 0, n_in, acc);
    for (int j = 0; j < 16; j += 4) {
        _mm256_storeu_pd(sums + j, _mm256_add_pd(_mm256_loadu_pd(biases + j), _mm256_loadu_pd(acc + j)));
    }
}

/* 32 rows: two blocks of sixteen (four 256-bit chains already keep the adders busy). */
static inline void nncore_row_sums32_span(const double* w, ptrdiff_t n_in, const double* inputs, ptrdiff_t k0,
                                          ptrdiff_t k1, double* acc)
{
    nncore_row_sums16_span(w, n_in, inputs, k0, k1, acc);
    nncore_row_sums16_span(w + 16 * n_in, n_in, inputs, k0, k1, acc + 16);
}

static inline void nncore_row_sums32(const double* w, const double* biases, const double* inputs,
                                     double* sums, ptrdiff_t n_in)
{
    nncore_row_sums16(w, biases, inputs, sums, n_in);
    nncore_row_sums16(w + 16 * n_in, biases + 16, inputs, sums + 16, n_in);
}
#endif

/* The float twin: eight rows per 256-bit vector, the same order.  The loads put
 * rows r and r+4 in the two 128-bit halves, and an in-lane 4x4 transpose makes
 * the columns: eight shuffles for 32 values. */
#define NNCORE_LOAD_HALVES_F32(lo, hi, k)                                              \
    _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps((lo) + (k))), _mm_loadu_ps((hi) + (k)), 1)

static inline __m256 nncore_add_product_f32(__m256 acc, __m256 column, float x)
{
    return _mm256_add_ps(acc, _mm256_mul_ps(column, _mm256_set1_ps(x)));
}

static inline void nncore_block8_step_f32(const float* w, ptrdiff_t n_in, const float* inputs,
                                          ptrdiff_t k, __m256* acc)
{
    __m256 a0 = NNCORE_LOAD_HALVES_F32(w, w + 4 * n_in, k);
    __m256 a1 = NNCORE_LOAD_HALVES_F32(w + n_in, w + 5 * n_in, k);
    __m256 a2 = NNCORE_LOAD_HALVES_F32(w + 2 * n_in, w + 6 * n_in, k);
    __m256 a3 = NNCORE_LOAD_HALVES_F32(w + 3 * n_in, w + 7 * n_in, k);
    __m256 t0 = _mm256_unpacklo_ps(a0, a1), t1 = _mm256_unpacklo_ps(a2, a3);
    __m256 t2 = _mm256_unpackhi_ps(a0, a1), t3 = _mm256_unpackhi_ps(a2, a3);
    *acc = nncore_add_product_f32(*acc, _mm256_shuffle_ps(t0, t1, 0x44), inputs[k]);
    *acc = nncore_add_product_f32(*acc, _mm256_shuffle_ps(t0, t1, 0xEE), inputs[k + 1]);
    *acc = nncore_add_product_f32(*acc, _mm256_shuffle_ps(t2, t3, 0x44), inputs[k + 2]);
    *acc = nncore_add_product_f32(*acc, _mm256_shuffle_ps(t2, t3, 0xEE), inputs[k + 3]);
}

static inline void nncore_block8_tail_f32(const float* w, ptrdiff_t n_in, const float* inputs,
                                          ptrdiff_t k, __m256* acc)
{
    __m256 column = _mm256_set_ps(w[7 * n_in + k], w[6 * n_in + k], w[5 * n_in + k], w[4 * n_in + k],
                                  w[3 * n_in + k], w[2 * n_in + k], w[n_in + k], w[k]);
    *acc = nncore_add_product_f32(*acc, column, inputs[k]);
}

NNCORE_ROW_SUMS_BY_EIGHT(nncore_row_sums16_f32, nncore_row_sums32_f32, float, __m256, nncore_block8_step_f32,
                           nncore_block8_tail_f32, _mm256_loadu_ps, _mm256_add_ps, _mm256_storeu_ps)

#elif defined(NNCORE_NEON_KERNELS) && (defined(__aarch64__) || defined(_M_ARM64))

#define NNCORE_ROW_SUMS 1
#define NNCORE_ROW_SPANS 0
#include "_row_sums_neon.h"

#else

#define NNCORE_ROW_SUMS 0
#define NNCORE_ROW_SPANS 0

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

#if !NNCORE_ROW_SPANS
/* Where only whole blocks of sixteen rows are summed (NEON, no SIMD): never called. */
static inline void nncore_row_sums16_span(const double* w, ptrdiff_t n_in, const double* inputs, ptrdiff_t k0,
                                          ptrdiff_t k1, double* acc)
{
    (void)w; (void)n_in; (void)inputs; (void)k0; (void)k1; (void)acc;
}

static inline void nncore_row_sums16_f32_span(const float* w, ptrdiff_t n_in, const float* inputs, ptrdiff_t k0,
                                              ptrdiff_t k1, float* acc)
{
    (void)w; (void)n_in; (void)inputs; (void)k0; (void)k1; (void)acc;
}

static inline void nncore_row_sums32_span(const double* w, ptrdiff_t n_in, const double* inputs, ptrdiff_t k0,
                                          ptrdiff_t k1, double* acc)
{
    (void)w; (void)n_in; (void)inputs; (void)k0; (void)k1; (void)acc;
}

static inline void nncore_row_sums32_f32_span(const float* w, ptrdiff_t n_in, const float* inputs, ptrdiff_t k0,
                                              ptrdiff_t k1, float* acc)
{
    (void)w; (void)n_in; (void)inputs; (void)k0; (void)k1; (void)acc;
}

static inline void nncore_row_sums32(const double* w, const double* biases, const double* inputs,
                                     double* sums, ptrdiff_t n_in)
{
    (void)w; (void)biases; (void)inputs; (void)sums; (void)n_in;
}

static inline void nncore_row_sums32_f32(const float* w, const float* biases, const float* inputs,
                                         float* sums, ptrdiff_t n_in)
{
    (void)w; (void)biases; (void)inputs; (void)sums; (void)n_in;
}
#endif
#endif
