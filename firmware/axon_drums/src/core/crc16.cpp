#include "crc16.h"

namespace axon {

uint16_t crc16(const uint8_t* data, uint16_t length) {
  uint16_t crc = kCrc16Init;
  for (uint16_t i = 0; i < length; i++) crc = crc16Update(crc, data[i]);
  return crc;
}

}  // namespace axon
