/* The per-sample training loop of nncore written as plain, naive C.
 *
 * This is the "no Python at all" baseline of `nncore bench`: the same
 * algorithm as nncore.reference and the compiled core, one sample at a time,
 * summing in the same order, so that its final weights equal theirs:
 *
 *   neuron input  = bias + (((0 + w_0*o_0) + w_1*o_1) + ...)
 *   hidden error  = ((0 + d_0*w_0j) + d_1*w_1j) + ...
 *   change        = (lr*delta)*o + momentum*change;  weight += change;  bias += lr*delta
 *
 * Compile without fused multiply-adds (-ffp-contract=off) to keep the roundings.
 *
 * Layout (that of nncore's flat buffers): layer l >= 1 has an n_l x n_(l-1)
 * row-major weight block, the blocks stored one after the other; `biases`,
 * `outputs` and `deltas` hold one slot per neuron of every layer, input layer
 * first (its bias and delta slots are unused).
 */
#include <math.h>
#include <stdint.h>

#define MAX_LAYERS 64

static double sigmoid(double z) { return 1.0 / (1.0 + exp(-z)); }

/* Train on `n_steps` samples, sample s being row order[s] of inputs/targets.
 * Returns the sum of the sample errors 0.5 * sum (t - o)^2 (before each update),
 * or NaN if the network does not fit MAX_LAYERS. */
double nn_train_steps(int64_t n_layers, const int64_t *sizes,
                      double *weights, double *changes, double *biases,
                      double *outputs, double *deltas,
                      const double *inputs, const double *targets,
                      const int64_t *order, int64_t n_steps,
                      double learning_rate, double momentum)
{
    int64_t weight_offset[MAX_LAYERS], neuron_offset[MAX_LAYERS];
    int64_t l, j, k, s;
    double error_total = 0.0;
    if (n_layers < 2 || n_layers > MAX_LAYERS)
        return NAN;
    weight_offset[0] = 0;
    neuron_offset[0] = 0;
    for (l = 1; l < n_layers; l++) {
        neuron_offset[l] = neuron_offset[l - 1] + sizes[l - 1];
        weight_offset[l] = l == 1 ? 0 : weight_offset[l - 1] + sizes[l - 1] * sizes[l - 2];
    }
    const int64_t last = n_layers - 1;
    const int64_t n_in = sizes[0], n_out = sizes[last];

    for (s = 0; s < n_steps; s++) {
        const double *x = inputs + order[s] * n_in;
        const double *t = targets + order[s] * n_out;

        /* 1. forward */
        for (k = 0; k < n_in; k++)
            outputs[k] = x[k];
        for (l = 1; l < n_layers; l++) {
            const int64_t n = sizes[l], m = sizes[l - 1];
            const double *w = weights + weight_offset[l];
            const double *o_prev = outputs + neuron_offset[l - 1];
            double *o = outputs + neuron_offset[l];
            const double *b = biases + neuron_offset[l];
            for (j = 0; j < n; j++) {
                double total = 0.0;
                for (k = 0; k < m; k++)
                    total += w[j * m + k] * o_prev[k];
                o[j] = sigmoid(b[j] + total);
            }
        }

        /* 2. deltas, with the weights as they were before this step */
        double sum_squares = 0.0;
        {
            const double *o = outputs + neuron_offset[last];
            double *d = deltas + neuron_offset[last];
            for (j = 0; j < n_out; j++) {
                double error = t[j] - o[j];
                sum_squares += error * error;
                d[j] = error * o[j] * (1.0 - o[j]);
            }
        }
        for (l = last - 1; l >= 1; l--) {
            const int64_t n = sizes[l], n_next = sizes[l + 1];
            const double *w_next = weights + weight_offset[l + 1];
            const double *d_next = deltas + neuron_offset[l + 1];
            const double *o = outputs + neuron_offset[l];
            double *d = deltas + neuron_offset[l];
            for (j = 0; j < n; j++) {
                double error = 0.0;
                for (k = 0; k < n_next; k++)
                    error += d_next[k] * w_next[k * n + j];
                d[j] = error * o[j] * (1.0 - o[j]);
            }
        }
        double sample_error = 0.5 * sum_squares;
        error_total += sample_error;
        if (!isfinite(sample_error))
            continue;  /* as nncore: a non-finite error leaves the weights alone */

        /* 3. update */
        for (l = 1; l < n_layers; l++) {
            const int64_t n = sizes[l], m = sizes[l - 1];
            double *w = weights + weight_offset[l];
            double *c = changes + weight_offset[l];
            const double *o_prev = outputs + neuron_offset[l - 1];
            const double *d = deltas + neuron_offset[l];
            double *b = biases + neuron_offset[l];
            for (j = 0; j < n; j++) {
                const double step = learning_rate * d[j];
                for (k = 0; k < m; k++) {
                    const double change = step * o_prev[k] + momentum * c[j * m + k];
                    c[j * m + k] = change;
                    w[j * m + k] += change;
                }
                b[j] += step;
            }
        }
    }
    return error_total;
}
