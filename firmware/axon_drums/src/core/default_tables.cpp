#include "default_tables.h"

namespace axon {

namespace {

// Car door lock actuators: a harder hit drives longer and harder, rests less before pulling
// back, and pulls back longer. The longest strike (35 + 5 + 30 ms) ends well inside the 80 ms
// re-strike interval, so a fast roll is limited by the interval, never cut by a busy drum.
const StrikeTable kDefaultTable = {
    80,
    {
        {1, 15000, 10000, 20000, 140, 170},
        {40, 20000, 8000, 23000, 180, 180},
        {90, 28000, 6000, 27000, 220, 195},
        {127, 35000, 5000, 30000, 255, 210},
    },
};

}  // namespace

void loadDefaultTables(StrikeTable (&tables)[kDrumCount]) {
  for (uint8_t d = 0; d < kDrumCount; d++) tables[d] = kDefaultTable;
}

}  // namespace axon
