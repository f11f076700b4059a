// Writes the tables to EEPROM in the background: at most one byte per step (one step per loop
// pass), only bytes that differ, each read back once written. The tables are copied when the
// save starts, so tables changed meanwhile cannot leave a mixed image behind.
#pragma once
#include <stdint.h>

#include "eeprom_port.h"
#include "table_image.h"

namespace axon {

class TableSaver {
 public:
  enum class Step : uint8_t { Idle, Working, Saved, Failed };

  TableSaver();

  bool busy() const { return busy_; }
  void begin(const StrikeTable (&tables)[kDrumCount]);
  // Saved or Failed once, when the save ends.
  Step step(EepromPort& eeprom);
  uint16_t bytesWritten() const { return written_; }

 private:
  uint8_t image_[kImageBytes];
  uint16_t next_;
  uint16_t written_;
  bool verifying_;  // next_ was written and must be read back
  bool busy_;
};

}  // namespace axon
