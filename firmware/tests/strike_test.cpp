// Strikes through the controller: now and scheduled, refusals, simultaneity, the duty budget,
// the link watchdog, ALL_STOP, and strikes keeping time while the EEPROM is written.
#include <algorithm>

#include "../axon_drums/src/core/default_tables.h"
#include "../axon_drums/src/core/strike_plan.h"
#include "check.h"
#include "rig.h"

using namespace axon;

namespace {

StrikePlan defaultPlan(uint8_t velocity) {
  StrikeTable tables[kDrumCount];
  loadDefaultTables(tables);
  return planStrike(tables[0], velocity);
}

// Checks a drum's last four motor commands: the start between `earliest` and `latest`, then
// each phase change on the first tick at or after it is due (the rig ticks every 4 us), phases
// timed from when they were due, so tick granularity never adds up. Returns the start.
uint32_t checkStrike(const FakeMotors& motors, uint8_t motor, uint32_t earliest, uint32_t latest, const StrikePlan& plan) {
  std::vector<MotorCommand> c = motors.commandsFor(motor);
  REQUIRE(c.size() >= 4);
  c.erase(c.begin(), c.end() - 4);
  uint32_t start = c[0].at;
  CHECK(start - earliest <= latest - earliest);
  const uint32_t due[4] = {start, start + plan.forwardMicros, start + plan.forwardMicros + plan.pauseMicros,
                           start + plan.forwardMicros + plan.pauseMicros + plan.backMicros};
  const Direction direction[4] = {Direction::Forward, Direction::Release, Direction::Back, Direction::Release};
  for (int i = 0; i < 4; i++) {
    CHECK(c[i].direction == direction[i]);
    CHECK(c[i].at - due[i] < Rig::kStep);
  }
  CHECK_EQ(c[0].pwm, plan.forwardPwm);
  CHECK_EQ(c[2].pwm, plan.backPwm);
  return start;
}

// A strike sent at `sent` is accepted in the tick that reads it and starts in the next.
void checkStrikeTiming(const FakeMotors& motors, uint8_t motor, uint32_t sent, const StrikePlan& plan) {
  checkStrike(motors, motor, sent, sent + Rig::kStep, plan);
}

// A scheduled strike is taken on the first tick at or after its time and starts on the next;
// `before` more strikes due at the same time go first, a tick each.
void checkScheduledStrike(const FakeMotors& motors, uint8_t motor, uint32_t at, int before, const StrikePlan& plan) {
  checkStrike(motors, motor, at + Rig::kStep, at + Rig::kStep * static_cast<uint32_t>(2 + before), plan);
}

}  // namespace

TEST(strikeNowRunsTheInterpolatedPlanAndReportsIt) {
  Rig rig(10000);
  rig.connect();
  uint32_t sent = rig.now;
  CHECK(isAck(rig.request(msg::Strike, {1, 127}), msg::Strike));
  rig.runWithHeartbeats(100000);
  checkStrikeTiming(rig.motors, 1, sent, defaultPlan(127));
  std::vector<host::Message> events = rig.takeEvents();
  REQUIRE(events.size() == 1);
  EventFields struck = eventOf(events[0]);
  CHECK_EQ(struck.kind, event::Struck);
  CHECK_EQ(struck.drum, 1);
  CHECK_EQ(struck.time, rig.motors.commandsFor(1)[1].at);  // the start (after the boot release)
  CHECK_EQ(struck.arg, 127);
  CHECK_EQ(rig.status().state[1], static_cast<uint8_t>(DrumState::Idle));
}

TEST(strikeNowRefusals) {
  Rig rig;
  rig.connect();
  CHECK(isNack(rig.request(msg::Strike, {4, 100}), msg::Strike, error::Drum));
  CHECK(isNack(rig.request(msg::Strike, {0, 0}), msg::Strike, error::Velocity));
  CHECK(isNack(rig.request(msg::Strike, {0, 128}), msg::Strike, error::Velocity));
  CHECK(isAck(rig.request(msg::Strike, {0, 1}), msg::Strike));
  CHECK(isNack(rig.request(msg::Strike, {0, 1}), msg::Strike, error::Busy));
  rig.runWithHeartbeats(45000);  // 15 + 10 + 20 ms: into COOLDOWN
  CHECK_EQ(rig.status().state[0], static_cast<uint8_t>(DrumState::Cooldown));
  CHECK(isNack(rig.request(msg::Strike, {0, 1}), msg::Strike, error::TooSoon));
  rig.run(80000 - 45000 - 4);
  CHECK(isNack(rig.request(msg::Strike, {0, 1}), msg::Strike, error::TooSoon));
  rig.run(4);
  CHECK(isAck(rig.request(msg::Strike, {0, 1}), msg::Strike));
}

