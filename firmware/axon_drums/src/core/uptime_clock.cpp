#include "uptime_clock.h"

namespace axon {

UptimeClock::UptimeClock() : nextMilliAt_(1000), millis_(0) {}

void UptimeClock::start(uint32_t now) { nextMilliAt_ = now + 1000; }

// One comparison on most loop passes (they come every few tens of microseconds); a time read
// before the last one changes nothing.
uint32_t UptimeClock::advance(uint32_t now) {
  uint32_t millis = 0;
  while (static_cast<int32_t>(now - nextMilliAt_) >= 0) {
    nextMilliAt_ += 1000;
    millis++;
  }
  millis_ += millis;
  return millis;
}

}  // namespace axon
