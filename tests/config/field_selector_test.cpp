#include "config/field_selector.hpp"

#include "proto/core_v1.pb.h"
#include "proto/meta.pb.h"

#include <catch2/catch.hpp>

#include <map>

using namespace troupe::config;

namespace {

field_selector parse(const std::string& text) {
  auto r = parse_field_selector(text);
  INFO(text << ": " << r.error);
  REQUIRE(r);
  return *r.value;
}

field_getter from_map(const std::map<std::string, std::string>& fields) {
  return [fields](std::string_view f) -> std::optional<std::string> {
    const auto it = fields.find(std::string(f));
    return it == fields.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

} // namespace

TEST_CASE("parse_field_selector: canonical string and terms", "[unit][selector]") {
  struct row {
    const char* input;
    const char* expected;
    size_t terms;
  };
  const row rows[] = {
      {"", "", 0},
      {"metadata.name=x,status.phase!=Running", "metadata.name=x,status.phase!=Running", 2},
      {"status.phase!=Running,metadata.name=x", "metadata.name=x,status.phase!=Running", 2},
      {"b=1,a!=2", "a!=2,b=1", 2},
      {"a==b", "a=b", 1},
      {"a=", "a=", 1},
      {"=", "", 0},  // a term with neither field nor value is dropped
      {"a=b,,c=d", "a=b,c=d", 2},
      {"a=b\\,c", "a=b\\,c", 1},
      {"a=b\\=c\\\\d", "a=b\\=c\\\\d", 1},
      {"a=!b", "a=!b", 1},
  };
  for (const auto& r : rows) {
    DYNAMIC_SECTION("'" << r.input << "'") {
      const field_selector s = parse(r.input);
      CHECK(s.to_string() == r.expected);
      CHECK(s.requirements().size() == r.terms);
      CHECK(s.empty() == (r.terms == 0));
    }
  }

  const field_selector s = parse("a=b\\,c,d!=e\\=f\\\\");
  REQUIRE(s.requirements().size() == 2);
  CHECK(s.requirements()[0].field == "a");
  CHECK(s.requirements()[0].op == field_op::equals);
  CHECK(s.requirements()[0].value == "b,c");
  CHECK(s.requirements()[1].field == "d");
  CHECK(s.requirements()[1].op == field_op::not_equals);
  CHECK(s.requirements()[1].value == "e=f\\");
  CHECK(escape_field_value("a,b=c\\") == "a\\,b\\=c\\\\");
}

TEST_CASE("parse_field_selector: rejected inputs", "[unit][selector]") {
  struct row {
    const char* input;
    const char* error;
  };
  const row rows[] = {
      {"a", "invalid selector: 'a'; can't understand 'a'"},
      {"x=1,y", "invalid selector: 'x=1,y'; can't understand 'y'"},
      {"a=b=c", "invalid field selector: unescaped character in value: 61"},
      {"a=b\\x", "invalid field selector: invalid escape sequence: \\x"},
      {"a=b\\", "invalid field selector: invalid escape sequence: \\"},
      {"a=\\\xC3\xA9", "invalid field selector: invalid escape sequence: \\\xC3\xA9"},
  };
  for (const auto& r : rows) {
    DYNAMIC_SECTION("'" << r.input << "'") {
      const auto result = parse_field_selector(r.input);
      CHECK_FALSE(result);
      CHECK(result.error == r.error);
    }
  }
}

TEST_CASE("field_selector: matches", "[unit][selector]") {
  const auto get = from_map({{"metadata.name", "web-0"}, {"status.phase", "Running"},
                             {"spec.nodeName", ""}});
  struct row {
    const char* selector;
    bool expected;
  };
  const row rows[] = {
      {"", true},
      {"metadata.name=web-0", true},
      {"metadata.name==web-0", true},
      {"metadata.name=web-1", false},
      {"metadata.name!=web-1", true},
      {"status.phase!=Running", false},
      {"metadata.name=web-0,status.phase=Running", true},
      {"metadata.name=web-0,status.phase=Pending", false},
      {"spec.nodeName=", true},
      {"missing=", true},  // an unknown field reads as ""
      {"missing!=x", true},
      {"missing=x", false},
  };
  for (const auto& r : rows) {
    DYNAMIC_SECTION("'" << r.selector << "'") { CHECK(parse(r.selector).matches(get) == r.expected); }
  }
  CHECK_FALSE(field_selector::nothing().matches(get));
  CHECK(field_selector::nothing().to_string().empty());
  CHECK(parse("a=1,metadata.name=x").requires_exact_match("metadata.name") ==
        std::optional<std::string>("x"));
  CHECK_FALSE(parse("metadata.name!=x").requires_exact_match("metadata.name").has_value());
}

TEST_CASE("message_field_value reads dotted paths by reflection", "[unit][selector]") {
  troupe::meta::ObjectMeta meta;
  meta.set_name("web-0");
  meta.set_namespace_("prod");
  meta.mutable_creationtimestamp()->set_seconds(42);
  (*meta.mutable_labels())["app"] = "web";
  troupe::meta::Status status;
  status.set_code(404);
  status.mutable_details()->set_name("gone");

  struct row {
    const google::protobuf::Message* object;
    const char* path;
    std::optional<std::string> expected;
  };
  const row rows[] = {
      {&meta, "name", "web-0"},
      {&meta, "namespace", "prod"},
      {&meta, "uid", ""},                          // unset string
      {&meta, "generation", "0"},                  // unset integer
      {&meta, "creationTimestamp.seconds", "42"},
      {&meta, "deletionTimestamp.seconds", "0"},   // through an unset message
      {&meta, "creationTimestamp", std::nullopt},  // ends in a message
      {&meta, "labels", std::nullopt},             // a map
      {&meta, "finalizers", std::nullopt},         // repeated
      {&meta, "nope", std::nullopt},
      {&meta, "name.length", std::nullopt},
      {&meta, "", std::nullopt},
      {&status, "code", "404"},
      {&status, "details.name", "gone"},
      {&status, "metadata.continue", ""},
  };
  for (const auto& r : rows) {
    DYNAMIC_SECTION(r.object->GetDescriptor()->name() << " " << r.path) {
      CHECK(message_field_value(*r.object, r.path) == r.expected);
    }
  }
}

TEST_CASE("selectable_fields over core/v1 objects", "[unit][selector]") {
  troupe::core::v1::Pod pod;
  pod.mutable_metadata()->set_name("web-0");
  pod.mutable_spec()->set_nodename("node-a");
  pod.mutable_status()->set_phase("Running");
  const auto pod_fields = selectable_fields("Pod", pod);
  CHECK(parse("spec.nodeName=node-a,metadata.name=web-0").matches(pod_fields));
  CHECK_FALSE(parse("spec.nodeName=node-b").matches(pod_fields));
  CHECK(parse("status.phase!=Pending").matches(pod_fields));

  troupe::core::v1::Node node;
  CHECK(parse("spec.unschedulable=false").matches(selectable_fields("Node", node)));
  node.mutable_spec()->set_unschedulable(true);
  CHECK(parse("spec.unschedulable=true").matches(selectable_fields("Node", node)));

  troupe::core::v1::Event event;
  event.mutable_involvedobject()->set_uid("u-1");
  event.set_reportingcomponent("kubelet");
  const auto event_fields = selectable_fields("Event", event);
  CHECK(parse("involvedObject.uid=u-1").matches(event_fields));
  // "source" is source.component, falling back to reportingComponent.
  CHECK(parse("source=kubelet").matches(event_fields));
  event.mutable_source()->set_component("scheduler");
  CHECK(parse("source=scheduler").matches(event_fields));
}

TEST_CASE("validate_field_selector", "[unit][selector]") {
  struct row {
    const char* kind;
    const char* selector;
    std::optional<std::string> error;
  };
  const row rows[] = {
      {"Pod", "spec.nodeName=a,status.phase!=Running", std::nullopt},
      {"Pod", "metadata.name=a,metadata.namespace=b", std::nullopt},
      {"Pod", "spec.foo=a", "field label not supported: spec.foo"},
      {"Pod", "b.x=1,a.x=2", "field label not supported: a.x"},  // first in sorted order
      {"Deployment", "metadata.name=web", std::nullopt},
      {"Deployment", "status.replicas=1", "field label not supported: status.replicas"},
      {"ReplicaSet", "status.replicas=1", std::nullopt},
      {"Event", "involvedObject.uid=u,involvedObject.name=n,source=s,type=Normal", std::nullopt},
      {"Event", "message=x", "field label not supported: message"},
      {"Node", "spec.unschedulable=true", std::nullopt},
      {"Namespace", "status.phase=Active", std::nullopt},
      {"Secret", "type=Opaque", std::nullopt},
      {"Job", "status.successful=1", std::nullopt},
      {"Job", "status.failed=1", "field label not supported: status.failed"},
      {"Service", "", std::nullopt},
  };
  for (const auto& r : rows) {
    DYNAMIC_SECTION(r.kind << " " << r.selector) {
      CHECK(validate_field_selector(r.kind, parse(r.selector)) == r.error);
    }
  }
}
