#include "link_watchdog.h"

#include "protocol.h"

namespace axon {

LinkWatchdog::LinkWatchdog() : state_(State::NeverUp), lastFrame_(0) {}

bool LinkWatchdog::frameArrived(uint32_t now) {
  bool restored = state_ == State::Lost;
  state_ = State::Up;
  lastFrame_ = now;
  return restored;
}

bool LinkWatchdog::timedOut(uint32_t now) {
  if (state_ != State::Up) return false;
  if (static_cast<int32_t>(now - lastFrame_) < static_cast<int32_t>(kLinkTimeoutMicros)) return false;
  state_ = State::Lost;
  return true;
}

}  // namespace axon
