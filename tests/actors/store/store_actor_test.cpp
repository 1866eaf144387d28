// The store actor in a real caf::actor_system: requests answered through the actor, watch
// fan-out to subscriber actors in revision order, unsubscription when a subscriber exits, open
// failures, and RocksDB in a temporary directory.
#include "actors/store/store_actor.hpp"

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <thread>

#include "tests/store/store_fixtures.hpp"

using namespace troupe;
using namespace troupe::protocol;
using namespace std::chrono_literals;
using troupe::testing::pod;
using troupe::testing::pods;

namespace {

struct actor_fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  store_actor_type store;

  explicit actor_fixture(store::store_actor_options opts = memory()) {
    store = store::spawn_store_actor(sys, std::move(opts));
  }
  ~actor_fixture() { self->send_exit(store, caf::exit_reason::user_shutdown); }

  static store::store_actor_options memory() {
    store::store_actor_options o;
    o.memory = true;
    o.clock = [] { return config::timestamp{1795737600, 0}; };
    return o;
  }

  // The reply to `req`, or the store status of the error.
  template <class T, class Req>
  store::result<T> ask(Req req) {
    std::optional<store::result<T>> out;
    self->request(store, 5s, std::move(req))
      .receive([&](T& v) { out.emplace(std::move(v)); },
               [&](caf::error& e) { out.emplace(to_status(e)); });
    return std::move(*out);
  }

  store::result<store::write_result> create(const google::protobuf::Message& obj) {
    store_create c;
    c.kind = &pods();
    c.object = object_ptr(obj.New());
    const_cast<google::protobuf::Message&>(*c.object).CopyFrom(obj);
    return ask<store::write_result>(c);
  }

  shared_store borrow() {
    shared_store out;
    self->request(store, 5s, borrow_atom::value)
      .receive([&](shared_store& s) { out = s; }, [&](caf::error&) {});
    return out;
  }

  // Batches received by `self` until `count` events or a timeout, as "ADDED web-0@3".
  std::vector<std::string> receive_events(size_t count, bool* closed = nullptr) {
    std::vector<std::string> out;
    bool timed_out = false;
    while (out.size() < count && !timed_out)
      self->receive(
        [&](watch_batch& b) {
          for (auto& d : testing::describe(b.events))
            out.push_back(d);
          if (closed && b.closed)
            *closed = true;
        },
        caf::after(3s) >> [&] { timed_out = true; });
    return out;
  }
};

// Waits up to 10 s until `pred` holds (for conditions reached on other threads).
template <class Pred>
bool eventually(Pred pred) {
  for (int i = 0; i < 1000; ++i) {
    if (pred())
      return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

} // namespace

TEST_CASE("store actor: create, get, list, update and remove answer through the actor", "[store_actor][controllers]") {
  actor_fixture f;
  auto created = f.create(pod("a", "web-0", {{"app", "web"}}));
  REQUIRE(created.ok());
  CHECK(created->object.revision == 1);
  CHECK(f.create(pod("a", "web-1")).ok());

  auto got = f.ask<store::stored_object>(store_get{&pods(), "a", "web-0"});
  REQUIRE(got.ok());
  CHECK(testing::name_of(*got->object) == "web-0");

  auto missing = f.ask<store::stored_object>(store_get{&pods(), "a", "nope"});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().is(store::status::code::not_found));
  CHECK(missing.status().message() == "pods \"nope\" not found");

  store_list l{&pods(), {}};
  l.options.ns = "a";
  l.options.labels = *config::parse_label_selector("app=web").value;
  auto listed = f.ask<store::list_result>(l);
  REQUIRE(listed.ok());
  REQUIRE(listed->items.size() == 1);
  CHECK(listed->revision == 2);

  auto changed = testing::as<core::v1::Pod>(*got);
  (*changed.mutable_metadata()->mutable_labels())["tier"] = "front";
  auto updated = f.ask<store::write_result>(store_update{&pods(), std::make_shared<core::v1::Pod>(changed)});
  REQUIRE(updated.ok());
  CHECK(updated->object.revision == 3);

  // A stale resourceVersion is a conflict, carried as a store error.
  changed.mutable_metadata()->set_resourceversion("1");
  auto stale = f.ask<store::write_result>(store_update{&pods(), std::make_shared<core::v1::Pod>(changed)});
  REQUIRE_FALSE(stale.ok());
  CHECK(stale.status().is(store::status::code::conflict));

  auto removed = f.ask<store::write_result>(store_remove{&pods(), "a", "web-0", {}});
  REQUIRE(removed.ok());
  CHECK(removed->deleted);

  store_remove_collection rc{&pods(), {}, {}};
  rc.selection.ns = "a";
  auto all = f.ask<write_results>(rc);
  REQUIRE(all.ok());
  REQUIRE(all->size() == 1);
  CHECK(testing::name_of(*(*all)[0].object.object) == "web-1");
  CHECK(f.borrow()->revision() == 5);
}

