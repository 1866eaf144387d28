// The namespace lifecycle's plan: what to write, delete and wait for, by table.
#include "actors/controllers/namespace_cleanup.hpp"

#include <catch2/catch.hpp>

#include "store/object_meta.hpp"
#include "tests/config/object_factories.hpp"

using namespace troupe;
using namespace troupe::controllers;

namespace {

const config::timestamp now{1795737600, 0};

const config::kind_info* kind(const char* api_version, const char* k) { return config::find_kind(api_version, k); }

core::v1::Namespace deleting_ns() {
  auto ns = testing::make_namespace();
  ns.mutable_metadata()->set_name("demo");
  ns.mutable_metadata()->mutable_deletiontimestamp()->set_seconds(now.seconds - 5);
  return ns;
}

store::stored_object stored(const google::protobuf::Message& m) {
  std::shared_ptr<google::protobuf::Message> copy(m.New());
  copy->CopyFrom(m);
  return {"", 1, copy};
}

core::v1::Pod pod(const std::string& name, const std::string& node = "", bool marked = false,
                  std::vector<std::string> finalizers = {}) {
  auto p = testing::make_pod();
  p.mutable_metadata()->set_name(name);
  p.mutable_metadata()->set_namespace_("demo");
  p.mutable_metadata()->set_uid("uid-" + name);
  p.mutable_spec()->set_nodename(node);
  if (marked)
    p.mutable_metadata()->mutable_deletiontimestamp()->set_seconds(now.seconds);
  for (auto& f : finalizers)
    p.mutable_metadata()->add_finalizers(f);
  return p;
}

apps::v1::Deployment deployment(const std::string& name, bool marked = false,
                                std::vector<std::string> finalizers = {}) {
  auto d = testing::make_deployment();
  d.mutable_metadata()->set_name(name);
  d.mutable_metadata()->set_namespace_("demo");
  if (marked)
    d.mutable_metadata()->mutable_deletiontimestamp()->set_seconds(now.seconds);
  for (auto& f : finalizers)
    d.mutable_metadata()->add_finalizers(f);
  return d;
}

std::string condition_of(const core::v1::NamespaceStatus& s, const std::string& type) {
  for (const auto& c : s.conditions())
    if (c.type() == type)
      return c.status() + " " + c.reason() + ": " + c.message();
  return "";
}

} // namespace

TEST_CASE("namespace cleanup plan: delete what is not marked, wait for the rest, remove when empty", "[unit][controllers]") {
  struct row {
    std::string name;
    std::vector<kind_contents> contents;
    std::vector<std::string> deletions;  // "pods/a grace=0"
    size_t remaining;
    bool remove;
    std::string content_condition;
    std::string finalizer_condition;
  };
  auto pods = kind("v1", "Pod");
  auto deploys = kind("apps/v1", "Deployment");
  std::vector<row> rows = {
    {"empty namespace: removed", {}, {}, 0, true,
     "False ContentRemoved: All content successfully removed",
     "False ContentHasNoFinalizers: All content-preserving finalizers finished"},
    {"unscheduled pod goes at once; scheduled pod gets its grace",
     {{pods, {stored(pod("a")), stored(pod("b", "node1"))}}},
     {"pods/a grace=0", "pods/b grace=30"}, 2, false,
     "True SomeResourcesRemain: Some resources are remaining: pods. has 2 resource instances",
     "False ContentHasNoFinalizers: All content-preserving finalizers finished"},
    {"marked objects are waited for, not deleted again; finalizers are counted",
     {{pods, {stored(pod("a", "node1", true))}},
      {deploys, {stored(deployment("web", true, {"foregroundDeletion"})), stored(deployment("api"))}}},
     {"deployments/api grace=-"}, 3, false,
     "True SomeResourcesRemain: Some resources are remaining: deployments.apps has 2 resource instances, pods. has 1 resource instances",
     "True SomeFinalizersRemain: Some content in the namespace has finalizers remaining: foregroundDeletion in 1 resource instances"},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    auto plan = plan_namespace_cleanup(deleting_ns(), r.contents, now);
    CHECK(plan.deleting);
    std::vector<std::string> got;
    for (const auto& d : plan.deletions) {
      got.push_back(d.kind->resource + "/" + d.name + " grace=" +
                    (d.options.grace_period_seconds ? std::to_string(*d.options.grace_period_seconds) : "-"));
      CHECK(d.options.uid.has_value());
    }
    CHECK(got == r.deletions);
    CHECK(plan.remaining == r.remaining);
    CHECK(plan.remove_namespace == r.remove);
    REQUIRE(plan.status.has_value());
    CHECK(plan.status->phase() == "Terminating");
    CHECK(condition_of(*plan.status, "NamespaceContentRemaining") == r.content_condition);
    CHECK(condition_of(*plan.status, "NamespaceFinalizersRemaining") == r.finalizer_condition);
    CHECK(condition_of(*plan.status, "NamespaceDeletionContentFailure") ==
          "False ContentDeleted: All content successfully deleted, may be waiting on finalization");
  }
}

