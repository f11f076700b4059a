// A tiny test framework: TEST(name) registers a test, CHECK/CHECK_EQ record failures and go on,
// REQUIRE stops the test (for when going on would index past a container).
#pragma once
#include <cstdint>
#include <string>
#include <type_traits>

namespace check {

using TestFunction = void (*)();

struct Registrar {
  Registrar(const char* name, const char* file, TestFunction function);
};

struct Stop {};

void fail(const char* file, int line, const std::string& message);
void countCheck();

template <class T>
std::string show(const T& value) {
  if constexpr (std::is_enum_v<T>) {
    return std::to_string(static_cast<long long>(value));
  } else if constexpr (std::is_same_v<T, bool>) {
    return value ? "true" : "false";
  } else if constexpr (std::is_integral_v<T>) {
    return std::to_string(static_cast<long long>(value));
  } else if constexpr (std::is_convertible_v<T, std::string>) {
    return "\"" + std::string(value) + "\"";
  } else {
    return "(value)";
  }
}

}  // namespace check

#define TEST(name)                                                    \
  static void name();                                                 \
  static const check::Registrar name##Registrar(#name, __FILE__, name); \
  static void name()

#define CHECK(condition)                                                                  \
  do {                                                                                    \
    check::countCheck();                                                                  \
    if (!(condition)) check::fail(__FILE__, __LINE__, "CHECK(" #condition ") failed");    \
  } while (0)

#define CHECK_EQ(actual, expected)                                                                          \
  do {                                                                                                      \
    check::countCheck();                                                                                    \
    const auto checkActual = (actual);                                                                      \
    const auto checkExpected = (expected);                                                                  \
    if (!(checkActual == checkExpected)) {                                                                  \
      check::fail(__FILE__, __LINE__,                                                                       \
                  "CHECK_EQ(" #actual ", " #expected "): " + check::show(checkActual) + " != " + check::show(checkExpected)); \
    }                                                                                                       \
  } while (0)

#define REQUIRE(condition)                                                                  \
  do {                                                                                      \
    check::countCheck();                                                                    \
    if (!(condition)) {                                                                     \
      check::fail(__FILE__, __LINE__, "REQUIRE(" #condition ") failed");                    \
      throw check::Stop{};                                                                  \
    }                                                                                       \
  } while (0)
