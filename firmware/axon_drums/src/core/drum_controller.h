// The firmware's logic in one object: fed with received bytes and the time, it answers the
// protocol, runs the drums, the strike queue, the watchdogs and the EEPROM writer, and sends
// its frames to a ByteSink. No Arduino in here: the sketch wires it to Serial, micros(), the
// shield and the EEPROM; the host tests wire it to fakes.
//
// Timing: every loop pass calls tick(). Motor changes happen there first, each on the pass's
// fresh time. Slow work (answering a frame, sending an event) runs only in a pass where no drum
// changes and no scheduled strike falls due within kQuietMicros, so it never makes either
// late; a received frame waits for such a pass (kMaxFrameWaitMicros at most).
#pragma once
#include <stdint.h>

#include "blocking_clock.h"
#include "byte_sink.h"
#include "drum.h"
#include "duty_budget.h"
#include "eeprom_port.h"
#include "event_queue.h"
#include "frame_reader.h"
#include "frame_writer.h"
#include "link_watchdog.h"
#include "motor_output.h"
#include "strike_plan.h"
#include "strike_queue.h"
#include "strike_table.h"
#include "table_saver.h"
#include "uptime_clock.h"

namespace axon {

// Longer than the slowest deferred work takes on the Uno (a TABLE reply, about 200 us) plus a
// loop pass.
constexpr uint16_t kQuietMicros = 400;
constexpr uint32_t kMaxFrameWaitMicros = 5000;

class DrumController {
 public:
  // shield: 1 (v1, 74HC595 + L293D) or 2 (v2, PCA9685), as reported in BOOT and HELLO_REPLY.
  DrumController(MotorOutput& motors, ByteSink& out, EepromPort& eeprom, uint8_t shield);

  // The AXON_BLOCKING_STRIKES comparison build: strikes wait out their phases on `clock`,
  // one drum after another. Call before begin().
  void useBlockingStrikes(BlockingClock& clock);

  // Once, at boot: releases every motor, loads the tables (defaults if the EEPROM image is
  // invalid), sends BOOT and, after it, EVENT defaults if the image was invalid.
  // resetCause: MCUSR as captured at reset.
  void begin(uint32_t now, uint8_t resetCause);

  // False while a received frame waits to be answered: stop reading the UART until tick() has
  // answered it (a byte given anyway gets the frame answered first, late but not lost).
  bool wantsBytes() const { return !framePending_; }

  // One received byte, at `now`; true when it completed a valid frame (stop reading for this pass).
  bool receive(uint8_t byte, uint32_t now);

  // Every loop pass: phase changes and the start of at most one accepted strike (a strike is
  // accepted in one pass and starts in the next, on that pass's fresh time), the link watchdog,
  // at most one due scheduled strike accepted, then, in a quiet pass, one piece of slow work:
  // the waiting frame or an event. Then one EEPROM step.
  void tick(uint32_t now);

 private:
  bool quiet(uint32_t now) const;
  void answerFrame();
  void sendOneEvent();

  void handle(const Frame& frame, uint32_t now);
  void hello(const Frame& frame);
  void timeSync(const Frame& frame, uint32_t now);
  void strikeNow(const Frame& frame, uint32_t now);
  void strikeAt(const Frame& frame, uint32_t now);
  void setTable(const Frame& frame);
  void getTable(const Frame& frame);
  void saveTables(const Frame& frame);
  void status(const Frame& frame);

  // 0 when the strike was taken, else why not.
  uint8_t strike(uint8_t drum, uint8_t velocity, const StrikePlan& plan, uint32_t now);
  void stopEverything();
  void fireDueStrike(uint32_t now);
  void stepSaver(uint32_t now);

  void ack(const Frame& frame);
  void nack(const Frame& frame, uint8_t error);
  // Sends at once: where the pass does slow work anyway (answering a frame, booting).
  void sendEvent(uint8_t kind, uint8_t drum, uint32_t now, uint16_t arg);
  // Sends in the next quiet pass.
  void queueEvent(uint8_t kind, uint8_t drum, uint32_t now, uint16_t arg);

  MotorOutput& motors_;
  EepromPort& eeprom_;
  BlockingClock* blockingClock_;
  FrameReader reader_;
  FrameWriter writer_;
  Drum drums_[kDrumCount];
  StrikeTable tables_[kDrumCount];
  DutyBudget duty_;
  StrikeQueue queue_;
  LinkWatchdog link_;
  UptimeClock uptime_;
  TableSaver saver_;
  EventQueue events_;
  uint32_t frameTime_;  // when the waiting frame's last byte arrived
  uint16_t refused_;    // NACKs sent plus scheduled strikes refused
  uint8_t shield_;
  bool tablesFromDefaults_;
  bool linkLostThisPass_;
  bool framePending_;
  bool startsUnreported_;  // a drum started a strike not yet reported (EVENT struck)
  bool frameRestoredLink_;
  bool frameInLostPass_;  // strikes read in the loop pass that lost the link get NACK link
};

}  // namespace axon
