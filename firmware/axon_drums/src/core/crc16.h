// CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final xor.
#pragma once
#include <stdint.h>

namespace axon {

constexpr uint16_t kCrc16Init = 0xFFFF;

// Byte at a time without a table (a 512-byte table would not fit the Uno's RAM): the
// polynomial's feedback for a byte folds into shifts of one 8-bit value, written out per byte
// so the AVR needs no 16-bit shift loops. Inline: it runs for every byte sent and received.
inline uint16_t crc16Update(uint16_t crc, uint8_t byte) {
  uint8_t x = static_cast<uint8_t>((crc >> 8) ^ byte);
  x ^= static_cast<uint8_t>(x >> 4);
  uint8_t high = static_cast<uint8_t>(static_cast<uint8_t>(crc) ^ static_cast<uint8_t>(x << 4) ^ static_cast<uint8_t>(x >> 3));
  uint8_t low = static_cast<uint8_t>(static_cast<uint8_t>(x << 5) ^ x);
  return static_cast<uint16_t>((static_cast<uint16_t>(high) << 8) | low);
}

uint16_t crc16(const uint8_t* data, uint16_t length);

}  // namespace axon