TEST(simultaneousStrikesNeverDelayEachOther) {
  Rig rig;
  rig.connect();
  uint32_t at = rig.now + 50000;
  for (uint8_t d = 0; d < 4; d++) CHECK(isAck(rig.request(msg::StrikeAt, strikeAtPayload(d, static_cast<uint8_t>(30 + 30 * d), at)), msg::StrikeAt));
  rig.runWithHeartbeats(200000);
  // Started one per tick (a loop pass, tens of microseconds on the Uno), each timed from its
  // own start.
  uint32_t first = UINT32_MAX;
  uint32_t last = 0;
  for (uint8_t d = 0; d < 4; d++) {
    uint32_t start = checkStrike(rig.motors, d, at, at + 4 * Rig::kStep, defaultPlan(static_cast<uint8_t>(30 + 30 * d)));
    first = std::min(first, start);
    last = std::max(last, start);
  }
  CHECK_EQ(last - first, 3 * Rig::kStep);
  std::vector<host::Message> events = rig.takeEvents();
  REQUIRE(events.size() == 4);
  for (const host::Message& m : events) {
    EventFields struck = eventOf(m);
    CHECK_EQ(struck.kind, event::Struck);
    CHECK_EQ(struck.time, rig.motors.commandsFor(struck.drum)[1].at);  // the start (after the boot release)
  }
}

TEST(strikesOnOtherDrumsStartWhileOneIsMidStrike) {
  Rig rig;
  rig.connect();
  uint32_t first = rig.now;
  rig.request(msg::Strike, {0, 127});
  rig.run(10000);
  uint32_t second = rig.now;
  rig.request(msg::Strike, {3, 1});
  rig.runWithHeartbeats(150000);
  checkStrikeTiming(rig.motors, 0, first, defaultPlan(127));
  checkStrikeTiming(rig.motors, 3, second, defaultPlan(1));
}

TEST(strikeAtFiresOnTime) {
  Rig rig;
  rig.connect();
  uint32_t at = rig.now + 1234568;  // not a multiple of the tick step: fires on the first tick at or after
  CHECK(isAck(rig.request(msg::StrikeAt, strikeAtPayload(2, 90, at)), msg::StrikeAt));
  CHECK_EQ(rig.status().queued, 1);
  rig.runWithHeartbeats(1300000);
  checkStrike(rig.motors, 2, at, at + 2 * Rig::kStep - 1, defaultPlan(90));
  CHECK_EQ(rig.status().queued, 0);
}

TEST(strikeAtLateAndRangeLimits) {
  Rig rig(50000000);
  rig.connect();
  uint32_t now = rig.now;
  CHECK(isNack(rig.request(msg::StrikeAt, strikeAtPayload(0, 64, now - 2001)), msg::StrikeAt, error::Late));
  CHECK(isNack(rig.request(msg::StrikeAt, strikeAtPayload(0, 64, now + 10000001)), msg::StrikeAt, error::Range));
  CHECK(isNack(rig.request(msg::StrikeAt, strikeAtPayload(5, 64, now + 1000)), msg::StrikeAt, error::Drum));
  CHECK(isNack(rig.request(msg::StrikeAt, strikeAtPayload(0, 200, now + 1000)), msg::StrikeAt, error::Velocity));
  CHECK(isAck(rig.request(msg::StrikeAt, strikeAtPayload(1, 64, now + 10000000)), msg::StrikeAt));
  // Up to 2 ms in the past fires at once: taken on the next tick, started on the one after.
  CHECK(isAck(rig.request(msg::StrikeAt, strikeAtPayload(0, 64, now - 2000)), msg::StrikeAt));
  rig.run(2 * Rig::kStep);
  CHECK(rig.motors.current[0] == Direction::Forward);
  CHECK(rig.motors.commandsFor(0).back().at - now <= 2 * Rig::kStep);
}

