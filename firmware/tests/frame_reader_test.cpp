// The frame reader: good frames, every kind of damage counted and dropped, and fuzzing.
#include <random>

#include "../axon_drums/src/core/frame_reader.h"
#include "check.h"
#include "host_codec.h"

namespace {

struct Fed {
  std::vector<host::Bytes> frames;  // type, seq, payload of each good frame
};

Fed feed(axon::FrameReader& reader, const host::Bytes& bytes) {
  Fed fed;
  for (uint8_t b : bytes) {
    if (reader.push(b)) {
      axon::Frame f = reader.frame();
      host::Bytes frame{f.type, f.seq};
      frame.insert(frame.end(), f.payload, f.payload + f.length);
      fed.frames.push_back(frame);
    }
  }
  return fed;
}

int dropped(const axon::FrameCounters& c) { return c.cobs + c.crc + c.overflow + c.tooShort; }

}  // namespace

TEST(readerDecodesAGoodFrame) {
  axon::FrameReader reader;
  Fed fed = feed(reader, host::frame(0x05, 42, {3, 0, 0x10, 0x00, 0x20, 0x00}));
  REQUIRE(fed.frames.size() == 1);
  CHECK(fed.frames[0] == (host::Bytes{0x05, 42, 3, 0, 0x10, 0x00, 0x20, 0x00}));
  CHECK_EQ(reader.counters().ok, 1);
  CHECK_EQ(dropped(reader.counters()), 0);
}

TEST(readerIgnoresEmptyFramesSilently) {
  axon::FrameReader reader;
  host::Bytes bytes{0, 0, 0};
  host::Bytes good = host::frame(0x02, 1, {});
  bytes.insert(bytes.end(), good.begin(), good.end());
  bytes.push_back(0);
  Fed fed = feed(reader, bytes);
  CHECK_EQ(fed.frames.size(), 1u);
  CHECK_EQ(reader.counters().ok, 1);
  CHECK_EQ(dropped(reader.counters()), 0);
}

TEST(readerCountsShortFrames) {
  axon::FrameReader reader;
  feed(reader, host::wireFrame({0x02, 0x01, 0x00}));  // three bytes
  feed(reader, {0x01, 0x00});                          // decodes to nothing
  CHECK_EQ(reader.counters().tooShort, 2);
  CHECK_EQ(reader.counters().ok, 0);
}

TEST(readerCountsCrcMismatches) {
  axon::FrameReader reader;
  host::Bytes raw = host::rawFrame(0x04, 9, {1, 100});
  raw[2] ^= 0x01;
  Fed fed = feed(reader, host::wireFrame(raw));
  CHECK(fed.frames.empty());
  CHECK_EQ(reader.counters().crc, 1);
}

TEST(readerCountsBlocksRunningPastTheEnd) {
  axon::FrameReader reader;
  // Code 0x09 promises eight bytes; the delimiter comes after three.
  Fed fed = feed(reader, {0x09, 0x04, 0x01, 0x02, 0x00});
  CHECK(fed.frames.empty());
  CHECK_EQ(reader.counters().cobs, 1);
  // A frame truncated in transit is the same thing.
  host::Bytes good = host::frame(0x03, 2, {1, 2, 3, 4});
  host::Bytes truncated(good.begin(), good.end() - 3);
  truncated.push_back(0);
  feed(reader, truncated);
  CHECK_EQ(reader.counters().cobs, 2);
  CHECK_EQ(reader.counters().ok, 0);
}

TEST(readerSkipsAnOverflowToTheNextDelimiter) {
  axon::FrameReader reader;
  host::Bytes bytes(200, 0x07);  // no delimiter for 200 bytes
  bytes.push_back(0);
  host::Bytes good = host::frame(0x02, 5, {});
  bytes.insert(bytes.end(), good.begin(), good.end());
  Fed fed = feed(reader, bytes);
  CHECK_EQ(reader.counters().overflow, 1);
  REQUIRE(fed.frames.size() == 1);
  CHECK(fed.frames[0] == (host::Bytes{0x02, 5}));
}

TEST(readerTakesTheLargestFrameAndNoMore) {
  axon::FrameReader reader;
  host::Bytes payload(axon::kMaxPayload, 0xAB);
  Fed fed = feed(reader, host::frame(0x06, 1, payload));
  REQUIRE(fed.frames.size() == 1);
  CHECK_EQ(fed.frames[0].size(), 58u);
  // PROTOCOL.md allows 62 encoded bytes, one more than a 60-byte frame needs: a 61-byte frame
  // passes the reader (its length is the controller's to refuse)...
  payload.push_back(0xAB);
  host::Bytes wire = host::frame(0x06, 2, payload);
  CHECK_EQ(wire.size(), 63u);
  fed = feed(reader, wire);
  REQUIRE(fed.frames.size() == 1);
  CHECK_EQ(fed.frames[0].size(), 59u);
  CHECK_EQ(reader.counters().overflow, 0);
  // ...and 63 encoded bytes overflow.
  payload.push_back(0xAB);
  fed = feed(reader, host::frame(0x06, 3, payload));
  CHECK(fed.frames.empty());
  CHECK_EQ(reader.counters().overflow, 1);
}

