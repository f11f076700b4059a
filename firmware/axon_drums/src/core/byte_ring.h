// A fixed ring of outgoing bytes: the core never waits for the UART, the loop drains the ring
// as fast as the UART takes bytes.
#pragma once
#include <stdint.h>

#include "byte_sink.h"

namespace axon {

// Capacity a power of two up to 128: 8-bit indices wrap with a mask.
template <uint8_t Capacity>
class ByteRing : public ByteSink {
  static_assert(Capacity > 0 && Capacity <= 128 && (Capacity & (Capacity - 1)) == 0, "Capacity: a power of two up to 128");

 public:
  uint16_t room() const override { return static_cast<uint16_t>(Capacity - count_); }

  void write(const uint8_t* bytes, uint8_t count) override {
    if (count > room()) return;
    uint8_t at = static_cast<uint8_t>((head_ + count_) & kMask);
    for (uint8_t i = 0; i < count; i++) {
      bytes_[at] = bytes[i];
      at = static_cast<uint8_t>((at + 1) & kMask);
    }
    count_ = static_cast<uint8_t>(count_ + count);
  }

  bool empty() const { return count_ == 0; }

  // Only when not empty.
  uint8_t take() {
    uint8_t byte = bytes_[head_];
    head_ = (head_ + 1) & kMask;
    count_--;
    return byte;
  }

 private:
  static constexpr uint8_t kMask = Capacity - 1;

  uint8_t bytes_[Capacity];
  uint8_t head_ = 0;
  uint8_t count_ = 0;
};

}  // namespace axon
