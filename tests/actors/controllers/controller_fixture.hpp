#pragma once
// What the controller actor tests share: a real actor system with a store actor on a memory store,
// the borrowed store for arranging and checking state directly, and polling for conditions that
// other threads bring about (Catch2 assertions stay on the test thread).

#include <caf/all.hpp>

#include <chrono>
#include <thread>

#include "actors/store/store_actor.hpp"
#include "config/kinds.hpp"
#include "store/object_meta.hpp"
#include "tests/config/object_factories.hpp"

namespace troupe::testing {

struct controller_fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  config::timestamp now{1795737600, 0};
  protocol::store_actor_type store;
  protocol::shared_store db;
  std::vector<caf::actor> actors;

  controller_fixture() {
    store::store_actor_options o;
    o.memory = true;
    o.clock = [] { return config::timestamp{1795737600, 0}; };
    store = store::spawn_store_actor(sys, o);
    caf::scoped_actor self{sys};
    self->request(store, std::chrono::seconds(5), protocol::borrow_atom::value)
      .receive([&](protocol::shared_store& s) { db = s; }, [&](caf::error&) {});
  }
  ~controller_fixture() {
    caf::scoped_actor self{sys};
    for (auto& a : actors)
      self->send_exit(a, caf::exit_reason::user_shutdown);
    self->send_exit(store, caf::exit_reason::user_shutdown);
    db.reset();
  }

  static const config::kind_info& kind(const char* api_version, const char* k) {
    return *config::find_kind(api_version, k);
  }

  /// Creates `obj` (namespace from its metadata); the stored object.
  store::stored_object create(const char* api_version, const char* k, const google::protobuf::Message& obj) {
    auto r = db->create(kind(api_version, k), obj, now);
    if (!r.ok())
      throw std::runtime_error(r.status().to_string());
    return r->object;
  }

  bool exists(const char* api_version, const char* k, const std::string& ns, const std::string& name) {
    return db->get(kind(api_version, k), ns, name).ok();
  }

  size_t count(const char* api_version, const char* k, const std::string& ns) {
    store::list_options lo;
    lo.ns = ns;
    auto r = db->list(kind(api_version, k), lo);
    return r.ok() ? r->items.size() : 0;
  }

  template <class Pred>
  static bool eventually(Pred pred, std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred())
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return pred();
  }
};

inline core::v1::Namespace named_namespace(const std::string& name) {
  auto ns = make_namespace();
  ns.mutable_metadata()->set_name(name);
  return ns;
}

inline core::v1::Pod named_pod(const std::string& ns, const std::string& name, const std::string& node = "") {
  auto p = make_pod();
  p.mutable_metadata()->set_namespace_(ns);
  p.mutable_metadata()->set_name(name);
  p.mutable_spec()->set_nodename(node);
  return p;
}

} // namespace troupe::testing
