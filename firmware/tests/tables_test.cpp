// Strike tables: layout, validation, defaults, interpolation and the max-phase cut.
#include <cmath>
#include <random>

#include "../axon_drums/src/core/default_tables.h"
#include "../axon_drums/src/core/strike_plan.h"
#include "../axon_drums/src/core/strike_table.h"
#include "check.h"
#include "host_codec.h"

namespace {

axon::StrikeTable sampleTable() {
  axon::StrikeTable t{};
  t.restrikeMillis = 100;
  t.points[0] = {10, 10000, 5000, 20000, 100, 150};
  t.points[1] = {50, 20000, 6000, 24000, 150, 160};
  t.points[2] = {100, 30000, 7000, 28000, 200, 170};
  t.points[3] = {120, 40000, 8000, 32000, 250, 180};
  return t;
}

axon::StrikeTable defaults() {
  axon::StrikeTable tables[axon::kDrumCount];
  axon::loadDefaultTables(tables);
  return tables[0];
}

}  // namespace

TEST(tableBytesFollowTheProtocolLayout) {
  uint8_t bytes[axon::kTableBytes];
  axon::encodeTable(sampleTable(), bytes);
  host::Bytes b(bytes, bytes + axon::kTableBytes);
  CHECK_EQ(host::u16(b, 0), 100);  // re-strike interval
  CHECK_EQ(host::u16(b, 2), 0);    // reserved
  // Point 1 at 4 + 9: velocity, forward, pause, back, forward PWM, back PWM.
  CHECK_EQ(b[13], 50);
  CHECK_EQ(host::u16(b, 14), 20000);
  CHECK_EQ(host::u16(b, 16), 6000);
  CHECK_EQ(host::u16(b, 18), 24000);
  CHECK_EQ(b[20], 150);
  CHECK_EQ(b[21], 160);
  CHECK_EQ(b[39], 180);  // last point's back PWM ends the table
}

TEST(tableDecodeUndoesEncodeAndIgnoresReserved) {
  uint8_t bytes[axon::kTableBytes];
  axon::encodeTable(sampleTable(), bytes);
  bytes[2] = 0x55;
  bytes[3] = 0xAA;
  axon::StrikeTable back;
  axon::decodeTable(bytes, back);
  uint8_t again[axon::kTableBytes];
  axon::encodeTable(back, again);
  bytes[2] = bytes[3] = 0;
  CHECK(std::equal(bytes, bytes + axon::kTableBytes, again));
}

TEST(tableValidationFollowsTheRules) {
  CHECK(axon::tableValid(sampleTable()));
  auto broken = [](void (*edit)(axon::StrikeTable&)) {
    axon::StrikeTable t = sampleTable();
    edit(t);
    return !axon::tableValid(t);
  };
  CHECK(broken([](axon::StrikeTable& t) { t.points[0].velocity = 0; }));
  CHECK(broken([](axon::StrikeTable& t) { t.points[3].velocity = 128; }));
  CHECK(broken([](axon::StrikeTable& t) { t.points[2].velocity = 50; }));   // equal to the one before
  CHECK(broken([](axon::StrikeTable& t) { t.points[2].velocity = 40; }));   // decreasing
  CHECK(broken([](axon::StrikeTable& t) { t.points[1].forwardMicros = 60001; }));
  CHECK(broken([](axon::StrikeTable& t) { t.points[1].pauseMicros = 65535; }));
  CHECK(broken([](axon::StrikeTable& t) { t.points[3].backMicros = 60001; }));
  CHECK(broken([](axon::StrikeTable& t) { t.points[0].forwardPwm = 0; }));
  CHECK(broken([](axon::StrikeTable& t) { t.points[2].backPwm = 0; }));
  // The limits themselves are allowed.
  axon::StrikeTable edge = sampleTable();
  edge.points[0].velocity = 1;
  edge.points[3].velocity = 127;
  edge.points[3].forwardMicros = edge.points[3].pauseMicros = edge.points[3].backMicros = 60000;
  edge.points[0].forwardPwm = edge.points[0].backPwm = 1;
  edge.points[0].pauseMicros = 0;
  edge.restrikeMillis = 0;
  CHECK(axon::tableValid(edge));
}

