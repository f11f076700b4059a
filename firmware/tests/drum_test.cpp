// One drum's state machine: every transition, its timing, refusals, wraparound, the blocking
// variant.
#include "../axon_drums/src/core/drum.h"
#include "../axon_drums/src/core/protocol.h"
#include "check.h"
#include "fakes.h"

namespace {

using axon::Direction;
using axon::DrumState;

const axon::StrikePlan kPlan{20000, 8000, 25000, 200, 180};
constexpr uint16_t kRestrikeMillis = 80;

struct DrumRig {
  explicit DrumRig(uint32_t start) : now(start), motors(now), drum(2) {}

  void start() {
    drum.arm(kPlan, kRestrikeMillis, 100);
    CHECK(drum.tick(now, motors, true));
  }
  void tickAt(uint32_t time) {
    now = time;
    CHECK(!drum.tick(now, motors, true));
  }
  // Ticks every 4 us up to `until`, inclusive.
  void runTo(uint32_t until) {
    while (static_cast<int32_t>(until - now) > 0) tickAt(now + (static_cast<int32_t>(until - now) < 4 ? until - now : 4));
  }

  uint32_t now;
  FakeMotors motors;
  axon::Drum drum;
};

// Runs a whole strike from `start`, checking each transition happens exactly on time.
void checkWholeStrike(uint32_t start) {
  DrumRig rig(start);
  rig.start();
  CHECK(rig.drum.state() == DrumState::Forward);
  REQUIRE(rig.motors.log.size() == 1);
  CHECK_EQ(rig.motors.log[0].motor, 2);
  CHECK(rig.motors.log[0].direction == Direction::Forward);
  CHECK_EQ(rig.motors.log[0].pwm, 200);

  uint32_t forwardEnd = start + kPlan.forwardMicros;
  rig.runTo(forwardEnd - 1);
  CHECK(rig.drum.state() == DrumState::Forward);
  rig.tickAt(forwardEnd);
  CHECK(rig.drum.state() == DrumState::Pause);
  CHECK(rig.motors.current[2] == Direction::Release);

  uint32_t pauseEnd = forwardEnd + kPlan.pauseMicros;
  rig.runTo(pauseEnd - 1);
  CHECK(rig.drum.state() == DrumState::Pause);
  rig.tickAt(pauseEnd);
  CHECK(rig.drum.state() == DrumState::Back);
  CHECK(rig.motors.current[2] == Direction::Back);
  CHECK_EQ(rig.motors.log.back().pwm, 180);

  uint32_t backEnd = pauseEnd + kPlan.backMicros;
  rig.runTo(backEnd - 1);
  CHECK(rig.drum.state() == DrumState::Back);
  rig.tickAt(backEnd);
  CHECK(rig.drum.state() == DrumState::Cooldown);
  CHECK(rig.motors.current[2] == Direction::Release);

  uint32_t cooled = start + kRestrikeMillis * 1000u;
  rig.runTo(cooled - 1);
  CHECK(rig.drum.state() == DrumState::Cooldown);
  rig.tickAt(cooled);
  CHECK(rig.drum.state() == DrumState::Idle);
  CHECK_EQ(rig.motors.log.size(), 4u);  // forward, release, back, release
}

}  // namespace

TEST(drumGoesThroughEveryStateOnTime) { checkWholeStrike(1000); }

TEST(drumStrikeAcrossTheMicrosWraparound) {
  // Starting in each phase's way of the 2^32 wrap: forward, pause, back and cooldown cross it.
  checkWholeStrike(0xFFFFFFFFu - 10000);
  checkWholeStrike(0xFFFFFFFFu - 25000);
  checkWholeStrike(0xFFFFFFFFu - 40000);
  checkWholeStrike(0xFFFFFFFFu - 60000);
  checkWholeStrike(0xFFFFFFFFu);
}

