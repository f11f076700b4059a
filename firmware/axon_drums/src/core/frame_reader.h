// Turns the incoming byte stream into frames, one byte at a time: COBS decoding, length limits
// and the CRC. Anything damaged is counted and dropped here; only CRC-valid frames come out.
#pragma once
#include <stdint.h>

#include "protocol.h"

namespace axon {

struct Frame {
  uint8_t type;
  uint8_t seq;
  const uint8_t* payload;
  uint8_t length;
};

// Cumulative since boot; each wraps at 65535 like the protocol's counters.
struct FrameCounters {
  uint16_t ok;
  uint16_t cobs;
  uint16_t crc;
  uint16_t overflow;
  uint16_t tooShort;
};

class FrameReader {
 public:
  FrameReader();

  // True when this byte completed a frame with a valid CRC; frame() holds it until the next push.
  bool push(uint8_t byte);
  Frame frame() const;
  const FrameCounters& counters() const { return counters_; }

 private:
  bool finish();
  void restart();

  uint8_t decoded_[kMaxDecoded];
  uint8_t decodedLength_;
  uint8_t encodedLength_;
  uint8_t blockLeft_;    // data bytes still expected in the current COBS block
  bool zeroPending_;     // the current block ends with an implied zero, if another block follows
  bool skipping_;        // after an overflow, until the next delimiter
  uint16_t crc_;         // over all decoded bytes but the last two (the CRC itself)
  uint8_t frameLength_;  // of the last good frame
  FrameCounters counters_;
};

}  // namespace axon
