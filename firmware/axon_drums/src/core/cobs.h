// COBS encoding of outgoing frames (incoming frames are decoded byte by byte in FrameReader).
// Frames are far below 254 bytes, where COBS always adds exactly one byte.
#pragma once
#include <stdint.h>

namespace axon {

constexpr uint8_t kMaxCobsInput = 253;

// Bytes cobsEncode() writes for `length` bytes (at most kMaxCobsInput), the delimiter included.
constexpr uint8_t cobsEncodedSize(uint8_t length) { return static_cast<uint8_t>(length + 2); }

// Writes the encoding of data (at most kMaxCobsInput bytes) and the zero delimiter to `out`,
// which holds cobsEncodedSize(length) bytes.
void cobsEncode(const uint8_t* data, uint8_t length, uint8_t* out);

}  // namespace axon