TEST(strikeAtQueueHoldsSixteen) {
  Rig rig;
  rig.connect();
  for (int i = 0; i < 16; i++) {
    CHECK(isAck(rig.request(msg::StrikeAt, strikeAtPayload(static_cast<uint8_t>(i % 4), 64, rig.now + 1000000u + 100000u * static_cast<uint32_t>(i))),
                msg::StrikeAt));
  }
  CHECK(isNack(rig.request(msg::StrikeAt, strikeAtPayload(0, 64, rig.now + 500000)), msg::StrikeAt, error::QueueFull));
  CHECK_EQ(rig.status().queued, 16);
  rig.runWithHeartbeats(1050000);
  CHECK_EQ(rig.status().queued, 15);
  CHECK(isAck(rig.request(msg::StrikeAt, strikeAtPayload(0, 64, rig.now + 500000)), msg::StrikeAt));
}

TEST(strikeAtAcrossTheMicrosWrap) {
  Rig rig(0xFFFFFFFFu - 300000);
  rig.connect();
  uint32_t at = rig.now + 600000;  // wraps to about 300 ms after zero
  CHECK(at < rig.now);
  CHECK(isAck(rig.request(msg::StrikeAt, strikeAtPayload(3, 127, at)), msg::StrikeAt));
  rig.runWithHeartbeats(400000);
  CHECK_EQ(rig.motors.commandsFor(3).size(), 1u);  // the boot release only: not fired early at the wrap
  rig.runWithHeartbeats(300000);
  checkScheduledStrike(rig.motors, 3, at, 0, defaultPlan(127));
  // A time just before the wrap, sent just after it, is late, not 71 minutes ahead.
  CHECK(isNack(rig.request(msg::StrikeAt, strikeAtPayload(2, 64, 0xFFFFFFF0u)), msg::StrikeAt, error::Late));
}

TEST(strikeAtRefusedAtFireTimeSaysSoInAnEvent) {
  Rig rig;
  rig.connect();
  rig.request(msg::Strike, {1, 127});
  rig.takeEvents();
  rig.request(msg::StrikeAt, strikeAtPayload(1, 64, rig.now + 20000));  // still in FORWARD then
  rig.request(msg::StrikeAt, strikeAtPayload(1, 64, rig.now + 75000));  // in COOLDOWN then
  rig.runWithHeartbeats(100000);
  std::vector<host::Message> events;
  for (const host::Message& m : rig.takeEvents())
    if (eventOf(m).kind == event::Refused) events.push_back(m);
  REQUIRE(events.size() == 2);
  EventFields busy = eventOf(events[0]);
  CHECK_EQ(busy.kind, event::Refused);
  CHECK_EQ(busy.drum, 1);
  CHECK_EQ(busy.arg, error::Busy);
  CHECK_EQ(eventOf(events[1]).arg, error::TooSoon);
  CHECK_EQ(rig.status().refused, 2);
}

TEST(dutyBudgetRefusesThenRecovers) {
  Rig rig;
  rig.connect();
  uint16_t cost = dutyMillis(defaultPlan(127));  // 65 ms
  int accepted = 0;
  bool refused = false;
  while (!refused) {
    host::Message reply = rig.request(msg::Strike, {2, 127});
    if (isNack(reply, msg::Strike, error::Duty)) {
      refused = true;
    } else {
      REQUIRE(isAck(reply, msg::Strike));
      accepted++;
      rig.runWithHeartbeats(80000 + Rig::kStep);  // the interval counts from the start, a tick later
    }
  }
  CHECK_EQ(accepted, kDutyBudgetMillis / cost);  // 46 strikes: 2990 ms
  CHECK(rig.status().dutyMillis[2] + cost > kDutyBudgetMillis);
  // Other drums have their own budget.
  CHECK(isAck(rig.request(msg::Strike, {0, 127}), msg::Strike));
  // Scheduled strikes are refused by event.
  rig.request(msg::StrikeAt, strikeAtPayload(2, 127, rig.now + 1000));
  rig.runWithHeartbeats(2000);
  std::vector<host::Message> events;
  for (const host::Message& m : rig.takeEvents())
    if (eventOf(m).kind != event::Struck) events.push_back(m);
  REQUIRE(events.size() == 1);
  CHECK_EQ(eventOf(events[0]).kind, event::Refused);
  CHECK_EQ(eventOf(events[0]).arg, error::Duty);
  // The window slides: ten seconds on, the budget is back.
  rig.runWithHeartbeats(10000000);
  CHECK_EQ(rig.status().dutyMillis[2], 0);
  CHECK(isAck(rig.request(msg::Strike, {2, 127}), msg::Strike));
}

