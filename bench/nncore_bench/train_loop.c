/* The per-sample training loop of nncore written as plain, naive C.
 *
 * This is the "no Python at all" baseline of the benchmark suite: the same
 * algorithm as nncore.reference and the compiled core, one sample at a time,
 * summing in the same order, so that its final weights equal theirs:
 *
 *   neuron input  = bias + (((0 + w_0*o_0) + w_1*o_1) + ...)
 *   hidden error  = ((0 + d_0*w_0j) + d_1*w_1j) + ...
 *   change        = (lr*delta)*o + momentum*change;  weight += change;  bias += lr*delta
 *
 * Compile without fused multiply-adds (-ffp-contract=off) to keep the roundings.
 *
 * The network comes as one array per layer, passed as arrays of pointers:
 * for the non-input layers i = 0 .. n_layers-2 (layer i+1, of sizes[i+1]
 * neurons fed by sizes[i]), weights[i] and changes[i] are row-major
 * sizes[i+1] x sizes[i] matrices, biases[i] and deltas[i] hold one value per
 * neuron; outputs[l] holds the outputs of layer l = 0 .. n_layers-1, the
 * input layer first.
 */
#include <math.h>
#include <stdint.h>

static double sigmoid(double z) { return 1.0 / (1.0 + exp(-z)); }

/* Train on `n_steps` samples, sample s being row order[s] of inputs/targets.
 * Returns the sum of the sample errors 0.5 * sum (t - o)^2 (before each update),
 * or NaN if there are fewer than two layers. */
double nn_train_steps(int64_t n_layers, const int64_t *sizes,
                      double *const *weights, double *const *changes, double *const *biases,
                      double *const *outputs, double *const *deltas,
                      const double *inputs, const double *targets,
                      const int64_t *order, int64_t n_steps,
                      double learning_rate, double momentum)
{
    int64_t i, j, k, s;
    double error_total = 0.0;
    if (n_layers < 2)
        return NAN;
    const int64_t last = n_layers - 2;  /* the output layer's index among the non-input layers */
    const int64_t n_in = sizes[0], n_out = sizes[n_layers - 1];

    for (s = 0; s < n_steps; s++) {
        const double *x = inputs + order[s] * n_in;
        const double *t = targets + order[s] * n_out;

        /* 1. forward */
        for (k = 0; k < n_in; k++)
            outputs[0][k] = x[k];
        for (i = 0; i <= last; i++) {
            const int64_t n = sizes[i + 1], m = sizes[i];
            const double *w = weights[i], *o_prev = outputs[i], *b = biases[i];
            double *o = outputs[i + 1];
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
            const double *o = outputs[last + 1];
            double *d = deltas[last];
            for (j = 0; j < n_out; j++) {
                double error = t[j] - o[j];
                sum_squares += error * error;
                d[j] = error * o[j] * (1.0 - o[j]);
            }
        }
        for (i = last - 1; i >= 0; i--) {
            const int64_t n = sizes[i + 1], n_next = sizes[i + 2];
            const double *w_next = weights[i + 1], *d_next = deltas[i + 1], *o = outputs[i + 1];
            double *d = deltas[i];
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
        for (i = 0; i <= last; i++) {
            const int64_t n = sizes[i + 1], m = sizes[i];
            double *w = weights[i], *c = changes[i], *b = biases[i];
            const double *o_prev = outputs[i], *d = deltas[i];
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
