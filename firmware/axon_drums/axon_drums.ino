// Axon Stage drum firmware: robot drums (car door lock motors) on an Arduino Uno with an
// Adafruit-style motor shield, driven by the host over the serial protocol in
// firmware/PROTOCOL.md. All the logic lives in src/core (plain C++, unit-tested on the host);
// this sketch only wires it to Serial, micros(), the shield, the EEPROM and the watchdog.
//
// Shield v1 (74HC595 + L293D) by default. For shield v2 (PCA9685 over I2C) uncomment:
// #define AXON_SHIELD_V2
// AXON_BLOCKING_STRIKES builds the naive delay()-per-phase strike, for benchmarks only.

#include <avr/wdt.h>

#include "avr_eeprom.h"
#include "reset_cause.h"
#include "src/core/byte_ring.h"
#include "src/core/drum_controller.h"

#ifdef AXON_SHIELD_V2
#include "shield_v2.h"
ShieldV2 shield;
const uint8_t kShieldVersion = 2;
#else
#include "shield_v1.h"
ShieldV1 shield;
const uint8_t kShieldVersion = 1;
#endif

#ifdef AXON_BLOCKING_STRIKES
#include "arduino_blocking_clock.h"
ArduinoBlockingClock blockingClock;
#endif

// Room for a burst of replies and events (four strike events are 56 bytes), so the loop never
// waits for the UART.
axon::ByteRing<128> outgoing;
AvrEeprom eeprom;
axon::DrumController controller(shield, outgoing, eeprom, kShieldVersion);

void setup() {
  shield.begin();  // every motor released before anything else
  Serial.begin(115200);
#ifdef AXON_BLOCKING_STRIKES
  controller.useBlockingStrikes(blockingClock);
#endif
  controller.begin(micros(), resetCause);
  // Last resort for a hung board; the loop comes round in well under a millisecond.
  wdt_enable(WDTO_250MS);
}

void loop() {
  wdt_reset();
  controller.tick(micros());
  // At most one frame per pass, and none while one waits to be answered: the UART's 64-byte
  // buffer holds the rest meanwhile.
  while (controller.wantsBytes() && Serial.available() > 0) {
    if (controller.receive(static_cast<uint8_t>(Serial.read()), micros())) break;
  }
  // Straight into the UART when it is free rather than through Serial.write(): no transmit
  // interrupt to jitter the phase changes, and no writes to UCSR0B, which avr8js (the
  // simulator the host's tests run this firmware in) wrongly takes as clearing a received
  // byte's pending interrupt.
  if (!outgoing.empty() && (UCSR0A & _BV(UDRE0))) UDR0 = outgoing.take();
}
