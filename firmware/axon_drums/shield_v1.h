// Adafruit motor shield v1: two L293D, direction bits in a 74HC595, speed on four PWM enable pins.
#pragma once
#include <Arduino.h>

#include "src/core/motor_output.h"

class ShieldV1 : public axon::MotorOutput {
 public:
  void begin() {
    // All directions released in the 595 before its outputs are enabled.
    DDRB |= _BV(PB0) | _BV(PB4);  // DATA D8, LATCH D12
    DDRD |= _BV(PD4);             // CLK D4
    bits_ = 0;
    latch();
    for (uint8_t m = 0; m < 4; m++) {
      digitalWrite(kChannels[m].enablePin, LOW);
      pinMode(kChannels[m].enablePin, OUTPUT);
    }
    digitalWrite(kOutputEnablePin, LOW);  // /OE
    pinMode(kOutputEnablePin, OUTPUT);
    // M1 and M2 run on Timer2, M3 and M4 on Timer0 (976 Hz, untouchable: micros() counts it).
    // Timer2 at clk/32 gives 980 Hz, so a PWM value drives every motor the same way.
    TCCR2B = (TCCR2B & ~0x07) | _BV(CS21) | _BV(CS20);
  }

  void set(uint8_t motor, axon::Direction direction, uint8_t pwm) override {
    const Channel& channel = kChannels[motor];
    uint8_t released = bits_ & ~(channel.forwardBit | channel.backBit);
    if (direction == axon::Direction::Release) {
      analogWrite(channel.enablePin, 0);
      bits_ = released;
      latch();
      return;
    }
    bits_ = released | (direction == axon::Direction::Forward ? channel.forwardBit : channel.backBit);
    latch();
    analogWrite(channel.enablePin, pwm);
  }

 private:
  struct Channel {
    uint8_t enablePin;
    uint8_t forwardBit;  // the 595's A output
    uint8_t backBit;     // the 595's B output
  };
  static constexpr uint8_t kOutputEnablePin = 7;
  static constexpr Channel kChannels[4] = {
      {11, _BV(2), _BV(3)},
      {3, _BV(1), _BV(4)},
      {6, _BV(5), _BV(7)},
      {5, _BV(0), _BV(6)},
  };

  // Port writes instead of shiftOut(): a few microseconds rather than ~100, so four drums
  // starting together stay together. MSB first; the 595 shifts on CLK's and latches on LATCH's
  // rising edge.
  void latch() {
    PORTB &= ~_BV(PB4);
    for (uint8_t bit = 0x80; bit != 0; bit >>= 1) {
      PORTD &= ~_BV(PD4);
      if (bits_ & bit) {
        PORTB |= _BV(PB0);
      } else {
        PORTB &= ~_BV(PB0);
      }
      PORTD |= _BV(PD4);
    }
    PORTB |= _BV(PB4);
  }

  uint8_t bits_ = 0;
};

constexpr ShieldV1::Channel ShieldV1::kChannels[4];
