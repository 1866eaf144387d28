#pragma once
// Runs admission (defaults, schema checks, validation) on a factory object after one mutation and
// compares the exact messages, full field paths included.

#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <vector>

#include "config/admission.hpp"
#include "config/kinds.hpp"

namespace troupe::testing {

template <class T>
struct validation_case {
  const char* name;
  std::function<void(T&)> mutate;
  std::vector<std::string> expected;  // every error's text, in order; empty: valid
};

inline std::vector<std::string> admission_errors(const char* api_version, const char* kind,
                                                 google::protobuf::Message& obj) {
  const auto* k = config::find_kind(api_version, kind);
  REQUIRE(k != nullptr);
  std::vector<std::string> out;
  for (const auto& e : config::admit(*k, obj).errors) out.push_back(e.to_string());
  return out;
}

template <class T>
void run_validation_cases(const char* api_version, const char* kind, T (*make)(),
                          const std::vector<validation_case<T>>& cases) {
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      T obj = make();
      c.mutate(obj);
      CHECK(admission_errors(api_version, kind, obj) == c.expected);
    }
  }
}

} // namespace troupe::testing
