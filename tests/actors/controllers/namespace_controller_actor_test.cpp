// The namespace controller against a store actor on a memory store: a deleted namespace is
// emptied and removed; content that waits (a pod on a node) keeps it Terminating with conditions.
#include "actors/controllers/namespace_controller_actor.hpp"

#include <catch2/catch.hpp>

#include "tests/actors/controllers/controller_fixture.hpp"

using namespace troupe;
using namespace troupe::testing;
using namespace std::chrono_literals;

namespace {

struct ns_fixture : controller_fixture {
  void start_controller() {
    controllers::namespace_controller_options o;
    o.store = store;
    o.clock = [this] { return now; };
    o.recheck = 50ms;
    actors.push_back(controllers::spawn_namespace_controller(sys, o));
  }
  // What DELETE /api/v1/namespaces/<name> does: mark with a grace period.
  void delete_namespace(const std::string& name) {
    store::delete_options d;
    d.grace_period_seconds = 1;
    REQUIRE(db->remove(kind("v1", "Namespace"), "", name, d, now).ok());
  }
  std::string condition(const std::string& ns, const std::string& type) {
    auto r = db->get(kind("v1", "Namespace"), "", ns);
    if (!r.ok())
      return "";
    const auto& n = static_cast<const core::v1::Namespace&>(*r->object);
    for (const auto& c : n.status().conditions())
      if (c.type() == type)
        return c.status() + " " + c.message();
    return "";
  }
};

} // namespace

TEST_CASE("namespace controller: deleting a namespace deletes its contents, then the namespace", "[controllers]") {
  ns_fixture f;
  f.create("v1", "Namespace", named_namespace("demo"));
  f.create("v1", "Namespace", named_namespace("keep"));
  f.create("v1", "Pod", named_pod("demo", "a"));
  f.create("v1", "Pod", named_pod("demo", "b"));
  f.create("v1", "Pod", named_pod("keep", "a"));
  auto d = make_deployment();
  d.mutable_metadata()->set_namespace_("demo");
  f.create("apps/v1", "Deployment", d);
  auto cm = make_config_map();
  cm.mutable_metadata()->set_namespace_("demo");
  f.create("v1", "ConfigMap", cm);
  f.start_controller();

  // Not being deleted: nothing happens.
  std::this_thread::sleep_for(100ms);
  CHECK(f.count("v1", "Pod", "demo") == 2);

  f.delete_namespace("demo");
  CHECK(f.eventually([&] { return !f.exists("v1", "Namespace", "", "demo"); }));
  CHECK(f.count("v1", "Pod", "demo") == 0);
  CHECK(f.count("apps/v1", "Deployment", "demo") == 0);
  CHECK(f.count("v1", "ConfigMap", "demo") == 0);
  // Another namespace is untouched.
  CHECK(f.exists("v1", "Namespace", "", "keep"));
  CHECK(f.exists("v1", "Pod", "keep", "a"));
}

TEST_CASE("namespace controller: a pod on a node keeps the namespace Terminating until it is gone", "[controllers]") {
  ns_fixture f;
  f.create("v1", "Namespace", named_namespace("demo"));
  f.create("v1", "Pod", named_pod("demo", "bound", "node1"));
  f.create("v1", "Pod", named_pod("demo", "free"));
  // Deleted before the controller starts: it finds the namespace in its first list.
  f.delete_namespace("demo");
  f.start_controller();

  CHECK(f.eventually([&] { return !f.exists("v1", "Pod", "demo", "free"); }));
  CHECK(f.eventually([&] {
    return f.condition("demo", "NamespaceContentRemaining") ==
           "True Some resources are remaining: pods. has 1 resource instances";
  }));
  auto ns = f.db->get(f.kind("v1", "Namespace"), "", "demo");
  REQUIRE(ns.ok());
  CHECK(static_cast<const core::v1::Namespace&>(*ns->object).status().phase() == "Terminating");
  auto pod = f.db->get(f.kind("v1", "Pod"), "demo", "bound");
  REQUIRE(pod.ok());
  CHECK(store::object_meta(*pod->object).deletiongraceperiodseconds() == 30);

  // The node agent finishes the pod: the namespace goes.
  store::delete_options now;
  now.grace_period_seconds = 0;
  REQUIRE(f.db->remove(f.kind("v1", "Pod"), "demo", "bound", now, f.now).ok());
  CHECK(f.eventually([&] { return !f.exists("v1", "Namespace", "", "demo"); }));
}

TEST_CASE("namespace controller: content with a finalizer is reported and waited for", "[controllers]") {
  ns_fixture f;
  f.create("v1", "Namespace", named_namespace("demo"));
  auto cm = make_config_map();
  cm.mutable_metadata()->set_namespace_("demo");
  cm.mutable_metadata()->add_finalizers("example.com/hold");
  f.create("v1", "ConfigMap", cm);
  f.start_controller();
  f.delete_namespace("demo");
  CHECK(f.eventually([&] {
    return f.condition("demo", "NamespaceFinalizersRemaining") ==
           "True Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances";
  }));
  CHECK(f.exists("v1", "Namespace", "", "demo"));
  // The finalizer's owner lets go: the config map and then the namespace go.
  auto current = f.db->get(f.kind("v1", "ConfigMap"), "demo", cm.metadata().name());
  REQUIRE(current.ok());
  core::v1::ConfigMap released;
  released.CopyFrom(*current->object);
  released.mutable_metadata()->clear_finalizers();
  REQUIRE(f.db->update(f.kind("v1", "ConfigMap"), released).ok());
  CHECK(f.eventually([&] { return !f.exists("v1", "Namespace", "", "demo"); }));
}
