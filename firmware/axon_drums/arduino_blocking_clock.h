// The AXON_BLOCKING_STRIKES comparison build's clock: the naive strike waits with delay().
#pragma once
#include <Arduino.h>
#include <avr/wdt.h>

#include "src/core/blocking_clock.h"

class ArduinoBlockingClock : public axon::BlockingClock {
 public:
  uint32_t nowMicros() override { return micros(); }

  // Several queued strikes can wait back to back for longer than the watchdog allows.
  void waitMicros(uint32_t micros) override {
    wdt_reset();
    delay(micros / 1000);
    delayMicroseconds(static_cast<unsigned int>(micros % 1000));
  }
};
