#include "strike_table.h"

#include "bytes.h"

namespace axon {

namespace {

constexpr uint8_t kPointsOffset = 4;
constexpr uint8_t kPointBytes = 9;

}  // namespace

void decodeTable(const uint8_t* bytes, StrikeTable& table) {
  table.restrikeMillis = readU16(bytes);
  for (uint8_t i = 0; i < kVelocityPoints; i++) {
    const uint8_t* at = bytes + kPointsOffset + i * kPointBytes;
    VelocityPoint& point = table.points[i];
    point.velocity = at[0];
    point.forwardMicros = readU16(at + 1);
    point.pauseMicros = readU16(at + 3);
    point.backMicros = readU16(at + 5);
    point.forwardPwm = at[7];
    point.backPwm = at[8];
  }
}

void encodeTable(const StrikeTable& table, uint8_t* bytes) {
  ByteWriter out(bytes);
  out.u16(table.restrikeMillis);
  out.u16(0);
  for (uint8_t i = 0; i < kVelocityPoints; i++) {
    const VelocityPoint& point = table.points[i];
    out.u8(point.velocity);
    out.u16(point.forwardMicros);
    out.u16(point.pauseMicros);
    out.u16(point.backMicros);
    out.u8(point.forwardPwm);
    out.u8(point.backPwm);
  }
}

bool tableValid(const StrikeTable& table) {
  uint8_t previous = 0;
  for (uint8_t i = 0; i < kVelocityPoints; i++) {
    const VelocityPoint& point = table.points[i];
    if (point.velocity <= previous || point.velocity > kMaxVelocity) return false;
    if (point.forwardMicros > kMaxPhaseMicros || point.pauseMicros > kMaxPhaseMicros || point.backMicros > kMaxPhaseMicros) return false;
    if (point.forwardPwm == 0 || point.backPwm == 0) return false;
    previous = point.velocity;
  }
  return true;
}

}  // namespace axon
