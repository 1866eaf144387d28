// The history on disk (store/history.hpp): records of creations and updates leave out the object,
// and a reopened store gives every event exactly the object and previous state it had before;
// a format-1 database (records with objects) still opens and is upgraded; a record whose object
// cannot be found is corruption, named.
#include <catch2/catch.hpp>

#include <rocksdb/db.h>

#include "config/object_codec.hpp"
#include "proto/core_v1.pb.h"
#include "store/history.hpp"
#include "tests/store/store_fixtures.hpp"

namespace troupe::testing {

using store::status;
using store::watch_event_type;
using strings = std::vector<std::string>;

namespace {

// The database underneath a closed store, opened raw: handles 0 objects, 1 history, 2 meta.
struct raw_db {
  rocksdb::DB* db = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  explicit raw_db(const std::string& path) {
    std::vector<rocksdb::ColumnFamilyDescriptor> families{
        {rocksdb::kDefaultColumnFamilyName, {}}, {"history", {}}, {"meta", {}}};
    REQUIRE(rocksdb::DB::Open(rocksdb::DBOptions(), path, families, &handles, &db).ok());
  }
  ~raw_db() {
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    delete db;
  }
  std::map<int64_t, std::string> history() {
    std::map<int64_t, std::string> out;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), handles[1]));
    for (it->SeekToFirst(); it->Valid(); it->Next())
      out[*store::decode_revision(it->key().ToString())] = it->value().ToString();
    return out;
  }
  std::string meta(const std::string& key) {
    std::string v;
    db->Get(rocksdb::ReadOptions(), handles[2], key, &v);
    return v;
  }
};

// Type, revision, and the exact bytes of the event's object: what must survive a reopen.
strings exactly(const std::vector<store::watch_event>& events) {
  strings out;
  for (const auto& e : events) {
    out.push_back(describe(e) + " " +
                  (e.object ? config::serialize_deterministic(*e.object) : std::string("-")));
  }
  return out;
}

void relabel(store::object_store& s, const std::string& name, const std::string& app) {
  auto p = as<core::v1::Pod>(*s.get(pods(), "demo", name));
  (*p.mutable_metadata()->mutable_labels())["app"] = app;
  REQUIRE(s.update(pods(), p).ok());
}

// Every kind of record: creations, updates into and out of a selector, an immediate deletion, a
// re-creation, a graceful deletion (an update) and the removal of the last finalizer (a deletion
// whose object differs from the state before it). Returns the revision before the first write.
int64_t write_every_kind_of_record(store::object_store& s) {
  const int64_t mark = s.revision();
  REQUIRE(s.create(pods(), pod("demo", "a"), at(1)).ok());
  relabel(s, "a", "web");
  relabel(s, "a", "db");
  REQUIRE(s.create(pods(), pod("demo", "b", {{"app", "web"}}), at(1)).ok());
  REQUIRE(s.remove(pods(), "demo", "b", {}, at(2)).ok());
  REQUIRE(s.create(pods(), pod("demo", "b"), at(3)).ok());
  relabel(s, "b", "web");
  auto c = pod("demo", "c", {{"app", "web"}});
  c.mutable_metadata()->add_finalizers("example.com/hold");
  REQUIRE(s.create(pods(), c, at(3)).ok());
  REQUIRE(s.remove(pods(), "demo", "c", {}, at(4)).ok());  // marked: a finalizer holds it
  auto held = as<core::v1::Pod>(*s.get(pods(), "demo", "c"));
  held.mutable_metadata()->clear_finalizers();
  auto gone = s.update(pods(), held);
  REQUIRE(gone.ok());
  CHECK(gone->deleted);
  relabel(s, "a", "web");
  return mark;
}

std::vector<store::watch_event> watch_all(store::object_store& s, int64_t since, size_t count,
                                          const std::string& selector = "") {
  store::watch_options wo;
  wo.since = since;
  if (!selector.empty()) wo.labels = labels(selector);
  auto w = s.watch(pods(), wo);
  REQUIRE(w.ok());
  return collect(**w, count);
}

} // namespace

