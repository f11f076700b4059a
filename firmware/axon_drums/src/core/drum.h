// One drum's strike, a non-blocking state machine on micros():
// IDLE -> FORWARD -> PAUSE -> BACK -> COOLDOWN -> IDLE.
#pragma once
#include <stdint.h>

#include "blocking_clock.h"
#include "motor_output.h"
#include "strike_plan.h"

namespace axon {

enum class DrumState : uint8_t { Idle = 0, Forward = 1, Pause = 2, Back = 3, Cooldown = 4 };

class Drum {
 public:
  explicit Drum(uint8_t motor);

  // An armed strike counts as FORWARD already.
  DrumState state() const { return state_; }
  uint8_t velocity() const { return velocity_; }

  // 0 when a strike may start at `now`, else the protocol's error: busy or too_soon.
  uint8_t refusal(uint32_t now) const;

  // Takes a strike; the next tick allowed to start it does. The strike is timed from that tick's
  // reading of micros(), taken just before the motor starts, not from whenever the work of
  // accepting it began.
  void arm(const StrikePlan& plan, uint16_t restrikeMillis, uint8_t velocity);
  // The comparison build's strike: every phase waited out before returning.
  void strikeBlocking(const StrikePlan& plan, uint16_t restrikeMillis, BlockingClock& clock, MotorOutput& motors);

  // At most one change per call: a phase change, or the start of an armed strike if mayStart.
  // True when it started a strike.
  bool tick(uint32_t now, MotorOutput& motors, bool mayStart);

  // Whether the motor changes (or an armed strike waits to start) within `window` of `now`:
  // slow work must wait, or it would make that change late.
  bool changeDueWithin(uint32_t now, uint16_t window) const;

  // True once per strike started, with its start (micros()).
  bool reportStart(uint32_t& startedAt);

  // Motor released, back to IDLE (ALL_STOP, link loss).
  void stop(MotorOutput& motors);

 private:
  void enter(DrumState state, uint16_t micros);
  bool cooled(uint32_t now) const;

  uint8_t motor_;
  DrumState state_;
  bool armed_;
  bool unreported_;  // started, not yet reported
  uint8_t velocity_;
  uint16_t phaseMicros_;
  uint32_t phaseStart_;
  uint32_t strikeStart_;
  uint32_t restrikeMicros_;
  StrikePlan plan_;
};

}  // namespace axon
