// Stand-ins for the hardware, all on one fake micros() clock.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "../axon_drums/src/core/blocking_clock.h"
#include "../axon_drums/src/core/byte_sink.h"
#include "../axon_drums/src/core/eeprom_port.h"
#include "../axon_drums/src/core/motor_output.h"
#include "../axon_drums/src/core/protocol.h"

struct MotorCommand {
  uint32_t at;
  uint8_t motor;
  axon::Direction direction;
  uint8_t pwm;
};

class FakeMotors : public axon::MotorOutput {
 public:
  explicit FakeMotors(const uint32_t& clock) : clock_(clock) { current.fill(axon::Direction::Release); }

  void set(uint8_t motor, axon::Direction direction, uint8_t pwm) override {
    REQUIRE(motor < axon::kDrumCount);
    log.push_back({clock_, motor, direction, pwm});
    current[motor] = direction;
  }

  bool allReleased() const {
    for (axon::Direction d : current)
      if (d != axon::Direction::Release) return false;
    return true;
  }

  std::vector<MotorCommand> commandsFor(uint8_t motor) const {
    std::vector<MotorCommand> out;
    for (const MotorCommand& c : log)
      if (c.motor == motor) out.push_back(c);
    return out;
  }

  std::vector<MotorCommand> log;
  std::array<axon::Direction, axon::kDrumCount> current;

 private:
  const uint32_t& clock_;
};

class VectorSink : public axon::ByteSink {
 public:
  uint16_t room() const override {
    size_t free = limit > bytes.size() ? limit - bytes.size() : 0;
    return static_cast<uint16_t>(free > 0xFFFF ? 0xFFFF : free);
  }
  void write(const uint8_t* data, uint8_t count) override {
    REQUIRE(bytes.size() + count <= limit);
    bytes.insert(bytes.end(), data, data + count);
  }

  std::vector<uint8_t> bytes;
  size_t limit = SIZE_MAX;
};

// An AVR EEPROM: a write keeps it busy for 3.4 ms of the fake clock; reading or writing while
// busy is a misuse (on the AVR it would stall the loop) and is counted.
class FakeEeprom : public axon::EepromPort {
 public:
  static constexpr uint32_t kWriteMicros = 3400;

  explicit FakeEeprom(const uint32_t& clock) : clock_(clock) { memory.fill(0xFF); }

  bool ready() override { return !busy(); }
  uint8_t read(uint16_t address) override {
    if (busy()) misuses++;
    return memory.at(address);
  }
  void write(uint16_t address, uint8_t value) override {
    if (busy()) misuses++;
    writes++;
    writeTimes.push_back(clock_);
    if (address != stuckAddress) memory.at(address) = value;
    busyUntil_ = clock_ + kWriteMicros;
    writing_ = true;
  }

  std::array<uint8_t, 1024> memory;
  int stuckAddress = -1;  // a worn-out cell: writes there do not take
  int writes = 0;
  int misuses = 0;
  std::vector<uint32_t> writeTimes;

 private:
  bool busy() const { return writing_ && static_cast<int32_t>(clock_ - busyUntil_) < 0; }

  const uint32_t& clock_;
  uint32_t busyUntil_ = 0;
  bool writing_ = false;
};

class FakeBlockingClock : public axon::BlockingClock {
 public:
  explicit FakeBlockingClock(uint32_t& clock) : clock_(clock) {}
  uint32_t nowMicros() override { return clock_; }
  void waitMicros(uint32_t micros) override {
    waits.push_back(micros);
    clock_ += micros;
  }
  std::vector<uint32_t> waits;

 private:
  uint32_t& clock_;
};