TEST_CASE("store history: a reopened store gives each event the object and previous state it had",
          "[unit][store]") {
  rocksdb_backend backend;
  store::store_options o;
  o.history_window = 8;  // fewer than the writes: the first records kept refer to dropped ones
  int64_t since = 0;
  strings all, web;
  {
    auto s = backend.open(o);
    write_every_kind_of_record(*s);
    since = s->stats().compacted_revision;
    REQUIRE(since > 0);
    const auto count = static_cast<size_t>(s->revision() - since);
    all = exactly(watch_all(*s, since, count));
    REQUIRE(all.size() == count);
    web = exactly(watch_all(*s, since, 7, "app=web"));
  }
  // Entering and leaving the selector needs each event's previous state.
  strings web_types;
  for (const auto& line : web) web_types.push_back(line.substr(0, line.find(' ')));
  CHECK(web_types == strings{"ADDED", "DELETED", "ADDED", "ADDED", "MODIFIED", "DELETED", "ADDED"});
  auto s = backend.open(o);
  CHECK(exactly(watch_all(*s, since, all.size())) == all);
  CHECK(exactly(watch_all(*s, since, 7, "app=web")) == web);
}

TEST_CASE("store history: creations and updates are recorded without their object",
          "[unit][store]") {
  rocksdb_backend backend;
  {
    auto s = backend.open();
    write_every_kind_of_record(*s);
  }
  raw_db raw(backend.dir.sub("db"));
  CHECK(raw.meta("format") == "troupe-store-2");
  const strings expected_types{"ADDED",   "MODIFIED", "MODIFIED", "ADDED",    "DELETED", "ADDED",
                               "MODIFIED", "ADDED",   "MODIFIED", "DELETED", "MODIFIED"};
  strings types;
  for (const auto& [rev, bytes] : raw.history()) {
    auto rec = store::decode_history_record(bytes);
    REQUIRE(rec);
    types.push_back(store::to_string(rec->type));
    INFO("revision " << rev);
    // A deletion keeps the deleted object (it may differ from the state before it); the others'
    // is the next record's prev or the stored value.
    CHECK(rec->object.empty() == (rec->type != watch_event_type::deleted));
    CHECK(rec->prev.empty() == (rec->type == watch_event_type::added));
  }
  CHECK(types == expected_types);
}

TEST_CASE("store history: a format-1 database opens, resumes its watches and is upgraded",
          "[unit][store]") {
  rocksdb_backend backend;
  strings all;
  int64_t since = 0;
  {
    auto s = backend.open();
    REQUIRE(s->create(pods(), pod("demo", "seed"), at(1)).ok());
    since = write_every_kind_of_record(*s);
    all = exactly(watch_all(*s, since, static_cast<size_t>(s->revision() - since)));
  }
  {
    // Rewrite it as format 1 wrote it: every record with its object.
    raw_db raw(backend.dir.sub("db"));
    auto history = raw.history();
    REQUIRE(history.size() == all.size() + 1);
    for (const auto& [rev, bytes] : history) {
      if (rev <= since) continue;  // the seed's record stays as format 2 wrote it
      auto rec = store::decode_history_record(bytes);
      REQUIRE(rec);
      const auto& line = all[static_cast<size_t>(rev - since - 1)];
      const std::string object = line.substr(line.find(' ', line.find(' ') + 1) + 1);
      auto full = store::encode_history_record({rec->type, rec->key, object, rec->prev});
      REQUIRE(raw.db->Put(rocksdb::WriteOptions(), raw.handles[1], store::encode_revision(rev), full).ok());
    }
    REQUIRE(raw.db->Put(rocksdb::WriteOptions(), raw.handles[2], "format", "troupe-store-1").ok());
  }
  {
    auto s = backend.open();
    CHECK(exactly(watch_all(*s, since, all.size())) == all);
    REQUIRE(s->create(pods(), pod("demo", "after"), at(5)).ok());
  }
  auto s = backend.open();
  CHECK(watch_all(*s, since, all.size() + 1).size() == all.size() + 1);
  s.reset();
  raw_db raw(backend.dir.sub("db"));
  CHECK(raw.meta("format") == "troupe-store-2");
}

TEST_CASE("store history: a record whose object is nowhere is corruption, named",
          "[unit][store]") {
  rocksdb_backend backend;
  std::string key;
  {
    auto s = backend.open();
    for (int i = 0; i < 3; ++i) REQUIRE(s->create(pods(), pod("demo", "p" + std::to_string(i)), at(1)).ok());
    key = s->get(pods(), "demo", "p2")->key;
  }
  {
    raw_db raw(backend.dir.sub("db"));
    REQUIRE(raw.db->Delete(rocksdb::WriteOptions(), raw.handles[0], key).ok());
  }
  auto r = store::open_rocksdb_store(backend.dir.sub("db"));
  REQUIRE_FALSE(r.ok());
  INFO(r.status().to_string());
  CHECK(r.status().is(status::code::corruption));
  CHECK(r.status().message().find(backend.dir.sub("db")) != std::string::npos);
  CHECK(r.status().message().find("history record 3 has no object, and " + key + " is not stored") !=
        std::string::npos);
}

} // namespace troupe::testing
