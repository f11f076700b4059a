// Events waiting for a quiet pass: first in, first out; when full, the oldest goes.
#include "../axon_drums/src/core/event_queue.h"
#include "check.h"

TEST(eventQueueKeepsOrderAndDropsTheOldestWhenFull) {
  axon::EventQueue queue;
  axon::PendingEvent event{};
  CHECK(queue.empty());
  CHECK(!queue.pop(event));
  for (uint8_t i = 1; i <= 6; i++) queue.push({i, 0, i * 100u, i});
  for (uint8_t expected = 3; expected <= 6; expected++) {
    REQUIRE(queue.pop(event));
    CHECK_EQ(event.kind, expected);
    CHECK_EQ(event.time, expected * 100u);
  }
  CHECK(queue.empty());
}
