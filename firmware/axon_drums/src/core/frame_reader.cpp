#include "frame_reader.h"

#include "bytes.h"
#include "crc16.h"

namespace axon {

FrameReader::FrameReader() : frameLength_(0), counters_() { restart(); }

void FrameReader::restart() {
  decodedLength_ = 0;
  encodedLength_ = 0;
  blockLeft_ = 0;
  zeroPending_ = false;
  skipping_ = false;
  crc_ = kCrc16Init;
}

bool FrameReader::push(uint8_t byte) {
  if (byte == 0) {
    bool good = finish();
    restart();
    return good;
  }
  if (skipping_) return false;
  if (++encodedLength_ > kMaxEncoded) {
    counters_.overflow++;
    skipping_ = true;
    return false;
  }
  uint8_t decoded;
  if (blockLeft_ == 0) {
    // A code byte: it opens a block of (byte - 1) data bytes and stands for the zero that
    // closed the previous block, if that block was not a full one.
    blockLeft_ = static_cast<uint8_t>(byte - 1);
    bool zero = zeroPending_;
    zeroPending_ = byte != 0xFF;
    if (!zero) return false;
    decoded = 0;
  } else {
    blockLeft_--;
    decoded = byte;
  }
  // The CRC trails the frame by two bytes, so it is spread over the bytes as they come
  // instead of costing one long pass at the delimiter.
  if (decodedLength_ >= 2) crc_ = crc16Update(crc_, decoded_[decodedLength_ - 2]);
  decoded_[decodedLength_++] = decoded;
  return false;
}

bool FrameReader::finish() {
  if (skipping_) return false;             // counted as overflow already
  if (encodedLength_ == 0) return false;   // an empty frame: a flush, ignored silently
  if (blockLeft_ != 0) {
    counters_.cobs++;
    return false;
  }
  if (decodedLength_ < kFrameOverhead) {
    counters_.tooShort++;
    return false;
  }
  if (readU16(decoded_ + decodedLength_ - 2) != crc_) {
    counters_.crc++;
    return false;
  }
  counters_.ok++;
  frameLength_ = decodedLength_;
  return true;
}

Frame FrameReader::frame() const {
  Frame frame;
  frame.type = decoded_[0];
  frame.seq = decoded_[1];
  frame.payload = decoded_ + 2;
  frame.length = static_cast<uint8_t>(frameLength_ - kFrameOverhead);
  return frame;
}

}  // namespace axon
