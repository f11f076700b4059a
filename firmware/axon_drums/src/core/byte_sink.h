// Where the core writes the frames it sends (the sketch drains it into the UART).
#pragma once
#include <stdint.h>

namespace axon {

class ByteSink {
 public:
  virtual uint16_t room() const = 0;
  // Only what room() allows.
  virtual void write(const uint8_t* bytes, uint8_t count) = 0;

 protected:
  ~ByteSink() = default;
};

}  // namespace axon
