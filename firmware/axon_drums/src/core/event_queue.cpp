#include "event_queue.h"

namespace axon {

EventQueue::EventQueue() : events_(), head_(0), count_(0) {}

void EventQueue::push(const PendingEvent& event) {
  if (count_ == kEventQueueSize) {
    head_ = static_cast<uint8_t>((head_ + 1) % kEventQueueSize);
    count_--;
  }
  events_[(head_ + count_) % kEventQueueSize] = event;
  count_++;
}

bool EventQueue::pop(PendingEvent& event) {
  if (count_ == 0) return false;
  event = events_[head_];
  head_ = static_cast<uint8_t>((head_ + 1) % kEventQueueSize);
  count_--;
  return true;
}

}  // namespace axon
