#include "drum_controller.h"

#include "bytes.h"
#include "default_tables.h"
#include "protocol.h"
#include "strike_plan.h"
#include "table_image.h"

namespace axon {

namespace {

constexpr int16_t kUnknownType = -1;

// Payload length of each host message; kUnknownType for anything else.
int16_t expectedLength(uint8_t type) {
  switch (type) {
    case msg::Hello:
      return 1;
    case msg::Heartbeat:
    case msg::SaveTables:
    case msg::AllStop:
    case msg::GetStatus:
    case msg::DefaultTables:
      return 0;
    case msg::TimeSync:
      return 4;
    case msg::Strike:
      return 2;
    case msg::StrikeAt:
      return 6;
    case msg::SetTable:
      return 1 + kTableBytes;
    case msg::GetTable:
      return 1;
    default:
      return kUnknownType;
  }
}

}  // namespace

static_assert(kDrumCount == 4, "drums_ is initialised for four drums");

DrumController::DrumController(MotorOutput& motors, ByteSink& out, EepromPort& eeprom, uint8_t shield)
    : motors_(motors),
      eeprom_(eeprom),
      blockingClock_(nullptr),
      writer_(out),
      drums_{Drum(0), Drum(1), Drum(2), Drum(3)},
      tables_(),
      frameTime_(0),
      refused_(0),
      shield_(shield),
      tablesFromDefaults_(false),
      linkLostThisPass_(false),
      framePending_(false),
      startsUnreported_(false),
      frameRestoredLink_(false),
      frameInLostPass_(false) {}

void DrumController::useBlockingStrikes(BlockingClock& clock) { blockingClock_ = &clock; }

void DrumController::begin(uint32_t now, uint8_t resetCause) {
  for (uint8_t d = 0; d < kDrumCount; d++) drums_[d].stop(motors_);
  uptime_.start(now);
  ImageLoad load = loadImage(eeprom_, tables_);
  tablesFromDefaults_ = load != ImageLoad::Ok;

  uint8_t payload[kBootSize];
  ByteWriter out(payload);
  out.u8(kProtocolVersion);
  out.u8(kFirmwareMajor);
  out.u8(kFirmwareMinor);
  out.u8(kFirmwarePatch);
  out.u8(resetCause & kResetCauseMask);
  out.u8(shield_);
  out.u8(kDrumCount);
  writer_.endLine();
  writer_.send(msg::Boot, payload, out.length());
  if (load != ImageLoad::Ok) sendEvent(event::Defaults, kNoDrum, now, static_cast<uint8_t>(load));
}

bool DrumController::receive(uint8_t byte, uint32_t now) {
  if (framePending_) answerFrame();
  if (!reader_.push(byte)) return false;
  framePending_ = true;
  frameTime_ = now;
  frameRestoredLink_ = link_.frameArrived(now);
  frameInLostPass_ = linkLostThisPass_;
  return true;
}

void DrumController::tick(uint32_t now) {
  linkLostThisPass_ = false;
  duty_.advance(uptime_.advance(now));
  // Motors first: they are what the drums' timing depends on.
  bool started = false;
  for (uint8_t d = 0; d < kDrumCount; d++) {
    if (drums_[d].tick(now, motors_, !started)) started = true;
  }
  startsUnreported_ |= started;
  if (link_.timedOut(now)) {
    stopEverything();
    linkLostThisPass_ = true;
    queueEvent(event::LinkLost, kNoDrum, now, 0);
  }
  fireDueStrike(now);
  stepSaver(now);
  if (framePending_) {
    if (quiet(now) || now - frameTime_ > kMaxFrameWaitMicros) answerFrame();
  } else if ((startsUnreported_ || !events_.empty()) && quiet(now)) {
    sendOneEvent();
  }
}

bool DrumController::quiet(uint32_t now) const {
  if (queue_.dueWithin(now, kQuietMicros)) return false;
  for (uint8_t d = 0; d < kDrumCount; d++) {
    if (drums_[d].changeDueWithin(now, kQuietMicros)) return false;
  }
  return true;
}

void DrumController::answerFrame() {
  framePending_ = false;
  // Older events first, so the host reads them in order (link_lost before link_ok).
  PendingEvent pending;
  while (events_.pop(pending)) sendEvent(pending.kind, pending.drum, pending.time, pending.arg);
  if (frameRestoredLink_) sendEvent(event::LinkOk, kNoDrum, frameTime_, 0);
  handle(reader_.frame(), frameTime_);
}

// Strike starts first: they are kept per drum and never dropped.
void DrumController::sendOneEvent() {
  if (startsUnreported_) {
    for (uint8_t d = 0; d < kDrumCount; d++) {
      uint32_t startedAt;
      if (drums_[d].reportStart(startedAt)) return sendEvent(event::Struck, d, startedAt, drums_[d].velocity());
    }
    startsUnreported_ = false;
  }
  PendingEvent pending;
  if (events_.pop(pending)) sendEvent(pending.kind, pending.drum, pending.time, pending.arg);
}

void DrumController::handle(const Frame& frame, uint32_t now) {
  int16_t length = expectedLength(frame.type);
  if (length == kUnknownType) return nack(frame, error::Type);
  if (frame.length != length) return nack(frame, error::Length);
  switch (frame.type) {
    case msg::Hello:
      return hello(frame);
    case msg::Heartbeat:
      return ack(frame);
    case msg::TimeSync:
      return timeSync(frame, now);
    case msg::Strike:
      return strikeNow(frame, now);
    case msg::StrikeAt:
      return strikeAt(frame, now);
    case msg::SetTable:
      return setTable(frame);
    case msg::GetTable:
      return getTable(frame);
    case msg::SaveTables:
      return saveTables(frame);
    case msg::AllStop:
      stopEverything();
      return ack(frame);
    case msg::GetStatus:
      return status(frame);
    default:  // DefaultTables
      loadDefaultTables(tables_);
      tablesFromDefaults_ = true;
      return ack(frame);
  }
}

void DrumController::hello(const Frame& frame) {
  if (frame.payload[0] != kProtocolVersion) return nack(frame, error::Version);
  uint8_t payload[kHelloReplySize];
  ByteWriter out(payload);
  out.u8(frame.seq);
  out.u8(kProtocolVersion);
  out.u8(kFirmwareMajor);
  out.u8(kFirmwareMinor);
  out.u8(kFirmwarePatch);
  out.u8(shield_);
  out.u8(kDrumCount);
  out.u8(kVelocityPoints);
  out.u8(kQueueSize);
  out.u16(kMaxPhaseMillis);
  out.u16(kDutyWindowMillis);
  out.u16(kDutyBudgetMillis);
  writer_.send(msg::HelloReply, payload, out.length());
}

void DrumController::timeSync(const Frame& frame, uint32_t now) {
  uint8_t payload[kTimeReplySize];
  ByteWriter out(payload);
  out.u8(frame.seq);
  out.u32(readU32(frame.payload));
  out.u32(now);
  writer_.send(msg::TimeReply, payload, out.length());
}

void DrumController::strikeNow(const Frame& frame, uint32_t now) {
  uint8_t drum = frame.payload[0];
  uint8_t velocity = frame.payload[1];
  if (drum >= kDrumCount) return nack(frame, error::Drum);
  if (velocity < kMinVelocity || velocity > kMaxVelocity) return nack(frame, error::Velocity);
  if (frameInLostPass_) return nack(frame, error::Link);
  uint8_t refusal = strike(drum, velocity, planStrike(tables_[drum], velocity), now);
  if (refusal != 0) return nack(frame, refusal);
  ack(frame);
}

void DrumController::strikeAt(const Frame& frame, uint32_t now) {
  ScheduledStrike scheduled;
  scheduled.drum = frame.payload[0];
  scheduled.velocity = frame.payload[1];
  scheduled.at = readU32(frame.payload + 2);
  if (scheduled.drum >= kDrumCount) return nack(frame, error::Drum);
  if (scheduled.velocity < kMinVelocity || scheduled.velocity > kMaxVelocity) return nack(frame, error::Velocity);
  if (frameInLostPass_) return nack(frame, error::Link);
  int32_t lead = static_cast<int32_t>(scheduled.at - now);
  if (lead < -kLateToleranceMicros) return nack(frame, error::Late);
  if (lead > kMaxLeadMicros) return nack(frame, error::Range);
  scheduled.plan = planStrike(tables_[scheduled.drum], scheduled.velocity);
  if (!queue_.push(scheduled)) return nack(frame, error::QueueFull);
  ack(frame);
}

void DrumController::setTable(const Frame& frame) {
  uint8_t drum = frame.payload[0];
  if (drum >= kDrumCount) return nack(frame, error::Drum);
  StrikeTable table;
  decodeTable(frame.payload + 1, table);
  if (!tableValid(table)) return nack(frame, error::Table);
  tables_[drum] = table;
  tablesFromDefaults_ = false;
  ack(frame);
}

void DrumController::getTable(const Frame& frame) {
  uint8_t drum = frame.payload[0];
  if (drum >= kDrumCount) return nack(frame, error::Drum);
  uint8_t payload[kTableReplySize];
  payload[0] = frame.seq;
  payload[1] = drum;
  encodeTable(tables_[drum], payload + 2);
  writer_.send(msg::Table, payload, kTableReplySize);
}

void DrumController::saveTables(const Frame& frame) {
  if (saver_.busy()) return nack(frame, error::EepromBusy);
  saver_.begin(tables_);
  ack(frame);
}

void DrumController::status(const Frame& frame) {
  uint8_t payload[kStatusSize];
  ByteWriter out(payload);
  out.u8(frame.seq);
  out.u32(uptime_.millis());
  out.u8(static_cast<uint8_t>((link_.up() ? kFlagLinkOk : 0) | (saver_.busy() ? kFlagEepromBusy : 0) |
                              (tablesFromDefaults_ ? kFlagDefaults : 0)));
  out.u8(queue_.count());
  for (uint8_t d = 0; d < kDrumCount; d++) {
    out.u8(static_cast<uint8_t>(drums_[d].state()));
    out.u16(duty_.usedMillis(d));
  }
  const FrameCounters& counters = reader_.counters();
  out.u16(counters.ok);
  out.u16(counters.cobs);
  out.u16(counters.crc);
  out.u16(counters.overflow);
  out.u16(counters.tooShort);
  out.u16(refused_);
  writer_.send(msg::Status, payload, out.length());
}

uint8_t DrumController::strike(uint8_t drum, uint8_t velocity, const StrikePlan& plan, uint32_t now) {
  uint8_t refusal = drums_[drum].refusal(now);
  if (refusal != 0) return refusal;
  uint16_t cost = dutyMillis(plan);
  if (!duty_.allows(drum, cost)) return error::Duty;
  duty_.charge(drum, cost);
  if (blockingClock_ != nullptr) {
    drums_[drum].strikeBlocking(plan, tables_[drum].restrikeMillis, *blockingClock_, motors_);
    sendEvent(event::Struck, drum, now, velocity);
  } else {
    drums_[drum].arm(plan, tables_[drum].restrikeMillis, velocity);
  }
  return 0;
}

void DrumController::stopEverything() {
  for (uint8_t d = 0; d < kDrumCount; d++) drums_[d].stop(motors_);
  queue_.clear();
}

// One per tick: strikes due together are taken, and so started, on successive loop passes,
// each on its own fresh time.
void DrumController::fireDueStrike(uint32_t now) {
  ScheduledStrike due;
  if (!queue_.popDue(now, due)) return;
  uint8_t refusal = strike(due.drum, due.velocity, due.plan, now);
  if (refusal == 0) return;
  refused_++;
  queueEvent(event::Refused, due.drum, now, refusal);
}

void DrumController::stepSaver(uint32_t now) {
  switch (saver_.step(eeprom_)) {
    case TableSaver::Step::Saved:
      return queueEvent(event::Saved, kNoDrum, now, saver_.bytesWritten());
    case TableSaver::Step::Failed:
      return queueEvent(event::SaveFailed, kNoDrum, now, saver_.bytesWritten());
    default:
      return;
  }
}

void DrumController::ack(const Frame& frame) {
  uint8_t payload[kAckSize] = {frame.seq, frame.type};
  writer_.send(msg::Ack, payload, kAckSize);
}

void DrumController::nack(const Frame& frame, uint8_t error) {
  refused_++;
  uint8_t payload[kNackSize] = {frame.seq, frame.type, error};
  writer_.send(msg::Nack, payload, kNackSize);
}

void DrumController::queueEvent(uint8_t kind, uint8_t drum, uint32_t now, uint16_t arg) {
  PendingEvent pending;
  pending.kind = kind;
  pending.drum = drum;
  pending.time = now;
  pending.arg = arg;
  events_.push(pending);
}

void DrumController::sendEvent(uint8_t kind, uint8_t drum, uint32_t now, uint16_t arg) {
  uint8_t payload[kEventSize];
  ByteWriter out(payload);
  out.u8(kind);
  out.u8(drum);
  out.u32(now);
  out.u16(arg);
  writer_.send(msg::Event, payload, out.length());
}

}  // namespace axon
