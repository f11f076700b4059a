#include "drum.h"

#include "protocol.h"

namespace axon {

Drum::Drum(uint8_t motor)
    : motor_(motor),
      state_(DrumState::Idle),
      armed_(false),
      unreported_(false),
      velocity_(0),
      phaseMicros_(0),
      phaseStart_(0),
      strikeStart_(0),
      restrikeMicros_(0),
      plan_() {}

bool Drum::cooled(uint32_t now) const {
  return static_cast<int32_t>(now - strikeStart_) >= static_cast<int32_t>(restrikeMicros_);
}

uint8_t Drum::refusal(uint32_t now) const {
  switch (state_) {
    case DrumState::Idle:
      return 0;
    case DrumState::Cooldown:
      return cooled(now) ? 0 : error::TooSoon;
    default:
      return error::Busy;
  }
}

void Drum::arm(const StrikePlan& plan, uint16_t restrikeMillis, uint8_t velocity) {
  plan_ = plan;
  restrikeMicros_ = restrikeMillis * 1000UL;
  velocity_ = velocity;
  phaseMicros_ = plan.forwardMicros;
  state_ = DrumState::Forward;
  armed_ = true;
}

void Drum::strikeBlocking(const StrikePlan& plan, uint16_t restrikeMillis, BlockingClock& clock, MotorOutput& motors) {
  plan_ = plan;
  restrikeMicros_ = restrikeMillis * 1000UL;
  strikeStart_ = clock.nowMicros();
  motors.set(motor_, Direction::Forward, plan.forwardPwm);
  clock.waitMicros(plan.forwardMicros);
  motors.set(motor_, Direction::Release, 0);
  clock.waitMicros(plan.pauseMicros);
  motors.set(motor_, Direction::Back, plan.backPwm);
  clock.waitMicros(plan.backMicros);
  motors.set(motor_, Direction::Release, 0);
  state_ = DrumState::Cooldown;
}

// The next phase starts when the last one was due, not when the tick noticed: a late tick
// never stretches the strike, and the phases keep their lengths on average.
void Drum::enter(DrumState state, uint16_t micros) {
  phaseStart_ += phaseMicros_;
  phaseMicros_ = micros;
  state_ = state;
}

bool Drum::tick(uint32_t now, MotorOutput& motors, bool mayStart) {
  if (state_ == DrumState::Idle) return false;
  if (armed_) {
    if (!mayStart) return false;
    motors.set(motor_, Direction::Forward, plan_.forwardPwm);
    strikeStart_ = now;
    phaseStart_ = now;
    armed_ = false;
    unreported_ = true;
    return true;
  }
  if (state_ == DrumState::Cooldown) {
    if (cooled(now)) state_ = DrumState::Idle;
    return false;
  }
  if (static_cast<int32_t>(now - phaseStart_) < static_cast<int32_t>(phaseMicros_)) return false;
  switch (state_) {
    case DrumState::Forward:
      motors.set(motor_, Direction::Release, 0);
      enter(DrumState::Pause, plan_.pauseMicros);
      break;
    case DrumState::Pause:
      motors.set(motor_, Direction::Back, plan_.backPwm);
      enter(DrumState::Back, plan_.backMicros);
      break;
    default:  // Back
      motors.set(motor_, Direction::Release, 0);
      state_ = DrumState::Cooldown;
      break;
  }
  return false;
}

bool Drum::changeDueWithin(uint32_t now, uint16_t window) const {
  if (armed_) return true;
  if (state_ == DrumState::Idle || state_ == DrumState::Cooldown) return false;
  return static_cast<int32_t>(phaseStart_ + phaseMicros_ - now) < static_cast<int32_t>(window);
}

bool Drum::reportStart(uint32_t& startedAt) {
  if (!unreported_) return false;
  unreported_ = false;
  startedAt = strikeStart_;
  return true;
}

void Drum::stop(MotorOutput& motors) {
  motors.set(motor_, Direction::Release, 0);
  state_ = DrumState::Idle;
  armed_ = false;
}

}  // namespace axon
