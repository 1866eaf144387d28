// spec_changed_bytes (the wire-level spec test the store's update plan uses) agrees with the
// reflective spec_changed on a table of edits, and refuses bytes that are not wire format.
#include "store/object_meta.hpp"

#include <catch2/catch.hpp>

#include <functional>

#include "config/object_codec.hpp"
#include "proto/apps_v1.pb.h"
#include "proto/core_v1.pb.h"

namespace v1 = troupe::core::v1;
using troupe::store::spec_changed;
using troupe::store::spec_changed_bytes;

namespace {

v1::Pod base_pod() {
  v1::Pod p;
  p.mutable_metadata()->set_name("web");
  p.mutable_metadata()->set_namespace_("default");
  (*p.mutable_metadata()->mutable_labels())["app"] = "web";
  auto* c = p.mutable_spec()->add_containers();
  c->set_name("main");
  c->set_image("busybox");
  (*p.mutable_spec()->mutable_nodeselector())["disk"] = "ssd";
  p.mutable_status()->set_phase("Pending");
  return p;
}

} // namespace

TEST_CASE("spec_changed_bytes: agrees with spec_changed, metadata and status never count", "[store]") {
  struct row {
    const char* name;
    std::function<void(v1::Pod&)> edit;
    bool changed;
  } rows[] = {
    {"nothing", [](v1::Pod&) {}, false},
    {"a label", [](v1::Pod& p) { (*p.mutable_metadata()->mutable_labels())["tier"] = "x"; }, false},
    {"resourceVersion", [](v1::Pod& p) { p.mutable_metadata()->set_resourceversion("7"); }, false},
    {"status phase", [](v1::Pod& p) { p.mutable_status()->set_phase("Running"); }, false},
    {"status cleared", [](v1::Pod& p) { p.clear_status(); }, false},
    {"nodeName", [](v1::Pod& p) { p.mutable_spec()->set_nodename("node2"); }, true},
    {"an image", [](v1::Pod& p) { p.mutable_spec()->mutable_containers(0)->set_image("nginx"); }, true},
    {"a second container", [](v1::Pod& p) { p.mutable_spec()->add_containers()->set_name("side"); }, true},
    {"a selector entry", [](v1::Pod& p) { (*p.mutable_spec()->mutable_nodeselector())["zone"] = "a"; }, true},
    {"spec cleared", [](v1::Pod& p) { p.clear_spec(); }, true},
  };
  const auto before = base_pod();
  const auto before_bytes = troupe::config::serialize_deterministic(before);
  for (const auto& r : rows) {
    INFO(r.name);
    auto after = base_pod();
    r.edit(after);
    const auto after_bytes = troupe::config::serialize_deterministic(after);
    auto got = spec_changed_bytes(v1::Pod::descriptor(), before_bytes, after_bytes);
    REQUIRE(got.has_value());
    CHECK(*got == r.changed);
    CHECK(spec_changed(before, after) == r.changed);
  }
}

TEST_CASE("spec_changed_bytes: other top-level fields count, like a Deployment's spec", "[store]") {
  troupe::apps::v1::Deployment a;
  a.mutable_metadata()->set_name("d");
  a.mutable_spec()->set_replicas(2);
  auto b = a;
  b.mutable_status()->set_replicas(2);
  auto bytes = [](const auto& m) { return troupe::config::serialize_deterministic(m); };
  CHECK(spec_changed_bytes(a.GetDescriptor(), bytes(a), bytes(b)) == std::optional<bool>(false));
  b.mutable_spec()->set_replicas(3);
  CHECK(spec_changed_bytes(a.GetDescriptor(), bytes(a), bytes(b)) == std::optional<bool>(true));
}

TEST_CASE("spec_changed_bytes: bytes that are not protobuf wire format give no answer", "[store]") {
  const auto good = troupe::config::serialize_deterministic(base_pod());
  CHECK_FALSE(spec_changed_bytes(v1::Pod::descriptor(), good, std::string("\x12\x7f", 2)).has_value());
  CHECK_FALSE(spec_changed_bytes(v1::Pod::descriptor(), std::string("\x0b", 1), good).has_value());
  CHECK_FALSE(spec_changed_bytes(v1::Pod::descriptor(), std::string("\x10\xff", 2), good).has_value());
}
