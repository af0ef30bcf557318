/* Runs networks in libfann (double build) for tests/test_fann.py.
 *
 *   fann_bridge run NET DATA        prints fann_run's outputs for every input of the .data file,
 *                                   one row per line, as %.17g
 *   fann_bridge train NET DATA N    creates a [inputs, 4, outputs] network with FANN_SIGMOID at
 *                                   steepness 0.5, trains it N epochs (incremental, learning rate
 *                                   0.3, momentum 0.1) on the .data file and saves it to NET
 *   fann_bridge read DATA           prints the .data file as libfann reads it, as %.17g
 *   fann_bridge save NET COPY       loads NET and saves it again as COPY (fann_save's own text)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <doublefann.h>

static void print_row(const fann_type *values, unsigned int count) {
    for (unsigned int i = 0; i < count; i++)
        printf(i ? " %.17g" : "%.17g", values[i]);
    printf("\n");
}

static int run(const char *net_path, const char *data_path) {
    struct fann *ann = fann_create_from_file(net_path);
    struct fann_train_data *data = fann_read_train_from_file(data_path);
    if (!ann || !data) return 1;
    for (unsigned int i = 0; i < fann_length_train_data(data); i++)
        print_row(fann_run(ann, data->input[i]), fann_get_num_output(ann));
    fann_destroy_train(data);
    fann_destroy(ann);
    return 0;
}

static int train(const char *net_path, const char *data_path, unsigned int epochs) {
    struct fann_train_data *data = fann_read_train_from_file(data_path);
    if (!data) return 1;
    srand(1);
    struct fann *ann = fann_create_standard(3, fann_num_input_train_data(data), 4, fann_num_output_train_data(data));
    fann_set_activation_function_hidden(ann, FANN_SIGMOID);
    fann_set_activation_steepness_hidden(ann, 0.5);
    fann_set_activation_function_output(ann, FANN_SIGMOID);
    fann_set_activation_steepness_output(ann, 0.5);
    fann_set_training_algorithm(ann, FANN_TRAIN_INCREMENTAL);
    fann_set_learning_rate(ann, 0.3f);
    fann_set_learning_momentum(ann, 0.1f);
    fann_randomize_weights(ann, -1.0, 1.0);
    fann_train_on_data(ann, data, epochs, 0, 0.0f);
    int failed = fann_save(ann, net_path);
    fann_destroy_train(data);
    fann_destroy(ann);
    return failed ? 1 : 0;
}

static int read(const char *data_path) {
    struct fann_train_data *data = fann_read_train_from_file(data_path);
    if (!data) return 1;
    for (unsigned int i = 0; i < fann_length_train_data(data); i++) {
        print_row(data->input[i], fann_num_input_train_data(data));
        print_row(data->output[i], fann_num_output_train_data(data));
    }
    fann_destroy_train(data);
    return 0;
}

static int save(const char *net_path, const char *copy_path) {
    struct fann *ann = fann_create_from_file(net_path);
    if (!ann) return 1;
    int failed = fann_save(ann, copy_path);
    fann_destroy(ann);
    return failed ? 1 : 0;
}

int main(int argc, char **argv) {
    if (argc == 4 && strcmp(argv[1], "run") == 0) return run(argv[2], argv[3]);
    if (argc == 5 && strcmp(argv[1], "train") == 0) return train(argv[2], argv[3], (unsigned int)atoi(argv[4]));
    if (argc == 3 && strcmp(argv[1], "read") == 0) return read(argv[2]);
    if (argc == 4 && strcmp(argv[1], "save") == 0) return save(argv[2], argv[3]);
    fprintf(stderr, "usage: fann_bridge run NET DATA | train NET DATA EPOCHS | read DATA | save NET COPY\n");
    return 2;
}
