// Writes through the store actor (memory and RocksDB): they go to the store's commit thread
// without a thread waiting per write, so many requesters' writes share group commits; refusals
// answer the store error; write_many keeps each write's own outcome; an actor killed with writes
// in flight neither crashes nor blocks a new store actor on the same database.
#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <set>

#include "actors/store/store_actor.hpp"
#include "tests/store/store_fixtures.hpp"

using namespace troupe;
using namespace troupe::protocol;
using namespace std::chrono_literals;
using troupe::testing::pod;
using troupe::testing::pods;

namespace {

store::store_actor_options base_options() {
  store::store_actor_options o;
  o.clock = [] { return config::timestamp{1795737600, 0}; };
  // One pool thread: were writes still run on the pool, each would have a sync of its own.
  o.threads = 1;
  return o;
}

struct memory_actor {
  static constexpr const char* name = "memory";
  store::store_actor_options options() {
    auto o = base_options();
    o.memory = true;
    return o;
  }
};

struct rocksdb_actor {
  static constexpr const char* name = "rocksdb";
  testing::temp_dir dir;
  store::store_actor_options options() {
    auto o = base_options();
    o.data_dir = dir.sub("data");
    return o;
  }
};

struct writes_fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  store_actor_type store;

  explicit writes_fixture(store::store_actor_options opts) {
    store = store::spawn_store_actor(sys, std::move(opts));
  }
  ~writes_fixture() {
    if (store)
      self->send_exit(store, caf::exit_reason::user_shutdown);
  }

  template <class T, class Req>
  store::result<T> ask(Req req) {
    std::optional<store::result<T>> out;
    self->request(store, 10s, std::move(req))
      .receive([&](T& v) { out.emplace(std::move(v)); },
               [&](caf::error& e) { out.emplace(to_status(e)); });
    return std::move(*out);
  }

  shared_store borrow() {
    shared_store out;
    self->request(store, 5s, borrow_atom::value)
      .receive([&](shared_store& s) { out = s; }, [&](caf::error&) {});
    return out;
  }
};

object_ptr pod_ptr(const std::string& ns, const std::string& name) {
  return std::make_shared<core::v1::Pod>(pod(ns, name));
}

// An event-based requester: sends all its creates at once, then reports each outcome to `sink`
// (the revision, or the error's message) and quits after the last. The objects are made on the
// test's thread (making a pod runs Catch macros).
caf::actor spawn_creator(caf::actor_system& sys, store_actor_type store, caf::actor sink,
                         std::vector<object_ptr> objects) {
  return sys.spawn([store, sink, objects](caf::event_based_actor* self) -> caf::behavior {
    auto left = std::make_shared<size_t>(objects.size());
    for (const auto& o : objects) {
      auto done = [self, left] {
        if (--*left == 0)
          self->quit();
      };
      self->request(store, 30s, store_create{&pods(), o})
        .then([self, sink, done](store::write_result& r) {
                self->send(sink, r.object.revision);
                done();
              },
              [self, sink, done](caf::error& e) {
                self->send(sink, to_status(e).to_string());
                done();
              });
    }
    return {[](caf::unit_t) {}};  // stays until its replies are in
  });
}

} // namespace

TEMPLATE_TEST_CASE("store actor: 200 creates from 20 requesters at once all succeed and share group commits",
                   "[store][store_actor]", memory_actor, rocksdb_actor) {
  TestType backend;
  writes_fixture f(backend.options());
  auto db = f.borrow();
  REQUIRE(db);
  const auto before = db->stats();

  constexpr int requesters = 20, each = 10;
  std::vector<std::vector<object_ptr>> objects(requesters);
  for (int r = 0; r < requesters; ++r)
    for (int i = 0; i < each; ++i)
      objects[r].push_back(pod_ptr("load", "p" + std::to_string(r) + "-" + std::to_string(i)));
  auto sink = caf::actor_cast<caf::actor>(f.self);
  for (auto& batch : objects)
    spawn_creator(f.sys, f.store, sink, std::move(batch));

  std::set<int64_t> revisions;
  std::vector<std::string> failures;
  bool timed_out = false;
  while (revisions.size() + failures.size() < size_t(requesters * each) && !timed_out)
    f.self->receive([&](int64_t rev) { revisions.insert(rev); },
                    [&](std::string& why) { failures.push_back(why); },
                    caf::after(30s) >> [&] { timed_out = true; });
  REQUIRE_FALSE(timed_out);
  CHECK(failures.empty());
  // Distinct revisions 1..200: no gap, no reuse.
  REQUIRE(revisions.size() == size_t(requesters * each));
  CHECK(*revisions.begin() == 1);
  CHECK(*revisions.rbegin() == requesters * each);

  auto after = db->stats();
  const auto writes = after.writes - before.writes;
  const auto syncs = after.syncs - before.syncs;
  INFO(TestType::name << ": " << writes << " writes in " << syncs << " syncs, most " << after.max_batch);
  CHECK(writes == uint64_t(requesters * each));
  CHECK(syncs < writes);  // they shared group commits (one pool thread could not have)
  CHECK(after.max_batch > 1);

  store_list l{&pods(), {}};
  l.options.ns = "load";
  auto listed = f.ask<store::list_result>(l);
  REQUIRE(listed.ok());
  CHECK(listed->items.size() == size_t(requesters * each));
}

