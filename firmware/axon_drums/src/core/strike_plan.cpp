#include "strike_plan.h"

namespace axon {

namespace {

// num / den (num < den <= 126) as a 16-bit binary fraction, rounded, by long division: the
// remainder stays below 2 * den, so 8-bit steps do, several times faster on the AVR than a
// library division (every microsecond here delays the other drums' phase changes).
uint16_t fraction(uint8_t num, uint8_t den) {
  uint16_t f = 0;
  uint8_t rest = num;
  for (uint8_t bit = 0; bit < 16; bit++) {
    rest = static_cast<uint8_t>(rest << 1);
    f = static_cast<uint16_t>(f << 1);
    if (rest >= den) {
      rest = static_cast<uint8_t>(rest - den);
      f |= 1;
    }
  }
  if (static_cast<uint8_t>(rest << 1) >= den) f++;  // the next bit rounds; f < 65535 since num < den
  return f;
}

// a + (b - a) * f / 65536, rounded: within 1 of exact (f is off by half a step at most).
int32_t lerp(uint16_t a, uint16_t b, uint16_t f) {
  if (b >= a) return a + static_cast<int32_t>((static_cast<uint32_t>(static_cast<uint16_t>(b - a)) * f + 0x8000) >> 16);
  return a - static_cast<int32_t>((static_cast<uint32_t>(static_cast<uint16_t>(a - b)) * f + 0x8000) >> 16);
}

uint16_t cutPhase(int32_t micros) {
  return micros > static_cast<int32_t>(kMaxPhaseMicros) ? kMaxPhaseMicros : static_cast<uint16_t>(micros);
}

}  // namespace

StrikePlan planStrike(const StrikeTable& table, uint8_t velocity) {
  const VelocityPoint* low = &table.points[0];
  const VelocityPoint* high = low;
  if (velocity >= table.points[kVelocityPoints - 1].velocity) {
    low = high = &table.points[kVelocityPoints - 1];
  } else if (velocity > low->velocity) {
    uint8_t i = 1;
    while (table.points[i].velocity <= velocity) i++;
    low = &table.points[i - 1];
    high = &table.points[i];
  }
  uint16_t f = high == low ? 0 : fraction(static_cast<uint8_t>(velocity - low->velocity), static_cast<uint8_t>(high->velocity - low->velocity));
  StrikePlan plan;
  plan.forwardMicros = cutPhase(lerp(low->forwardMicros, high->forwardMicros, f));
  plan.pauseMicros = cutPhase(lerp(low->pauseMicros, high->pauseMicros, f));
  plan.backMicros = cutPhase(lerp(low->backMicros, high->backMicros, f));
  plan.forwardPwm = static_cast<uint8_t>(lerp(low->forwardPwm, high->forwardPwm, f));
  plan.backPwm = static_cast<uint8_t>(lerp(low->backPwm, high->backPwm, f));
  return plan;
}

uint16_t dutyMillis(const StrikePlan& plan) {
  uint32_t on = static_cast<uint32_t>(plan.forwardMicros) + plan.backMicros;
  // ceil(on / 1000) = floor(floor((on + 999) / 8) / 125), and for the at most 15124 that
  // (on + 999) / 8 can be here, x / 125 is x * 16778 >> 21 exactly: no division at all.
  uint16_t eighths = static_cast<uint16_t>((on + 999) >> 3);
  uint16_t high = static_cast<uint16_t>((static_cast<uint32_t>(eighths) * 16778) >> 16);  // byte moves, no shift loop
  return static_cast<uint16_t>(high >> 5);
}

}  // namespace axon
