#include "config/label_selector.hpp"

#include <catch2/catch.hpp>

using namespace troupe::config;

namespace {

const std::string name_regex_msg =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const std::string value_regex_msg =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
    "'12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

label_selector parse(const std::string& text) {
  auto r = parse_label_selector(text);
  INFO(text << ": " << r.error);
  REQUIRE(r);
  return *r.value;
}

troupe::meta::LabelSelectorRequirement expr(const std::string& key, const std::string& op,
                                            std::vector<std::string> values) {
  troupe::meta::LabelSelectorRequirement r;
  r.set_key(key);
  r.set_operator_(op);
  for (auto& v : values)
    r.add_values(v);
  return r;
}

} // namespace

TEST_CASE("parse_label_selector: canonical string", "[unit][selector]") {
  struct row {
    const char* input;
    const char* expected;
  };
  const row rows[] = {
      {"", ""},
      {"app=nginx,tier!=fe", "app=nginx,tier!=fe"},
      {"tier!=fe,app=nginx", "app=nginx,tier!=fe"},
      {"env in (prod, qa)", "env in (prod,qa)"},
      {"env in (qa,prod,qa)", "env in (prod,qa)"},
      {"env notin (dev)", "env notin (dev)"},
      {"key", "key"},
      {"!key", "!key"},
      {"a==b", "a==b"},
      {"x>3", "x>3"},
      {"x<3", "x<3"},
      {"  app =  nginx ", "app=nginx"},
      {"a=", "a="},
      {"a!=", "a!="},
      {"a in ()", "a in ()"},
      {"a in (,b)", "a in (,b)"},
      {"a in (b,)", "a in (,b)"},
      {"a=in", "a=in"},
      {"in=x", "in=x"},
      {"example.com/app=x", "example.com/app=x"},
      {"y in (a),!x,b", "b,!x,y in (a)"},
  };
  for (const auto& r : rows) {
    DYNAMIC_SECTION("'" << r.input << "'") {
      const label_selector s = parse(r.input);
      CHECK(s.to_string() == r.expected);
      // The canonical form parses back to itself.
      CHECK(parse(s.to_string()).to_string() == r.expected);
    }
  }
}

TEST_CASE("parse_label_selector: rejected inputs", "[unit][selector]") {
  struct row {
    const char* input;
    std::string error;
  };
  const row rows[] = {
      {"app=nginx,", "found '', expected: identifier after ','"},
      {",app", "found ',', expected: !, identifier, or 'end of string'"},
      {"app=nginx tier=fe", "found 'tier', expected: ',' or 'end of string'"},
      {"!a=b", "found '=', expected: ',' or 'end of string'"},
      {"env in prod", "unable to parse requirement: found 'prod' expected: '('"},
      {"env in (prod", "unable to parse requirement: found '', expected: ',' or ')'"},
      {"env in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier"},
      {"a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"},
      {"a=(b)", "unable to parse requirement: found '(', expected: identifier"},
      {"!", "unable to parse requirement: found '', expected: identifier"},
      {"x>abc",
       "unable to parse requirement: values[0]: Invalid value: \"abc\": for 'Gt', 'Lt' operators, "
       "the value must be an integer"},
      {"-bad=x", "unable to parse requirement: <nil>: Invalid value: \"-bad\": name part " + name_regex_msg},
      {"a=-bad", "unable to parse requirement: values[0][a]: Invalid value: \"-bad\": " + value_regex_msg},
      {"x>-y",
       "unable to parse requirement: [values[0]: Invalid value: \"-y\": for 'Gt', 'Lt' operators, "
       "the value must be an integer, values[0][x]: Invalid value: \"-y\": " + value_regex_msg + "]"},
  };
  for (const auto& r : rows) {
    DYNAMIC_SECTION("'" << r.input << "'") {
      const auto result = parse_label_selector(r.input);
      CHECK_FALSE(result);
      CHECK(result.error == r.error);
    }
  }
}

TEST_CASE("label_selector: matches", "[unit][selector]") {
  const std::map<std::string, std::string> labels{
      {"app", "nginx"}, {"tier", "fe"}, {"env", "prod"}, {"replicas", "5"}};
  google::protobuf::Map<std::string, std::string> proto_labels(labels.begin(), labels.end());
  struct row {
    const char* selector;
    bool expected;
  };
  const row rows[] = {
      {"", true},
      {"app=nginx", true},
      {"app==nginx", true},
      {"app=apache", false},
      {"app!=apache", true},
      {"app!=nginx", false},
      {"missing!=x", true},
      {"missing=", false},
      {"env in (prod,qa)", true},
      {"env in (qa)", false},
      {"env notin (prod)", false},
      {"missing notin (x)", true},
      {"app", true},
      {"missing", false},
      {"!app", false},
      {"!missing", true},
      {"replicas>3", true},
      {"replicas>5", false},
      {"replicas<6", true},
      {"replicas<3", false},
      {"app>3", false},
      {"missing>3", false},
      {"app=nginx,tier=fe", true},
      {"app=nginx,tier=be", false},
  };
  for (const auto& r : rows) {
    DYNAMIC_SECTION("'" << r.selector << "'") {
      const label_selector s = parse(r.selector);
      CHECK(s.matches(labels) == r.expected);
      CHECK(s.matches(proto_labels) == r.expected);
    }
  }
}

