#include "frame_writer.h"

#include "cobs.h"
#include "crc16.h"
#include "protocol.h"

namespace axon {

bool FrameWriter::send(uint8_t type, const uint8_t* payload, uint8_t length) {
  if (length > kMaxPayload) return false;
  uint8_t frame[kMaxFrame];
  frame[0] = type;
  frame[1] = seq_++;
  uint16_t crc = crc16Update(crc16Update(kCrc16Init, frame[0]), frame[1]);
  for (uint8_t i = 0; i < length; i++) {
    frame[2 + i] = payload[i];
    crc = crc16Update(crc, payload[i]);
  }
  uint8_t size = static_cast<uint8_t>(2 + length);
  frame[size++] = static_cast<uint8_t>(crc);
  frame[size++] = static_cast<uint8_t>(crc >> 8);
  uint8_t encoded[cobsEncodedSize(kMaxFrame)];
  uint8_t encodedSize = cobsEncodedSize(size);
  if (sink_.room() < encodedSize) return false;
  cobsEncode(frame, size, encoded);
  sink_.write(encoded, encodedSize);
  return true;
}

void FrameWriter::endLine() {
  const uint8_t zero = 0;
  if (sink_.room() > 0) sink_.write(&zero, 1);
}

}  // namespace axon
