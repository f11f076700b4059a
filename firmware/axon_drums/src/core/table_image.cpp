#include "table_image.h"

#include "bytes.h"
#include "crc16.h"
#include "default_tables.h"

namespace axon {

namespace {

constexpr uint8_t kMagic0 = 'A';
constexpr uint8_t kMagic1 = 'X';
constexpr uint16_t kCrcOffset = kImageBytes - 2;

ImageLoad check(const uint8_t (&image)[kImageBytes], StrikeTable (&tables)[kDrumCount]) {
  if (image[0] != kMagic0 || image[1] != kMagic1 || image[2] != kImageLayoutVersion || image[3] != kDrumCount) {
    return ImageLoad::BadVersion;
  }
  if (readU16(image + kCrcOffset) != crc16(image, kCrcOffset)) return ImageLoad::BadCrc;
  for (uint8_t d = 0; d < kDrumCount; d++) {
    decodeTable(image + kImageHeaderBytes + d * kTableBytes, tables[d]);
    if (!tableValid(tables[d])) return ImageLoad::BadVersion;
  }
  return ImageLoad::Ok;
}

}  // namespace

void buildImage(const StrikeTable (&tables)[kDrumCount], uint8_t (&image)[kImageBytes]) {
  image[0] = kMagic0;
  image[1] = kMagic1;
  image[2] = kImageLayoutVersion;
  image[3] = kDrumCount;
  for (uint8_t d = 0; d < kDrumCount; d++) encodeTable(tables[d], image + kImageHeaderBytes + d * kTableBytes);
  uint16_t crc = crc16(image, kCrcOffset);
  image[kCrcOffset] = static_cast<uint8_t>(crc);
  image[kCrcOffset + 1] = static_cast<uint8_t>(crc >> 8);
}

ImageLoad loadImage(EepromPort& eeprom, StrikeTable (&tables)[kDrumCount]) {
  // Boot only, so the whole image may sit on the stack for a moment.
  uint8_t image[kImageBytes];
  for (uint16_t i = 0; i < kImageBytes; i++) image[i] = eeprom.read(i);
  ImageLoad result = check(image, tables);
  if (result != ImageLoad::Ok) loadDefaultTables(tables);
  return result;
}

}  // namespace axon
