// Events waiting for a quiet loop pass to be sent (sending one takes longer than a phase
// change may wait).
#pragma once
#include <stdint.h>

namespace axon {

struct PendingEvent {
  uint8_t kind;
  uint8_t drum;
  uint32_t time;
  uint16_t arg;
};

constexpr uint8_t kEventQueueSize = 4;

class EventQueue {
 public:
  EventQueue();

  // When full the oldest goes: the newest says most about the board's state now.
  void push(const PendingEvent& event);
  bool pop(PendingEvent& event);
  bool empty() const { return count_ == 0; }

 private:
  PendingEvent events_[kEventQueueSize];
  uint8_t head_;
  uint8_t count_;
};

}  // namespace axon
