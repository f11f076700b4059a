// The test runner: runs every registered test (or those whose name contains argv[1]), prints
// each failure and a summary, exits 1 if anything failed.
#include "check.h"

#include <cstdio>
#include <cstring>
#include <vector>

namespace check {

namespace {

struct Test {
  const char* name;
  const char* file;
  TestFunction function;
};

std::vector<Test>& tests() {
  static std::vector<Test> all;
  return all;
}

const char* currentTest = "";
int failuresInTest = 0;
long checks = 0;

}  // namespace

Registrar::Registrar(const char* name, const char* file, TestFunction function) { tests().push_back({name, file, function}); }

void fail(const char* file, int line, const std::string& message) {
  failuresInTest++;
  std::printf("FAIL %s (%s:%d): %s\n", currentTest, file, line, message.c_str());
}

void countCheck() { checks++; }

}  // namespace check

int main(int argc, char** argv) {
  using namespace check;
  const char* filter = argc > 1 ? argv[1] : nullptr;
  int run = 0;
  int failed = 0;
  for (const Test& test : tests()) {
    if (filter != nullptr && std::strstr(test.name, filter) == nullptr) continue;
    currentTest = test.name;
    failuresInTest = 0;
    try {
      test.function();
    } catch (const Stop&) {
    }
    run++;
    if (failuresInTest > 0) failed++;
  }
  std::printf("%d tests, %ld checks, %d failed\n", run, checks, failed);
  return failed == 0 && run > 0 ? 0 : 1;
}
