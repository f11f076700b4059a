// Boot: sends 0xB0 and the reset cause (MCUSR), then echoes every byte it receives.
// Byte 0xFE (echoed first) makes it hold interrupts off for 2 ms, so the host's next bytes pile
// up in the USART's receive buffer and overrun it, as on a real ATmega328P.
#include <avr/wdt.h>
#include <util/delay.h>
#include "uart.h"

int main(void) {
  uint8_t cause = MCUSR;
  MCUSR = 0;
  wdt_disable();
  uart_init();
  sei();
  uart_tx(0xB0);
  uart_tx(cause);
  for (;;) {
    int16_t b = uart_rx();
    if (b < 0) continue;
    uart_tx((uint8_t)b);
    if (b == 0xFE) {
      cli();
      _delay_ms(2);
      sei();
    }
  }
}