TEST(linkWatchdogReleasesEverythingAt500ms) {
  Rig rig;
  rig.connect();
  uint32_t lastFrame = rig.now;
  // A scheduled strike that is mid-FORWARD when the link times out, and one for later.
  rig.request(msg::StrikeAt, strikeAtPayload(3, 127, lastFrame + 490000));
  rig.request(msg::StrikeAt, strikeAtPayload(1, 64, lastFrame + 2000000));
  rig.run(500000 - Rig::kStep);
  CHECK(rig.motors.current[3] == Direction::Forward);
  CHECK_EQ(rig.takeEvents().size(), 1u);  // struck
  rig.run(Rig::kStep);
  CHECK(rig.motors.allReleased());
  CHECK_EQ(rig.motors.log.back().at, lastFrame + 500000);
  std::vector<host::Message> events = rig.takeEvents();
  REQUIRE(events.size() == 1);
  EventFields lost = eventOf(events[0]);
  CHECK_EQ(lost.kind, event::LinkLost);
  CHECK_EQ(lost.drum, kNoDrum);
  CHECK_EQ(lost.time, lastFrame + 500000);
  // Nothing moves again: the drum is idle and the queue was cleared.
  size_t commands = rig.motors.log.size();
  rig.run(3000000);
  CHECK_EQ(rig.motors.log.size(), commands);
  CHECK(rig.takeEvents().empty());
  Status s = rig.status();
  CHECK_EQ(s.state[3], static_cast<uint8_t>(DrumState::Idle));
  CHECK_EQ(s.queued, 0);
}

TEST(linkComesBackOnTheNextFrame) {
  Rig rig;
  rig.connect();
  rig.run(500000);
  std::vector<host::Message> events = rig.takeEvents();
  REQUIRE(events.size() == 1);
  CHECK_EQ(eventOf(events[0]).kind, event::LinkLost);
  rig.run(Rig::kStep);
  CHECK_EQ(rig.status().flags & kFlagLinkOk, kFlagLinkOk);  // that frame brought it back
  events = rig.takeEvents();
  REQUIRE(events.size() == 1);
  CHECK_EQ(eventOf(events[0]).kind, event::LinkOk);
  CHECK(isAck(rig.request(msg::Strike, {0, 100}), msg::Strike));  // a later loop pass
}

TEST(linkLostRefusesStrikesReadInTheSameLoopPass) {
  Rig rig;
  rig.connect();
  rig.run(500000);  // this tick loses the link; the bytes below are read before the next one
  host::Bytes bytes = host::frame(msg::Strike, 1, {0, 100});
  host::Bytes at = host::frame(msg::StrikeAt, 2, strikeAtPayload(1, 100, rig.now + 1000));
  bytes.insert(bytes.end(), at.begin(), at.end());
  rig.feed(bytes);
  rig.controller.tick(rig.now);
  std::vector<host::Message> out = rig.take();
  REQUIRE(out.size() == 4);  // link_lost, link_ok, two NACKs
  CHECK_EQ(eventOf(out[0]).kind, event::LinkLost);
  CHECK_EQ(eventOf(out[1]).kind, event::LinkOk);
  CHECK(isNack(out[2], msg::Strike, error::Link));
  CHECK(isNack(out[3], msg::StrikeAt, error::Link));
  rig.run(1000000);
  for (const MotorCommand& c : rig.motors.log) CHECK(c.direction == Direction::Release);
}

TEST(heartbeatsKeepTheLinkForAnHour) {
  Rig rig;
  rig.connect();
  for (int i = 0; i < 24000; i++) {  // 150 ms apart: one hour
    rig.now += 150000;
    rig.controller.tick(rig.now);
    rig.send(msg::Heartbeat, {});
  }
  for (const host::Message& m : rig.take()) CHECK(m.type == msg::Ack);
  CHECK_EQ(rig.status().flags & kFlagLinkOk, kFlagLinkOk);
}

