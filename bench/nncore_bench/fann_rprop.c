/* libfann's RPROP (fann_train_epoch with FANN_TRAIN_RPROP, double build) for bench/rules.py.
 *
 *   fann_rprop curve NET DATA MAX_EPOCHS TARGET
 *       trains the network of NET on DATA one epoch at a time; after each epoch prints
 *       "EPOCH MSE", the MSE of the weights as they now are (the mean over samples and
 *       outputs of (t - o)^2), and stops once it is <= TARGET or after MAX_EPOCHS
 *   fann_rprop time NET DATA EPOCHS
 *       trains EPOCHS epochs and prints the seconds they took (monotonic clock), nothing else timed
 *
 * The rule's parameters are set to the paper's defaults (those of nncore), and the error
 * function to FANN_ERRORFUNC_LINEAR (libfann's default, FANN_ERRORFUNC_TANH, trains on
 * atanh-stretched errors instead of t - o).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <doublefann.h>

static struct fann *load(const char *net_path) {
    struct fann *ann = fann_create_from_file(net_path);
    if (!ann) return NULL;
    fann_set_training_algorithm(ann, FANN_TRAIN_RPROP);
    fann_set_train_error_function(ann, FANN_ERRORFUNC_LINEAR);
    fann_set_rprop_increase_factor(ann, 1.2f);
    fann_set_rprop_decrease_factor(ann, 0.5f);
    fann_set_rprop_delta_min(ann, 0.0f);
    fann_set_rprop_delta_max(ann, 50.0f);
    fann_set_rprop_delta_zero(ann, 0.1f);
    return ann;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The mean over samples and outputs of (t - o)^2, in double (fann_test_data returns a float). */
static double mse(struct fann *ann, struct fann_train_data *data) {
    unsigned int n = fann_length_train_data(data), outputs = fann_num_output_train_data(data);
    double sum = 0.0;
    for (unsigned int i = 0; i < n; i++) {
        fann_type *o = fann_run(ann, data->input[i]);
        for (unsigned int j = 0; j < outputs; j++) {
            double d = data->output[i][j] - o[j];
            sum += d * d;
        }
    }
    return sum / ((double)n * (double)outputs);
}

static int curve(struct fann *ann, struct fann_train_data *data, unsigned int max_epochs, double target) {
    for (unsigned int epoch = 1; epoch <= max_epochs; epoch++) {
        fann_train_epoch(ann, data);
        double error = mse(ann, data);
        printf("%u %.17g\n", epoch, error);
        if (error <= target) break;
    }
    return 0;
}

static int timed(struct fann *ann, struct fann_train_data *data, unsigned int epochs) {
    double started = now();
    for (unsigned int epoch = 0; epoch < epochs; epoch++)
        fann_train_epoch(ann, data);
    printf("%.9g\n", now() - started);
    return 0;
}

int main(int argc, char **argv) {
    int is_curve = argc == 6 && strcmp(argv[1], "curve") == 0;
    int is_time = argc == 5 && strcmp(argv[1], "time") == 0;
    if (!is_curve && !is_time) {
        fprintf(stderr, "usage: fann_rprop curve NET DATA MAX_EPOCHS TARGET | time NET DATA EPOCHS\n");
        return 2;
    }
    struct fann *ann = load(argv[2]);
    struct fann_train_data *data = fann_read_train_from_file(argv[3]);
    if (!ann || !data) {
        fprintf(stderr, "could not read %s or %s\n", argv[2], argv[3]);
        return 1;
    }
    unsigned int epochs = (unsigned int)strtoul(argv[4], NULL, 10);
    int status = is_curve ? curve(ann, data, epochs, strtod(argv[5], NULL)) : timed(ann, data, epochs);
    fann_destroy_train(data);
    fann_destroy(ann);
    return status;
}