TEMPLATE_TEST_CASE("store actor: a scoped requester's 200 creates sent before any reply all succeed",
                   "[store][store_actor]", memory_actor, rocksdb_actor) {
  TestType backend;
  writes_fixture f(backend.options());
  auto db = f.borrow();
  std::vector<object_ptr> objects;
  for (int i = 0; i < 200; ++i)
    objects.push_back(pod_ptr("burst", "p" + std::to_string(i)));
  std::set<int64_t> revisions;
  int failed = 0;
  // Asynchronous sends: the replies come back as ordinary messages once every request is out.
  for (auto& o : objects)
    f.self->send(f.store, store_create{&pods(), std::move(o)});
  for (int i = 0; i < 200; ++i)
    f.self->receive([&](store::write_result& r) { revisions.insert(r.object.revision); },
                    [&](caf::error&) { ++failed; }, caf::after(30s) >> [&] { ++failed; });
  CHECK(failed == 0);
  CHECK(revisions.size() == 200);
  CHECK(db->stats().syncs < db->stats().writes);
}

TEMPLATE_TEST_CASE("store actor: refused writes answer the store error, write_many keeps the good writes",
                   "[store][store_actor]", memory_actor, rocksdb_actor) {
  TestType backend;
  writes_fixture f(backend.options());
  auto created = f.ask<store::write_result>(store_create{&pods(), pod_ptr("a", "web-0")});
  REQUIRE(created.ok());
  CHECK(created->object.revision == 1);
  CHECK(testing::name_of(*created->object.object) == "web-0");

  // Creating it again: already exists, worded as Kubernetes words it.
  auto again = f.ask<store::write_result>(store_create{&pods(), pod_ptr("a", "web-0")});
  REQUIRE_FALSE(again.ok());
  CHECK(again.status().is(store::status::code::already_exists));
  CHECK(again.status().message() == "pods \"web-0\" already exists");

  // An update from revision 1 succeeds; a second one still carrying revision 1 is a conflict.
  auto changed = testing::as<core::v1::Pod>(created->object);
  changed.mutable_spec()->set_nodename("node-1");
  auto updated = f.ask<store::write_result>(store_update{&pods(), std::make_shared<core::v1::Pod>(changed)});
  REQUIRE(updated.ok());
  CHECK(updated->object.revision == 2);
  changed.mutable_spec()->set_nodename("node-2");
  auto stale = f.ask<store::write_result>(store_update{&pods(), std::make_shared<core::v1::Pod>(changed)});
  REQUIRE_FALSE(stale.ok());
  CHECK(stale.status().is(store::status::code::conflict));
  CHECK_THAT(stale.status().message(), Catch::Contains("the object has been modified"));

  // Removing what is not there: not found; removing what is: the deleted state.
  auto missing = f.ask<store::write_result>(store_remove{&pods(), "a", "nope", {}});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().is(store::status::code::not_found));
  CHECK(missing.status().message() == "pods \"nope\" not found");
  auto removed = f.ask<store::write_result>(store_remove{&pods(), "a", "web-0", {}});
  REQUIRE(removed.ok());
  CHECK(removed->deleted);
  CHECK(removed->object.revision == 3);

  // write_many: one outcome per write, in order; the bad one does not stop the others.
  store_write_many many;
  many.writes.push_back({store::batch_write::op::create, &pods(), pod_ptr("a", "x")});
  many.writes.push_back({store::batch_write::op::create, &pods(), pod_ptr("a", "x")});  // exists by then
  many.writes.push_back({store::batch_write::op::create, &pods(), pod_ptr("a", "y")});
  store::batch_write gone;
  gone.what = store::batch_write::op::remove;
  gone.kind = &pods();
  gone.ns = "a";
  gone.name = "web-0";  // removed above
  many.writes.push_back(gone);
  store::batch_write drop_x = gone;
  drop_x.name = "x";
  many.writes.push_back(drop_x);
  auto out = f.ask<batch_results>(std::move(many));
  REQUIRE(out.ok());
  REQUIRE(out->size() == 5);
  REQUIRE((*out)[0].ok());
  CHECK((*out)[0]->object.revision == 4);
  REQUIRE_FALSE((*out)[1].ok());
  CHECK((*out)[1].status().is(store::status::code::already_exists));
  REQUIRE((*out)[2].ok());
  CHECK((*out)[2]->object.revision == 5);
  REQUIRE_FALSE((*out)[3].ok());
  CHECK((*out)[3].status().is(store::status::code::not_found));
  REQUIRE((*out)[4].ok());
  CHECK((*out)[4]->deleted);
  CHECK((*out)[4]->object.revision == 6);

  auto y = f.ask<store::stored_object>(store_get{&pods(), "a", "y"});
  REQUIRE(y.ok());
  CHECK(y->revision == 5);
}

