// The EEPROM image: loading, invalid images falling back to defaults, the background saver.
#include "../axon_drums/src/core/default_tables.h"
#include "../axon_drums/src/core/table_image.h"
#include "../axon_drums/src/core/table_saver.h"
#include "check.h"
#include "fakes.h"
#include "host_codec.h"

namespace {

using Tables = axon::StrikeTable[axon::kDrumCount];

void customTables(Tables& tables) {
  axon::loadDefaultTables(tables);
  for (uint8_t d = 0; d < axon::kDrumCount; d++) {
    tables[d].restrikeMillis = static_cast<uint16_t>(100 + d);
    tables[d].points[1].forwardMicros = static_cast<uint16_t>(21000 + d);
  }
}

host::Bytes encoded(const Tables& tables) {
  host::Bytes out;
  for (const axon::StrikeTable& t : tables) {
    uint8_t bytes[axon::kTableBytes];
    axon::encodeTable(t, bytes);
    out.insert(out.end(), bytes, bytes + axon::kTableBytes);
  }
  return out;
}

void writeImage(FakeEeprom& eeprom, const Tables& tables) {
  uint8_t image[axon::kImageBytes];
  axon::buildImage(tables, image);
  std::copy(image, image + axon::kImageBytes, eeprom.memory.begin());
}

// Steps the saver once per 20 us "loop pass" until it ends.
axon::TableSaver::Step saveAll(axon::TableSaver& saver, FakeEeprom& eeprom, uint32_t& now, int& steps) {
  steps = 0;
  for (;;) {
    now += 20;
    steps++;
    int writesBefore = eeprom.writes;
    axon::TableSaver::Step step = saver.step(eeprom);
    REQUIRE(eeprom.writes - writesBefore <= 1);
    if (step != axon::TableSaver::Step::Working) return step;
    REQUIRE(steps < 1000000);
  }
}

}  // namespace

TEST(imageLayoutIsMagicVersionDrumsTablesCrc) {
  Tables tables;
  customTables(tables);
  uint8_t image[axon::kImageBytes];
  axon::buildImage(tables, image);
  CHECK_EQ(axon::kImageBytes, 166);
  CHECK_EQ(image[0], 'A');
  CHECK_EQ(image[1], 'X');
  CHECK_EQ(image[2], 1);
  CHECK_EQ(image[3], 4);
  host::Bytes body(image + 4, image + 164);
  CHECK(body == encoded(tables));
  host::Bytes all(image, image + 166);
  CHECK_EQ(host::u16(all, 164), host::crc16(image, 164));
}

TEST(imageLoadsWhatWasSaved) {
  uint32_t now = 0;
  FakeEeprom eeprom(now);
  Tables saved;
  customTables(saved);
  writeImage(eeprom, saved);
  Tables loaded;
  CHECK(axon::loadImage(eeprom, loaded) == axon::ImageLoad::Ok);
  CHECK(encoded(loaded) == encoded(saved));
}

TEST(imageInvalidLoadsDefaults) {
  Tables defaults;
  axon::loadDefaultTables(defaults);
  Tables custom;
  customTables(custom);
  struct Case {
    const char* what;
    void (*damage)(FakeEeprom&);
    axon::ImageLoad expected;
  };
  const Case cases[] = {
      {"blank EEPROM", [](FakeEeprom& e) { e.memory.fill(0xFF); }, axon::ImageLoad::BadVersion},
      {"bad magic", [](FakeEeprom& e) { e.memory[1] = 'Y'; }, axon::ImageLoad::BadVersion},
      {"other layout version", [](FakeEeprom& e) { e.memory[2] = 2; }, axon::ImageLoad::BadVersion},
      {"other drum count", [](FakeEeprom& e) { e.memory[3] = 3; }, axon::ImageLoad::BadVersion},
      {"a flipped table bit", [](FakeEeprom& e) { e.memory[50] ^= 0x10; }, axon::ImageLoad::BadCrc},
      {"a flipped CRC bit", [](FakeEeprom& e) { e.memory[165] ^= 0x01; }, axon::ImageLoad::BadCrc},
  };
  for (const Case& c : cases) {
    uint32_t now = 0;
    FakeEeprom eeprom(now);
    writeImage(eeprom, custom);
    c.damage(eeprom);
    Tables loaded;
    customTables(loaded);
    CHECK(axon::loadImage(eeprom, loaded) == c.expected);
    CHECK(encoded(loaded) == encoded(defaults));
  }
}

