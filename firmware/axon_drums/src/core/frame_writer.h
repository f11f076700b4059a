// Builds and sends the board's frames: type, seq, payload, CRC, COBS, delimiter.
#pragma once
#include <stdint.h>

#include "byte_sink.h"

namespace axon {

class FrameWriter {
 public:
  explicit FrameWriter(ByteSink& sink) : sink_(sink) {}

  // A frame that does not fit in the sink is dropped whole, never half sent; its seq is still
  // used, so the host sees the gap.
  bool send(uint8_t type, const uint8_t* payload, uint8_t length);

  // A lone delimiter: ends whatever partial frame the host holds from before a reset cut one
  // short, so the next frame (BOOT) is read on its own instead of failing the CRC with it.
  void endLine();

 private:
  ByteSink& sink_;
  uint8_t seq_ = 0;
};

}  // namespace axon
