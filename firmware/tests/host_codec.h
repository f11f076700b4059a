// The host's side of the wire, written independently of the firmware's code (bit-by-bit CRC,
// textbook COBS), so the tests check the firmware against the protocol, not against itself.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "check.h"

namespace host {

using Bytes = std::vector<uint8_t>;

inline uint16_t crc16(const uint8_t* data, size_t length) {
  uint16_t crc = 0xFFFF;
  for (size_t i = 0; i < length; i++) {
    crc ^= static_cast<uint16_t>(data[i] << 8);
    for (int bit = 0; bit < 8; bit++) crc = (crc & 0x8000) ? static_cast<uint16_t>((crc << 1) ^ 0x1021) : static_cast<uint16_t>(crc << 1);
  }
  return crc;
}

inline uint16_t crc16(const Bytes& data) { return crc16(data.data(), data.size()); }

// Without the delimiter.
inline Bytes cobsEncode(const Bytes& data) {
  Bytes out(1, 0);
  size_t codeAt = 0;
  uint8_t code = 1;
  for (size_t i = 0; i < data.size(); i++) {
    if (data[i] == 0) {
      out[codeAt] = code;
      codeAt = out.size();
      out.push_back(0);
      code = 1;
      continue;
    }
    out.push_back(data[i]);
    // A full block; another one opens only if data follows.
    if (++code == 0xFF && i + 1 < data.size()) {
      out[codeAt] = code;
      codeAt = out.size();
      out.push_back(0);
      code = 1;
    }
  }
  out[codeAt] = code;
  return out;
}

// Without the delimiter; false when a block runs past the end.
inline bool cobsDecode(const Bytes& encoded, Bytes& out) {
  out.clear();
  size_t at = 0;
  while (at < encoded.size()) {
    uint8_t code = encoded[at++];
    if (code == 0 || at + code - 1 > encoded.size()) return false;
    for (int i = 1; i < code; i++) out.push_back(encoded[at++]);
    if (code != 0xFF && at < encoded.size()) out.push_back(0);
  }
  return true;
}

inline void putU16(Bytes& out, uint16_t value) {
  out.push_back(static_cast<uint8_t>(value));
  out.push_back(static_cast<uint8_t>(value >> 8));
}

inline void putU32(Bytes& out, uint32_t value) {
  putU16(out, static_cast<uint16_t>(value));
  putU16(out, static_cast<uint16_t>(value >> 16));
}

inline uint16_t u16(const Bytes& data, size_t at) { return static_cast<uint16_t>(data.at(at) | (data.at(at + 1) << 8)); }

inline uint32_t u32(const Bytes& data, size_t at) {
  return static_cast<uint32_t>(u16(data, at)) | (static_cast<uint32_t>(u16(data, at + 2)) << 16);
}

// A decoded frame: type, seq, payload, CRC (little-endian).
inline Bytes rawFrame(uint8_t type, uint8_t seq, const Bytes& payload) {
  Bytes frame{type, seq};
  frame.insert(frame.end(), payload.begin(), payload.end());
  putU16(frame, crc16(frame));
  return frame;
}

// Ready for the wire: COBS and the zero delimiter.
inline Bytes wireFrame(const Bytes& raw) {
  Bytes out = cobsEncode(raw);
  out.push_back(0);
  return out;
}

inline Bytes frame(uint8_t type, uint8_t seq, const Bytes& payload) { return wireFrame(rawFrame(type, seq, payload)); }

struct Message {
  uint8_t type;
  uint8_t seq;
  Bytes payload;
};

// Splits the board's output into messages; every frame must decode and carry a good CRC.
inline std::vector<Message> parse(const Bytes& stream) {
  std::vector<Message> messages;
  Bytes encoded;
  for (uint8_t byte : stream) {
    if (byte != 0) {
      encoded.push_back(byte);
      continue;
    }
    if (encoded.empty()) continue;  // a lone delimiter (the board sends one before BOOT)
    Bytes raw;
    REQUIRE(cobsDecode(encoded, raw));
    REQUIRE(raw.size() >= 4 && raw.size() <= 60);
    REQUIRE(u16(raw, raw.size() - 2) == crc16(raw.data(), raw.size() - 2));
    messages.push_back({raw[0], raw[1], Bytes(raw.begin() + 2, raw.end() - 2)});
    encoded.clear();
  }
  REQUIRE(encoded.empty());
  return messages;
}

}  // namespace host
