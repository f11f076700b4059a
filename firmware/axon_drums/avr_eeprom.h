// The ATmega328P's EEPROM for the core: writes start and return, the hardware finishes them.
#pragma once
#include <avr/eeprom.h>

#include "src/core/eeprom_port.h"

class AvrEeprom : public axon::EepromPort {
 public:
  bool ready() override { return eeprom_is_ready(); }
  uint8_t read(uint16_t address) override { return eeprom_read_byte(reinterpret_cast<const uint8_t*>(address)); }
  void write(uint16_t address, uint8_t value) override { eeprom_write_byte(reinterpret_cast<uint8_t*>(address), value); }
};
