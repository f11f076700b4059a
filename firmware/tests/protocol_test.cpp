// The controller on the wire: BOOT, HELLO, TIME_SYNC, STATUS, tables, errors, byte for byte
// as PROTOCOL.md lays them out.
#include "../axon_drums/src/core/default_tables.h"
#include "../axon_drums/src/core/table_image.h"
#include "check.h"
#include "rig.h"

using namespace axon;

namespace {

host::Bytes tableBytes(const StrikeTable& table) {
  uint8_t bytes[kTableBytes];
  encodeTable(table, bytes);
  return host::Bytes(bytes, bytes + kTableBytes);
}

host::Bytes defaultTableBytes() {
  StrikeTable tables[kDrumCount];
  loadDefaultTables(tables);
  return tableBytes(tables[0]);
}

host::Bytes sampleTableBytes() {
  StrikeTable t{};
  t.restrikeMillis = 120;
  t.points[0] = {5, 11000, 4000, 21000, 90, 100};
  t.points[1] = {30, 16000, 5000, 22000, 120, 110};
  t.points[2] = {80, 24000, 6000, 26000, 170, 120};
  t.points[3] = {127, 33000, 7000, 29000, 240, 130};
  return tableBytes(t);
}

}  // namespace

TEST(bootReleasesEveryMotorThenSendsBoot) {
  Rig rig;
  rig.boot(0x0B);  // power-on, external and watchdog
  REQUIRE(rig.motors.log.size() == 4);
  for (uint8_t m = 0; m < 4; m++) {
    CHECK_EQ(rig.motors.log[m].motor, m);
    CHECK(rig.motors.log[m].direction == Direction::Release);
  }
  std::vector<host::Message> out = rig.bootFrames;
  REQUIRE(out.size() >= 1);
  CHECK_EQ(out[0].type, msg::Boot);
  CHECK_EQ(out[0].seq, 0);
  CHECK(out[0].payload == (host::Bytes{1, 1, 0, 0, 0x0B, 1, 4}));
}

TEST(bootStartsWithALoneDelimiterSoAFrameCutByTheResetCannotSwallowIt) {
  Rig rig;
  rig.boot();
  REQUIRE(!rig.out.bytes.empty());
  CHECK_EQ(rig.out.bytes[0], 0);
  CHECK(rig.out.bytes.size() > 1 && rig.out.bytes[1] != 0);
}

TEST(bootReportsOnlyTheFourResetCauseBits) {
  Rig rig(0, 2);
  rig.boot(0xF4);
  std::vector<host::Message> out = rig.bootFrames;
  REQUIRE(!out.empty());
  CHECK(out[0].payload == (host::Bytes{1, 1, 0, 0, 0x04, 2, 4}));
}

TEST(bootWithBlankEepromSendsDefaultsEventAfterBoot) {
  Rig rig(5000);
  rig.boot();
  std::vector<host::Message> out = rig.bootFrames;
  REQUIRE(out.size() == 2);
  CHECK_EQ(out[0].type, msg::Boot);
  EventFields e = eventOf(out[1]);
  CHECK_EQ(out[1].seq, 1);
  CHECK_EQ(e.kind, event::Defaults);
  CHECK_EQ(e.drum, kNoDrum);
  CHECK_EQ(e.time, 5000u);
  CHECK_EQ(e.arg, 1);  // bad version (no image at all)
  CHECK_EQ(rig.status().flags & kFlagDefaults, kFlagDefaults);
}

TEST(bootWithDamagedImageSaysBadCrc) {
  Rig rig;
  StrikeTable tables[kDrumCount];
  loadDefaultTables(tables);
  uint8_t image[kImageBytes];
  buildImage(tables, image);
  image[100] ^= 0x40;
  std::copy(image, image + kImageBytes, rig.eeprom.memory.begin());
  rig.boot();
  std::vector<host::Message> out = rig.bootFrames;
  REQUIRE(out.size() == 2);
  CHECK_EQ(eventOf(out[1]).arg, 2);
}

