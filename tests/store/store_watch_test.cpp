// The shared store suite, part 3: watch (order, selectors, bookmarks, resume, 410, slow watchers),
// on both backends; resuming after a reopen on the durable one.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "proto/core_v1.pb.h"
#include "tests/store/store_fixtures.hpp"

namespace troupe::testing {

using store::status;
using store::watch_event_type;
using strings = std::vector<std::string>;

namespace {

std::string rv(int64_t base, int64_t offset) { return std::to_string(base + offset); }

} // namespace

TEMPLATE_TEST_CASE("store: watch from a revision sees every change in order", "[unit][store]",
                   memory_backend, rocksdb_backend) {
  TestType backend;
  auto s = backend.open();
  REQUIRE(s->create(pods(), pod("demo", "old"), at(1)).ok());
  const int64_t from = s->revision();
  store::watch_options o;
  o.since = from;
  auto w = s->watch(pods(), o);
  REQUIRE(w.ok());
  auto created = s->create(pods(), pod("demo", "web-0"), at(2));
  REQUIRE(created.ok());
  auto p = as<core::v1::Pod>(created->object);
  p.mutable_status()->set_phase("Running");
  REQUIRE(s->update(pods(), p).ok());
  REQUIRE(s->remove(pods(), "demo", "web-0", {}, at(3)).ok());
  REQUIRE(s->create(deployments(), make_deployment(), at(3)).ok());  // another kind: not seen
  auto events = collect(**w, 3);
  CHECK(describe(events) ==
        strings{"ADDED web-0@" + rv(from, 1), "MODIFIED web-0@" + rv(from, 2), "DELETED web-0@" + rv(from, 3)});
  REQUIRE(events.size() == 3);
  CHECK(as<core::v1::Pod>(store::stored_object{"", 0, events[1].object}).status().phase() == "Running");
  CHECK(store::object_meta(*events[2].object).resourceversion() == rv(from, 3));
  CHECK(describe((*w)->poll(10)) == strings{});
  CHECK((*w)->revision() == s->revision());
}

TEMPLATE_TEST_CASE("store: watch from 0 starts with the current state", "[unit][store]",
                   memory_backend, rocksdb_backend) {
  TestType backend;
  auto s = backend.open();
  REQUIRE(s->create(pods(), pod("demo", "a"), at(1)).ok());
  REQUIRE(s->create(pods(), pod("demo", "b"), at(1)).ok());
  REQUIRE(s->create(pods(), pod("other", "c"), at(1)).ok());
  const int64_t start = s->revision();
  store::watch_options o;
  o.ns = "demo";
  o.bookmarks = true;
  auto w = s->watch(pods(), o);
  REQUIRE(w.ok());
  REQUIRE(s->create(pods(), pod("demo", "d"), at(2)).ok());
  auto events = collect(**w, 4);
  CHECK(describe(events) == strings{"ADDED a@1", "ADDED b@2", "BOOKMARK@" + rv(start, 0), "ADDED d@" + rv(start, 1)});
  REQUIRE(events.size() == 4);
  const auto& m = store::object_meta(*events[2].object);
  CHECK(m.resourceversion() == rv(start, 0));
  CHECK(m.annotations().at("k8s.io/initial-events-end") == "true");
  CHECK(m.name().empty());
}

TEMPLATE_TEST_CASE("store: watch selectors turn objects leaving into DELETED and entering into ADDED",
                   "[unit][store]", memory_backend, rocksdb_backend) {
  TestType backend;
  auto s = backend.open();
  const int64_t from = s->revision();
  store::watch_options o;
  o.since = from;
  o.labels = labels("app=web");
  auto w = s->watch(pods(), o);
  REQUIRE(w.ok());
  store::watch_options f;
  f.since = from;
  f.fields = *config::parse_field_selector("spec.nodeName=node-1").value;
  auto wf = s->watch(pods(), f);
  REQUIRE(wf.ok());

  auto p = as<core::v1::Pod>(s->create(pods(), pod("demo", "x", {{"app", "db"}}), at(1))->object);  // +1
  (*p.mutable_metadata()->mutable_labels())["app"] = "web";
  p = as<core::v1::Pod>(s->update(pods(), p)->object);           // +2 enters
  p.mutable_spec()->set_nodename("node-1");
  p = as<core::v1::Pod>(s->update(pods(), p)->object);           // +3 stays; enters node-1
  (*p.mutable_metadata()->mutable_labels())["app"] = "db";
  p = as<core::v1::Pod>(s->update(pods(), p)->object);           // +4 leaves
  REQUIRE(s->remove(pods(), "demo", "x", {}, at(2)).ok());       // +5 deleted, unseen by w
  auto events = collect(**w, 3);
  CHECK(describe(events) ==
        strings{"ADDED x@" + rv(from, 2), "MODIFIED x@" + rv(from, 3), "DELETED x@" + rv(from, 4)});
  REQUIRE(events.size() == 3);
  // The object that left is shown as it was, at the revision it left.
  CHECK(store::object_meta(*events[2].object).labels().at("app") == "web");
  CHECK(store::object_meta(*events[2].object).resourceversion() == rv(from, 4));
  CHECK(describe(collect(**wf, 3)) ==
        strings{"ADDED x@" + rv(from, 3), "MODIFIED x@" + rv(from, 4), "DELETED x@" + rv(from, 5)});
}

TEMPLATE_TEST_CASE("store: watch resume older than the history window is gone", "[unit][store]",
                   memory_backend, rocksdb_backend) {
  TestType backend;
  store::store_options small;
  small.history_window = 5;
  auto s = backend.open(small);
  for (int i = 0; i < 12; ++i) REQUIRE(s->create(pods(), pod("demo", "p" + std::to_string(i)), at(1)).ok());
  const auto st = s->stats();
  CHECK(st.compacted_revision == st.revision - 5);
  CHECK(st.history_events == 5);
  CHECK(st.compacted_events == 7);
  store::watch_options o;
  o.since = st.compacted_revision - 1;
  auto w = s->watch(pods(), o);
  CHECK(w.status().is(status::code::gone));
  CHECK(w.status().http_code() == 410);
  CHECK(w.status().reason() == std::string("Expired"));
  CHECK(w.status().message() == "too old resource version: " + std::to_string(st.compacted_revision - 1) +
                                    " (" + std::to_string(st.compacted_revision) + ")");
  o.since = st.compacted_revision;
  w = s->watch(pods(), o);
  REQUIRE(w.ok());
  CHECK(collect(**w, 5).size() == 5);
}

TEMPLATE_TEST_CASE("store: a slow watcher is closed with an error, others and writers go on",
                   "[unit][store]", memory_backend, rocksdb_backend) {
  TestType backend;
  store::store_options o;
  o.history_window = 100;
  o.watcher_max_lag = 10;
  auto s = backend.open(o);
  store::watch_options wo;
  wo.since = s->revision();
  auto slow = s->watch(pods(), wo);
  auto fast = s->watch(pods(), wo);
  REQUIRE(slow.ok());
  REQUIRE(fast.ok());
  size_t fast_seen = 0;
  for (int i = 0; i < 30; ++i) {
    REQUIRE(s->create(pods(), pod("demo", "p" + std::to_string(i)), at(1)).ok());
    fast_seen += (*fast)->poll(100).size();
  }
  CHECK(fast_seen == 30);
  auto events = (*slow)->poll(100);
  REQUIRE(events.size() == 1);
  CHECK(events[0].type == watch_event_type::error);
  CHECK(events[0].error.is(status::code::gone));
  CHECK((*slow)->closed());
  CHECK((*slow)->poll(100).empty());
  CHECK_FALSE((*fast)->closed());
  auto st = s->stats();
  CHECK(st.dropped_watchers == 1);
  CHECK(st.open_watchers == 1);
}

TEMPLATE_TEST_CASE("store: watchers are notified, woken, bookmarked and stopped", "[unit][store]",
                   memory_backend, rocksdb_backend) {
  TestType backend;
  auto s = backend.open();
  std::atomic<int> notified{0};
  store::watch_options o;
  o.since = s->revision();
  o.bookmarks = true;
  o.notify = [&] { notified.fetch_add(1); };
  auto w = s->watch(pods(), o);
  REQUIRE(w.ok());
  // From revision 0: the (empty) initial state ends with its bookmark.
  CHECK(describe((*w)->poll(10)) == strings{"BOOKMARK@0"});
  CHECK_FALSE((*w)->wait_for(std::chrono::milliseconds(10)));

  // Catch's assertions are not thread-safe: the writer thread only records its outcome.
  std::atomic<bool> created{false};
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    created = s->create(pods(), pod("demo", "a"), at(1)).ok();
  });
  const bool woken = (*w)->wait_for(std::chrono::milliseconds(5000));
  writer.join();
  CHECK(woken);
  REQUIRE(created.load());
  CHECK(notified.load() >= 1);
  CHECK(describe((*w)->poll(10)) == strings{"ADDED a@" + std::to_string(s->revision())});

  // Changes the watcher does not select still move its cursor; a bookmark tells the client.
  REQUIRE(s->create(pods(), pod("demo", "b", {{"x", "y"}}), at(1)).ok());
  store::watch_options sel = o;
  sel.labels = labels("x=z");
  sel.since = s->revision() - 1;
  auto ws = s->watch(pods(), sel);
  REQUIRE(ws.ok());
  (*ws)->request_bookmark();
  CHECK(describe((*ws)->poll(10)) == strings{"BOOKMARK@" + std::to_string(s->revision())});

  (*w)->stop();
  CHECK((*w)->closed());
  REQUIRE(s->create(pods(), pod("demo", "c"), at(1)).ok());
  CHECK((*w)->poll(10).empty());
  CHECK(s->stats().open_watchers == 1);
}