TEST_CASE("namespace cleanup plan: a namespace not being deleted is left alone, an unchanged status is not rewritten", "[unit][controllers]") {
  auto active = testing::make_namespace();
  active.mutable_metadata()->set_name("demo");
  auto plan = plan_namespace_cleanup(active, {{kind("v1", "Pod"), {stored(pod("a"))}}}, now);
  CHECK_FALSE(plan.deleting);
  CHECK(plan.deletions.empty());
  CHECK_FALSE(plan.remove_namespace);
  CHECK_FALSE(plan.status);

  auto ns = deleting_ns();
  std::vector<kind_contents> contents{{kind("v1", "Pod"), {stored(pod("a", "node1", true))}}};
  auto first = plan_namespace_cleanup(ns, contents, now);
  REQUIRE(first.status);
  *ns.mutable_status() = *first.status;
  // Later, same contents: nothing to write (lastTransitionTime stays as it was).
  auto later = plan_namespace_cleanup(ns, contents, {now.seconds + 60, 0});
  CHECK_FALSE(later.status);
  // Content gone: the condition flips and gets the new time.
  auto done = plan_namespace_cleanup(ns, {}, {now.seconds + 90, 0});
  REQUIRE(done.status);
  for (const auto& c : done.status->conditions())
    if (c.type() == "NamespaceContentRemaining")
      CHECK(c.lasttransitiontime().seconds() == now.seconds + 90);
    else
      CHECK(c.lasttransitiontime().seconds() == now.seconds);
  CHECK(done.remove_namespace);
}

TEST_CASE("namespaced storage kinds: every namespaced kind the store keeps, once", "[unit][controllers]") {
  std::vector<std::string> names;
  for (const auto* k : namespaced_storage_kinds())
    names.push_back(k->api_version() + "/" + k->resource);
  CHECK(std::count(names.begin(), names.end(), "v1/pods") == 1);
  CHECK(std::count(names.begin(), names.end(), "batch/v1/cronjobs") == 1);
  CHECK(std::count(names.begin(), names.end(), "autoscaling/v2/horizontalpodautoscalers") == 1);
  CHECK(std::count(names.begin(), names.end(), "v1/bindings") == 0);
  CHECK(std::count(names.begin(), names.end(), "v1/namespaces") == 0);
  CHECK(std::count(names.begin(), names.end(), "metrics.k8s.io/v1beta1/pods") == 0);
}

TEST_CASE("retry backoff doubles from 100ms up to 10s", "[unit][controllers]") {
  CHECK(retry_backoff(0).count() == 0);
  CHECK(retry_backoff(1).count() == 100);
  CHECK(retry_backoff(2).count() == 200);
  CHECK(retry_backoff(5).count() == 1600);
  CHECK(retry_backoff(8).count() == 10000);
  CHECK(retry_backoff(50).count() == 10000);
}