TEST(bootWithValidImageLoadsItQuietly) {
  Rig rig;
  StrikeTable tables[kDrumCount];
  loadDefaultTables(tables);
  tables[1].restrikeMillis = 333;
  uint8_t image[kImageBytes];
  buildImage(tables, image);
  std::copy(image, image + kImageBytes, rig.eeprom.memory.begin());
  rig.boot();
  CHECK_EQ(rig.bootFrames.size(), 1u);  // BOOT only
  host::Message table = rig.request(msg::GetTable, {1});
  CHECK_EQ(host::u16(table.payload, 2), 333);
  CHECK_EQ(rig.status().flags & kFlagDefaults, 0);
}

TEST(helloReplyCarriesTheCapabilities) {
  Rig rig;
  rig.boot();
  rig.nextSeq = 77;
  host::Message reply = rig.request(msg::Hello, {1});
  CHECK_EQ(reply.type, msg::HelloReply);
  CHECK_EQ(reply.payload.size(), static_cast<size_t>(kHelloReplySize));
  // acked seq, protocol, fw 1.0.0, shield, drums, velocity points, queue, max phase 60 ms,
  // duty window 10000 ms, duty budget 3000 ms.
  CHECK(reply.payload == (host::Bytes{77, 1, 1, 0, 0, 1, 4, 4, 16, 60, 0, 0x10, 0x27, 0xB8, 0x0B}));
}

TEST(helloWithAnotherVersionIsRefused) {
  Rig rig;
  rig.boot();
  CHECK(isNack(rig.request(msg::Hello, {2}), msg::Hello, error::Version));
}

TEST(heartbeatIsAcked) {
  Rig rig;
  rig.boot();
  rig.nextSeq = 200;
  host::Message reply = rig.request(msg::Heartbeat, {});
  CHECK(reply.payload == (host::Bytes{200, msg::Heartbeat}));
  CHECK_EQ(reply.type, msg::Ack);
}

TEST(timeSyncEchoesTheTokenWithDeviceTime) {
  Rig rig(123456789);
  rig.boot();
  host::Bytes token;
  host::putU32(token, 0xCAFEF00D);
  host::Message reply = rig.request(msg::TimeSync, token);
  CHECK_EQ(reply.type, msg::TimeReply);
  REQUIRE(reply.payload.size() == kTimeReplySize);
  CHECK_EQ(host::u32(reply.payload, 1), 0xCAFEF00Du);
  CHECK_EQ(host::u32(reply.payload, 5), 123456789u);
}

TEST(boardSeqCountsUpAndWraps) {
  Rig rig;
  rig.boot();  // BOOT and the defaults event: seq 0 and 1
  for (int i = 0; i < 300; i++) {
    std::vector<host::Message> out;
    rig.send(msg::Heartbeat, {});
    out = rig.take();
    REQUIRE(out.size() == 1);
    CHECK_EQ(out[0].seq, static_cast<uint8_t>(i + 2));
  }
}

TEST(statusLaysOutEveryField) {
  Rig rig(0);
  rig.connect();
  rig.run(1234000);
  rig.send(msg::Heartbeat, {});
  rig.take();
  rig.feed({0x05, 0x01, 0x00});                // cobs
  rig.feed(host::wireFrame({1, 2, 3}));        // short
  host::Bytes bad = host::rawFrame(msg::Heartbeat, 9, {});
  bad[0] ^= 1;
  rig.feed(host::wireFrame(bad));              // crc
  rig.feed(host::Bytes(70, 0x33));
  rig.feed({0});                               // overflow
  rig.request(msg::Strike, {9, 100});          // refused: NACK drum
  rig.request(msg::Strike, {0, 127});          // struck
  rig.request(msg::StrikeAt, strikeAtPayload(1, 50, rig.now + 1000000));
  rig.nextSeq = 41;
  host::Message reply = rig.request(msg::GetStatus, {});
  REQUIRE(reply.type == msg::Status);
  REQUIRE(reply.payload.size() == kStatusSize);
  const host::Bytes& p = reply.payload;
  CHECK_EQ(p[0], 41);
  CHECK_EQ(host::u32(p, 1), 1234u);  // uptime ms
  CHECK_EQ(p[5], kFlagLinkOk | kFlagDefaults);
  CHECK_EQ(p[6], 1);  // queued
  CHECK_EQ(p[7], static_cast<uint8_t>(DrumState::Forward));
  CHECK_EQ(host::u16(p, 8), 65);  // the default strike at velocity 127: 35 + 30 ms
  for (int d = 1; d < 4; d++) {
    CHECK_EQ(p[7 + 3 * d], 0);
    CHECK_EQ(host::u16(p, 8 + 3 * d), 0);
  }
  CHECK_EQ(host::u16(p, 19), 6);  // frames ok: HELLO, HEARTBEAT, 2 STRIKE, STRIKE_AT, GET_STATUS
  CHECK_EQ(host::u16(p, 21), 1);  // cobs
  CHECK_EQ(host::u16(p, 23), 1);  // crc
  CHECK_EQ(host::u16(p, 25), 1);  // overflow
  CHECK_EQ(host::u16(p, 27), 1);  // short
  CHECK_EQ(host::u16(p, 29), 1);  // refused
}

