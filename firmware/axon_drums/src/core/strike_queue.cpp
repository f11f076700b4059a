#include "strike_queue.h"

namespace axon {

StrikeQueue::StrikeQueue() : slots_(), count_(0), earliest_(0) {}

// Unsorted slots and the earliest one remembered: the loop asks every pass whether a strike is
// due, which then costs one comparison; the scan runs only when the queue changes.
bool StrikeQueue::push(const ScheduledStrike& strike) {
  if (count_ == kQueueSize) return false;
  slots_[count_++] = strike;
  findEarliest();
  return true;
}

bool StrikeQueue::popDue(uint32_t now, ScheduledStrike& strike) {
  if (count_ == 0 || static_cast<int32_t>(slots_[earliest_].at - now) > 0) return false;
  strike = slots_[earliest_];
  slots_[earliest_] = slots_[--count_];
  findEarliest();
  return true;
}

// Earliest by wrap-safe difference, so times on both sides of the micros() wrap order right.
void StrikeQueue::findEarliest() {
  earliest_ = 0;
  for (uint8_t i = 1; i < count_; i++) {
    if (static_cast<int32_t>(slots_[i].at - slots_[earliest_].at) < 0) earliest_ = i;
  }
}

}  // namespace axon
