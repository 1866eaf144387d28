// The garbage collector against a store actor on a memory store: Background cascades (also
// through a Deployment -> ReplicaSet -> Pod chain), several owners, Orphan and Foreground.
#include "actors/controllers/garbage_collector_actor.hpp"

#include <catch2/catch.hpp>

#include "tests/actors/controllers/controller_fixture.hpp"

using namespace troupe;
using namespace troupe::testing;
using namespace std::chrono_literals;

namespace {

struct gc_fixture : controller_fixture {
  void start_gc() {
    controllers::garbage_collector_options o;
    o.store = store;
    actors.push_back(controllers::spawn_garbage_collector(sys, o));
  }

  static void own(google::protobuf::Message& m, const store::stored_object& owner, bool block) {
    const auto& om = store::object_meta(*owner.object);
    auto* r = store::mutable_object_meta(m)->add_ownerreferences();
    r->set_uid(om.uid());
    r->set_name(om.name());
    if (owner.object->GetDescriptor() == apps::v1::Deployment::descriptor()) {
      r->set_apiversion("apps/v1");
      r->set_kind("Deployment");
    } else if (owner.object->GetDescriptor() == apps::v1::ReplicaSet::descriptor()) {
      r->set_apiversion("apps/v1");
      r->set_kind("ReplicaSet");
    } else {
      r->set_apiversion("v1");
      r->set_kind("ConfigMap");
    }
    r->set_controller(true);
    if (block)
      r->set_blockownerdeletion(true);
  }

  store::stored_object deployment(const std::string& name) {
    auto d = make_deployment();
    d.mutable_metadata()->set_namespace_("demo");
    d.mutable_metadata()->set_name(name);
    return create("apps/v1", "Deployment", d);
  }
  store::stored_object replica_set(const std::string& name, const store::stored_object* owner = nullptr) {
    auto rs = make_replica_set();
    rs.mutable_metadata()->set_namespace_("demo");
    rs.mutable_metadata()->set_name(name);
    if (owner)
      own(rs, *owner, true);
    return create("apps/v1", "ReplicaSet", rs);
  }
  store::stored_object config_map(const std::string& name) {
    auto cm = make_config_map();
    cm.mutable_metadata()->set_namespace_("demo");
    cm.mutable_metadata()->set_name(name);
    return create("v1", "ConfigMap", cm);
  }
  store::stored_object pod(const std::string& name, std::vector<const store::stored_object*> owners,
                           bool block = true) {
    auto p = named_pod("demo", name);
    for (const auto* o : owners)
      own(p, *o, block);
    return create("v1", "Pod", p);
  }

  // DELETE with a propagation policy, as the API does it: the finalizer, then the remove.
  void delete_with(const char* api_version, const char* k, const std::string& name, const std::string& policy) {
    const auto& kind = controller_fixture::kind(api_version, k);
    if (!policy.empty()) {
      auto current = db->get(kind, "demo", name);
      REQUIRE(current.ok());
      std::unique_ptr<google::protobuf::Message> marked(current->object->New());
      marked->CopyFrom(*current->object);
      store::mutable_object_meta(*marked)->add_finalizers(policy);
      REQUIRE(db->update(kind, *marked).ok());
    }
    REQUIRE(db->remove(kind, "demo", name, {}, now).ok());
  }

  size_t owner_refs(const std::string& pod_name) {
    auto p = db->get(kind("v1", "Pod"), "demo", pod_name);
    return p.ok() ? static_cast<size_t>(store::object_meta(*p->object).ownerreferences_size()) : 99;
  }
};

} // namespace

TEST_CASE("garbage collector: Background deletes the dependents of a deleted owner, through a chain", "[controllers]") {
  gc_fixture f;
  f.start_gc();
  auto d = f.deployment("web");
  auto rs = f.replica_set("web-1", &d);
  f.pod("web-1-a", {&rs});
  f.pod("web-1-b", {&rs});
  auto other = f.replica_set("other");
  f.pod("other-a", {&other});
  f.pod("loose", {});

  std::this_thread::sleep_for(200ms);  // owners exist: nothing goes
  CHECK(f.count("v1", "Pod", "demo") == 4);

  f.delete_with("apps/v1", "Deployment", "web", "");
  CHECK(f.eventually([&] { return !f.exists("apps/v1", "ReplicaSet", "demo", "web-1"); }));
  CHECK(f.eventually([&] { return f.count("v1", "Pod", "demo") == 2; }));
  CHECK(f.exists("v1", "Pod", "demo", "other-a"));
  CHECK(f.exists("v1", "Pod", "demo", "loose"));
}

TEST_CASE("garbage collector: a dependent with several owners goes only when none is left", "[controllers]") {
  gc_fixture f;
  auto a = f.config_map("a");
  auto b = f.config_map("b");
  f.pod("shared", {&a, &b});
  f.start_gc();
  f.delete_with("v1", "ConfigMap", "a", "");
  // The reference to the deleted owner is dropped; the pod stays for the live one.
  CHECK(f.eventually([&] { return f.owner_refs("shared") == 1; }));
  CHECK(f.exists("v1", "Pod", "demo", "shared"));
  f.delete_with("v1", "ConfigMap", "b", "");
  CHECK(f.eventually([&] { return !f.exists("v1", "Pod", "demo", "shared"); }));
}

