// Milliseconds since boot, built from micros() (which wraps every 71.6 minutes).
#pragma once
#include <stdint.h>

namespace axon {

class UptimeClock {
 public:
  UptimeClock();

  void start(uint32_t now);
  // Whole milliseconds gone by since the last call.
  uint32_t advance(uint32_t now);
  uint32_t millis() const { return millis_; }

 private:
  uint32_t nextMilliAt_;  // micros() at which the next millisecond is complete
  uint32_t millis_;
};

}  // namespace axon
