// Boot counter in EEPROM byte 0: each boot reads it, adds one, writes it back and sends
// 0xB1, the reset cause (MCUSR) and the new count. 'W' from the host enables the watchdog and
// hangs, so the watchdog resets the chip. 'Q' answers 'q' (a liveness probe).
#include <avr/eeprom.h>
#include <avr/wdt.h>
#include "uart.h"

int main(void) {
  uint8_t cause = MCUSR;
  MCUSR = 0;
  wdt_disable();
  uart_init();
  sei();
  uint8_t stored = eeprom_read_byte((uint8_t *)0);
  uint8_t count = (uint8_t)((stored == 0xFF ? 0 : stored) + 1);
  eeprom_write_byte((uint8_t *)0, count);
  uart_tx(0xB1);
  uart_tx(cause);
  uart_tx(count);
  for (;;) {
    int16_t b = uart_rx();
    if (b == 'W') {
      wdt_enable(WDTO_15MS);
      for (;;) {
      }
    }
    if (b == 'Q') uart_tx('q');
  }
}