TEST(defaultTablesAreValidAndPlausibleForDoorLockMotors) {
  axon::StrikeTable tables[axon::kDrumCount];
  axon::loadDefaultTables(tables);
  for (const axon::StrikeTable& t : tables) {
    CHECK(axon::tableValid(t));
    CHECK_EQ(t.restrikeMillis, 80);
    CHECK_EQ(t.points[0].velocity, 1);
    CHECK_EQ(t.points[3].velocity, 127);
    for (int i = 0; i < axon::kVelocityPoints; i++) {
      const axon::VelocityPoint& p = t.points[i];
      CHECK(p.forwardMicros >= 15000 && p.forwardMicros <= 35000);
      CHECK(p.pauseMicros >= 5000 && p.pauseMicros <= 10000);
      CHECK(p.backMicros >= 20000 && p.backMicros <= 30000);
      // The whole strike ends inside the re-strike interval.
      CHECK(0u + p.forwardMicros + p.pauseMicros + p.backMicros <= t.restrikeMillis * 1000u);
      if (i > 0) {
        CHECK(p.forwardMicros > t.points[i - 1].forwardMicros);
        CHECK(p.forwardPwm > t.points[i - 1].forwardPwm);
      }
    }
  }
}

TEST(planHitsThePointsExactly) {
  axon::StrikeTable t = sampleTable();
  for (const axon::VelocityPoint& p : t.points) {
    axon::StrikePlan plan = axon::planStrike(t, p.velocity);
    CHECK_EQ(plan.forwardMicros, p.forwardMicros);
    CHECK_EQ(plan.pauseMicros, p.pauseMicros);
    CHECK_EQ(plan.backMicros, p.backMicros);
    CHECK_EQ(plan.forwardPwm, p.forwardPwm);
    CHECK_EQ(plan.backPwm, p.backPwm);
  }
}

TEST(planInterpolatesLinearlyBetweenPoints) {
  axon::StrikeTable t = sampleTable();
  axon::StrikePlan mid = axon::planStrike(t, 30);  // halfway from 10 to 50
  CHECK_EQ(mid.forwardMicros, 15000);
  CHECK_EQ(mid.pauseMicros, 5500);
  CHECK_EQ(mid.backMicros, 22000);
  CHECK_EQ(mid.forwardPwm, 125);
  CHECK_EQ(mid.backPwm, 155);
  axon::StrikePlan third = axon::planStrike(t, 110);  // halfway from 100 to 120
  CHECK_EQ(third.forwardMicros, 35000);
  CHECK_EQ(third.forwardPwm, 225);
  // Rounded to nearest: 10000 + 10000 * 1 / 40 = 10250; PWM 100 + 50 / 40 = 101.25 -> 101.
  axon::StrikePlan one = axon::planStrike(t, 11);
  CHECK_EQ(one.forwardMicros, 10250);
  CHECK_EQ(one.forwardPwm, 101);
  // Values may fall with velocity too.
  axon::StrikeTable falling = sampleTable();
  falling.points[0].pauseMicros = 9000;
  falling.points[1].pauseMicros = 1000;
  CHECK_EQ(axon::planStrike(falling, 15).pauseMicros, 8000);
  CHECK_EQ(axon::planStrike(falling, 11).pauseMicros, 8800);
}

