// ctest runs each Catch2 test case by name (catch_discover_tests). Catch2 2.13's discovery splits
// names at ';' (a CMake list separator) and a name starting with '-' reads as an option: such a
// test case silently ran nothing under ctest, and passed. Twenty did, until this test.
#include <catch2/catch.hpp>

TEST_CASE("every test name survives ctest discovery: no semicolon, no leading dash", "[unit][tests]") {
  const auto& all = Catch::getAllTestCasesSorted(*Catch::getCurrentContext().getConfig());
  REQUIRE(all.size() > 100);
  for (const auto& tc : all) {
    INFO(tc.name);
    CHECK(tc.name.find(';') == std::string::npos);
    CHECK_FALSE((!tc.name.empty() && tc.name.front() == '-'));
  }
}
