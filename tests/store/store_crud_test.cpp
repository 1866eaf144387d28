// The shared store suite, part 1: create, get, update, delete and their errors, on both backends.
#include <catch2/catch.hpp>

#include "config/object_codec.hpp"
#include "proto/apps_v1.pb.h"
#include "proto/core_v1.pb.h"
#include "store/keys.hpp"
#include "tests/store/store_fixtures.hpp"

namespace troupe::testing {

using store::status;

TEMPLATE_TEST_CASE("store: create assigns uid, creationTimestamp, generation and resourceVersion",
                   "[unit][store]", memory_backend, rocksdb_backend) {
  TestType backend;
  auto s = backend.open();
  auto p = pod("demo", "web-0");
  p.mutable_metadata()->set_resourceversion("77");  // ignored on create
  p.mutable_metadata()->set_uid("client-chosen");   // replaced
  auto r = s->create(pods(), p, at(1700000000));
  REQUIRE(r.ok());
  CHECK(r->changed);
  CHECK_FALSE(r->deleted);
  CHECK(r->object.key == "/core/pods/demo/web-0");
  const auto& m = store::object_meta(*r->object.object);
  CHECK(m.uid() != "client-chosen");
  CHECK(m.uid().size() == 36);
  CHECK(m.uid()[14] == '4');  // version 4
  CHECK(m.creationtimestamp().seconds() == 1700000000);
  CHECK(m.generation() == 1);
  CHECK(m.resourceversion() == std::to_string(r->object.revision));
  CHECK(r->object.revision == s->revision());

  auto got = s->get(pods(), "demo", "web-0");
  REQUIRE(got.ok());
  CHECK(got->revision == r->object.revision);
  CHECK(config::serialize_deterministic(*got->object) ==
        config::serialize_deterministic(*r->object.object));
}

TEMPLATE_TEST_CASE("store: errors are worded as Kubernetes words them", "[unit][store]",
                   memory_backend, rocksdb_backend) {
  TestType backend;
  auto s = backend.open();
  REQUIRE(s->create(deployments(), make_deployment(), at(1)).ok());

  struct error_case {
    std::string name;
    std::function<status()> call;
    status::code code;
    int http;
    std::string message;
  };
  auto stale = make_deployment();
  stale.mutable_metadata()->set_resourceversion("999");
  const std::vector<error_case> cases = {
      {"create twice", [&] { return s->create(deployments(), make_deployment(), at(2)).status(); },
       status::code::already_exists, 409, "deployments.apps \"web\" already exists"},
      {"get missing", [&] { return s->get(pods(), "default", "nope").status(); },
       status::code::not_found, 404, "pods \"nope\" not found"},
      {"update missing", [&] { return s->update(pods(), pod("default", "nope")).status(); },
       status::code::not_found, 404, "pods \"nope\" not found"},
      {"delete missing", [&] { return s->remove(pods(), "default", "nope", {}, at(2)).status(); },
       status::code::not_found, 404, "pods \"nope\" not found"},
      {"stale update", [&] { return s->update(deployments(), stale).status(); },
       status::code::conflict, 409,
       "Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified; "
       "please apply your changes to the latest version and try again"},
      {"delete with wrong uid",
       [&] {
         store::delete_options o;
         o.uid = "other";
         return s->remove(deployments(), "default", "web", o, at(2)).status();
       },
       status::code::conflict, 409, ""},
      {"delete with stale resourceVersion",
       [&] {
         store::delete_options o;
         o.resource_version = 999;
         return s->remove(deployments(), "default", "web", o, at(2)).status();
       },
       status::code::conflict, 409, ""},
      {"create without a name", [&] { return s->create(pods(), pod("default", ""), at(2)).status(); },
       status::code::invalid, 400, ""},
      {"create without a namespace", [&] { return s->create(pods(), pod("", "x"), at(2)).status(); },
       status::code::invalid, 400, ""},
      {"a kind that is not stored",
       [&] {
         return s->get(*config::find_kind("autoscaling/v1", "HorizontalPodAutoscaler"), "default", "x")
             .status();
       },
       status::code::invalid, 400, ""},
      {"an object of another kind", [&] { return s->create(deployments(), pod("default", "x"), at(2)).status(); },
       status::code::invalid, 400, ""},
  };
  const int64_t before = s->revision();
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      status st = c.call();
      INFO(st.to_string());
      CHECK(st.get_code() == c.code);
      CHECK(st.http_code() == c.http);
      if (!c.message.empty()) CHECK(st.message() == c.message);
      CHECK(s->revision() == before);  // a rejected write takes no revision
    }
  }
}

