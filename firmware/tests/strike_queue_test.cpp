// The strike queue: capacity, order, due times across the micros() wrap.
#include "../axon_drums/src/core/strike_queue.h"
#include "check.h"

namespace {

axon::ScheduledStrike at(uint32_t time, uint8_t drum, uint8_t velocity) {
  axon::ScheduledStrike strike{};
  strike.at = time;
  strike.drum = drum;
  strike.velocity = velocity;
  return strike;
}

}  // namespace

TEST(queueHoldsSixteen) {
  axon::StrikeQueue queue;
  for (uint8_t i = 0; i < axon::kQueueSize; i++) CHECK(queue.push(at(1000u + i, 0, 1)));
  CHECK(!queue.push(at(5000, 0, 1)));
  CHECK_EQ(queue.count(), 16);
  queue.clear();
  CHECK_EQ(queue.count(), 0);
  axon::ScheduledStrike s;
  CHECK(!queue.popDue(100000, s));
}

TEST(queuePopsOnlyDueStrikesEarliestFirst) {
  axon::StrikeQueue queue;
  queue.push(at(3000, 1, 30));
  queue.push(at(1000, 2, 10));
  queue.push(at(2000, 3, 20));
  axon::ScheduledStrike s;
  CHECK(!queue.popDue(999, s));
  CHECK(queue.popDue(2500, s));
  CHECK_EQ(s.at, 1000u);
  CHECK_EQ(s.drum, 2);
  CHECK_EQ(s.velocity, 10);
  CHECK(queue.popDue(2500, s));
  CHECK_EQ(s.at, 2000u);
  CHECK(!queue.popDue(2500, s));
  CHECK(queue.popDue(3000, s));  // due exactly at its time
  CHECK_EQ(s.drum, 1);
  CHECK_EQ(queue.count(), 0);
}

TEST(queueOrdersAcrossTheWrap) {
  axon::StrikeQueue queue;
  queue.push(at(100, 0, 2));             // just after the wrap
  queue.push(at(0xFFFFFF00u, 0, 1));     // just before it
  axon::ScheduledStrike s;
  CHECK(!queue.popDue(0xFFFFFE00u, s));
  CHECK(queue.popDue(0xFFFFFF00u, s));
  CHECK_EQ(s.velocity, 1);
  CHECK(!queue.popDue(0xFFFFFFFFu, s));  // 100 after the wrap is still ahead
  CHECK(queue.popDue(100, s));
  CHECK_EQ(s.velocity, 2);
}
