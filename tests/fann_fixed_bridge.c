/* FANN's fixed-point networks for tests/test_fann_fixed.py. One source, built twice:
 *
 *   with -DBRIDGE_FIXED and -lfixedfann:
 *     fann_fixed_bridge run NET        reads rows of integer inputs from the standard input and
 *                                      prints fann_run's outputs for each, one row per line
 *   with -lfloatfann:
 *     fann_float_bridge make NET SEED HIDDEN OUTPUT STEEPNESS_HIDDEN STEEPNESS_OUTPUT RANGE SIZE...
 *                                      creates a network of those layer sizes (fann_create_standard),
 *                                      sets the activation codes and steepnesses of the hidden and
 *                                      output layers, draws its weights in [-RANGE, RANGE] (srand(SEED))
 *                                      and saves it with fann_save_to_fixed; prints the decimal point
 */
#include <stdio.h>
#include <stdlib.h>
#ifdef BRIDGE_FIXED
#include <fixedfann.h>
#else
#include <floatfann.h>
#endif

#ifdef BRIDGE_FIXED
static int run(const char *path) {
    struct fann *ann = fann_create_from_file(path);
    if (!ann) return 1;
    unsigned int n_in = fann_get_num_input(ann), n_out = fann_get_num_output(ann);
    fann_type *input = malloc(n_in * sizeof *input);
    if (!input) return 1;
    for (;;) {
        for (unsigned int i = 0; i < n_in; i++)
            if (scanf("%d", &input[i]) != 1) {
                free(input);
                fann_destroy(ann);
                return 0;
            }
        fann_type *output = fann_run(ann, input);
        /* fann_run warns on the standard output about inputs beyond +-1: the rows start with R */
        for (unsigned int i = 0; i < n_out; i++) printf(i ? " %d" : "R %d", output[i]);
        printf("\n");
    }
}
#else
static int make(int argc, char **argv) {
    unsigned int sizes[16], n_layers = (unsigned int)(argc - 9);
    if (argc < 11 || n_layers > 16) return 2;
    for (unsigned int i = 0; i < n_layers; i++) sizes[i] = (unsigned int)atoi(argv[9 + i]);
    struct fann *ann = fann_create_standard_array(n_layers, sizes);
    if (!ann) return 1;
    srand((unsigned int)atoi(argv[3]));  /* after fann_create_standard, which seeds rand() from the clock */
    fann_set_activation_function_hidden(ann, (enum fann_activationfunc_enum)atoi(argv[4]));
    fann_set_activation_function_output(ann, (enum fann_activationfunc_enum)atoi(argv[5]));
    fann_set_activation_steepness_hidden(ann, (fann_type)atof(argv[6]));
    fann_set_activation_steepness_output(ann, (fann_type)atof(argv[7]));
    fann_randomize_weights(ann, -(fann_type)atof(argv[8]), (fann_type)atof(argv[8]));
    printf("%d\n", fann_save_to_fixed(ann, argv[2]));
    fann_destroy(ann);
    return 0;
}
#endif

int main(int argc, char **argv) {
#ifdef BRIDGE_FIXED
    if (argc == 3) return run(argv[2]);
#else
    if (argc > 2) return make(argc, argv);
#endif
    fprintf(stderr, "usage: see the comment at the top of fann_fixed_bridge.c\n");
    return 2;
}
