// Strikes scheduled at a device time (STRIKE_AT), fired by the loop when due.
#pragma once
#include <stdint.h>

#include "protocol.h"
#include "strike_plan.h"

namespace axon {

// Worked out when scheduled, so firing it costs next to nothing.
struct ScheduledStrike {
  uint32_t at;  // micros()
  uint8_t drum;
  uint8_t velocity;
  StrikePlan plan;
};

class StrikeQueue {
 public:
  StrikeQueue();

  // False when full.
  bool push(const ScheduledStrike& strike);
  // Takes out the earliest strike if it is due at `now` (wrap-safe).
  bool popDue(uint32_t now, ScheduledStrike& strike);
  // Whether a strike falls due within `window` of `now` (or is overdue).
  bool dueWithin(uint32_t now, uint16_t window) const {
    return count_ > 0 && static_cast<int32_t>(slots_[earliest_].at - now) < static_cast<int32_t>(window);
  }
  void clear() { count_ = 0; }
  uint8_t count() const { return count_; }

 private:
  void findEarliest();

  ScheduledStrike slots_[kQueueSize];
  uint8_t count_;
  uint8_t earliest_;  // index of the slot due first, when count_ > 0
};

}  // namespace axon
