#include "config/quantity.hpp"

#include <catch2/catch.hpp>

#include <climits>

using troupe::config::add;
using troupe::config::parse_quantity;
using troupe::config::parse_quantity_or_error;
using troupe::config::quantity;
using troupe::config::quantity_format;
using troupe::config::subtract;

namespace {

quantity q(const char* text) {
  auto r = parse_quantity_or_error(text);
  INFO(text << ": " << r.error);
  REQUIRE(r);
  return *r.value;
}

const char* name_of(quantity_format f) {
  switch (f) {
    case quantity_format::decimal_si: return "DecimalSI";
    case quantity_format::binary_si: return "BinarySI";
    case quantity_format::decimal_exponent: return "DecimalExponent";
  }
  return "?";
}

} // namespace

TEST_CASE("parse_quantity: canonical text, format and value", "[unit][quantity]") {
  using f = quantity_format;
  struct row {
    const char* input;
    const char* text;
    f format;
    int64_t milli;
  };
  const row rows[] = {
      {"200m", "200m", f::decimal_si, 200},
      {"64Mi", "64Mi", f::binary_si, 64LL * 1024 * 1024 * 1000},
      {"1Gi", "1Gi", f::binary_si, 1024LL * 1024 * 1024 * 1000},
      {"2Ki", "2Ki", f::binary_si, 2048000},
      {"1e3", "1e3", f::decimal_exponent, 1000000},
      {"1E3", "1E3", f::decimal_exponent, 1000000},  // upstream echoes its input here
      {"1e-3", "1e-3", f::decimal_exponent, 1},
      {"12e1", "120", f::decimal_exponent, 120000},
      {"1.5e3", "1500", f::decimal_exponent, 1500000},
      {"1.5", "1500m", f::decimal_si, 1500},
      {"0.1", "100m", f::decimal_si, 100},
      {"0.5", "500m", f::decimal_si, 500},
      {"-2", "-2", f::decimal_si, -2000},
      {"+3", "+3", f::decimal_si, 3000},     // upstream echoes its input here
      {"03", "03", f::decimal_si, 3000},     // and here
      {"100k", "100k", f::decimal_si, 100000000},
      {"1000", "1k", f::decimal_si, 1000000},
      {"1024", "1024", f::decimal_si, 1024000},
      {"1000m", "1", f::decimal_si, 1000},
      {"1024Mi", "1Gi", f::binary_si, 1024LL * 1024 * 1024 * 1000},
      {"1.5Gi", "1536Mi", f::binary_si, 1536LL * 1024 * 1024 * 1000},
      {"0.5Mi", "512Ki", f::binary_si, 512LL * 1024 * 1000},
      {"0.5Ki", "512", f::binary_si, 512000},          // below 1024: printed as DecimalSI
      {"1.1Ki", "1126400m", f::binary_si, 1126400},    // not whole: printed as DecimalSI
      {"1Ki", "1Ki", f::binary_si, 1024000},
      {"-1Ki", "-1Ki", f::binary_si, -1024000},
      {"1.G", "1.G", f::decimal_si, 1000000000000LL},  // echoed, as upstream
      {"1n", "1n", f::decimal_si, 1},                  // milli rounds up
      {"1u", "1u", f::decimal_si, 1},
      {"-1n", "-1n", f::decimal_si, -1},               // away from zero
      {"0.1n", "1n", f::decimal_si, 1},                // below 1n rounds up to 1n
      {"-0.1n", "-1n", f::decimal_si, -1},
      {"1.0000000001", "1000000001n", f::decimal_si, 1001},
      {"1e-20", "1e-9", f::decimal_exponent, 1},
      {"0", "0", f::decimal_si, 0},
      {"0.0", "0", f::decimal_si, 0},
      {"-0", "0", f::decimal_si, 0},
      {"0Ki", "0", f::binary_si, 0},
      {".", "0", f::decimal_si, 0},                    // upstream reads a missing number as 0
      {"m", "0", f::decimal_si, 0},
      {"100E", "100E", f::decimal_si, INT64_MAX},      // milli value saturates
      {"1000E", "1e21", f::decimal_si, INT64_MAX},     // upstream would print "1" here
  };
  for (const auto& r : rows) {
    DYNAMIC_SECTION(r.input) {
      const quantity v = q(r.input);
      CHECK(v.to_string() == r.text);
      CHECK(std::string(name_of(v.format())) == name_of(r.format));
      CHECK(v.milli_value() == r.milli);
    }
  }
}