TEST_CASE("store actor: a subscriber receives ADDED, MODIFIED, DELETED in order, only for its namespace", "[store_actor][controllers]") {
  actor_fixture f;
  REQUIRE(f.create(pod("a", "old")).ok());
  REQUIRE(f.create(pod("b", "elsewhere")).ok());

  auto id = f.ask<uint64_t>(store_subscribe{&pods(), "a", 0, caf::actor_cast<caf::actor>(f.self)});
  REQUIRE(id.ok());
  CHECK(f.receive_events(1) == std::vector<std::string>{"ADDED old@1"});

  auto made = f.create(pod("a", "web-0"));
  REQUIRE(made.ok());
  REQUIRE(f.create(pod("b", "other")).ok());
  auto changed = testing::as<core::v1::Pod>(made->object);
  (*changed.mutable_metadata()->mutable_labels())["x"] = "y";
  REQUIRE(f.ask<store::write_result>(store_update{&pods(), std::make_shared<core::v1::Pod>(changed)}).ok());
  REQUIRE(f.ask<store::write_result>(store_remove{&pods(), "a", "web-0", {}}).ok());
  CHECK(f.receive_events(3) == std::vector<std::string>{"ADDED web-0@3", "MODIFIED web-0@5", "DELETED web-0@6"});

  // After unsubscribing, nothing more arrives and the store's watcher is gone.
  f.self->send(f.store, unsubscribe_atom::value, *id);
  auto db = f.borrow();
  CHECK(eventually([&] { return db->stats().open_watchers == 0; }));
  REQUIRE(f.create(pod("a", "late")).ok());
  CHECK(f.receive_events(1).empty());
}

TEST_CASE("store actor: resuming from a revision, a revision older than the history is gone", "[store_actor][controllers]") {
  auto opts = actor_fixture::memory();
  opts.store.history_window = 3;
  actor_fixture f(opts);
  for (int i = 0; i < 6; ++i)
    REQUIRE(f.create(pod("a", "p" + std::to_string(i))).ok());
  auto resumed = f.ask<uint64_t>(store_subscribe{&pods(), "a", 4, caf::actor_cast<caf::actor>(f.self)});
  REQUIRE(resumed.ok());
  CHECK(f.receive_events(2) == std::vector<std::string>{"ADDED p4@5", "ADDED p5@6"});
  auto gone = f.ask<uint64_t>(store_subscribe{&pods(), "a", 1, caf::actor_cast<caf::actor>(f.self)});
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.status().is(store::status::code::gone));
}

TEST_CASE("store actor: a subscriber that exits is unsubscribed", "[store_actor][controllers]") {
  actor_fixture f;
  auto db = f.borrow();
  auto quitter = f.sys.spawn([](caf::event_based_actor* self) -> caf::behavior {
    return {[=](watch_batch&) { self->quit(); }};
  });
  auto stays = f.ask<uint64_t>(store_subscribe{&pods(), "", 0, caf::actor_cast<caf::actor>(f.self)});
  REQUIRE(f.ask<uint64_t>(store_subscribe{&pods(), "", 0, quitter}).ok());
  REQUIRE(f.ask<uint64_t>(store_subscribe{&pods(), "b", 0, quitter}).ok());
  CHECK(db->stats().open_watchers == 3);
  REQUIRE(f.create(pod("a", "web-0")).ok());  // the quitter's first batch ends it
  CHECK(eventually([&] { return db->stats().open_watchers == 1; }));
  CHECK(f.receive_events(1) == std::vector<std::string>{"ADDED web-0@1"});
  REQUIRE(stays.ok());
}

TEST_CASE("store actor: RocksDB in a directory survives the actor, a locked database fails the start", "[store_actor][controllers]") {
  testing::temp_dir dir;
  store::store_actor_options opts;
  opts.data_dir = dir.sub("data");
  opts.lock_wait = 200ms;
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  auto spawn_and_check_down = [&](store_actor_type h) {
    self->monitor(h);
    caf::error reason;
    self->receive([&](caf::down_msg& dm) { reason = dm.reason; }, caf::after(5s) >> [] {});
    return reason;
  };
  {
    actor_fixture f(opts);
    REQUIRE(f.create(pod("a", "durable")).ok());
    // A second store on the same directory cannot open it while the first one holds it.
    auto second = store::spawn_store_actor(sys, opts);
    auto why = spawn_and_check_down(second);
    CHECK(why.category() == store_error_category);
    CHECK(to_status(why).is(store::status::code::locked));
    CHECK_THAT(to_status(why).message(), Catch::Contains("locked"));
  }
  // The first actor is gone: a new one opens the same database (its lock was released).
  actor_fixture again(opts);
  auto got = again.ask<store::stored_object>(store_get{&pods(), "a", "durable"});
  REQUIRE(got.ok());
  CHECK(got->revision == 1);
}
