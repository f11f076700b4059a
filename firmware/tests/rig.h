// A DrumController on fakes, driven like the sketch drives it: bytes in with the time, tick()
// every few microseconds, frames out.
#pragma once
#include <cstdint>
#include <vector>

#include "../axon_drums/src/core/drum_controller.h"
#include "check.h"
#include "fakes.h"
#include "host_codec.h"

struct Status {
  uint32_t uptimeMillis;
  uint8_t flags;
  uint8_t queued;
  uint8_t state[4];
  uint16_t dutyMillis[4];
  uint16_t ok, cobs, crc, overflow, tooShort, refused;
};

class Rig {
 public:
  static constexpr uint32_t kStep = 4;  // micros() resolution on a 16 MHz AVR

  explicit Rig(uint32_t start = 1000, uint8_t shield = 1) : now(start), motors(now), eeprom(now), controller(motors, out, eeprom, shield) {}

  // Boots; what the board sent (BOOT, maybe EVENT defaults) is kept in bootFrames.
  void boot(uint8_t resetCause = 0) {
    controller.begin(now, resetCause);
    bootFrames = take();
    controller.tick(now);
  }

  // Boots and says HELLO.
  void connect() {
    boot();
    request(axon::msg::Hello, {1});
  }

  void feed(const host::Bytes& bytes) {
    for (uint8_t byte : bytes) controller.receive(byte, now);
  }

  // Sends a frame, then ticks (every kStep, as the sketch's loop comes round) until the board
  // has answered it: at once, unless a drum is about to change.
  uint8_t send(uint8_t type, const host::Bytes& payload) {
    uint8_t seq = nextSeq++;
    feed(host::frame(type, seq, payload));
    controller.tick(now);
    settle();
    return seq;
  }

  // Ticks until no received frame waits.
  void settle() {
    for (uint32_t waited = 0; !controller.wantsBytes(); waited += kStep) {
      REQUIRE(waited <= axon::kMaxFrameWaitMicros + kStep);
      now += kStep;
      controller.tick(now);
    }
  }

  // The frames sent since the last take().
  std::vector<host::Message> take() {
    host::Bytes fresh(out.bytes.begin() + static_cast<long>(taken_), out.bytes.end());
    taken_ = out.bytes.size();
    return host::parse(fresh);
  }

  // Sends a request and returns the one frame that answers it (echoing its seq), checking
  // that exactly one does; events in between are kept in `events`.
  host::Message request(uint8_t type, const host::Bytes& payload) {
    uint8_t seq = send(type, payload);
    std::vector<host::Message> answers;
    for (host::Message& m : take()) {
      if (m.type == axon::msg::Event) {
        events.push_back(m);
      } else {
        REQUIRE(m.type != axon::msg::Boot);
        REQUIRE(!m.payload.empty() && m.payload[0] == seq);
        answers.push_back(m);
      }
    }
    REQUIRE(answers.size() == 1);
    return answers[0];
  }

  // Ticks every kStep until `micros` have passed.
  void run(uint32_t micros) {
    uint32_t end = now + micros;
    while (static_cast<int32_t>(end - now) > 0) {
      uint32_t step = static_cast<int32_t>(end - now) < static_cast<int32_t>(kStep) ? end - now : kStep;
      now += step;
      controller.tick(now);
    }
  }

  // Keeps the link up while running: a HEARTBEAT every 150 ms, as the host does. Their ACKs
  // are dropped, events kept.
  void runWithHeartbeats(uint32_t micros) {
    uint32_t end = now + micros;
    while (static_cast<int32_t>(end - now) > 0) {
      uint32_t chunk = static_cast<int32_t>(end - now) < 150000 ? end - now : 150000;
      run(chunk);
      request(axon::msg::Heartbeat, {});
    }
  }

  Status status() {
    host::Message reply = request(axon::msg::GetStatus, {});
    REQUIRE(reply.type == axon::msg::Status);
    REQUIRE(reply.payload.size() == axon::kStatusSize);
    const host::Bytes& p = reply.payload;
    Status s{};
    s.uptimeMillis = host::u32(p, 1);
    s.flags = p[5];
    s.queued = p[6];
    for (int d = 0; d < 4; d++) {
      s.state[d] = p[7 + 3 * d];
      s.dutyMillis[d] = host::u16(p, 8 + 3 * d);
    }
    s.ok = host::u16(p, 19);
    s.cobs = host::u16(p, 21);
    s.crc = host::u16(p, 23);
    s.overflow = host::u16(p, 25);
    s.tooShort = host::u16(p, 27);
    s.refused = host::u16(p, 29);
    return s;
  }

  // The events taken so far (by request() or takeEvents()), then forgotten.
  std::vector<host::Message> takeEvents() {
    for (host::Message& m : take()) {
      REQUIRE(m.type == axon::msg::Event);
      events.push_back(m);
    }
    std::vector<host::Message> all;
    all.swap(events);
    return all;
  }

  uint32_t now;
  FakeMotors motors;
  VectorSink out;
  FakeEeprom eeprom;
  axon::DrumController controller;
  std::vector<host::Message> bootFrames;
  std::vector<host::Message> events;
  uint8_t nextSeq = 0;

 private:
  size_t taken_ = 0;
};

inline host::Bytes strikePayload(uint8_t drum, uint8_t velocity) { return {drum, velocity}; }

inline host::Bytes strikeAtPayload(uint8_t drum, uint8_t velocity, uint32_t at) {
  host::Bytes p{drum, velocity};
  host::putU32(p, at);
  return p;
}

inline bool isAck(const host::Message& m, uint8_t type) { return m.type == axon::msg::Ack && m.payload.size() == 2 && m.payload[1] == type; }

inline bool isNack(const host::Message& m, uint8_t type, uint8_t error) {
  return m.type == axon::msg::Nack && m.payload.size() == 3 && m.payload[1] == type && m.payload[2] == error;
}

struct EventFields {
  uint8_t kind;
  uint8_t drum;
  uint32_t time;
  uint16_t arg;
};

inline EventFields eventOf(const host::Message& m) {
  REQUIRE(m.type == axon::msg::Event && m.payload.size() == axon::kEventSize);
  return {m.payload[0], m.payload[1], host::u32(m.payload, 2), host::u16(m.payload, 6)};
}