TEST(allStopReleasesIdlesAndClearsTheQueue) {
  Rig rig;
  rig.connect();
  rig.request(msg::Strike, {0, 127});
  rig.run(40000);  // drum 0 in BACK
  rig.request(msg::Strike, {1, 127});
  rig.request(msg::StrikeAt, strikeAtPayload(2, 64, rig.now + 100000));
  CHECK_EQ(rig.status().queued, 1);
  CHECK(!rig.motors.allReleased());
  CHECK(isAck(rig.request(msg::AllStop, {}), msg::AllStop));
  CHECK(rig.motors.allReleased());
  Status s = rig.status();
  CHECK_EQ(s.queued, 0);
  for (uint8_t state : s.state) CHECK_EQ(state, static_cast<uint8_t>(DrumState::Idle));
  size_t before = rig.motors.log.size();
  rig.runWithHeartbeats(300000);
  CHECK_EQ(rig.motors.log.size(), before);
  // A drum may strike again right away (IDLE, not COOLDOWN).
  CHECK(isAck(rig.request(msg::Strike, {0, 127}), msg::Strike));
}

TEST(framesWaitWhileADrumIsAboutToChange) {
  Rig rig;
  rig.connect();
  uint32_t start = rig.now;
  rig.request(msg::Strike, {0, 127});
  rig.takeEvents();
  uint32_t forwardEnd = start + Rig::kStep + defaultPlan(127).forwardMicros;
  rig.run(forwardEnd - 100 - rig.now);  // 100 us before FORWARD ends
  uint8_t seq = rig.nextSeq++;
  rig.feed(host::frame(msg::GetTable, seq, {2}));
  rig.controller.tick(rig.now);
  CHECK(!rig.controller.wantsBytes());
  for (const host::Message& m : rig.take()) CHECK(m.type == msg::Event);  // not answered yet
  rig.run(100);
  CHECK(rig.motors.current[0] == Direction::Release);  // FORWARD ended on time
  CHECK_EQ(rig.motors.commandsFor(0).back().at, forwardEnd);
  rig.settle();
  std::vector<host::Message> out = rig.take();
  REQUIRE(!out.empty());
  CHECK_EQ(out.back().type, msg::Table);
  CHECK_EQ(out.back().payload[0], seq);
}

TEST(framesWaitWhileAScheduledStrikeFallsDue) {
  Rig rig;
  rig.connect();
  uint32_t at = rig.now + 10000;
  rig.request(msg::StrikeAt, strikeAtPayload(1, 64, at));
  rig.run(at - 200 - rig.now);
  rig.feed(host::frame(msg::GetStatus, 50, {}));
  rig.controller.tick(rig.now);
  CHECK(!rig.controller.wantsBytes());
  rig.settle();
  // Answered only once the strike had started, which was on time.
  std::vector<MotorCommand> c = rig.motors.commandsFor(1);
  REQUIRE(c.size() == 2);
  CHECK(c[1].at - at <= 2 * Rig::kStep);
  CHECK(rig.now >= c[1].at);
}

TEST(aWaitingFrameIsAnsweredBeforeTheNextByte) {
  Rig rig;
  rig.connect();
  rig.request(msg::Strike, {0, 127});
  rig.run(35000 - 200);  // FORWARD ends within the quiet window
  host::Bytes first = host::frame(msg::Heartbeat, 10, {});
  host::Bytes second = host::frame(msg::Heartbeat, 11, {});
  rig.feed(first);
  CHECK(!rig.controller.wantsBytes());
  rig.feed(second);  // a sketch that reads on anyway loses nothing
  rig.settle();
  std::vector<host::Message> out;
  for (host::Message& m : rig.take())
    if (m.type == msg::Ack) out.push_back(m);
  REQUIRE(out.size() == 2);
  CHECK_EQ(out[0].payload[0], 10);
  CHECK_EQ(out[1].payload[0], 11);
}

TEST(savingTheTablesDoesNotStallAStrike) {
  Rig rig;
  rig.connect();
  rig.request(msg::SaveTables, {});
  rig.run(100000);  // well into the save
  uint32_t start = rig.now;
  rig.request(msg::Strike, {2, 127});
  uint32_t at = rig.now + 80000;
  rig.request(msg::StrikeAt, strikeAtPayload(1, 64, at));
  CHECK_EQ(rig.status().flags & kFlagEepromBusy, kFlagEepromBusy);
  rig.runWithHeartbeats(200000);
  checkStrikeTiming(rig.motors, 2, start, defaultPlan(127));
  checkScheduledStrike(rig.motors, 1, at, 0, defaultPlan(64));
  CHECK(rig.eeprom.writes > 40);
  CHECK_EQ(rig.eeprom.misuses, 0);
  // Never more than one EEPROM write in a tick.
  std::vector<uint32_t> times = rig.eeprom.writeTimes;
  CHECK(std::adjacent_find(times.begin(), times.end()) == times.end());
}
