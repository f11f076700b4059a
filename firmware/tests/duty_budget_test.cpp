// The duty budget: refusal at 3000 ms in the window, recovery as buckets leave it.
#include "../axon_drums/src/core/duty_budget.h"
#include "../axon_drums/src/core/uptime_clock.h"
#include "check.h"

TEST(dutyAllowsUpToTheBudgetAndRefusesBeyond) {
  axon::DutyBudget duty;
  for (int i = 0; i < 50; i++) {
    REQUIRE(duty.allows(0, 60));
    duty.charge(0, 60);
  }
  CHECK_EQ(duty.usedMillis(0), 3000);
  CHECK(!duty.allows(0, 1));
  CHECK(duty.allows(0, 0));
  // Other motors have their own budget.
  CHECK(duty.allows(1, 3000));
  CHECK(!duty.allows(1, 3001));
}

TEST(dutyRecoversAsTheWindowSlides) {
  axon::DutyBudget duty;
  duty.charge(2, 1000);  // second 0
  duty.advance(1000);
  duty.charge(2, 2000);  // second 1
  CHECK(!duty.allows(2, 1));
  duty.advance(8999);  // 9.999 s: second 0 still in the window
  CHECK(!duty.allows(2, 1));
  duty.advance(1);  // 10 s: second 0 leaves
  CHECK_EQ(duty.usedMillis(2), 2000);
  CHECK(duty.allows(2, 1000));
  CHECK(!duty.allows(2, 1001));
  duty.advance(1000);  // second 1 leaves
  CHECK_EQ(duty.usedMillis(2), 0);
}

TEST(dutyAdvancesInSmallStepsLikeTheLoop) {
  axon::DutyBudget duty;
  duty.charge(3, 500);
  for (int ms = 0; ms < 9999; ms++) duty.advance(1);
  CHECK_EQ(duty.usedMillis(3), 500);
  duty.advance(1);
  CHECK_EQ(duty.usedMillis(3), 0);
}

TEST(dutyLongGapClearsEverything) {
  axon::DutyBudget duty;
  for (uint8_t m = 0; m < 4; m++) duty.charge(m, 2999);
  duty.advance(4000000000u);
  for (uint8_t m = 0; m < 4; m++) CHECK_EQ(duty.usedMillis(m), 0);
  duty.charge(0, 10);
  duty.advance(9000);
  CHECK_EQ(duty.usedMillis(0), 10);
}

TEST(uptimeCountsMillisecondsAcrossTheMicrosWrap) {
  axon::UptimeClock clock;
  uint32_t now = 0xFFFFFFFFu - 2500;
  clock.start(now);
  uint32_t total = 0;
  for (int i = 0; i < 1000; i++) {
    now += 7;
    total += clock.advance(now);
  }
  CHECK_EQ(total, 7u);  // 7000 us
  CHECK_EQ(clock.millis(), 7u);
  CHECK_EQ(clock.advance(now - 100), 0u);  // an older reading changes nothing
  CHECK_EQ(clock.advance(now + 123456), 123u);
  CHECK_EQ(clock.millis(), 130u);
}