TEMPLATE_TEST_CASE("store: closing the store closes its watchers", "[unit][store]", memory_backend,
                   rocksdb_backend) {
  TestType backend;
  auto s = backend.open();
  store::watch_options o;
  o.since = s->revision();
  auto w = std::move(*s->watch(pods(), o));
  s.reset();
  auto events = w->poll(10);
  REQUIRE(events.size() == 1);
  CHECK(events[0].type == watch_event_type::error);
  CHECK(events[0].error.is(status::code::closed));
  CHECK(w->closed());
}

TEST_CASE("store: watch resumes after a reopen from the history on disk", "[unit][store]") {
  rocksdb_backend backend;
  store::store_options o;
  o.history_window = 8;
  int64_t mark = 0;
  {
    auto s = backend.open(o);
    for (int i = 0; i < 5; ++i) REQUIRE(s->create(pods(), pod("demo", "p" + std::to_string(i)), at(1)).ok());
    mark = s->revision();
    auto p = as<core::v1::Pod>(*s->get(pods(), "demo", "p1"));
    (*p.mutable_metadata()->mutable_labels())["app"] = "web";
    REQUIRE(s->update(pods(), p).ok());
    REQUIRE(s->remove(pods(), "demo", "p2", {}, at(2)).ok());
  }
  auto s = backend.open(o);
  CHECK(s->revision() == mark + 2);
  store::watch_options wo;
  wo.since = mark;
  auto w = s->watch(pods(), wo);
  REQUIRE(w.ok());
  CHECK(describe(collect(**w, 2)) == strings{"MODIFIED p1@" + rv(mark, 1), "DELETED p2@" + rv(mark, 2)});
  // A selector applied to resumed history still sees the label change as an entry.
  wo.labels = labels("app=web");
  auto ws = s->watch(pods(), wo);
  REQUIRE(ws.ok());
  CHECK(describe(collect(**ws, 1)) == strings{"ADDED p1@" + rv(mark, 1)});
  // New writes continue the sequence.
  auto next = s->create(pods(), pod("demo", "after"), at(3));
  REQUIRE(next.ok());
  CHECK(next->object.revision == mark + 3);
  CHECK(describe(collect(**w, 1)) == strings{"ADDED after@" + rv(mark, 3)});
  // Older than the window on disk: gone, with the same message after the restart.
  for (int i = 0; i < 10; ++i) REQUIRE(s->create(pods(), pod("demo", "q" + std::to_string(i)), at(1)).ok());
  s.reset();
  s = backend.open(o);
  wo = {};
  wo.since = mark;
  CHECK(s->watch(pods(), wo).status().is(status::code::gone));
  CHECK(s->stats().history_events == 8);
  CHECK(s->stats().compacted_revision == s->revision() - 8);
}

TEST_CASE("store: a smaller history window after a reopen is caught up in bounded steps",
          "[unit][store]") {
  rocksdb_backend backend;
  store::store_options big;
  big.history_window = 3000;
  big.sync = false;
  {
    auto s = backend.open(big);
    for (int i = 0; i < 1200; ++i) REQUIRE(s->create(pods(), pod("demo", "p" + std::to_string(i)), at(1)).ok());
  }
  store::store_options small = big;
  small.history_window = 10;
  auto s = backend.open(small);
  CHECK(s->stats().history_events == 10);
  REQUIRE(s->create(pods(), pod("demo", "x"), at(1)).ok());
  REQUIRE(s->create(pods(), pod("demo", "y"), at(1)).ok());
  s.reset();
  s = backend.open(small);
  const auto st = s->stats();
  CHECK(st.history_events == 10);
  CHECK(st.revision == 1202);
}

} // namespace troupe::testing
