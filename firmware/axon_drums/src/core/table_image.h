// The tables as stored in EEPROM: "AX", layout version, drum count, the tables, CRC-16.
#pragma once
#include <stdint.h>

#include "eeprom_port.h"
#include "strike_table.h"

namespace axon {

constexpr uint8_t kImageLayoutVersion = 1;
constexpr uint16_t kImageHeaderBytes = 4;
constexpr uint16_t kImageBytes = kImageHeaderBytes + kDrumCount * kTableBytes + 2;

// The values are EVENT defaults' arg.
enum class ImageLoad : uint8_t { Ok = 0, BadVersion = 1, BadCrc = 2 };

void buildImage(const StrikeTable (&tables)[kDrumCount], uint8_t (&image)[kImageBytes]);

// Reads the image at address 0. Anything but Ok leaves the built-in defaults in `tables`:
// BadVersion for a wrong magic, layout version or drum count, or tables that break the rules
// (not an image this firmware wrote); BadCrc for damage.
ImageLoad loadImage(EepromPort& eeprom, StrikeTable (&tables)[kDrumCount]);

}  // namespace axon