TEST(planIsWithinOneOfExactOnRandomTables) {
  std::mt19937 random(3);
  for (int n = 0; n < 2000; n++) {
    axon::StrikeTable t{};
    uint8_t v = 0;
    for (axon::VelocityPoint& p : t.points) {
      v = static_cast<uint8_t>(v + 1 + random() % 30);
      p = {v, static_cast<uint16_t>(random() % 60001), static_cast<uint16_t>(random() % 60001), static_cast<uint16_t>(random() % 60001),
           static_cast<uint8_t>(1 + random() % 255), static_cast<uint8_t>(1 + random() % 255)};
    }
    for (int velocity = 1; velocity <= 127; velocity++) {
      axon::StrikePlan plan = axon::planStrike(t, static_cast<uint8_t>(velocity));
      // The exact interpolation in floating point.
      int i = 0;
      while (i < 3 && t.points[i + 1].velocity <= velocity) i++;
      const axon::VelocityPoint& a = t.points[i];
      const axon::VelocityPoint& b = t.points[i < 3 ? i + 1 : 3];
      double f = (velocity <= a.velocity || i == 3) ? 0.0 : double(velocity - a.velocity) / (b.velocity - a.velocity);
      auto exact = [f](double x, double y) { return x + (y - x) * f; };
      CHECK(std::abs(plan.forwardMicros - exact(a.forwardMicros, b.forwardMicros)) <= 1.0);
      CHECK(std::abs(plan.pauseMicros - exact(a.pauseMicros, b.pauseMicros)) <= 1.0);
      CHECK(std::abs(plan.backMicros - exact(a.backMicros, b.backMicros)) <= 1.0);
      CHECK(std::abs(plan.forwardPwm - exact(a.forwardPwm, b.forwardPwm)) <= 1.0);
      CHECK(std::abs(plan.backPwm - exact(a.backPwm, b.backPwm)) <= 1.0);
    }
  }
}

TEST(planClampsVelocitiesOutsideThePoints) {
  axon::StrikeTable t = sampleTable();
  CHECK_EQ(axon::planStrike(t, 1).forwardMicros, 10000);
  CHECK_EQ(axon::planStrike(t, 9).forwardPwm, 100);
  CHECK_EQ(axon::planStrike(t, 121).forwardMicros, 40000);
  CHECK_EQ(axon::planStrike(t, 127).backPwm, 180);
}

TEST(planIsMonotonicInVelocityForTheDefaults) {
  axon::StrikeTable t = defaults();
  axon::StrikePlan previous = axon::planStrike(t, 1);
  for (int v = 2; v <= 127; v++) {
    axon::StrikePlan plan = axon::planStrike(t, static_cast<uint8_t>(v));
    CHECK(plan.forwardMicros >= previous.forwardMicros);
    CHECK(plan.forwardPwm >= previous.forwardPwm);
    CHECK(plan.backMicros >= previous.backMicros);
    previous = plan;
  }
}

TEST(planCutsEveryPhaseAtTheMaxPhase) {
  // A table that never went through validation, as if memory were corrupted.
  axon::StrikeTable t = sampleTable();
  for (axon::VelocityPoint& p : t.points) p.forwardMicros = p.pauseMicros = p.backMicros = 65535;
  for (int v = 1; v <= 127; v++) {
    axon::StrikePlan plan = axon::planStrike(t, static_cast<uint8_t>(v));
    CHECK_EQ(plan.forwardMicros, axon::kMaxPhaseMicros);
    CHECK_EQ(plan.pauseMicros, axon::kMaxPhaseMicros);
    CHECK_EQ(plan.backMicros, axon::kMaxPhaseMicros);
  }
}

TEST(dutyCostIsForwardPlusBackRoundedUp) {
  CHECK_EQ(axon::dutyMillis({15000, 10000, 20000, 1, 1}), 35);
  CHECK_EQ(axon::dutyMillis({15001, 10000, 20000, 1, 1}), 36);
  CHECK_EQ(axon::dutyMillis({1, 0, 0, 1, 1}), 1);
  for (uint32_t on = 0; on <= 120000; on++) {
    uint16_t forward = static_cast<uint16_t>(on / 2);
    uint16_t back = static_cast<uint16_t>(on - forward);
    if (axon::dutyMillis({forward, 0, back, 1, 1}) != (on + 999) / 1000) {
      CHECK_EQ(axon::dutyMillis({forward, 0, back, 1, 1}), (on + 999) / 1000);
      break;
    }
  }
  CHECK_EQ(axon::dutyMillis({0, 60000, 0, 1, 1}), 0);
  CHECK_EQ(axon::dutyMillis({60000, 0, 60000, 1, 1}), 120);
}
