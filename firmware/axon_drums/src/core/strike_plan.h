// One strike worked out from a table and a velocity.
#pragma once
#include <stdint.h>

#include "strike_table.h"

namespace axon {

struct StrikePlan {
  uint16_t forwardMicros;
  uint16_t pauseMicros;
  uint16_t backMicros;
  uint8_t forwardPwm;
  uint8_t backPwm;
};

// Interpolates linearly between the two velocity points around `velocity` (clamped at the
// ends; within 1 of exact), then cuts every phase at the max phase: the
// last word on how long a motor stays on, whatever table it came from.
StrikePlan planStrike(const StrikeTable& table, uint8_t velocity);

// What the strike costs in the duty budget: forward + back, in whole ms rounded up.
uint16_t dutyMillis(const StrikePlan& plan);

}  // namespace axon