TEST_CASE("label_selector: everything, nothing, sets, exact match", "[unit][selector]") {
  const std::map<std::string, std::string> none;
  CHECK(label_selector::everything().empty());
  CHECK(label_selector::everything().matches(none));
  CHECK_FALSE(label_selector::nothing().empty());
  CHECK(label_selector::nothing().matches_nothing());
  CHECK_FALSE(label_selector::nothing().matches(none));
  CHECK(label_selector::nothing().to_string().empty());

  const auto set = label_selector::from_set({{"tier", "fe"}, {"app", "web"}});
  CHECK(set.to_string() == "app=web,tier=fe");
  CHECK(set.matches(std::map<std::string, std::string>{{"app", "web"}, {"tier", "fe"}, {"x", "y"}}));
  CHECK_FALSE(set.matches(std::map<std::string, std::string>{{"app", "web"}}));

  CHECK(parse("app=web,tier in (fe)").requires_exact_match("tier") == std::optional<std::string>("fe"));
  CHECK(parse("app=web").requires_exact_match("app") == std::optional<std::string>("web"));
  CHECK_FALSE(parse("tier in (fe,be)").requires_exact_match("tier").has_value());
  CHECK_FALSE(parse("app!=web").requires_exact_match("app").has_value());
  CHECK_FALSE(parse("app=web").requires_exact_match("tier").has_value());
}

TEST_CASE("label_selector_from_proto", "[unit][selector]") {
  const std::map<std::string, std::string> web{{"app", "web"}, {"tier", "fe"}};

  SECTION("a null selector selects nothing") {
    const auto r = label_selector_from_proto(nullptr);
    REQUIRE(r);
    CHECK(r.value->matches_nothing());
    CHECK_FALSE(r.value->matches(web));
  }
  SECTION("an empty selector selects everything") {
    troupe::meta::LabelSelector ps;
    const auto r = label_selector_from_proto(&ps);
    REQUIRE(r);
    CHECK(r.value->empty());
    CHECK(r.value->matches(web));
  }
  SECTION("labels and expressions") {
    troupe::meta::LabelSelector ps;
    (*ps.mutable_matchlabels())["app"] = "web";
    *ps.add_matchexpressions() = expr("tier", "In", {"fe", "be"});
    *ps.add_matchexpressions() = expr("canary", "DoesNotExist", {});
    *ps.add_matchexpressions() = expr("env", "NotIn", {"dev"});
    *ps.add_matchexpressions() = expr("app", "Exists", {});
    const auto r = label_selector_from_proto(&ps);
    REQUIRE(r);
    CHECK(r.value->to_string() == "app=web,app,!canary,env notin (dev),tier in (be,fe)");
    CHECK(r.value->matches(web));
    CHECK_FALSE(r.value->matches(std::map<std::string, std::string>{{"app", "web"}, {"tier", "x"}}));
    CHECK_FALSE(r.value->matches(
        std::map<std::string, std::string>{{"app", "web"}, {"tier", "fe"}, {"canary", "1"}}));
  }

  struct row {
    const char* name;
    troupe::meta::LabelSelectorRequirement requirement;
    std::vector<std::string> errors;
  };
  const std::string at = "spec.selector.matchExpressions[0].";
  const row rows[] = {
      {"In needs values", expr("tier", "In", {}),
       {at + "values: Required value: must be specified when `operator` is 'In' or 'NotIn'"}},
      {"NotIn needs values", expr("tier", "NotIn", {}),
       {at + "values: Required value: must be specified when `operator` is 'In' or 'NotIn'"}},
      {"Exists takes no values", expr("tier", "Exists", {"x"}),
       {at + "values: Forbidden: may not be specified when `operator` is 'Exists' or "
             "'DoesNotExist'"}},
      {"unknown operator", expr("tier", "Equals", {"x"}),
       {at + "operator: Invalid value: \"Equals\": not a valid selector operator"}},
      {"bad key", expr("-tier", "Exists", {}),
       {at + "key: Invalid value: \"-tier\": name part " + name_regex_msg}},
      {"bad value", expr("tier", "In", {"ok", "not ok"}),
       {at + "values[1]: Invalid value: \"not ok\": " + value_regex_msg}},
  };
  for (const auto& r : rows) {
    DYNAMIC_SECTION(r.name) {
      troupe::meta::LabelSelector ps;
      *ps.add_matchexpressions() = r.requirement;
      const auto result = label_selector_from_proto(&ps, field_path("spec").child("selector"));
      CHECK_FALSE(result);
      std::vector<std::string> got;
      for (const auto& e : result.errors)
        got.push_back(e.to_string());
      CHECK(got == r.errors);
    }
  }

  SECTION("bad matchLabels are reported at matchLabels") {
    troupe::meta::LabelSelector ps;
    (*ps.mutable_matchlabels())["app"] = "-web";
    const auto result = label_selector_from_proto(&ps, field_path("spec").child("selector"));
    REQUIRE(result.errors.size() == 1);
    CHECK(result.errors[0].to_string() ==
          "spec.selector.matchLabels: Invalid value: \"-web\": " + value_regex_msg);
  }
}
