/* The ATmega328P side of the harness, for simavr: output through USART0 (simavr writes what it
   sends to its log, a line at a time), cycles from Timer1 at prescaler 1 with its overflows
   counted, and the end by sleeping with interrupts off, which simavr takes as the program's exit. */
#include <avr/interrupt.h>
#include <avr/sleep.h>
#include "chip.h"

extern uint8_t __heap_start;  /* the end of .data and .bss, from avr-libc's linker script */

static volatile uint16_t overflows;

ISR(TIMER1_OVF_vect)
{
    overflows++;
}

void chip_start(void)
{
    UBRR0 = 0;
    UCSR0B = 1 << TXEN0;
    TIMSK1 = 1 << TOIE1;
    sei();
}

void chip_write(const char *text)
{
    for (; *text; text++) {
        while (!(UCSR0A & (1 << UDRE0))) {}
        UDR0 = *text;
    }
    while (!(UCSR0A & (1 << TXC0))) {}  /* every byte sent before the next measurement or the exit */
    UCSR0A = 1 << TXC0;
}

void chip_exit(void)
{
    cli();
    sleep_enable();
    sleep_cpu();
}

void chip_copy_input(void *target, const uint8_t *source, uint16_t size)
{
    memcpy_P(target, source, size);
}

void chip_timer_start(void)
{
    TCCR1B = 0;
    TCNT1 = 0;
    TIFR1 = 1 << TOV1;
    overflows = 0;
    TCCR1B = 1 << CS10;
}

uint32_t chip_timer_stop(uint16_t *count)
{
    uint16_t ticks = TCNT1;  /* read while it runs: simavr reads a stopped Timer1 as 0 */
    TCCR1B = 0;
    *count = overflows;
    if ((TIFR1 & (1 << TOV1)) && ticks < 0x8000) ++*count;  /* an overflow not yet served */
    TIFR1 = 1 << TOV1;
    return ((uint32_t)*count << 16) | ticks;
}

uint8_t *chip_stack_floor(void)
{
    return &__heap_start;
}
