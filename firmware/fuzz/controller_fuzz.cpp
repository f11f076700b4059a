// libFuzzer harness for the firmware core: the input is what the host's serial line carries,
// fed to a DrumController on the fakes of firmware/tests the way the sketch's loop feeds it.
// An oracle decodes the same bytes on its own (host_codec.h, written from PROTOCOL.md, not from
// the firmware) and aborts when
//  - a motor is driven forward without an intact STRIKE or STRIKE_AT for that drum, with a
//    valid drum and velocity, shortly before (one start per frame), or backward other than once
//    after such a forward; releases are always fine (the boot, ALL_STOP, link loss);
//  - a motor stays driven longer than the max phase, is driven when the link watchdog should
//    have stopped everything, or is still driven at the end;
//  - the board's output is not well-formed frames (COBS, CRC, length per type, seq +1), or it
//    answers anything but the intact frames, each once and in order;
//  - the EEPROM is misused.
// ASan and UBSan abort on anything out of bounds or undefined.
//
// Time, on a fake micros() that starts 250 ms before it wraps: a byte takes 87 us on the line
// (115200 baud), and an empty frame (a zero after a zero, or first) stands for the line idle
// for 10 ms before it, so an input can let strikes run, scheduled ones fall due and the link
// watchdog fire. firmware/fuzz/make-corpus.mjs knows these numbers.
//
// AXON_FUZZ_SELFTEST builds a broken board on purpose: a frame that fails only its CRC reaches
// the controller with the CRC mended, as if the parser skipped the check, while the oracle still
// judges the bytes on the line: a damaged STRIKE then moves a motor, which the oracle must catch.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>
#include <vector>

#include "../axon_drums/src/core/default_tables.h"
#include "../axon_drums/src/core/table_image.h"
#include "../tests/rig.h"

using namespace axon;

// host_codec.h and the fakes report through check.h; here any failed REQUIRE ends the run.
namespace check {
void fail(const char* file, int line, const std::string& message) {
  std::fprintf(stderr, "oracle: %s:%d: %s\n", file, line, message.c_str());
  std::abort();
}
void countCheck() {}
}  // namespace check

namespace {

constexpr uint32_t kStartMicros = static_cast<uint32_t>(-250000);
constexpr uint32_t kByteMicros = 87;
constexpr uint32_t kEmptyFrameMicros = 10000;
// A loop pass while bytes wait to be read or a frame to be answered; otherwise the clock jumps
// to the next byte, by at most kIdleStepMicros, so a phase change is noticed that late at most.
// Once nothing may move (see Oracle::still), by up to kStillStepMicros: the passes are where
// the time goes, and the board may still do anything it should not then.
constexpr uint32_t kPassMicros = 29;
constexpr uint32_t kIdleStepMicros = 500;
constexpr uint32_t kStillStepMicros = 50000;
// After the last byte: long enough for the link watchdog to stop everything.
constexpr uint32_t kTailMicros = kLinkTimeoutMicros + 100000;
// From a strike frame's arrival (or a scheduled strike's time) to its start: the frame may wait
// kMaxFrameWaitMicros to be answered, and due strikes start one per pass.
constexpr uint32_t kStartSlackMicros = kMaxFrameWaitMicros + (kQueueSize + kDrumCount) * kIdleStepMicros;

[[noreturn]] void fail(const char* what, uint32_t now) {
  std::fprintf(stderr, "oracle: %s (at micros() %u)\n", what, static_cast<unsigned>(now));
  std::abort();
}

bool after(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) > 0; }

// What the oracle makes of one frame on the line (the bytes up to a zero). Plain values, no
// vectors: allocations under ASan cost more than the controller's work.
struct Verdict {
  bool intact;
  bool crcOnly;  // everything right but the CRC
  uint8_t type;
  uint8_t seq;
  size_t length;      // of the payload
  uint8_t strike[6];  // the payload's start: all a STRIKE or STRIKE_AT has
};

// `raw` gets the decoded frame.
Verdict judge(const host::Bytes& encoded, host::Bytes& raw) {
  Verdict v{};
  // PROTOCOL.md: more than 62 bytes before a delimiter is an overflow, fewer than 4 decoded
  // bytes a short frame; both are dropped like a bad CRC.
  if (encoded.empty() || encoded.size() > kMaxEncoded || !host::cobsDecode(encoded, raw) || raw.size() < kFrameOverhead) return v;
  v.type = raw[0];
  v.seq = raw[1];
  v.length = raw.size() - kFrameOverhead;
  for (size_t i = 0; i < sizeof v.strike && i < v.length; i++) v.strike[i] = raw[2 + i];
  v.intact = host::u16(raw, raw.size() - 2) == host::crc16(raw.data(), raw.size() - 2);
  v.crcOnly = !v.intact;
  return v;
}

// A start the oracle allows: drum, from, until (micros()).
struct Credit {
  uint8_t drum;
  uint32_t from;
  uint32_t until;
};

class Oracle {
 public:
  explicit Oracle(Rig& rig) : rig_(rig) {}

