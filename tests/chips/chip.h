/* What tests/chips/harness.c needs from a chip: tests/chips/atmega328p.c and cortex_m3.c. */
#ifndef CHIP_H
#define CHIP_H
#include <stdint.h>

void chip_start(void);                      /* output channel and cycle counter on */
void chip_write(const char *text);          /* a line of output, '\n' included */
void chip_exit(void);                       /* ends the simulation; does not return */
void chip_copy_input(void *target, const uint8_t *source, uint16_t size);  /* from CHIP_FLASH */
void chip_timer_start(void);
uint32_t chip_timer_stop(uint16_t *overflows);  /* ticks since chip_timer_start, and counter overflows */
uint8_t *chip_stack_floor(void);            /* the lowest address the stack may grow to */

#ifdef __AVR__
#include <avr/io.h>
#include <avr/pgmspace.h>
#define CHIP_FLASH PROGMEM
#define CHIP_STACK_POINTER() ((uint8_t *)SP)
/* simavr's Timer1 at prescaler 1: one tick a cycle. */
#define CHIP_REPEAT 1
#define CHIP_RETURN_BYTES 2                 /* a call pushes the 2-byte return address */
/* Code that takes exactly CHIP_SHORT_TICKS ticks, and CHIP_LONG_TICKS (long enough for the
   counter to overflow), to check the counting. */
#define CHIP_SHORT_TICKS 1000UL
#define CHIP_LONG_TICKS 200000UL
#define CHIP_SHORT_CALIBRATION() __builtin_avr_delay_cycles(CHIP_SHORT_TICKS)
#define CHIP_LONG_CALIBRATION() __builtin_avr_delay_cycles(CHIP_LONG_TICKS)
#else
#define CHIP_FLASH
static inline uint8_t *chip_stack_pointer(void)
{
    uint8_t *sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}
#define CHIP_STACK_POINTER() chip_stack_pointer()
/* qemu -icount shift=0 runs one instruction a nanosecond and SysTick ticks every 5 ns: each timed
   call is repeated 5 times, so that one tick counts one instruction of one call. */
#define CHIP_REPEAT 5
#define CHIP_RETURN_BYTES 0                 /* the return address is in LR */
/* 1 + 2 * 250 and 1 + 2 * 50000 instructions */
#define CHIP_SHORT_TICKS 501UL
#define CHIP_LONG_TICKS 100001UL
#define CHIP_SHORT_CALIBRATION() __asm__ volatile("movs r0, #250\n1: subs r0, #1\nbne 1b" ::: "r0", "cc")
#define CHIP_LONG_CALIBRATION() __asm__ volatile("movw r0, #50000\n1: subs r0, #1\nbne 1b" ::: "r0", "cc")
#endif

#endif