TEST(readerCountersWrapAt65535) {
  axon::FrameReader reader;
  for (int i = 0; i < 65536; i++) feed(reader, {0x01, 0x00});
  CHECK_EQ(reader.counters().tooShort, 0);
  feed(reader, {0x01, 0x00});
  CHECK_EQ(reader.counters().tooShort, 1);
}

// Random frames, then damaged: bits flipped, bytes dropped, inserted or replaced, frames cut
// short or run together. Every frame the reader lets through must carry a good CRC, and every
// delimited frame is either good or counted.
TEST(readerFuzzedWithDamagedFramesLetsOnlyCrcValidFramesThrough) {
  std::mt19937 random(20240601);
  axon::FrameReader reader;
  long delimited = 0;
  long passed = 0;
  long intactSent = 0;
  long intactPassed = 0;
  for (int n = 0; n < 300000; n++) {
    host::Bytes payload(random() % 57);
    for (uint8_t& b : payload) b = (random() % 5 == 0) ? 0 : static_cast<uint8_t>(random());
    host::Bytes wire = host::frame(static_cast<uint8_t>(random()), static_cast<uint8_t>(random()), payload);
    wire.pop_back();  // the delimiter goes back after the damage
    int damage = static_cast<int>(random() % 8);
    switch (damage) {
      case 0:
        break;  // intact
      case 1:
        wire[random() % wire.size()] ^= static_cast<uint8_t>(1u << (random() % 8));
        break;
      case 2:
        wire.erase(wire.begin() + static_cast<long>(random() % wire.size()));
        break;
      case 3:
        wire.insert(wire.begin() + static_cast<long>(random() % (wire.size() + 1)), static_cast<uint8_t>(random() | 1));
        break;
      case 4:
        wire.resize(random() % wire.size());
        break;
      case 5:
        wire[random() % wire.size()] = static_cast<uint8_t>(random() | 1);
        break;
      case 6:
        for (int k = 0; k < 3; k++) wire[random() % wire.size()] ^= static_cast<uint8_t>(random() | 1);
        break;
      default:
        for (int k = 0; k < 80; k++) wire.push_back(static_cast<uint8_t>(random() | 1));
        break;
    }
    for (uint8_t& b : wire)
      if (b == 0) b = 1;  // damage never makes a delimiter here; zeros come as delimiters below
    wire.push_back(0);
    if (wire.size() > 1) delimited++;
    axon::FrameCounters before = reader.counters();
    for (uint8_t b : wire) {
      if (!reader.push(b)) continue;
      passed++;
      axon::Frame f = reader.frame();
      // Re-encode what came out: its CRC must be what the sender would have sent.
      host::Bytes raw{f.type, f.seq};
      raw.insert(raw.end(), f.payload, f.payload + f.length);
      host::Bytes decoded;
      host::Bytes encoded(wire.begin(), wire.end() - 1);
      REQUIRE(host::cobsDecode(encoded, decoded));
      REQUIRE(decoded.size() == raw.size() + 2);
      CHECK(std::equal(raw.begin(), raw.end(), decoded.begin()));
      CHECK_EQ(host::u16(decoded, raw.size()), host::crc16(raw));
    }
    if (damage == 0) {
      intactSent++;
      if (reader.counters().ok != before.ok) intactPassed++;
    }
  }
  const axon::FrameCounters& c = reader.counters();
  CHECK_EQ(static_cast<long>(c.ok), passed % 65536);
  CHECK_EQ(intactPassed, intactSent);
  // Counters wrap at 65535, so compare modulo 2^16.
  CHECK_EQ((passed + c.cobs + c.crc + c.overflow + c.tooShort) % 65536, delimited % 65536);
  CHECK(c.crc > 0);
  CHECK(c.cobs > 0);
  CHECK(c.overflow > 0);
}

TEST(readerFuzzedWithRandomBytesNeverReadsOutsideItsBuffer) {
  std::mt19937 random(99);
  axon::FrameReader reader;
  long passed = 0;
  for (int n = 0; n < 2000000; n++) {
    // One zero in 40 makes frames of every length, overflow included.
    uint8_t b = (random() % 40 == 0) ? 0 : static_cast<uint8_t>(random());
    if (reader.push(b)) {
      passed++;
      axon::Frame f = reader.frame();
      CHECK(f.length <= axon::kMaxDecoded - axon::kFrameOverhead);
    }
  }
  CHECK_EQ(static_cast<long>(reader.counters().ok), passed);
  // A good CRC by chance is about 1 in 65536 frames.
  CHECK(passed < 20);
}
