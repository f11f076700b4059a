#include "duty_budget.h"

namespace axon {

DutyBudget::DutyBudget() : used_(), total_(), current_(0), millisInBucket_(0) {}

void DutyBudget::advance(uint32_t elapsedMillis) {
  if (elapsedMillis == 0) return;  // most loop passes
  // Beyond a whole window every bucket is stale; cap the work at one pass over them.
  if (elapsedMillis > kDutyWindowMillis) elapsedMillis = kDutyWindowMillis + elapsedMillis % kDutyBucketMillis;
  uint32_t millis = millisInBucket_ + elapsedMillis;
  while (millis >= kDutyBucketMillis) {
    millis -= kDutyBucketMillis;
    if (++current_ == kDutyBuckets) current_ = 0;
    for (uint8_t m = 0; m < kDrumCount; m++) {
      total_[m] = static_cast<uint16_t>(total_[m] - used_[m][current_]);
      used_[m][current_] = 0;
    }
  }
  millisInBucket_ = static_cast<uint16_t>(millis);
}

bool DutyBudget::allows(uint8_t motor, uint16_t costMillis) const {
  return static_cast<uint32_t>(usedMillis(motor)) + costMillis <= kDutyBudgetMillis;
}

// Charged only after allows(), so the totals stay within the budget.
void DutyBudget::charge(uint8_t motor, uint16_t costMillis) {
  used_[motor][current_] = static_cast<uint16_t>(used_[motor][current_] + costMillis);
  total_[motor] = static_cast<uint16_t>(total_[motor] + costMillis);
}

}  // namespace axon