  // The board answers every frame it takes for intact.
  void answerDue(const Verdict& v) { unanswered_.push_back({v.seq, v.type}); }

  // An intact frame was handed to the controller at `now`.
  void frameArrived(const Verdict& v, uint32_t now) {
    lastIntact_ = now;
    linkEverUp_ = true;
    answerDue(v);
    bool strike = (v.type == msg::Strike && v.length == 2) || (v.type == msg::StrikeAt && v.length == 6);
    if (!strike || v.strike[0] >= kDrumCount || v.strike[1] < kMinVelocity || v.strike[1] > kMaxVelocity) return;
    uint32_t due = now + kMaxFrameWaitMicros;
    if (v.type == msg::StrikeAt) {
      uint32_t at = v.strike[2] | v.strike[3] << 8 | v.strike[4] << 16 | static_cast<uint32_t>(v.strike[5]) << 24;
      int32_t lead = static_cast<int32_t>(at - now);
      if (lead < -kLateToleranceMicros || lead > kMaxLeadMicros) return;  // must be refused
      if (after(at, due)) due = at;
    }
    credits_.push_back({v.strike[0], now, due + kStartSlackMicros});
  }

  // The motor commands since the last call.
  void checkMotors() {
    const std::vector<MotorCommand>& log = rig_.motors.log;
    for (; seenCommands_ < log.size(); seenCommands_++) command(log[seenCommands_]);
  }

  // The frames sent since the last call.
  void checkOutput() {
    if (rig_.out.bytes.size() == seenBytes_) return;
    seenBytes_ = rig_.out.bytes.size();
    // take() fails through check::fail on anything but whole frames with good CRCs.
    for (const host::Message& m : rig_.take()) sent(m);
  }

  void sent(const host::Message& m) {
    if (m.seq != nextSeq_) fail("the board's seq skipped", rig_.now);
    nextSeq_++;
    size_t size = m.payload.size();
    switch (m.type) {
      case msg::Boot:
        if (m.seq != 0 || size != kBootSize) fail("a bad BOOT", rig_.now);
        return;
      case msg::Event:
        if (size != kEventSize || m.payload[0] < event::Struck || m.payload[0] > event::Defaults) fail("a bad EVENT", rig_.now);
        if (m.payload[1] >= kDrumCount && m.payload[1] != kNoDrum) fail("an EVENT for no such drum", rig_.now);
        return;
      case msg::Ack:
        return answer(m, size == kAckSize, 0);
      case msg::Nack:
        return answer(m, size == kNackSize, 0);
      case msg::HelloReply:
        return answer(m, size == kHelloReplySize, msg::Hello);
      case msg::TimeReply:
        return answer(m, size == kTimeReplySize, msg::TimeSync);
      case msg::Table:
        return answer(m, size == kTableReplySize, msg::GetTable);
      case msg::Status:
        return answer(m, size == kStatusSize, msg::GetStatus);
      default:
        fail("the board sent a frame of no known type", rig_.now);
    }
  }

  // No motor driven or in the middle of a strike, and no start allowed now or later (the credits
  // that ran out are dropped).
  bool still(uint32_t now) {
    for (const MotorState& m : motors_)
      if (m.direction != Direction::Release || m.backAllowed) return false;
    for (const Credit& c : credits_)
      if (!after(now, c.until)) return false;
    credits_.clear();
    return true;
  }

  void finish() {
    checkMotors();
    checkOutput();
    if (!unanswered_.empty()) fail("an intact frame was never answered", rig_.now);
    if (!rig_.motors.allReleased()) fail("a motor is still driven at the end", rig_.now);
    if (rig_.eeprom.misuses != 0) fail("the EEPROM was used while busy", rig_.now);
  }

 private:
  struct MotorState {
    Direction direction = Direction::Release;
    bool backAllowed = false;  // a forward not yet followed by its back
    uint32_t since = 0;
  };

  struct Request {
    uint8_t seq;
    uint8_t type;
  };

  // requestType: what a typed reply answers; 0 for ACK and NACK, which name it.
  void answer(const host::Message& m, bool sizeRight, uint8_t requestType) {
    if (!sizeRight) fail("an answer of the wrong length", rig_.now);
    if (unanswered_.empty()) fail("an answer to no intact frame", rig_.now);
    Request r = unanswered_.front();
    unanswered_.pop_front();
    if (m.payload[0] != r.seq) fail("an answer echoing the wrong seq", rig_.now);
    if (requestType == 0 ? m.payload[1] != r.type : r.type != requestType) fail("an answer to the wrong type", rig_.now);
  }

  void command(const MotorCommand& c) {
    MotorState& motor = motors_[c.motor];
    if (motor.direction != Direction::Release && c.at - motor.since > kMaxPhaseMicros + kIdleStepMicros) {
      fail("a motor driven longer than the max phase", c.at);
    }
    if (c.direction == Direction::Forward) {
      if (!takeCredit(c.motor, c.at)) fail("a motor driven forward with no intact strike frame for it", c.at);
      motor.backAllowed = true;
    } else if (c.direction == Direction::Back) {
      if (!motor.backAllowed) fail("a motor driven back with no strike to finish", c.at);
      motor.backAllowed = false;
    }
    if (c.direction != Direction::Release) {
      if (motor.direction != Direction::Release) fail("a motor driven without a release between", c.at);
      if (!linkEverUp_ || c.at - lastIntact_ > kLinkTimeoutMicros + kIdleStepMicros) fail("a motor driven after the link was lost", c.at);
      motor.since = c.at;
    }
    motor.direction = c.direction;
  }