TEST(drumArmedStrikeStartsOnTheTickThatMayStartIt) {
  DrumRig rig(1000);
  rig.drum.arm(kPlan, kRestrikeMillis, 77);
  CHECK(rig.drum.state() == DrumState::Forward);
  CHECK_EQ(rig.drum.refusal(rig.now), axon::error::Busy);
  CHECK(rig.motors.log.empty());
  CHECK(!rig.drum.tick(1004, rig.motors, false));  // another drum started this tick
  CHECK(rig.motors.log.empty());
  CHECK(rig.drum.tick(1008, rig.motors, true));
  REQUIRE(rig.motors.log.size() == 1);
  CHECK(rig.motors.log[0].direction == Direction::Forward);
  CHECK_EQ(rig.drum.velocity(), 77);
  // Timed from the start, not from when it was armed.
  rig.now = 1008;
  rig.runTo(1008 + 20000 - 1);
  CHECK(rig.drum.state() == DrumState::Forward);
  rig.tickAt(1008 + 20000);
  CHECK(rig.drum.state() == DrumState::Pause);
  // Running strikes change phase whatever mayStart says.
  rig.runTo(1008 + 28000 - 4);
  CHECK(!rig.drum.tick(1008 + 28000, rig.motors, false));
  CHECK(rig.drum.state() == DrumState::Back);
}

TEST(drumSaysWhenItsMotorChangesNext) {
  DrumRig rig(1000);
  CHECK(!rig.drum.changeDueWithin(rig.now, 60000));  // idle
  rig.drum.arm(kPlan, kRestrikeMillis, 1);
  CHECK(rig.drum.changeDueWithin(rig.now, 0));  // an armed strike starts next pass
  rig.drum.tick(rig.now, rig.motors, true);
  CHECK(!rig.drum.changeDueWithin(rig.now, 20000));
  CHECK(rig.drum.changeDueWithin(rig.now, 20001));
  CHECK(rig.drum.changeDueWithin(1000 + 19900, 400));
  CHECK(rig.drum.changeDueWithin(1000 + 20100, 400));  // overdue counts too
  rig.runTo(1000 + 53000);
  CHECK(rig.drum.state() == DrumState::Cooldown);
  CHECK(!rig.drum.changeDueWithin(rig.now, 60000));  // the motor stays released
}

TEST(drumReportsEachStartOnce) {
  DrumRig rig(5000);
  uint32_t at = 0;
  CHECK(!rig.drum.reportStart(at));
  rig.drum.arm(kPlan, kRestrikeMillis, 99);
  CHECK(!rig.drum.reportStart(at));  // armed, not started
  rig.now = 5004;
  rig.drum.tick(rig.now, rig.motors, true);
  CHECK(rig.drum.reportStart(at));
  CHECK_EQ(at, 5004u);
  CHECK_EQ(rig.drum.velocity(), 99);
  CHECK(!rig.drum.reportStart(at));
}

TEST(drumStopDisarms) {
  DrumRig rig(0);
  rig.drum.arm(kPlan, kRestrikeMillis, 1);
  rig.drum.stop(rig.motors);
  CHECK(rig.drum.state() == DrumState::Idle);
  CHECK(!rig.drum.tick(4, rig.motors, true));
  CHECK(rig.motors.allReleased());
}

TEST(drumRefusesWhileBusyAndTooSoonThenAccepts) {
  DrumRig rig(5000);
  CHECK_EQ(rig.drum.refusal(rig.now), 0);
  rig.start();
  CHECK_EQ(rig.drum.refusal(rig.now), axon::error::Busy);
  rig.runTo(5000 + 20000);
  CHECK(rig.drum.state() == DrumState::Pause);
  CHECK_EQ(rig.drum.refusal(rig.now), axon::error::Busy);
  rig.runTo(5000 + 28000);
  CHECK(rig.drum.state() == DrumState::Back);
  CHECK_EQ(rig.drum.refusal(rig.now), axon::error::Busy);
  rig.runTo(5000 + 53000);
  CHECK(rig.drum.state() == DrumState::Cooldown);
  CHECK_EQ(rig.drum.refusal(rig.now), axon::error::TooSoon);
  CHECK_EQ(rig.drum.refusal(5000 + 79999), axon::error::TooSoon);
  // The interval counts from the strike's start; past it a strike may start even before a tick
  // has moved the drum to IDLE.
  CHECK_EQ(rig.drum.refusal(5000 + 80000), 0);
}

