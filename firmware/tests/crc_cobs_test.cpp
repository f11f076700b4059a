// CRC-16/CCITT-FALSE and COBS encoding against known vectors and the host's own codec.
#include <random>

#include "../axon_drums/src/core/cobs.h"
#include "../axon_drums/src/core/crc16.h"
#include "check.h"
#include "host_codec.h"

namespace {

host::Bytes encodeWithFirmware(const host::Bytes& data) {
  host::Bytes out(axon::cobsEncodedSize(static_cast<uint8_t>(data.size())));
  axon::cobsEncode(data.data(), static_cast<uint8_t>(data.size()), out.data());
  return out;
}

}  // namespace

TEST(crcKnownVectors) {
  const uint8_t check[] = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
  CHECK_EQ(axon::crc16(check, sizeof check), 0x29B1);
  CHECK_EQ(axon::crc16(nullptr, 0), 0xFFFF);
  const uint8_t a[] = {'A'};
  CHECK_EQ(axon::crc16(a, 1), 0xB915);
  const uint8_t zeros[4] = {};
  CHECK_EQ(axon::crc16(zeros, 4), host::crc16(zeros, 4));
}

TEST(crcMatchesTheBitwiseDefinitionOnRandomData) {
  std::mt19937 random(7);
  for (int n = 0; n < 2000; n++) {
    host::Bytes data(random() % 80);
    for (uint8_t& b : data) b = static_cast<uint8_t>(random());
    uint16_t incremental = axon::kCrc16Init;
    for (uint8_t b : data) incremental = axon::crc16Update(incremental, b);
    CHECK_EQ(axon::crc16(data.data(), static_cast<uint16_t>(data.size())), host::crc16(data));
    CHECK_EQ(incremental, host::crc16(data));
  }
}

TEST(cobsKnownVectors) {
  CHECK(encodeWithFirmware({}) == (host::Bytes{0x01, 0x00}));
  CHECK(encodeWithFirmware({0x00}) == (host::Bytes{0x01, 0x01, 0x00}));
  CHECK(encodeWithFirmware({0x00, 0x00}) == (host::Bytes{0x01, 0x01, 0x01, 0x00}));
  CHECK(encodeWithFirmware({0x11, 0x22, 0x00, 0x33}) == (host::Bytes{0x03, 0x11, 0x22, 0x02, 0x33, 0x00}));
  CHECK(encodeWithFirmware({0x11, 0x22, 0x33, 0x44}) == (host::Bytes{0x05, 0x11, 0x22, 0x33, 0x44, 0x00}));
  CHECK(encodeWithFirmware({0x11, 0x00, 0x00, 0x00}) == (host::Bytes{0x02, 0x11, 0x01, 0x01, 0x01, 0x00}));
  // The longest input it takes: 253 non-zero bytes, one block.
  host::Bytes longest(axon::kMaxCobsInput, 0x01);
  host::Bytes expected{254};
  expected.insert(expected.end(), longest.begin(), longest.end());
  expected.push_back(0x00);
  CHECK(encodeWithFirmware(longest) == expected);
}

TEST(cobsRoundTripsRandomFrames) {
  std::mt19937 random(11);
  for (int n = 0; n < 5000; n++) {
    host::Bytes data(random() % 61);
    for (uint8_t& b : data) b = (random() % 4 == 0) ? 0 : static_cast<uint8_t>(random());
    host::Bytes encoded = encodeWithFirmware(data);
    REQUIRE(!encoded.empty() && encoded.back() == 0);
    encoded.pop_back();
    for (uint8_t b : encoded) CHECK(b != 0);
    CHECK(encoded == host::cobsEncode(data));
    host::Bytes decoded;
    CHECK(host::cobsDecode(encoded, decoded));
    CHECK(decoded == data);
  }
}