  // The credit that runs out first, so later starts keep the longer ones.
  bool takeCredit(uint8_t drum, uint32_t at) {
    size_t best = credits_.size();
    for (size_t i = 0; i < credits_.size(); i++) {
      const Credit& c = credits_[i];
      if (c.drum != drum || after(c.from, at) || after(at, c.until)) continue;
      if (best == credits_.size() || after(credits_[best].until, c.until)) best = i;
    }
    if (best == credits_.size()) return false;
    credits_.erase(credits_.begin() + static_cast<long>(best));
    return true;
  }

  Rig& rig_;
  MotorState motors_[kDrumCount];
  std::vector<Credit> credits_;
  std::deque<Request> unanswered_;
  size_t seenCommands_ = 0;
  size_t seenBytes_ = 0;
  uint8_t nextSeq_ = 0;
  uint32_t lastIntact_ = 0;
  bool linkEverUp_ = false;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The line, split at its zeros: a verdict per delimiter, and the bytes the board gets.
  // Kept from run to run for their capacity.
  static std::vector<Verdict> verdicts;
  static host::Bytes wire, encoded, raw;
  verdicts.clear();
  wire.clear();
  encoded.clear();
  for (size_t i = 0; i < size; i++) {
    if (data[i] != 0) {
      encoded.push_back(data[i]);
      continue;
    }
    Verdict v = judge(encoded, raw);
#ifdef AXON_FUZZ_SELFTEST
    if (v.crcOnly) {
      uint16_t crc = host::crc16(raw.data(), raw.size() - 2);
      raw[raw.size() - 2] = static_cast<uint8_t>(crc);
      raw[raw.size() - 1] = static_cast<uint8_t>(crc >> 8);
      encoded = host::cobsEncode(raw);
    }
#endif
    wire.insert(wire.end(), encoded.begin(), encoded.end());
    wire.push_back(0);
    verdicts.push_back(v);
    encoded.clear();
  }
  wire.insert(wire.end(), encoded.begin(), encoded.end());

  Rig rig(kStartMicros);
  // A board that has saved its tables before, as on stage, so a save writes only what changed
  // and finishes within an input's time.
  StrikeTable tables[kDrumCount];
  loadDefaultTables(tables);
  uint8_t image[kImageBytes];
  buildImage(tables, image);
  std::copy(image, image + kImageBytes, rig.eeprom.memory.begin());
  Oracle oracle(rig);
  rig.boot();
  for (const host::Message& m : rig.bootFrames) oracle.sent(m);
  oracle.checkMotors();

  auto gapBefore = [](size_t i) { return wire[i] == 0 && (i == 0 || wire[i - 1] == 0) ? kEmptyFrameMicros : kByteMicros; };
  size_t arrived = 0;    // bytes on the line so far
  size_t delivered = 0;  // of those, read by the board
  size_t delimiters = 0;
  uint32_t nextArrival = wire.empty() ? rig.now : rig.now + gapBefore(0);
  while (delivered < wire.size()) {
    uint32_t step = kPassMicros;
    if (delivered == arrived && rig.controller.wantsBytes()) {
      uint32_t wait = nextArrival - rig.now;
      uint32_t most = oracle.still(rig.now) ? kStillStepMicros : kIdleStepMicros;
      step = wait == 0 ? 1 : wait < most ? wait : most;
    }
    rig.now += step;
    while (arrived < wire.size() && !after(nextArrival, rig.now)) {
      if (++arrived < wire.size()) nextArrival += gapBefore(arrived);
    }
    // The sketch's loop: tick, then bytes until one completes a frame.
    rig.controller.tick(rig.now);
    oracle.checkMotors();
    while (rig.controller.wantsBytes() && delivered < arrived) {
      uint8_t byte = wire[delivered++];
      if (byte == 0) {
        const Verdict& v = verdicts[delimiters++];
        if (v.intact) oracle.frameArrived(v, rig.now);
#ifdef AXON_FUZZ_SELFTEST
        // Answered like any frame; only a motor it moves is the oracle's to catch.
        if (v.crcOnly) oracle.answerDue(v);
#endif
      }
      bool frame = rig.controller.receive(byte, rig.now);
      oracle.checkMotors();
      if (frame) break;
    }
    oracle.checkOutput();
  }
  for (uint32_t waited = 0; waited < kTailMicros;) {
    uint32_t step = !rig.controller.wantsBytes() ? kPassMicros : oracle.still(rig.now) ? kStillStepMicros : kIdleStepMicros;
    rig.now += step;
    waited += step;
    rig.controller.tick(rig.now);
    oracle.checkMotors();
    oracle.checkOutput();
  }
  oracle.finish();
  return 0;
}