TEST(drumLateTickDoesNotStretchTheNextPhase) {
  DrumRig rig(0);
  rig.start();
  rig.tickAt(20000 + 300);  // noticed 300 us late
  CHECK(rig.drum.state() == DrumState::Pause);
  rig.tickAt(28000 - 1);
  CHECK(rig.drum.state() == DrumState::Pause);
  rig.tickAt(28000);  // pause still ends when it was due
  CHECK(rig.drum.state() == DrumState::Back);
}

TEST(drumChangesAtMostOnePhasePerTick) {
  DrumRig rig(0);
  rig.start();
  rig.tickAt(200000);  // everything overdue
  CHECK(rig.drum.state() == DrumState::Pause);
  rig.tickAt(200000);
  CHECK(rig.drum.state() == DrumState::Back);
  rig.tickAt(200000);
  CHECK(rig.drum.state() == DrumState::Cooldown);
  rig.tickAt(200000);
  CHECK(rig.drum.state() == DrumState::Idle);
}

TEST(drumIgnoresATimeReadBeforeItsStart) {
  DrumRig rig(100000);
  rig.start();
  rig.tickAt(99000);  // a micros() read earlier in the same loop pass
  CHECK(rig.drum.state() == DrumState::Forward);
}

TEST(drumWithZeroPauseGoesStraightOn) {
  DrumRig rig(0);
  rig.drum.arm({1000, 0, 1000, 10, 10}, 0, 1);
  rig.drum.tick(0, rig.motors, true);
  rig.tickAt(1000);
  CHECK(rig.drum.state() == DrumState::Pause);
  rig.tickAt(1004);
  CHECK(rig.drum.state() == DrumState::Back);
  rig.tickAt(2000);
  CHECK(rig.drum.state() == DrumState::Cooldown);
  rig.tickAt(2004);
  CHECK(rig.drum.state() == DrumState::Idle);
}

TEST(drumStopReleasesFromAnyState) {
  for (uint32_t at : {0u, 10000u, 24000u, 40000u, 70000u}) {
    DrumRig rig(0);
    rig.start();
    rig.runTo(at);
    rig.drum.stop(rig.motors);
    CHECK(rig.drum.state() == DrumState::Idle);
    CHECK(rig.motors.current[2] == Direction::Release);
    CHECK_EQ(rig.drum.refusal(rig.now), 0);
    size_t commands = rig.motors.log.size();
    rig.runTo(at + 100000);
    CHECK_EQ(rig.motors.log.size(), commands);  // nothing restarts by itself
  }
}

TEST(drumBlockingStrikeWaitsOutEachPhase) {
  uint32_t now = 7000;
  FakeMotors motors(now);
  FakeBlockingClock clock(now);
  axon::Drum drum(1);
  drum.strikeBlocking(kPlan, kRestrikeMillis, clock, motors);
  CHECK(clock.waits == (std::vector<uint32_t>{20000, 8000, 25000}));
  REQUIRE(motors.log.size() == 4);
  CHECK(motors.log[0].direction == Direction::Forward && motors.log[0].at == 7000);
  CHECK(motors.log[1].direction == Direction::Release && motors.log[1].at == 27000);
  CHECK(motors.log[2].direction == Direction::Back && motors.log[2].at == 35000);
  CHECK(motors.log[3].direction == Direction::Release && motors.log[3].at == 60000);
  CHECK(drum.state() == DrumState::Cooldown);
  CHECK_EQ(drum.refusal(now), axon::error::TooSoon);
  CHECK_EQ(drum.refusal(7000 + 80000), 0);
  // A time read before the strike began (the loop's, while the strike blocked) is too soon.
  CHECK_EQ(drum.refusal(6000), axon::error::TooSoon);
}
