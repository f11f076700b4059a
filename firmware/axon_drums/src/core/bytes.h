// Little-endian reads and writes, the protocol's byte order.
#pragma once
#include <stdint.h>

namespace axon {

inline uint16_t readU16(const uint8_t* at) {
  return static_cast<uint16_t>(at[0] | (static_cast<uint16_t>(at[1]) << 8));
}

inline uint32_t readU32(const uint8_t* at) {
  return static_cast<uint32_t>(at[0]) | (static_cast<uint32_t>(at[1]) << 8) | (static_cast<uint32_t>(at[2]) << 16) |
         (static_cast<uint32_t>(at[3]) << 24);
}

// Appends fields to a payload being built.
class ByteWriter {
 public:
  explicit ByteWriter(uint8_t* start) : at_(start), start_(start) {}
  void u8(uint8_t value) { *at_++ = value; }
  void u16(uint16_t value) {
    u8(static_cast<uint8_t>(value));
    u8(static_cast<uint8_t>(value >> 8));
  }
  void u32(uint32_t value) {
    u16(static_cast<uint16_t>(value));
    u16(static_cast<uint16_t>(value >> 16));
  }
  uint8_t length() const { return static_cast<uint8_t>(at_ - start_); }

 private:
  uint8_t* at_;
  uint8_t* start_;
};

}  // namespace axon
