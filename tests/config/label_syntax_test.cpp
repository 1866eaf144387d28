#include "config/label_syntax.hpp"

#include <catch2/catch.hpp>

using namespace troupe::config;

namespace {

// Upstream's texts (apimachinery api/validate/content), the double space before "or" included.
const std::string name_regex_msg =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const std::string value_regex_msg =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
    "'12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const std::string subdomain_msg =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
    "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

} // namespace

TEST_CASE("label_key_problems", "[unit][selector]") {
  struct row {
    std::string key;
    std::vector<std::string> expected;
  };
  const row rows[] = {
      {"app", {}},
      {"example.com/app", {}},
      {"a.b-c_D9", {}},
      {"k8s.io/a", {}},
      {std::string(63, 'a'), {}},
      {std::string(64, 'a'), {"name part must be no more than 63 bytes"}},
      {"", {"name part must be non-empty", "name part " + name_regex_msg}},
      {"app-", {"name part " + name_regex_msg}},
      {"-app", {"name part " + name_regex_msg}},
      {"a b", {"name part " + name_regex_msg}},
      {"/app", {"prefix part must be non-empty"}},
      {"example.com/", {"name part must be non-empty", "name part " + name_regex_msg}},
      {"Example.com/app", {"prefix part " + subdomain_msg}},
      {"a..b/app", {"prefix part " + subdomain_msg}},
      {std::string(254, 'a') + "/x",
       {"prefix part must be no more than 253 bytes"}},
      {"a/b/c",
       {"a valid label key " + name_regex_msg +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"}},
  };
  for (const auto& r : rows) {
    DYNAMIC_SECTION("'" << r.key << "'") { CHECK(label_key_problems(r.key) == r.expected); }
  }
}

TEST_CASE("label_value_problems", "[unit][selector]") {
  struct row {
    std::string value;
    std::vector<std::string> expected;
  };
  const row rows[] = {
      {"", {}},
      {"v1.2_x-y", {}},
      {std::string(63, 'z'), {}},
      {std::string(64, 'z'), {"must be no more than 63 bytes"}},
      {"-x", {value_regex_msg}},
      {"a b", {value_regex_msg}},
      {"a/b", {value_regex_msg}},
      {std::string(64, '-'), {"must be no more than 63 bytes", value_regex_msg}},
  };
  for (const auto& r : rows) {
    DYNAMIC_SECTION("'" << r.value << "'") { CHECK(label_value_problems(r.value) == r.expected); }
  }
}

TEST_CASE("validate_label_key/value/labels give field errors", "[unit][selector]") {
  const field_path path = field_path("metadata").child("labels");
  const auto key_errs = validate_label_key("", path);
  REQUIRE(key_errs.size() == 2);
  CHECK(key_errs[0].to_string() == "metadata.labels: Invalid value: \"\": name part must be non-empty");

  const auto value_errs = validate_label_value("-x", path);
  REQUIRE(value_errs.size() == 1);
  CHECK(value_errs[0].to_string() == "metadata.labels: Invalid value: \"-x\": " + value_regex_msg);

  google::protobuf::Map<std::string, std::string> labels;
  labels["app"] = "nginx";
  CHECK(validate_labels(labels, path).empty());
  labels["bad key"] = "ok";
  labels["tier"] = "bad value";
  const auto errs = validate_labels(labels, path);
  REQUIRE(errs.size() == 2);
  CHECK(errs[0].to_string() == "metadata.labels: Invalid value: \"bad key\": name part " + name_regex_msg);
  CHECK(errs[1].to_string() == "metadata.labels: Invalid value: \"bad value\": " + value_regex_msg);

  const auto joined = label_key_error("", field_path("key"));
  REQUIRE(joined.has_value());
  CHECK(joined->to_string() ==
        "key: Invalid value: \"\": name part must be non-empty; name part " + name_regex_msg);
  CHECK_FALSE(label_value_error("fine", field_path("v")).has_value());
}