TEST_CASE("garbage collector: an owner that was gone before it started, and one referenced by a stale uid", "[controllers]") {
  gc_fixture f;
  auto rs = f.replica_set("web");
  f.pod("orphaned", {&rs});
  f.delete_with("apps/v1", "ReplicaSet", "web", "");
  // Same name again, new uid: the pod's reference still points to the old one.
  f.replica_set("web");
  f.start_gc();
  CHECK(f.eventually([&] { return !f.exists("v1", "Pod", "demo", "orphaned"); }));
  CHECK(f.exists("apps/v1", "ReplicaSet", "demo", "web"));
}

TEST_CASE("garbage collector: Orphan releases the dependents, then the owner goes", "[controllers]") {
  gc_fixture f;
  f.start_gc();
  auto rs = f.replica_set("web");
  f.pod("a", {&rs});
  f.pod("b", {&rs});
  f.delete_with("apps/v1", "ReplicaSet", "web", "orphan");
  CHECK(f.eventually([&] { return !f.exists("apps/v1", "ReplicaSet", "demo", "web"); }));
  CHECK(f.owner_refs("a") == 0);
  CHECK(f.owner_refs("b") == 0);
}

TEST_CASE("garbage collector: Foreground deletes the dependents first, down a chain, then the owner", "[controllers]") {
  gc_fixture f;
  f.start_gc();
  auto d = f.deployment("web");
  auto rs = f.replica_set("web-1", &d);
  f.pod("a", {&rs});
  f.pod("b", {&rs});
  // A pod bound to a node waits for its grace period: the owners wait for it.
  auto bound = named_pod("demo", "bound", "node1");
  gc_fixture::own(bound, rs, true);
  f.create("v1", "Pod", bound);

  f.delete_with("apps/v1", "Deployment", "web", "foregroundDeletion");
  CHECK(f.eventually([&] { return !f.exists("v1", "Pod", "demo", "a") && !f.exists("v1", "Pod", "demo", "b"); }));
  std::this_thread::sleep_for(200ms);
  // Still waiting for the bound pod: the ReplicaSet and the Deployment are marked, not gone.
  CHECK(f.exists("apps/v1", "ReplicaSet", "demo", "web-1"));
  CHECK(f.exists("apps/v1", "Deployment", "demo", "web"));
  auto marked = f.db->get(f.kind("apps/v1", "ReplicaSet"), "demo", "web-1");
  REQUIRE(marked.ok());
  CHECK(store::object_meta(*marked->object).has_deletiontimestamp());

  // Its node agent finishes it: the chain completes.
  store::delete_options now;
  now.grace_period_seconds = 0;
  REQUIRE(f.db->remove(f.kind("v1", "Pod"), "demo", "bound", now, f.now).ok());
  CHECK(f.eventually([&] { return !f.exists("apps/v1", "Deployment", "demo", "web"); }));
  CHECK_FALSE(f.exists("apps/v1", "ReplicaSet", "demo", "web-1"));
}

TEST_CASE("garbage collector: after a lost watch (gone), an owner deleted meanwhile is noticed on re-listing", "[controllers]") {
  // A fixture whose store closes watchers more than 3 revisions behind.
  struct lagging_fixture : gc_fixture {
    lagging_fixture() {
      caf::scoped_actor self{sys};
      self->send_exit(store, caf::exit_reason::user_shutdown);
      store::store_actor_options o;
      o.memory = true;
      o.store.watcher_max_lag = 3;
      store = store::spawn_store_actor(sys, o);
      self->request(store, std::chrono::seconds(5), protocol::borrow_atom::value)
        .receive([&](protocol::shared_store& s) { db = s; }, [&](caf::error&) {});
    }
  };
  lagging_fixture f;
  auto rs = f.replica_set("web");
  f.pod("web-a", {&rs});
  f.start_gc();
  std::this_thread::sleep_for(300ms);  // subscribed and synced
  REQUIRE(f.exists("v1", "Pod", "demo", "web-a"));

  // Hold the store actor's thread while the owner goes and more writes follow: every watcher
  // falls behind and is closed with gone, so the ReplicaSet's DELETED event is never delivered.
  protocol::store_completion hold;
  hold.run = [] { std::this_thread::sleep_for(std::chrono::milliseconds(400)); };
  caf::anon_send(f.store, hold);
  std::this_thread::sleep_for(50ms);
  f.delete_with("apps/v1", "ReplicaSet", "web", "");
  for (int i = 0; i < 6; ++i)
    f.config_map("filler-" + std::to_string(i));
  CHECK(f.eventually([&] { return !f.exists("v1", "Pod", "demo", "web-a"); }));
}
