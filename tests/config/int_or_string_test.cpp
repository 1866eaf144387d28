#include "config/int_or_string.hpp"

#include <catch2/catch.hpp>

using namespace troupe::config;
using troupe::meta::IntOrString;

TEST_CASE("int_or_string: make, parse and print", "[unit][intstr]") {
  CHECK_FALSE(is_string(int_or_string_from_int(3)));
  CHECK(to_string(int_or_string_from_int(-7)) == "-7");
  CHECK(is_string(int_or_string_from_string("25%")));
  CHECK(to_string(int_or_string_from_string("25%")) == "25%");

  struct row {
    const char* text;
    bool string;
  };
  const row rows[] = {
      {"3", false},  {"-1", false},  {"+4", false}, {"2147483647", false}, {"2147483648", true},
      {"25%", true}, {"", true},     {"1.5", true}, {"abc", true},
  };
  for (const auto& r : rows) {
    DYNAMIC_SECTION("'" << r.text << "'") {
      const IntOrString v = parse_int_or_string(r.text);
      CHECK(is_string(v) == r.string);
      if (r.string)
        CHECK(to_string(v) == r.text);
    }
  }
}

TEST_CASE("scaled_value_from_int_or_percent", "[unit][intstr]") {
  struct row {
    const char* name;
    IntOrString input;
    int total;
    bool round_up;
    std::optional<int> expected;
    const char* error;
  };
  const row rows[] = {
      {"int is taken as is", int_or_string_from_int(5), 100, true, 5, ""},
      {"int ignores total", int_or_string_from_int(5), 0, false, 5, ""},
      {"25% of 15 up", int_or_string_from_string("25%"), 15, true, 4, ""},
      {"25% of 15 down", int_or_string_from_string("25%"), 15, false, 3, ""},
      {"exact percentage", int_or_string_from_string("50%"), 10, true, 5, ""},
      {"100%", int_or_string_from_string("100%"), 7, false, 7, ""},
      {"0%", int_or_string_from_string("0%"), 7, true, 0, ""},
      {"1% of 1 up", int_or_string_from_string("1%"), 1, true, 1, ""},
      {"1% of 1 down", int_or_string_from_string("1%"), 1, false, 0, ""},
      {"negative rounds toward +inf when up", int_or_string_from_string("-10%"), 15, true, -1, ""},
      {"negative rounds toward -inf when down", int_or_string_from_string("-10%"), 15, false, -2,
       ""},
      {"not a percentage", int_or_string_from_string("25"), 10, true, std::nullopt,
       "invalid value for IntOrString: invalid type: string is not a percentage"},
      {"empty string", int_or_string_from_string(""), 10, true, std::nullopt,
       "invalid value for IntOrString: invalid type: string is not a percentage"},
      {"garbage percentage", int_or_string_from_string("abc%"), 10, true, std::nullopt,
       "invalid value for IntOrString: invalid value \"abc%\": strconv.Atoi: parsing \"abc\": "
       "invalid syntax"},
      {"bare percent sign", int_or_string_from_string("%"), 10, true, std::nullopt,
       "invalid value for IntOrString: invalid value \"%\": strconv.Atoi: parsing \"\": invalid "
       "syntax"},
      {"fractional percentage", int_or_string_from_string("1.5%"), 10, true, std::nullopt,
       "invalid value for IntOrString: invalid value \"1.5%\": strconv.Atoi: parsing \"1.5\": "
       "invalid syntax"},
      {"out of range", int_or_string_from_string("99999999999999999999%"), 10, true, std::nullopt,
       "invalid value for IntOrString: invalid value \"99999999999999999999%\": strconv.Atoi: "
       "parsing \"99999999999999999999\": value out of range"},
  };
  for (const auto& r : rows) {
    DYNAMIC_SECTION(r.name) {
      const auto result = scaled_value_from_int_or_percent(r.input, r.total, r.round_up);
      CHECK(result.value == r.expected);
      CHECK(result.error == r.error);
    }
  }
}

TEST_CASE("resolve_fenceposts", "[unit][intstr]") {
  const IntOrString pct25 = int_or_string_from_string("25%");
  const IntOrString pct0 = int_or_string_from_string("0%");
  const IntOrString zero = int_or_string_from_int(0);
  const IntOrString two = int_or_string_from_int(2);
  const IntOrString bad = int_or_string_from_string("x");
  struct row {
    const char* name;
    const IntOrString* surge;
    const IntOrString* unavailable;
    int32_t desired;
    int32_t expected_surge;
    int32_t expected_unavailable;
    bool ok;
  };
  const row rows[] = {
      // 25% of 15 is 3.75: surge rounds up to 4, unavailable down to 3 (kubernetes issue #95498).
      {"15 replicas at 25%/25%", &pct25, &pct25, 15, 4, 3, true},
      {"defaults on 10 replicas", &pct25, &pct25, 10, 3, 2, true},
      {"1 replica: surge 1, unavailable 0", &pct25, &pct25, 1, 1, 0, true},
      {"both round to zero: unavailable forced to 1", &pct0, &pct25, 1, 0, 1, true},
      {"explicit zeros: unavailable forced to 1", &zero, &zero, 5, 0, 1, true},
      {"absent values count as zero", nullptr, nullptr, 5, 0, 1, true},
      {"absolute numbers", &two, &zero, 10, 2, 0, true},
      {"zero replicas", &pct25, &pct25, 0, 0, 1, true},
      {"invalid surge", &bad, &pct25, 10, 0, 0, false},
      {"invalid unavailable", &pct25, &bad, 10, 0, 0, false},
  };
  for (const auto& r : rows) {
    DYNAMIC_SECTION(r.name) {
      const fenceposts f = resolve_fenceposts(r.surge, r.unavailable, r.desired);
      CHECK(f.error.empty() == r.ok);
      CHECK(f.surge == r.expected_surge);
      CHECK(f.unavailable == r.expected_unavailable);
    }
  }
}