TEMPLATE_TEST_CASE("store: delete preconditions name both values", "[unit][store]", memory_backend,
                   rocksdb_backend) {
  TestType backend;
  store::store_options so;
  so.new_uid = [] { return std::string("u-1"); };
  auto s = backend.open(so);
  auto created = s->create(pods(), pod("demo", "web-0"), at(1));
  REQUIRE(created.ok());
  store::delete_options o;
  o.uid = "u-2";
  auto r = s->remove(pods(), "demo", "web-0", o, at(2));
  CHECK(r.status().message() ==
        "Operation cannot be fulfilled on pods \"web-0\": Precondition failed: UID in precondition: "
        "u-2, UID in object meta: u-1");
  o = {};
  o.resource_version = created->object.revision + 5;
  r = s->remove(pods(), "demo", "web-0", o, at(2));
  CHECK(r.status().message() ==
        "Operation cannot be fulfilled on pods \"web-0\": Precondition failed: ResourceVersion in "
        "precondition: " + std::to_string(created->object.revision + 5) +
            ", ResourceVersion in object meta: " + std::to_string(created->object.revision));
  o.uid = "u-1";
  o.resource_version = created->object.revision;
  r = s->remove(pods(), "demo", "web-0", o, at(2));
  REQUIRE(r.ok());
  CHECK(r->deleted);
  CHECK(r->object.revision == created->object.revision + 1);
  CHECK(store::object_meta(*r->object.object).resourceversion() == std::to_string(r->object.revision));
  CHECK(s->get(pods(), "demo", "web-0").status().is(status::code::not_found));
}

TEMPLATE_TEST_CASE("store: update keeps system fields, bumps generation on spec changes only",
                   "[unit][store]", memory_backend, rocksdb_backend) {
  TestType backend;
  auto s = backend.open();
  auto created = s->create(deployments(), make_deployment(), at(100));
  REQUIRE(created.ok());
  const auto first = as<apps::v1::Deployment>(created->object);

  SECTION("a spec change bumps generation; the client cannot move uid or creationTimestamp") {
    auto d = first;
    d.mutable_spec()->set_replicas(5);
    d.mutable_metadata()->set_uid("forged");
    d.mutable_metadata()->mutable_creationtimestamp()->set_seconds(5);
    d.mutable_metadata()->set_generation(40);
    auto r = s->update(deployments(), d);
    REQUIRE(r.ok());
    const auto& m = store::object_meta(*r->object.object);
    CHECK(m.uid() == first.metadata().uid());
    CHECK(m.creationtimestamp().seconds() == 100);
    CHECK(m.generation() == 2);
    CHECK(r->object.revision == created->object.revision + 1);
  }
  SECTION("labels and status leave generation alone") {
    auto d = first;
    (*d.mutable_metadata()->mutable_labels())["tier"] = "fe";
    d.mutable_status()->set_replicas(3);
    auto r = s->update(deployments(), d);
    REQUIRE(r.ok());
    CHECK(store::object_meta(*r->object.object).generation() == 1);
    CHECK(as<apps::v1::Deployment>(r->object).status().replicas() == 3);
  }
  SECTION("an update that changes nothing writes nothing") {
    auto r = s->update(deployments(), first);
    REQUIRE(r.ok());
    CHECK_FALSE(r->changed);
    CHECK(r->object.revision == created->object.revision);
    CHECK(s->revision() == created->object.revision);
  }
  SECTION("an empty resourceVersion updates unconditionally") {
    auto d = first;
    d.mutable_metadata()->clear_resourceversion();
    d.mutable_spec()->set_replicas(7);
    REQUIRE(s->update(deployments(), first).ok());
    auto r = s->update(deployments(), d);
    REQUIRE(r.ok());
    CHECK(as<apps::v1::Deployment>(r->object).spec().replicas() == 7);
  }
  SECTION("a second writer with the same resourceVersion conflicts") {
    auto a = first;
    auto b = first;
    a.mutable_spec()->set_replicas(4);
    b.mutable_spec()->set_replicas(6);
    REQUIRE(s->update(deployments(), a).ok());
    CHECK(s->update(deployments(), b).status().is(status::code::conflict));
    CHECK(as<apps::v1::Deployment>(*s->get(deployments(), "default", "web")).spec().replicas() == 4);
  }
}

TEMPLATE_TEST_CASE("store: every write takes the next revision", "[unit][store]", memory_backend,
                   rocksdb_backend) {
  TestType backend;
  auto s = backend.open();
  const int64_t start = s->revision();
  std::vector<int64_t> revisions;
  for (int i = 0; i < 5; ++i) {
    auto r = s->create(pods(), pod("demo", "p" + std::to_string(i)), at(1));
    REQUIRE(r.ok());
    revisions.push_back(r->object.revision);
    CHECK_FALSE(s->create(pods(), pod("demo", "p" + std::to_string(i)), at(1)).ok());
  }
  for (size_t i = 0; i < revisions.size(); ++i) CHECK(revisions[i] == start + 1 + static_cast<int64_t>(i));
  auto st = s->stats();
  CHECK(st.writes == 5);
  CHECK(st.rejected_writes == 5);
  CHECK(st.revision == start + 5);
}