TEST(unknownTypeAndWrongLengthAreRefusedButAnswered) {
  Rig rig;
  rig.connect();
  CHECK(isNack(rig.request(0x0C, {}), 0x0C, error::Type));
  CHECK(isNack(rig.request(0x00, {1, 2}), 0x00, error::Type));
  CHECK(isNack(rig.request(msg::Ack, {1, 2}), msg::Ack, error::Type));
  CHECK(isNack(rig.request(msg::Strike, {0}), msg::Strike, error::Length));
  CHECK(isNack(rig.request(msg::Strike, {0, 100, 0}), msg::Strike, error::Length));
  CHECK(isNack(rig.request(msg::Heartbeat, {0}), msg::Heartbeat, error::Length));
  CHECK(isNack(rig.request(msg::SetTable, host::Bytes(40, 1)), msg::SetTable, error::Length));
  CHECK(isNack(rig.request(msg::Hello, {}), msg::Hello, error::Length));
  CHECK(rig.motors.allReleased());
  Status s = rig.status();
  CHECK_EQ(s.refused, 8);
}

TEST(getTableAnswersTheFortyBytes) {
  Rig rig;
  rig.connect();
  host::Message reply = rig.request(msg::GetTable, {3});
  CHECK_EQ(reply.type, msg::Table);
  REQUIRE(reply.payload.size() == kTableReplySize);
  CHECK_EQ(reply.payload[1], 3);
  CHECK(host::Bytes(reply.payload.begin() + 2, reply.payload.end()) == defaultTableBytes());
  CHECK(isNack(rig.request(msg::GetTable, {4}), msg::GetTable, error::Drum));
}

TEST(setTableRoundTripsAndClearsTheDefaultsFlag) {
  Rig rig;
  rig.connect();
  host::Bytes payload{2};
  host::Bytes table = sampleTableBytes();
  payload.insert(payload.end(), table.begin(), table.end());
  CHECK(isAck(rig.request(msg::SetTable, payload), msg::SetTable));
  host::Message reply = rig.request(msg::GetTable, {2});
  CHECK(host::Bytes(reply.payload.begin() + 2, reply.payload.end()) == table);
  host::Message other = rig.request(msg::GetTable, {1});
  CHECK(host::Bytes(other.payload.begin() + 2, other.payload.end()) == defaultTableBytes());
  CHECK_EQ(rig.status().flags & kFlagDefaults, 0);
  // DEFAULT_TABLES brings the built-in ones back.
  CHECK(isAck(rig.request(msg::DefaultTables, {}), msg::DefaultTables));
  reply = rig.request(msg::GetTable, {2});
  CHECK(host::Bytes(reply.payload.begin() + 2, reply.payload.end()) == defaultTableBytes());
  CHECK_EQ(rig.status().flags & kFlagDefaults, kFlagDefaults);
}

TEST(setTableRefusesBadTablesAndDrums) {
  Rig rig;
  rig.connect();
  auto setTable = [&rig](uint8_t drum, host::Bytes table) {
    host::Bytes payload{drum};
    payload.insert(payload.end(), table.begin(), table.end());
    return rig.request(msg::SetTable, payload);
  };
  host::Bytes table = sampleTableBytes();
  CHECK(isNack(setTable(4, table), msg::SetTable, error::Drum));
  host::Bytes unordered = table;
  unordered[13] = 5;  // point 1's velocity equal to point 0's
  CHECK(isNack(setTable(0, unordered), msg::SetTable, error::Table));
  host::Bytes tooLong = table;
  tooLong[5] = 0x61;  // point 0 forward = 0xEA61 = 60001 us
  tooLong[6] = 0xEA;
  CHECK(isNack(setTable(0, tooLong), msg::SetTable, error::Table));
  host::Bytes noPwm = table;
  noPwm[12] = 0;  // point 0 back PWM
  CHECK(isNack(setTable(0, noPwm), msg::SetTable, error::Table));
  host::Message reply = rig.request(msg::GetTable, {0});
  CHECK(host::Bytes(reply.payload.begin() + 2, reply.payload.end()) == defaultTableBytes());
}

