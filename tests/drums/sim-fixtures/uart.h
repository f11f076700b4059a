// Shared by the simulator fixtures: USART0 at 115200 baud the way the Arduino core sets it up
// (U2X, UBRR 16), with an interrupt-fed receive ring like HardwareSerial.
#include <avr/interrupt.h>
#include <avr/io.h>
#include <stdint.h>

static volatile uint8_t rx_ring[64];
static volatile uint8_t rx_head, rx_tail;

ISR(USART_RX_vect) {
  uint8_t b = UDR0;
  uint8_t next = (uint8_t)((rx_head + 1) & 63);
  if (next != rx_tail) {
    rx_ring[rx_head] = b;
    rx_head = next;
  }
}

static void uart_init(void) {
  UCSR0A = _BV(U2X0);
  UBRR0 = 16;
  UCSR0C = _BV(UCSZ01) | _BV(UCSZ00);
  UCSR0B = _BV(RXEN0) | _BV(TXEN0) | _BV(RXCIE0);
}

static void uart_tx(uint8_t b) {
  while (!(UCSR0A & _BV(UDRE0))) {
  }
  UDR0 = b;
}

__attribute__((unused)) static int16_t uart_rx(void) {
  if (rx_head == rx_tail) return -1;
  uint8_t b = rx_ring[rx_tail];
  rx_tail = (uint8_t)((rx_tail + 1) & 63);
  return b;
}
