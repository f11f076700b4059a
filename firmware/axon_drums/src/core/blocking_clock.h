// Only for the AXON_BLOCKING_STRIKES comparison build: a strike that waits out its phases, the
// naive delay() way, needs a clock it can wait on.
#pragma once
#include <stdint.h>

namespace axon {

class BlockingClock {
 public:
  virtual uint32_t nowMicros() = 0;
  virtual void waitMicros(uint32_t micros) = 0;

 protected:
  ~BlockingClock() = default;
};

}  // namespace axon
