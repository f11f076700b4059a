// The built-in strike tables, used when the EEPROM holds none and on DEFAULT_TABLES.
#pragma once
#include "strike_table.h"

namespace axon {

void loadDefaultTables(StrikeTable (&tables)[kDrumCount]);

}  // namespace axon