TEST(imageWithAGoodCrcButAnInvalidTableLoadsDefaults) {
  uint32_t now = 0;
  FakeEeprom eeprom(now);
  Tables broken;
  customTables(broken);
  broken[2].points[3].backMicros = 61000;  // past the max phase, CRC computed over it anyway
  writeImage(eeprom, broken);
  Tables loaded;
  CHECK(axon::loadImage(eeprom, loaded) == axon::ImageLoad::BadVersion);
  Tables defaults;
  axon::loadDefaultTables(defaults);
  CHECK(encoded(loaded) == encoded(defaults));
}

TEST(saverWritesOnlyDifferingBytesOneAtATimeWhenReady) {
  uint32_t now = 0;
  FakeEeprom eeprom(now);
  Tables tables;
  customTables(tables);
  axon::TableSaver saver;
  CHECK(!saver.busy());
  CHECK(saver.step(eeprom) == axon::TableSaver::Step::Idle);
  saver.begin(tables);
  CHECK(saver.busy());
  int steps = 0;
  CHECK(saveAll(saver, eeprom, now, steps) == axon::TableSaver::Step::Saved);
  CHECK(!saver.busy());
  CHECK_EQ(eeprom.misuses, 0);
  CHECK_EQ(saver.bytesWritten(), eeprom.writes);
  CHECK(eeprom.writes > 150);  // a blank EEPROM: nearly every byte differs
  for (size_t i = 1; i < eeprom.writeTimes.size(); i++) CHECK(eeprom.writeTimes[i] - eeprom.writeTimes[i - 1] >= FakeEeprom::kWriteMicros);
  Tables loaded;
  CHECK(axon::loadImage(eeprom, loaded) == axon::ImageLoad::Ok);
  CHECK(encoded(loaded) == encoded(tables));

  // Saving the same again writes nothing; one changed value writes only its bytes.
  saver.begin(tables);
  CHECK(saveAll(saver, eeprom, now, steps) == axon::TableSaver::Step::Saved);
  CHECK_EQ(saver.bytesWritten(), 0);
  CHECK_EQ(steps, 166);
  tables[3].points[2].pauseMicros = 6001;  // one byte of the table, two of the CRC at most
  saver.begin(tables);
  CHECK(saveAll(saver, eeprom, now, steps) == axon::TableSaver::Step::Saved);
  CHECK(saver.bytesWritten() >= 1 && saver.bytesWritten() <= 3);
}

TEST(saverSavesTheTablesAsTheyWereWhenItBegan) {
  uint32_t now = 0;
  FakeEeprom eeprom(now);
  Tables tables;
  customTables(tables);
  Tables atBegin;
  customTables(atBegin);
  axon::TableSaver saver;
  saver.begin(tables);
  for (int i = 0; i < 50; i++) {
    now += 4000;
    saver.step(eeprom);
  }
  tables[0].restrikeMillis = 500;  // changed mid-save
  tables[3].restrikeMillis = 500;
  int steps = 0;
  CHECK(saveAll(saver, eeprom, now, steps) == axon::TableSaver::Step::Saved);
  Tables loaded;
  CHECK(axon::loadImage(eeprom, loaded) == axon::ImageLoad::Ok);
  CHECK(encoded(loaded) == encoded(atBegin));
}

TEST(saverReportsAByteThatWillNotTake) {
  uint32_t now = 0;
  FakeEeprom eeprom(now);
  eeprom.stuckAddress = 40;
  Tables tables;
  customTables(tables);
  axon::TableSaver saver;
  saver.begin(tables);
  int steps = 0;
  CHECK(saveAll(saver, eeprom, now, steps) == axon::TableSaver::Step::Failed);
  CHECK(!saver.busy());
  CHECK_EQ(saver.bytesWritten(), 41);
  CHECK_EQ(eeprom.misuses, 0);
}