TEMPLATE_TEST_CASE("store: cluster-scoped objects have no namespace in their key", "[unit][store]",
                   memory_backend, rocksdb_backend) {
  TestType backend;
  auto s = backend.open();
  auto n = make_node();
  n.mutable_metadata()->set_namespace_("ignored");
  auto r = s->create(nodes(), n, at(1));
  REQUIRE(r.ok());
  CHECK(r->object.key == "/core/nodes/node-1");
  CHECK(store::object_meta(*r->object.object).namespace_().empty());
  CHECK(s->get(nodes(), "", "node-1").ok());
}

TEMPLATE_TEST_CASE("store: graceful deletion with finalizers and grace periods", "[unit][store]",
                   memory_backend, rocksdb_backend) {
  TestType backend;
  auto s = backend.open();
  auto p = pod("demo", "web-0");

  SECTION("finalizers: delete marks, removing the last finalizer deletes") {
    p.mutable_metadata()->add_finalizers("a.example.com/x");
    p.mutable_metadata()->add_finalizers("b.example.com/y");
    REQUIRE(s->create(pods(), p, at(10)).ok());
    auto marked = s->remove(pods(), "demo", "web-0", {}, at(20));
    REQUIRE(marked.ok());
    CHECK_FALSE(marked->deleted);
    CHECK(marked->changed);
    const auto& m = store::object_meta(*marked->object.object);
    CHECK(m.deletiontimestamp().seconds() == 20);
    CHECK(m.has_deletiongraceperiodseconds());
    CHECK(m.deletiongraceperiodseconds() == 0);
    CHECK(m.generation() == 2);

    SECTION("deleting again changes nothing") {
      auto again = s->remove(pods(), "demo", "web-0", {}, at(30));
      REQUIRE(again.ok());
      CHECK_FALSE(again->changed);
      CHECK_FALSE(again->deleted);
    }
    SECTION("an update cannot clear deletionTimestamp") {
      auto q = as<core::v1::Pod>(marked->object);
      q.mutable_metadata()->clear_deletiontimestamp();
      (*q.mutable_metadata()->mutable_labels())["x"] = "y";
      auto r = s->update(pods(), q);
      REQUIRE(r.ok());
      CHECK(store::object_meta(*r->object.object).deletiontimestamp().seconds() == 20);
    }
    auto q = as<core::v1::Pod>(*s->get(pods(), "demo", "web-0"));
    q.mutable_metadata()->mutable_finalizers()->RemoveLast();
    auto one_left = s->update(pods(), q);
    REQUIRE(one_left.ok());
    CHECK_FALSE(one_left->deleted);
    q = as<core::v1::Pod>(one_left->object);
    q.mutable_metadata()->clear_finalizers();
    auto gone = s->update(pods(), q);
    REQUIRE(gone.ok());
    CHECK(gone->deleted);
    CHECK(s->get(pods(), "demo", "web-0").status().is(status::code::not_found));
  }
  SECTION("a grace period marks; deleting with 0 removes") {
    REQUIRE(s->create(pods(), p, at(10)).ok());
    store::delete_options o;
    o.grace_period_seconds = 30;
    auto marked = s->remove(pods(), "demo", "web-0", o, at(20));
    REQUIRE(marked.ok());
    CHECK_FALSE(marked->deleted);
    const auto& m = store::object_meta(*marked->object.object);
    CHECK(m.deletiontimestamp().seconds() == 50);
    CHECK(m.deletiongraceperiodseconds() == 30);
    // A status update during the grace period does not delete the pod.
    auto q = as<core::v1::Pod>(marked->object);
    q.mutable_status()->set_phase("Running");
    auto upd = s->update(pods(), q);
    REQUIRE(upd.ok());
    CHECK_FALSE(upd->deleted);
    o.grace_period_seconds = 5;
    auto shorter = s->remove(pods(), "demo", "web-0", o, at(25));
    REQUIRE(shorter.ok());
    CHECK(store::object_meta(*shorter->object.object).deletiontimestamp().seconds() == 30);
    CHECK(store::object_meta(*shorter->object.object).deletiongraceperiodseconds() == 5);
    o.grace_period_seconds = 0;
    auto done = s->remove(pods(), "demo", "web-0", o, at(30));
    REQUIRE(done.ok());
    CHECK(done->deleted);
  }
  SECTION("a grace period with finalizers: grace 0 leaves the finalizers to finish") {
    p.mutable_metadata()->add_finalizers("a.example.com/x");
    REQUIRE(s->create(pods(), p, at(10)).ok());
    store::delete_options o;
    o.grace_period_seconds = 30;
    REQUIRE(s->remove(pods(), "demo", "web-0", o, at(20)).ok());
    o.grace_period_seconds = 0;
    auto r = s->remove(pods(), "demo", "web-0", o, at(21));
    REQUIRE(r.ok());
    CHECK_FALSE(r->deleted);
    CHECK(store::object_meta(*r->object.object).deletiongraceperiodseconds() == 0);
    auto q = as<core::v1::Pod>(r->object);
    q.mutable_metadata()->clear_finalizers();
    auto gone = s->update(pods(), q);
    REQUIRE(gone.ok());
    CHECK(gone->deleted);
  }
}

} // namespace troupe::testing
