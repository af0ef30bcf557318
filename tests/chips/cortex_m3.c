/* The Cortex-M3 side of the harness, for qemu-system-arm's lm3s6965evb (a Stellaris LM3S6965):
   the vector table and reset handler (.data copied from flash, .bss zeroed, then main), output and
   exit through ARM semihosting, and instructions counted by SysTick. qemu runs with
   -icount shift=0, one instruction a nanosecond of virtual time, and the system clock is set to
   its fastest, a 5 ns period, so SysTick ticks once every 5 instructions. */
#include "chip.h"

extern uint32_t _data_start, _data_end, _data_load, _bss_start, _bss_end, _stack_top;
int main(void);
void reset_handler(void);
void fault_handler(void);

#define SYSTICK_CSR (*(volatile uint32_t *)0xE000E010)
#define SYSTICK_RVR (*(volatile uint32_t *)0xE000E014)
#define SYSTICK_CVR (*(volatile uint32_t *)0xE000E018)
#define STELLARIS_RCC (*(volatile uint32_t *)0x400FE060)
#define RCC_SYSDIV (0xFu << 23)

#define SEMIHOSTING_WRITE0 0x04
#define SEMIHOSTING_EXIT 0x18
#define EXIT_APPLICATION 0x20026
#define EXIT_RUNTIME_ERROR 0x20023

static uint32_t timer_started;

static void semihosting(uint32_t operation, const void *argument)
{
    register uint32_t r0 __asm__("r0") = operation;
    register const void *r1 __asm__("r1") = argument;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
}

void reset_handler(void)
{
    uint32_t *source = &_data_load, *target = &_data_start;
    while (target < &_data_end) *target++ = *source++;
    for (target = &_bss_start; target < &_bss_end;) *target++ = 0;
    main();
    chip_exit();
}

void fault_handler(void)
{
    chip_write("F fault\n");
    semihosting(SEMIHOSTING_EXIT, (const void *)EXIT_RUNTIME_ERROR);
    for (;;) {}
}

__attribute__((section(".vectors"), used)) static void (*const vectors[16])(void) = {
    (void (*)(void))&_stack_top, reset_handler, fault_handler, fault_handler, fault_handler, fault_handler,
    fault_handler, 0, 0, 0, 0, fault_handler, fault_handler, 0, fault_handler, fault_handler,
};

void chip_start(void)
{
    STELLARIS_RCC &= ~RCC_SYSDIV;  /* divide by 1: a 5 ns clock period in qemu */
    SYSTICK_RVR = 0xFFFFFF;
    SYSTICK_CVR = 0;
    SYSTICK_CSR = 5;  /* on, counting the processor clock, no interrupt */
}

void chip_write(const char *text)
{
    semihosting(SEMIHOSTING_WRITE0, text);
}

void chip_exit(void)
{
    semihosting(SEMIHOSTING_EXIT, (const void *)EXIT_APPLICATION);
    for (;;) {}
}

void chip_copy_input(void *target, const uint8_t *source, uint16_t size)
{
    uint8_t *bytes = target;
    while (size--) *bytes++ = *source++;
}

void chip_timer_start(void)
{
    timer_started = SYSTICK_CVR;
}

uint32_t chip_timer_stop(uint16_t *overflows)
{
    uint32_t now = SYSTICK_CVR;
    *overflows = 0;
    return (timer_started - now) & 0xFFFFFF;  /* it counts down */
}

uint8_t *chip_stack_floor(void)
{
    return (uint8_t *)&_bss_end;
}
