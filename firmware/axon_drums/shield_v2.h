// Adafruit motor shield v2: a PCA9685 PWM chip at I2C 0x60 drives two TB6612 bridges.
#pragma once
#include <Arduino.h>
#include <Wire.h>

#include "src/core/motor_output.h"

class ShieldV2 : public axon::MotorOutput {
 public:
  void begin() {
    Wire.begin();
    Wire.setClock(400000);
    Wire.setWireTimeout(3000, true);  // a stuck bus must not hang the loop
    writeRegister(kMode1, kSleep);    // the prescaler only takes a value while asleep
    writeRegister(kPrescale, 3);      // 25 MHz / 4096 / (3 + 1) = 1526 Hz
    writeRegister(kMode1, 0);
    delayMicroseconds(500);  // oscillator start-up
    writeRegister(kMode1, kRestart | kAutoIncrement);
    for (uint8_t m = 0; m < 4; m++) set(m, axon::Direction::Release, 0);
  }

  // A motor's three channels are adjacent: one auto-increment write sets them all, and the
  // PCA9685 applies them together at the STOP condition.
  void set(uint8_t motor, axon::Direction direction, uint8_t pwm) override {
    const Channels& channels = kMotors[motor];
    uint8_t first = min(channels.pwm, min(channels.in1, channels.in2));
    Wire.beginTransmission(kAddress);
    Wire.write(static_cast<uint8_t>(kLed0OnL + 4 * first));
    for (uint8_t channel = first; channel < first + 3; channel++) {
      if (channel == channels.pwm) {
        writeDuty(direction == axon::Direction::Release ? 0 : pwm);
      } else if (channel == channels.in1) {
        writeLevel(direction == axon::Direction::Forward);
      } else {
        writeLevel(direction == axon::Direction::Back);
      }
    }
    Wire.endTransmission();
  }

 private:
  struct Channels {
    uint8_t pwm;
    uint8_t in1;
    uint8_t in2;
  };
  static constexpr uint8_t kAddress = 0x60;
  static constexpr uint8_t kMode1 = 0x00;
  static constexpr uint8_t kLed0OnL = 0x06;
  static constexpr uint8_t kPrescale = 0xFE;
  static constexpr uint8_t kSleep = 0x10;
  static constexpr uint8_t kAutoIncrement = 0x20;
  static constexpr uint8_t kRestart = 0x80;
  static constexpr uint16_t kFull = 4096;  // bit 12 of ON or OFF: fully on or fully off
  static constexpr Channels kMotors[4] = {{8, 10, 9}, {13, 11, 12}, {2, 4, 3}, {7, 5, 6}};

  static void writeRegister(uint8_t reg, uint8_t value) {
    Wire.beginTransmission(kAddress);
    Wire.write(reg);
    Wire.write(value);
    Wire.endTransmission();
  }

  static void writeOnOff(uint16_t on, uint16_t off) {
    Wire.write(static_cast<uint8_t>(on));
    Wire.write(static_cast<uint8_t>(on >> 8));
    Wire.write(static_cast<uint8_t>(off));
    Wire.write(static_cast<uint8_t>(off >> 8));
  }

  static void writeLevel(bool high) { high ? writeOnOff(kFull, 0) : writeOnOff(0, kFull); }

  // 8-bit PWM scaled to the chip's 12 bits; the ends are exact full off and full on.
  static void writeDuty(uint8_t pwm) {
    if (pwm == 0) return writeOnOff(0, kFull);
    if (pwm == 255) return writeOnOff(kFull, 0);
    writeOnOff(0, static_cast<uint16_t>(pwm) << 4);
  }
};

constexpr ShieldV2::Channels ShieldV2::kMotors[4];