TEST_CASE("parse_quantity: large binary values", "[unit][quantity]") {
  const quantity five_ei = q("5Ei");
  CHECK(five_ei.value() == 5LL << 60);
  CHECK(five_ei.to_string() == "5Ei");
  // Beyond 2^63-1 a BinarySI value is capped (upstream's maxAllowed).
  const quantity capped = q("16Ei");
  CHECK(capped.value() == INT64_MAX);
  CHECK(capped.to_string() == "9223372036854775807");
  CHECK(q("1e30").value() == INT64_MAX);
  CHECK(q("-1e30").value() == INT64_MIN);
}

TEST_CASE("parse_quantity: rejected inputs", "[unit][quantity]") {
  const std::string format =
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
  const std::string suffix = "unable to parse quantity's suffix";
  const std::string numeric = "unable to parse numeric part of quantity";
  struct row {
    const char* input;
    std::string error;
  };
  const row rows[] = {
      {"", format},         {"abc", format},      {"1.2.3", format},       {"1 Gi", format},
      {"1Qi", format},      {"1e3.5", format},    {" 1", format},          {"1e3m", format},
      {"1Kii", suffix},     {"1e", suffix},       {"1mm", suffix},         {"Gi1", suffix},
      {"--1", suffix},      {"1e+", suffix},      {"1e99999999999", suffix},
      {"1234567890123456789012345678901234567890", numeric},  // more than 38 digits
  };
  for (const auto& r : rows) {
    DYNAMIC_SECTION("'" << r.input << "'") {
      const auto result = parse_quantity_or_error(r.input);
      CHECK_FALSE(result);
      CHECK(result.error == r.error);
      CHECK_FALSE(parse_quantity(r.input).has_value());
    }
  }
}

TEST_CASE("quantity: compare", "[unit][quantity]") {
  struct row {
    const char* a;
    const char* b;
    int expected;
  };
  const row rows[] = {
      {"1Ki", "1024", 0},  {"1", "1000m", 0},  {"999m", "1", -1},  {"-1", "1n", -1},
      {"1E", "1Ei", -1},   {"5Ei", "1e18", 1}, {"0", "-0", 0},     {"-2", "-1", -1},
      {"1e100", "1e99", 1}, {"1n", "0", 1},    {"1.5Gi", "1536Mi", 0},
  };
  for (const auto& r : rows) {
    DYNAMIC_SECTION(r.a << " vs " << r.b) {
      CHECK(q(r.a).compare(q(r.b)) == r.expected);
      CHECK(q(r.b).compare(q(r.a)) == -r.expected);
    }
  }
}

TEST_CASE("quantity: add and subtract", "[unit][quantity]") {
  struct row {
    const char* a;
    char op;
    const char* b;
    const char* expected;  // nullptr: out of range
  };
  const row rows[] = {
      {"1", '+', "500m", "1500m"},      {"0", '+', "1Ki", "1Ki"},
      {"1Gi", '-', "512Mi", "512Mi"},   {"100m", '-', "200m", "-100m"},
      {"1Ki", '+', "1Ki", "2Ki"},       {"1e3", '+', "1", "1001"},
      {"1", '-', "1", "0"},             {"1e100", '+', "1n", nullptr},
  };
  for (const auto& r : rows) {
    DYNAMIC_SECTION(r.a << ' ' << r.op << ' ' << r.b) {
      const auto result = r.op == '+' ? add(q(r.a), q(r.b)) : subtract(q(r.a), q(r.b));
      if (r.expected == nullptr) {
        CHECK_FALSE(result.has_value());
      } else {
        REQUIRE(result.has_value());
        CHECK(result->to_string() == r.expected);
      }
    }
  }
}

TEST_CASE("quantity: scaled values round up away from zero", "[unit][quantity]") {
  CHECK(q("1500m").value() == 2);
  CHECK(q("-1500m").value() == -2);
  CHECK(q("250m").milli_value() == 250);
  CHECK(q("1.5").scaled_value(-6) == 1500000);
  CHECK(q("1Mi").scaled_value(3) == 1049);
  CHECK(q("0").value() == 0);
  CHECK(q("1").is_zero() == false);
  CHECK(q("0m").is_zero());
}

TEST_CASE("quantity: constructors", "[unit][quantity]") {
  CHECK(quantity::from_milli(1500).to_string() == "1500m");
  CHECK(quantity::from_int(1024, quantity_format::binary_si).to_string() == "1Ki");
  CHECK(quantity::from_int(3).to_string() == "3");
  CHECK(quantity::from_scaled(5, 6).to_string() == "5M");
  CHECK(quantity::from_scaled(1, -12).to_string() == "1n");  // finer than 1n rounds up
  CHECK(quantity().to_string() == "0");
  CHECK(quantity::from_milli(-250).negated().to_string() == "250m");
}
