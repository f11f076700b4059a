// Drives motor shield v1 the way the Adafruit AFMotor library does: the 74HC595 bit-banged MSB
// first (DATA D8/PB0, CLK D4/PD4, LATCH D12/PB4, /OE D7/PD7) and the L293D enables on the PWM
// compare outputs (M1 OC2A/D11, M2 OC2B/D3, M3 OC0A/D6, M4 OC0B/D5). Timer0 runs as the Arduino
// core leaves it (fast PWM, clk/64); Timer1 at clk/1 is a cycle counter.
//
// Every write that changes a motor's (direction, PWM) is a STAMPED_WRITE: it reads Timer1 right
// after the write (fixed instruction sequence, so a fixed offset) and keeps the 32-bit count. At
// the end the fixture sends 0xC0, the number of stamps and each stamp (u32 little-endian), so a
// test can compare the simulator's decoded timeline with the firmware's own clock, cycle for
// cycle.
#include <avr/wdt.h>
#include <util/delay.h>
#include "uart.h"

static volatile uint16_t t1_ovf;
ISR(TIMER1_OVF_vect) { t1_ovf++; }

static uint32_t stamps[32];
static uint8_t nstamps;

#define STAMPED_WRITE(sfr, val)                                                          \
  do {                                                                                   \
    uint8_t v_ = (val), lo_, hi_, s_ = SREG;                                             \
    cli();                                                                               \
    __asm__ __volatile__("sts %2, %3\n\tlds %0, %4\n\tlds %1, %5\n\t"                   \
                         : "=&r"(lo_), "=&r"(hi_)                                        \
                         : "n"(_SFR_MEM_ADDR(sfr)), "r"(v_), "n"(_SFR_MEM_ADDR(TCNT1L)), \
                           "n"(_SFR_MEM_ADDR(TCNT1H))                                    \
                         : "memory");                                                    \
    uint16_t ov_ = t1_ovf;                                                               \
    if ((TIFR1 & _BV(TOV1)) && hi_ < 0x80) ov_++;                                        \
    stamps[nstamps++] = ((uint32_t)ov_ << 16) | ((uint16_t)hi_ << 8) | lo_;              \
    SREG = s_;                                                                           \
  } while (0)

static uint8_t latch_state;

// Shift latch_state into the 595, MSB first, leaving LATCH low (outputs unchanged).
static void latch_shift(void) {
  PORTB &= ~_BV(PB4);
  for (uint8_t i = 0; i < 8; i++) {
    PORTD &= ~_BV(PD4);
    if (latch_state & _BV(7 - i))
      PORTB |= _BV(PB0);
    else
      PORTB &= ~_BV(PB0);
    PORTD |= _BV(PD4);
  }
}

static void latch_stamped(uint8_t state) {
  latch_state = state;
  latch_shift();
  STAMPED_WRITE(PORTB, PORTB | _BV(PB4));
}

int main(void) {
  MCUSR = 0;
  wdt_disable();
  uart_init();

  // Arduino core init(): Timer0 fast PWM clk/64 (millis), Timer2 phase-correct clk/64.
  TCCR0A = _BV(WGM01) | _BV(WGM00);
  TCCR0B = _BV(CS01) | _BV(CS00);
  TCCR2B = _BV(CS22);
  TCCR2A = _BV(WGM20);
  // Timer1: free-running cycle counter.
  TCCR1A = 0;
  TCCR1B = _BV(CS10);
  TIMSK1 = _BV(TOIE1);

  // AFMotor enable(): latch pins out, all zero, /OE low.
  DDRB |= _BV(PB0) | _BV(PB4);
  DDRD |= _BV(PD4) | _BV(PD7);
  latch_state = 0;
  latch_shift();
  PORTB |= _BV(PB4);
  PORTD &= ~_BV(PD7);
  // AFMotor initPWM1..4 (MOTOR12_1KHZ): fast PWM, compare outputs non-inverting, OCR 0.
  TCCR2A |= _BV(COM2A1) | _BV(COM2B1) | _BV(WGM20) | _BV(WGM21);
  OCR2A = 0;
  OCR2B = 0;
  TCCR0A |= _BV(COM0A1) | _BV(COM0B1) | _BV(WGM00) | _BV(WGM01);
  OCR0A = 0;
  OCR0B = 0;
  DDRB |= _BV(PB3);
  DDRD |= _BV(PD3) | _BV(PD5) | _BV(PD6);
  sei();

  // M1: a strike as AFMotor run()/setSpeed() would play it.
  latch_stamped(_BV(2));               // 0 M1 forward, pwm 0
  STAMPED_WRITE(OCR2A, 200);           // 1 M1 forward 200
  _delay_us(3000);
  latch_stamped(0);                    // 2 M1 release 200
  _delay_us(500);
  latch_stamped(_BV(3));               // 3 M1 back 200 (setSpeed follows run)
  STAMPED_WRITE(OCR2A, 150);           // 4 M1 back 150
  _delay_us(2000);
  latch_stamped(0);                    // 5 M1 release 150
  STAMPED_WRITE(OCR2A, 0);             // 6 M1 release 0

  // M3 full on the Arduino way (analogWrite 255 = compare output off, pin high).
  latch_stamped(_BV(5));               // 7 M3 forward 0
  TCCR0A &= ~_BV(COM0A1);              //   (pin PD6 follows PORTD6 = 0: no change)
  STAMPED_WRITE(PORTD, PORTD | _BV(PD6));  // 8 M3 forward 255
  _delay_us(1000);
  latch_stamped(_BV(7));               // 9 M3 back 255
  _delay_us(800);
  STAMPED_WRITE(PORTD, PORTD & ~_BV(PD6)); // 10 M3 back 0
  latch_stamped(0);                    // 11 M3 release 0

  // M4 in inverting mode, then /OE and the enable pin's direction register.
  STAMPED_WRITE(OCR0B, 55);            // 12 M4 release 55
  STAMPED_WRITE(TCCR0A, TCCR0A | _BV(COM0B0));  // 13 M4 release 200 (inverting: 255 - 55)
  latch_stamped(_BV(0));               // 14 M4 forward 200
  _delay_us(1500);
  STAMPED_WRITE(PORTD, PORTD | _BV(PD7));  // 15 /OE high: M4 release 200
  STAMPED_WRITE(PORTD, PORTD & ~_BV(PD7)); // 16 /OE low: M4 forward 200
  STAMPED_WRITE(DDRD, DDRD & ~_BV(PD5));   // 17 enable pin an input: M4 forward 0
  STAMPED_WRITE(DDRD, DDRD | _BV(PD5));    // 18 M4 forward 200

  // M2 left running.
  latch_stamped(_BV(0) | _BV(1));      // 19 M2 forward 0
  STAMPED_WRITE(OCR2B, 77);            // 20 M2 forward 77

  sei();
  uart_tx(0xC0);
  uart_tx(nstamps);
  for (uint8_t i = 0; i < nstamps; i++) {
    uint32_t s = stamps[i];
    for (uint8_t k = 0; k < 4; k++) {
      uart_tx((uint8_t)s);
      s >>= 8;
    }
  }
  for (;;) {
  }
}
