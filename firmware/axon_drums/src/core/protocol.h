// The wire protocol's numbers (firmware/PROTOCOL.md is the contract; this file mirrors it).
#pragma once
#include <stdint.h>

namespace axon {

constexpr uint8_t kProtocolVersion = 1;
constexpr uint8_t kFirmwareMajor = 1;
constexpr uint8_t kFirmwareMinor = 0;
constexpr uint8_t kFirmwarePatch = 0;

constexpr uint8_t kDrumCount = 4;
constexpr uint8_t kNoDrum = 255;
constexpr uint8_t kVelocityPoints = 4;
constexpr uint8_t kMinVelocity = 1;
constexpr uint8_t kMaxVelocity = 127;
constexpr uint8_t kQueueSize = 16;

constexpr uint16_t kMaxPhaseMillis = 60;
constexpr uint16_t kMaxPhaseMicros = 60000;
constexpr uint16_t kDutyWindowMillis = 10000;
constexpr uint16_t kDutyBudgetMillis = 3000;
constexpr uint32_t kLinkTimeoutMicros = 500000UL;
constexpr int32_t kLateToleranceMicros = 2000L;
constexpr int32_t kMaxLeadMicros = 10000000L;

// Frame: type, seq, payload, CRC-16 (little-endian).
constexpr uint8_t kFrameOverhead = 4;
constexpr uint8_t kMaxPayload = 56;
constexpr uint8_t kMaxFrame = kFrameOverhead + kMaxPayload;
constexpr uint8_t kMaxEncoded = 62;
// A COBS encoding is at least one byte longer than what it encodes.
constexpr uint8_t kMaxDecoded = kMaxEncoded - 1;

namespace msg {
// Host to board.
constexpr uint8_t Hello = 0x01;
constexpr uint8_t Heartbeat = 0x02;
constexpr uint8_t TimeSync = 0x03;
constexpr uint8_t Strike = 0x04;
constexpr uint8_t StrikeAt = 0x05;
constexpr uint8_t SetTable = 0x06;
constexpr uint8_t GetTable = 0x07;
constexpr uint8_t SaveTables = 0x08;
constexpr uint8_t AllStop = 0x09;
constexpr uint8_t GetStatus = 0x0A;
constexpr uint8_t DefaultTables = 0x0B;
// Board to host.
constexpr uint8_t Ack = 0x80;
constexpr uint8_t Nack = 0x81;
constexpr uint8_t HelloReply = 0x82;
constexpr uint8_t TimeReply = 0x83;
constexpr uint8_t Table = 0x87;
constexpr uint8_t Status = 0x8A;
constexpr uint8_t Boot = 0x90;
constexpr uint8_t Event = 0x91;
}  // namespace msg

namespace error {
constexpr uint8_t Length = 1;
constexpr uint8_t Type = 2;
constexpr uint8_t Drum = 3;
constexpr uint8_t Velocity = 4;
constexpr uint8_t Busy = 5;
constexpr uint8_t TooSoon = 6;
constexpr uint8_t Duty = 7;
constexpr uint8_t QueueFull = 8;
constexpr uint8_t Late = 9;
constexpr uint8_t Range = 10;
constexpr uint8_t Table = 11;
constexpr uint8_t EepromBusy = 12;
constexpr uint8_t Link = 13;
constexpr uint8_t Version = 14;
}  // namespace error

namespace event {
constexpr uint8_t Struck = 1;
constexpr uint8_t Refused = 2;
constexpr uint8_t LinkLost = 3;
constexpr uint8_t LinkOk = 4;
constexpr uint8_t Saved = 5;
constexpr uint8_t SaveFailed = 6;
constexpr uint8_t Defaults = 7;
}  // namespace event

// Payload sizes of the board's frames.
constexpr uint8_t kAckSize = 2;
constexpr uint8_t kNackSize = 3;
constexpr uint8_t kHelloReplySize = 15;
constexpr uint8_t kTimeReplySize = 9;
constexpr uint8_t kTableBytes = 40;
constexpr uint8_t kTableReplySize = 2 + kTableBytes;
constexpr uint8_t kStatusSize = 31;
constexpr uint8_t kBootSize = 7;
constexpr uint8_t kEventSize = 8;

// STATUS flags.
constexpr uint8_t kFlagLinkOk = 0x01;
constexpr uint8_t kFlagEepromBusy = 0x02;
constexpr uint8_t kFlagDefaults = 0x04;

// BOOT's reset cause keeps MCUSR's PORF, EXTRF, BORF and WDRF bits.
constexpr uint8_t kResetCauseMask = 0x0F;

}  // namespace axon
