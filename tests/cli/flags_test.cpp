// pflag-style parsing: forms kubectl accepts and the errors it prints.
#include <catch2/catch.hpp>

#include "cli/flags.hpp"

using namespace troupe::cli;

namespace {

const std::vector<flag_spec> specs = {{"namespace", 'n'}, {"filename", 'f'}, {"all-namespaces", 'A', false},
                                      {"watch", 'w', false}, {"validate", 0, true, "strict", "strict"}};

} // namespace

TEST_CASE("flags: value and boolean forms", "[unit][cli]") {
  struct tc {
    const char* name;
    std::vector<std::string> args;
    std::string flag, value;
  };
  std::vector<tc> cases = {
    {"--flag=value", {"--namespace=x"}, "namespace", "x"},
    {"--flag value", {"--namespace", "x"}, "namespace", "x"},
    {"-n x", {"-n", "x"}, "namespace", "x"},
    {"-nx", {"-nx"}, "namespace", "x"},
    {"-n=x", {"-n=x"}, "namespace", "x"},
    {"-f - (stdin)", {"-f", "-"}, "filename", "-"},
    {"boolean", {"-A"}, "all-namespaces", "true"},
    {"boolean =false", {"--all-namespaces=false"}, "all-namespaces", "false"},
    {"grouped booleans", {"-Aw"}, "watch", "true"},
    {"optional value left out", {"--validate"}, "validate", "strict"},
    {"optional value given", {"--validate=false"}, "validate", "false"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto p = parse_flags(c.args, specs);
    REQUIRE(p.ok());
    CHECK(p.get(c.flag) == c.value);
  }
}

TEST_CASE("flags: repeated flags, positionals and --", "[unit][cli]") {
  auto p = parse_flags({"get", "-f", "a.yaml", "pods", "--filename=b.yaml", "--", "sh", "-c", "x"}, specs);
  REQUIRE(p.ok());
  CHECK(p.all("filename") == std::vector<std::string>{"a.yaml", "b.yaml"});
  CHECK(p.positional == std::vector<std::string>{"get", "pods"});
  CHECK(p.after_dash == std::vector<std::string>{"sh", "-c", "x"});
  CHECK_FALSE(p.is_set("watch"));
}

TEST_CASE("flags: errors are pflag's wording", "[unit][cli]") {
  struct tc {
    std::vector<std::string> args;
    std::string error;
  };
  std::vector<tc> cases = {
    {{"--foo"}, "unknown flag: --foo"},
    {{"--foo=1"}, "unknown flag: --foo"},
    {{"-x"}, "unknown shorthand flag: 'x' in -x"},
    {{"--namespace"}, "flag needs an argument: --namespace"},
    {{"-n"}, "flag needs an argument: 'n' in -n"},
    {{"--watch=maybe"}, "invalid argument \"maybe\" for \"--watch\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax"},
  };
  for (const auto& c : cases) {
    INFO(c.error);
    CHECK(parse_flags(c.args, specs).error == c.error);
  }
}

TEST_CASE("flags: help is always known", "[unit][cli]") {
  CHECK(parse_flags({"-h"}, specs).is_set("help"));
  CHECK(parse_flags({"--help"}, specs).is_set("help"));
}
