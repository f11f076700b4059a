// Notices when the host goes quiet: no valid frame for 500 ms means the link is lost.
#pragma once
#include <stdint.h>

namespace axon {

class LinkWatchdog {
 public:
  LinkWatchdog();

  // A valid frame arrived; true when it ends a loss (link_ok).
  bool frameArrived(uint32_t now);
  // True once, at the moment the link times out (link_lost).
  bool timedOut(uint32_t now);
  bool up() const { return state_ == State::Up; }

 private:
  // Before the first frame there is no link to lose.
  enum class State : uint8_t { NeverUp, Up, Lost };

  State state_;
  uint32_t lastFrame_;
};

}  // namespace axon
