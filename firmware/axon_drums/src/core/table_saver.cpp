#include "table_saver.h"

namespace axon {

TableSaver::TableSaver() : image_(), next_(0), written_(0), verifying_(false), busy_(false) {}

void TableSaver::begin(const StrikeTable (&tables)[kDrumCount]) {
  buildImage(tables, image_);
  next_ = 0;
  written_ = 0;
  verifying_ = false;
  busy_ = true;
}

TableSaver::Step TableSaver::step(EepromPort& eeprom) {
  if (!busy_) return Step::Idle;
  if (!eeprom.ready()) return Step::Working;
  uint8_t stored = eeprom.read(next_);
  if (stored != image_[next_]) {
    if (verifying_) {
      busy_ = false;
      return Step::Failed;
    }
    eeprom.write(next_, image_[next_]);
    written_++;
    verifying_ = true;
    return Step::Working;
  }
  verifying_ = false;
  if (++next_ < kImageBytes) return Step::Working;
  busy_ = false;
  return Step::Saved;
}

}  // namespace axon