TEST_CASE("store actor: the object of a create is handed over, not copied", "[store][store_actor]") {
  writes_fixture f(memory_actor{}.options());
  auto obj = std::make_shared<core::v1::Pod>(pod("a", "mine"));
  const google::protobuf::Message* address = obj.get();
  auto created = f.ask<store::write_result>(store_create{&pods(), std::move(obj)});
  REQUIRE(created.ok());
  // The store wrote into the object the message carried (uid, resourceVersion set in place).
  CHECK(created->object.object.get() == address);
  CHECK_FALSE(testing::as<core::v1::Pod>(created->object).metadata().uid().empty());
}

TEST_CASE("store actor: killed with writes in flight, then a new store actor on the same database works",
          "[store][store_actor]") {
  rocksdb_actor backend;
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  int answered = 0, failed = 0;
  {
    auto first = store::spawn_store_actor(sys, backend.options());
    std::vector<object_ptr> objects;
    for (int i = 0; i < 300; ++i)
      objects.push_back(pod_ptr("k", "p" + std::to_string(i)));
    self->monitor(first);
    for (auto& o : objects)
      self->send(first, store_create{&pods(), std::move(o)});
    // Killed once the first answers come (an exit message overtakes the mailbox): the rest are
    // queued in the store or waiting in the actor's completion queue then.
    self->receive([&](store::write_result&) { ++answered; }, [&](caf::error&) { ++failed; },
                  caf::after(10s) >> [] {});
    REQUIRE(answered + failed == 1);
    self->send_exit(first, caf::exit_reason::kill);
    bool down = false;
    while (!down)
      self->receive([&](caf::down_msg&) { down = true; },
                    [&](store::write_result&) { ++answered; },
                    [&](caf::error&) { ++failed; },
                    caf::after(10s) >> [&] { down = true; FAIL("the killed store actor did not go down"); });
    // Whatever was answered before the kill; nothing arrives afterwards.
    bool late = false;
    self->receive([&](store::write_result&) { late = true; }, caf::after(300ms) >> [] {});
    CHECK_FALSE(late);
  }
  INFO(answered << " creates answered before the kill, " << failed << " refused");
  // A new store actor on the same directory opens it (the old one let go) and takes writes.
  writes_fixture f(backend.options());
  auto created = f.ask<store::write_result>(store_create{&pods(), pod_ptr("k", "after")});
  INFO(created.status().to_string());
  REQUIRE(created.ok());
  store_list l{&pods(), {}};
  l.options.ns = "k";
  auto listed = f.ask<store::list_result>(l);
  REQUIRE(listed.ok());
  // Every write the killed actor handed over either made it whole or not at all: revisions
  // without gaps, one object per revision.
  CHECK(int64_t(listed->items.size()) == created->object.revision);
  CHECK(int(listed->items.size()) >= answered + 1);
}
