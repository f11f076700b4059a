// The AXON_BLOCKING_STRIKES comparison build's behaviour: each strike waits out its phases,
// so strikes on different drums run one after another.
#include "../axon_drums/src/core/default_tables.h"
#include "../axon_drums/src/core/strike_plan.h"
#include "check.h"
#include "rig.h"

using namespace axon;

TEST(blockingStrikesRunOneDrumAfterAnother) {
  Rig rig(1000);
  FakeBlockingClock clock(rig.now);
  rig.controller.useBlockingStrikes(clock);
  rig.connect();
  StrikeTable tables[kDrumCount];
  loadDefaultTables(tables);
  StrikePlan plan = planStrike(tables[0], 127);
  uint32_t length = plan.forwardMicros + plan.pauseMicros + plan.backMicros;

  uint32_t at = rig.now + 10000;
  rig.request(msg::StrikeAt, strikeAtPayload(0, 127, at));
  rig.request(msg::StrikeAt, strikeAtPayload(1, 127, at));
  rig.run(10000 + 2 * length);
  std::vector<MotorCommand> first = rig.motors.commandsFor(0);
  std::vector<MotorCommand> second = rig.motors.commandsFor(1);
  REQUIRE(first.size() >= 4 && second.size() >= 4);
  first.erase(first.begin(), first.end() - 4);
  second.erase(second.begin(), second.end() - 4);
  CHECK_EQ(first[0].at, at);
  CHECK_EQ(first[3].at, at + length);
  // The second drum waited for the whole first strike (and the next loop pass).
  CHECK(second[0].at - (at + length) <= Rig::kStep);
  CHECK_EQ(second[3].at, second[0].at + length);
  CHECK(rig.motors.allReleased());
  CHECK(clock.waits == (std::vector<uint32_t>{plan.forwardMicros, plan.pauseMicros, plan.backMicros, plan.forwardMicros,
                                              plan.pauseMicros, plan.backMicros}));
}

TEST(blockingStrikeIsAckedAfterItEnds) {
  Rig rig(1000);
  FakeBlockingClock clock(rig.now);
  rig.controller.useBlockingStrikes(clock);
  rig.connect();
  uint32_t start = rig.now;
  CHECK(isAck(rig.request(msg::Strike, {2, 1}), msg::Strike));
  CHECK_EQ(rig.now, start + 45000u);  // 15 + 10 + 20 ms waited inside receive()
  CHECK_EQ(rig.motors.commandsFor(2).size(), 5u);  // boot release + the strike's four
  CHECK(isNack(rig.request(msg::Strike, {2, 1}), msg::Strike, error::TooSoon));
}
