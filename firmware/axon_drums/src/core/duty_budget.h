// Per-motor on-time over a sliding window of ten one-second buckets, so a motor driven too
// often is refused before it overheats.
#pragma once
#include <stdint.h>

#include "protocol.h"

namespace axon {

constexpr uint8_t kDutyBuckets = 10;
constexpr uint16_t kDutyBucketMillis = kDutyWindowMillis / kDutyBuckets;

class DutyBudget {
 public:
  DutyBudget();

  // Moves the window on; a bucket leaving it is emptied for reuse.
  void advance(uint32_t elapsedMillis);
  bool allows(uint8_t motor, uint16_t costMillis) const;
  void charge(uint8_t motor, uint16_t costMillis);
  uint16_t usedMillis(uint8_t motor) const { return total_[motor]; }

 private:
  uint16_t used_[kDrumCount][kDutyBuckets];
  uint16_t total_[kDrumCount];  // the sum of each motor's buckets, kept as they change
  uint8_t current_;
  uint16_t millisInBucket_;
};

}  // namespace axon
