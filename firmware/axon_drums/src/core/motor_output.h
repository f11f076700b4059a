// What the core asks of a motor shield.
#pragma once
#include <stdint.h>

namespace axon {

enum class Direction : uint8_t { Release, Forward, Back };

class MotorOutput {
 public:
  // pwm 0..255; ignored on Release.
  virtual void set(uint8_t motor, Direction direction, uint8_t pwm) = 0;

 protected:
  ~MotorOutput() = default;
};

}  // namespace axon
