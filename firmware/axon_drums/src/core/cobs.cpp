#include "cobs.h"

namespace axon {

// One pass: each zero (and the end) closes a block whose code byte, written when the block
// opened, is filled in then.
void cobsEncode(const uint8_t* data, uint8_t length, uint8_t* out) {
  uint8_t code = 0;  // where the open block's code byte goes
  uint8_t at = 1;
  for (uint8_t i = 0; i < length; i++) {
    if (data[i] == 0) {
      out[code] = static_cast<uint8_t>(at - code);
      code = at++;
    } else {
      out[at++] = data[i];
    }
  }
  out[code] = static_cast<uint8_t>(at - code);
  out[at] = 0;
}

}  // namespace axon