TEST(saveTablesWritesInTheBackgroundAndSaysSaved) {
  Rig rig;
  rig.connect();
  host::Bytes payload{1};
  host::Bytes table = sampleTableBytes();
  payload.insert(payload.end(), table.begin(), table.end());
  rig.request(msg::SetTable, payload);
  CHECK(isAck(rig.request(msg::SaveTables, {}), msg::SaveTables));
  CHECK_EQ(rig.status().flags & kFlagEepromBusy, kFlagEepromBusy);
  CHECK(isNack(rig.request(msg::SaveTables, {}), msg::SaveTables, error::EepromBusy));
  rig.runWithHeartbeats(800000);  // 166 bytes at 3.4 ms
  std::vector<host::Message> events = rig.takeEvents();
  REQUIRE(events.size() == 1);
  EventFields saved = eventOf(events[0]);
  CHECK_EQ(saved.kind, event::Saved);
  CHECK_EQ(saved.arg, static_cast<uint16_t>(rig.eeprom.writes));
  CHECK(saved.arg > 150);
  CHECK_EQ(rig.eeprom.misuses, 0);
  CHECK_EQ(rig.status().flags & kFlagEepromBusy, 0);

  // A board booting from that EEPROM has the table.
  Rig reboot;
  reboot.eeprom.memory = rig.eeprom.memory;
  reboot.boot();
  CHECK_EQ(reboot.bootFrames.size(), 1u);
  host::Message reply = reboot.request(msg::GetTable, {1});
  CHECK(host::Bytes(reply.payload.begin() + 2, reply.payload.end()) == table);
}

TEST(saveThatFailsSaysSo) {
  Rig rig;
  rig.eeprom.stuckAddress = 7;
  rig.connect();
  rig.request(msg::SaveTables, {});
  rig.runWithHeartbeats(300000);
  std::vector<host::Message> events = rig.takeEvents();
  REQUIRE(events.size() == 1);
  CHECK_EQ(eventOf(events[0]).kind, event::SaveFailed);
  CHECK_EQ(rig.status().flags & kFlagEepromBusy, 0);
}

TEST(everyRequestIsAnsweredOnceWithItsSeq) {
  Rig rig;
  rig.connect();
  const std::pair<uint8_t, host::Bytes> requests[] = {
      {msg::Hello, {1}},        {msg::Heartbeat, {}},        {msg::TimeSync, {1, 2, 3, 4}}, {msg::Strike, {0, 64}},
      {msg::StrikeAt, strikeAtPayload(1, 64, rig.now + 5000)}, {msg::GetTable, {0}},          {msg::AllStop, {}},
      {msg::GetStatus, {}},     {msg::DefaultTables, {}},    {msg::SaveTables, {}},         {0x42, {}},
  };
  for (const auto& r : requests) {
    rig.nextSeq = static_cast<uint8_t>(r.first * 7);
    host::Message reply = rig.request(r.first, r.second);  // checks the seq and the count
    CHECK(reply.type >= 0x80);
  }
}

TEST(aFullOutputDropsWholeFramesAndTheSeqShowsTheGap) {
  Rig rig;
  rig.connect();
  rig.out.limit = rig.out.bytes.size() + 10;  // room for one ACK (8 bytes), not two
  rig.send(msg::Heartbeat, {});
  rig.send(msg::Heartbeat, {});
  std::vector<host::Message> out = rig.take();
  REQUIRE(out.size() == 1);
  uint8_t seq = out[0].seq;
  rig.out.limit = SIZE_MAX;
  rig.send(msg::Heartbeat, {});
  out = rig.take();
  REQUIRE(out.size() == 1);
  CHECK_EQ(out[0].seq, static_cast<uint8_t>(seq + 2));
}
