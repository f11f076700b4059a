// A drum's strike table: what a strike does at a few velocities, and how soon it may repeat.
#pragma once
#include <stdint.h>

#include "protocol.h"

namespace axon {

struct VelocityPoint {
  uint8_t velocity;
  uint16_t forwardMicros;
  uint16_t pauseMicros;
  uint16_t backMicros;
  uint8_t forwardPwm;
  uint8_t backPwm;
};

struct StrikeTable {
  uint16_t restrikeMillis;  // from one strike's start to the next
  VelocityPoint points[kVelocityPoints];
};

// The protocol's 40-byte layout; the reserved field is ignored on decode and written as 0.
void decodeTable(const uint8_t* bytes, StrikeTable& table);
void encodeTable(const StrikeTable& table, uint8_t* bytes);

// PROTOCOL.md's rules: velocities strictly increasing within 1..127, every phase at most the
// max phase, forward and back PWM 1..255.
bool tableValid(const StrikeTable& table);

}  // namespace axon
