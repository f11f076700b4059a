// The EEPROM as the core sees it. write() only starts a write: the AVR takes ~3.4 ms to finish
// one byte on its own, and ready() says when it has.
#pragma once
#include <stdint.h>

namespace axon {

class EepromPort {
 public:
  virtual bool ready() = 0;
  // The saver calls both only when ready(): on the AVR a read during a write would wait for it.
  virtual uint8_t read(uint16_t address) = 0;
  virtual void write(uint16_t address, uint8_t value) = 0;

 protected:
  ~EepromPort() = default;
};

}  // namespace axon
