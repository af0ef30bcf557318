/* Runs a generated network function on every input row of chip_data.h (written by
   tests/chip_support.py) and writes, per row, the ticks one call takes, the counter's overflows,
   the stack it reaches and its outputs' bytes in hexadecimal:

       R <ticks> <overflows> <stack bytes>
       V <output bytes>             (32 bytes a line)

   First come the chip's constants (K: the calibrations' ticks and the bytes of a return address)
   and the same measurements of an empty function (Z) and of the two calibrations (S, L), from
   which tests/chip_support.py takes the harness's own overhead away; last E. */
#include <string.h>
#include "chip.h"
#include "chip_data.h"

typedef void (*network)(const chip_value *input, chip_value *output);

void CHIP_NETWORK(const chip_value *input, chip_value *output);

static chip_value input[CHIP_INPUTS], output[CHIP_OUTPUTS];

__attribute__((noinline)) static void empty(const chip_value *in, chip_value *out)
{
    (void)in;
    (void)out;
    __asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) static void short_calibration(const chip_value *in, chip_value *out)
{
    (void)in;
    (void)out;
    CHIP_SHORT_CALIBRATION();
}

__attribute__((noinline)) static void long_calibration(const chip_value *in, chip_value *out)
{
    (void)in;
    (void)out;
    CHIP_LONG_CALIBRATION();
}

static char *hex(char *at, uint32_t value, int digits)
{
    while (digits-- > 0) *at++ = "0123456789abcdef"[(value >> (4 * digits)) & 15];
    return at;
}

/* The deepest the stack goes in one call of f: the free RAM below the stack is filled with a
   pattern first, and afterwards the lowest byte that no longer holds it marks the depth. */
__attribute__((noinline)) static uint16_t stack_depth(volatile network f)
{
    uint8_t *top = CHIP_STACK_POINTER(), *floor = chip_stack_floor(), *p;
    for (p = floor; p < top; p++) *(volatile uint8_t *)p = 0xa5;
    f(input, output);
    for (p = floor; p < top && *(volatile uint8_t *)p == 0xa5; p++) {}
    return (uint16_t)(top - p);
}

static void measure(char tag, volatile network f)
{
    char line[40], *at = line;
    uint16_t overflows;
    chip_timer_start();
    for (uint8_t r = 0; r < CHIP_REPEAT; r++) f(input, output);
    uint32_t ticks = chip_timer_stop(&overflows);
    *at++ = tag;
    *at++ = ' ';
    at = hex(at, ticks, 8);
    *at++ = ' ';
    at = hex(at, overflows, 4);
    *at++ = ' ';
    at = hex(at, stack_depth(f), 4);
    *at++ = '\n';
    *at = 0;
    chip_write(line);
}

static void write_outputs(void)
{
    const uint8_t *bytes = (const uint8_t *)output;
    char line[68];
    for (uint16_t start = 0; start < sizeof output; start += 32) {
        char *at = line;
        *at++ = 'V';
        *at++ = ' ';
        for (uint16_t k = start; k < sizeof output && k < start + 32; k++) at = hex(at, bytes[k], 2);
        *at++ = '\n';
        *at = 0;
        chip_write(line);
    }
}

int main(void)
{
    char constants[40], *at = constants;
    chip_start();
    *at++ = 'K';
    *at++ = ' ';
    at = hex(at, CHIP_SHORT_TICKS, 8);
    *at++ = ' ';
    at = hex(at, CHIP_LONG_TICKS, 8);
    *at++ = ' ';
    at = hex(at, CHIP_RETURN_BYTES, 4);
    *at++ = '\n';
    *at = 0;
    chip_write(constants);
    measure('Z', empty);
    measure('S', short_calibration);
    measure('L', long_calibration);
    for (uint16_t row = 0; row < CHIP_ROWS; row++) {
        chip_copy_input(input, chip_inputs + (uint32_t)row * sizeof input, sizeof input);
        measure('R', CHIP_NETWORK);
        write_outputs();
    }
    chip_write("E\n");
    chip_exit();
    return 0;
}
