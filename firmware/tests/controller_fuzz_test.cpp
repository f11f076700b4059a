// The controller fed garbage and damaged requests: it answers every intact frame exactly once,
// never acts on a damaged one, and never reads or writes out of bounds (ASan, UBSan).
#include <random>

#include "check.h"
#include "rig.h"

using namespace axon;

namespace {

// A request of a known type with a random payload of the right length, or now and then a wrong one.
host::Bytes randomPayload(std::mt19937& random, uint8_t type) {
  static const uint8_t kLengths[] = {0, 1, 0, 4, 2, 6, 41, 1, 0, 0, 0, 0};
  size_t length = (random() % 10 == 0 || type > 0x0B || type == 0) ? random() % 57 : kLengths[type];
  host::Bytes payload(length);
  for (uint8_t& b : payload) b = static_cast<uint8_t>(random());
  if (type == msg::Strike || type == msg::StrikeAt || type == msg::GetTable || type == msg::SetTable) {
    if (!payload.empty() && random() % 4 != 0) payload[0] %= 4;  // mostly real drums
  }
  if (type == msg::Hello && payload.size() == 1 && random() % 2 == 0) payload[0] = 1;
  return payload;
}

size_t countForward(const FakeMotors& motors) {
  size_t n = 0;
  for (const MotorCommand& c : motors.log)
    if (c.direction == Direction::Forward) n++;
  return n;
}

}  // namespace

TEST(controllerAnswersIntactFramesOnceAndDamagedOnesNever) {
  std::mt19937 random(5150);
  Rig rig(0);
  rig.boot();
  size_t struck = 0;
  int collisions = 0;
  for (int n = 0; n < 200000; n++) {
    uint8_t type = static_cast<uint8_t>(random() % 8 == 0 ? random() : 1 + random() % 11);
    uint8_t seq = static_cast<uint8_t>(random());
    host::Bytes wire = host::frame(type, seq, randomPayload(random, type));
    bool damaged = random() % 2 == 0;
    if (damaged) {
      switch (random() % 3) {
        case 0:
          wire[random() % (wire.size() - 1)] ^= static_cast<uint8_t>(1u << (random() % 8));
          break;
        case 1:
          wire.erase(wire.begin() + static_cast<long>(random() % (wire.size() - 1)));
          break;
        default:  // a zero inserted here splits the frame in two (at either end it would not harm it)
          wire.insert(wire.begin() + 1 + static_cast<long>(random() % (wire.size() - 2)), static_cast<uint8_t>(random()));
          break;
      }
    }
    rig.feed(wire);
    rig.controller.tick(rig.now);
    rig.settle();
    rig.now += random() % 3000;
    rig.controller.tick(rig.now);
    std::vector<host::Message> out = rig.take();
    int answers = 0;
    for (const host::Message& m : out) {
      if (m.type == msg::Event) {
        if (m.payload[0] == event::Struck) struck++;
        continue;
      }
      answers++;
      if (!damaged) {
        CHECK_EQ(m.payload[0], seq);
        CHECK(m.payload.size() < 2 || m.type == msg::TimeReply || m.type == msg::Table || m.type == msg::Status ||
              m.type == msg::HelloReply || m.payload[1] == type);
      }
    }
    if (damaged) {
      // Only a CRC that matches by chance gets a damaged frame answered.
      if (answers > 0) collisions++;
    } else {
      CHECK_EQ(answers, 1);
    }
  }
  CHECK(collisions < 5);
  rig.run(100000);  // the last starts get reported
  for (const host::Message& m : rig.take())
    if (m.type == msg::Event && m.payload[0] == event::Struck) struck++;
  CHECK_EQ(countForward(rig.motors), struck);  // a motor moved only for a strike it reported
  CHECK_EQ(rig.eeprom.misuses, 0);
}

TEST(controllerFedRandomBytesStaysStill) {
  std::mt19937 random(777);
  Rig rig(0);
  rig.boot();
  for (int n = 0; n < 2000000; n++) {
    rig.controller.receive(static_cast<uint8_t>(random() % 30 == 0 ? 0 : random()), rig.now);
    if (n % 16 == 0) {
      rig.now += 100;
      rig.controller.tick(rig.now);
    }
  }
  // With no intact frame there is nothing to answer and nothing to move; a chance CRC match
  // (about 1 in 65536 candidates) is answered like any frame.
  std::vector<host::Message> out = rig.take();
  size_t forward = countForward(rig.motors);
  CHECK(out.size() < 10);
  CHECK(forward <= out.size());
}
