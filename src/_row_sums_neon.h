/* The NEON (arm64 Advanced SIMD) twin of _row_sums.h's AVX code, included by
 * _row_sums.h in nncore._kernels_neon only (setup.py defines
 * NNCORE_NEON_KERNELS for that module; the aarch64 baseline stays plain C).
 *
 * Sixteen rows side by side: two rows per double vector, four per float
 * vector.  The columns w[j.., k] are brought into the lanes by transposing
 * 2x2 (double) or 4x4 (float) blocks of the row-major weights in registers;
 * lane i of an accumulator holds one row's sum, which adds its products in
 * input order, exactly as the scalar loop.  Multiplications and additions are
 * separate intrinsics and the build turns contraction off (-ffp-contract=off),
 * so no fused multiply-add ever rounds once where the reference rounds twice.
 */
#ifndef NNCORE_ROW_SUMS_NEON_H
#define NNCORE_ROW_SUMS_NEON_H

#include <stddef.h>
#include <arm_neon.h>

/* acc = acc + column * x, one rounding each (never vfmaq). */
static inline float64x2_t nncore_neon_add_product(float64x2_t acc, float64x2_t column, double x)
{
    return vaddq_f64(acc, vmulq_f64(column, vdupq_n_f64(x)));
}

/* Columns k and k+1 of the two rows at w and w + n_in. */
static inline void nncore_neon_block2_step(const double* w, ptrdiff_t n_in, const double* inputs,
                                           ptrdiff_t k, float64x2_t* acc)
{
    float64x2_t a0 = vld1q_f64(w + k), a1 = vld1q_f64(w + n_in + k);
    *acc = nncore_neon_add_product(*acc, vzip1q_f64(a0, a1), inputs[k]);
    *acc = nncore_neon_add_product(*acc, vzip2q_f64(a0, a1), inputs[k + 1]);
}

static inline void nncore_neon_block2_tail(const double* w, ptrdiff_t n_in, const double* inputs,
                                           ptrdiff_t k, float64x2_t* acc)
{
    float64x2_t column = vcombine_f64(vld1_f64(w + k), vld1_f64(w + n_in + k));
    *acc = nncore_neon_add_product(*acc, column, inputs[k]);
}

/* Rows j .. j+15 of the weights at w (row-major, n_in columns). */
static inline void nncore_row_sums16(const double* w, const double* biases, const double* inputs,
                                     double* sums, ptrdiff_t n_in)
{
    /* Eight accumulators of two rows: eight chains of additions in flight at once. */
    float64x2_t acc[8];
    ptrdiff_t k = 0, b;
    for (b = 0; b < 8; b++)
        acc[b] = vdupq_n_f64(0.0);
    for (; k + 2 <= n_in; k += 2) {
        for (b = 0; b < 8; b++)
            nncore_neon_block2_step(w + 2 * b * n_in, n_in, inputs, k, &acc[b]);
    }
    for (; k < n_in; k++) {
        for (b = 0; b < 8; b++)
            nncore_neon_block2_tail(w + 2 * b * n_in, n_in, inputs, k, &acc[b]);
    }
    for (b = 0; b < 8; b++)
        vst1q_f64(sums + 2 * b, vaddq_f64(vld1q_f64(biases + 2 * b), acc[b]));
}

/* The float twin: four rows per vector, columns k..k+3 by a 4x4 transpose. */
static inline float32x4_t nncore_neon_add_product_f32(float32x4_t acc, float32x4_t column, float x)
{
    return vaddq_f32(acc, vmulq_f32(column, vdupq_n_f32(x)));
}

static inline void nncore_neon_block4_step_f32(const float* w, ptrdiff_t n_in, const float* inputs,
                                               ptrdiff_t k, float32x4_t* acc)
{
    float32x4_t a0 = vld1q_f32(w + k), a1 = vld1q_f32(w + n_in + k);
    float32x4_t a2 = vld1q_f32(w + 2 * n_in + k), a3 = vld1q_f32(w + 3 * n_in + k);
    /* t01 = (a0[0], a1[0], a0[2], a1[2]), u01 = (a0[1], a1[1], a0[3], a1[3]); the same for rows 2, 3 */
    float32x4_t t01 = vtrn1q_f32(a0, a1), u01 = vtrn2q_f32(a0, a1);
    float32x4_t t23 = vtrn1q_f32(a2, a3), u23 = vtrn2q_f32(a2, a3);
    /* then pairs of 64-bit halves: column c holds (a0[c], a1[c], a2[c], a3[c]) */
    float64x2_t t01d = vreinterpretq_f64_f32(t01), u01d = vreinterpretq_f64_f32(u01);
    float64x2_t t23d = vreinterpretq_f64_f32(t23), u23d = vreinterpretq_f64_f32(u23);
    *acc = nncore_neon_add_product_f32(*acc, vreinterpretq_f32_f64(vtrn1q_f64(t01d, t23d)), inputs[k]);
    *acc = nncore_neon_add_product_f32(*acc, vreinterpretq_f32_f64(vtrn1q_f64(u01d, u23d)), inputs[k + 1]);
    *acc = nncore_neon_add_product_f32(*acc, vreinterpretq_f32_f64(vtrn2q_f64(t01d, t23d)), inputs[k + 2]);
    *acc = nncore_neon_add_product_f32(*acc, vreinterpretq_f32_f64(vtrn2q_f64(u01d, u23d)), inputs[k + 3]);
}

static inline void nncore_neon_block4_tail_f32(const float* w, ptrdiff_t n_in, const float* inputs,
                                               ptrdiff_t k, float32x4_t* acc)
{
    const float lanes[4] = {w[k], w[n_in + k], w[2 * n_in + k], w[3 * n_in + k]};
    *acc = nncore_neon_add_product_f32(*acc, vld1q_f32(lanes), inputs[k]);
}

static inline void nncore_row_sums16_f32(const float* w, const float* biases, const float* inputs,
                                         float* sums, ptrdiff_t n_in)
{
    float32x4_t acc[4];
    ptrdiff_t k = 0, b;
    for (b = 0; b < 4; b++)
        acc[b] = vdupq_n_f32(0.0f);
    for (; k + 4 <= n_in; k += 4) {
        for (b = 0; b < 4; b++)
            nncore_neon_block4_step_f32(w + 4 * b * n_in, n_in, inputs, k, &acc[b]);
    }
    for (; k < n_in; k++) {
        for (b = 0; b < 4; b++)
            nncore_neon_block4_tail_f32(w + 4 * b * n_in, n_in, inputs, k, &acc[b]);
    }
    for (b = 0; b < 4; b++)
        vst1q_f32(sums + 4 * b, vaddq_f32(vld1q_f32(biases + 4 * b), acc[b]));
}

#endif
