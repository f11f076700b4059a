// The link watchdog: 500 ms of silence loses the link, once; the next frame restores it.
#include "../axon_drums/src/core/link_watchdog.h"
#include "check.h"

TEST(linkNeverTimesOutBeforeTheFirstFrame) {
  axon::LinkWatchdog link;
  CHECK(!link.up());
  CHECK(!link.timedOut(10000000));
  CHECK(!link.frameArrived(10000000));  // the first frame is no recovery
  CHECK(link.up());
}

TEST(linkTimesOutAtExactly500ms) {
  axon::LinkWatchdog link;
  link.frameArrived(1000);
  CHECK(!link.timedOut(1000 + 499999));
  CHECK(link.up());
  CHECK(link.timedOut(1000 + 500000));
  CHECK(!link.up());
  CHECK(!link.timedOut(1000 + 900000));  // reported once
  CHECK(link.frameArrived(2000000));     // restored
  CHECK(link.up());
  CHECK(!link.frameArrived(2000100));
}

TEST(linkTimesOutAcrossTheMicrosWrap) {
  axon::LinkWatchdog link;
  link.frameArrived(0xFFFFFFFFu - 100000);
  CHECK(!link.timedOut(399000));
  CHECK(link.timedOut(400000));
}

TEST(linkStaysUpWithFramesEvery150ms) {
  axon::LinkWatchdog link;
  uint32_t now = 0;
  link.frameArrived(now);
  for (int i = 0; i < 1000; i++) {
    for (int k = 0; k < 150; k++) {
      now += 1000;
      CHECK(!link.timedOut(now));
    }
    link.frameArrived(now);
  }
  CHECK(link.up());
}
