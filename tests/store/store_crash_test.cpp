// Durability under SIGKILL: a child process writes with several threads and reports each
// acknowledged revision on a pipe; the parent kills it at a random moment, reopens the store and
// checks that every acknowledged write is there and that revisions have no gap and no reuse.
#include <catch2/catch.hpp>

#include <rocksdb/db.h>
#include <signal.h>

#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "proto/core_v1.pb.h"
#include "store/history.hpp"
#include "tests/store/child_process.hpp"
#include "tests/store/store_fixtures.hpp"

namespace troupe::testing {

namespace {

constexpr int crash_threads = 6;

store::store_options crash_options() {
  store::store_options o;
  o.history_window = 1 << 20;  // keep every event: the check reads the whole history
  return o;
}

// One thread of the child: creates, updates and deletes pods of its own, reporting
// "<revision> <c|u|d> <key>" after each acknowledged write.
void write_forever(store::object_store& s, const core::v1::Pod& proto, int fd, uint64_t seed,
                   int thread) {
  std::mt19937_64 rng(seed * 1000 + static_cast<uint64_t>(thread));
  std::vector<std::string> live;
  for (int next = 0;;) {
    const auto dice = rng() % 10;
    std::string name;
    char op = 'c';
    store::result<store::write_result> r = store::status::ok();
    if (live.empty() || dice < 5) {
      name = "s" + std::to_string(seed) + "t" + std::to_string(thread) + "-" + std::to_string(next++);
      r = s.create(pods(), pod_like(proto, "crash", name), at(1));
      if (r.ok()) live.push_back(name);
    } else if (dice < 8) {
      op = 'u';
      name = live[rng() % live.size()];
      auto p = pod_like(proto, "crash", name);
      (*p.mutable_metadata()->mutable_annotations())["n"] = std::to_string(rng());
      r = s.update(pods(), p);
    } else {
      op = 'd';
      const size_t i = rng() % live.size();
      name = live[i];
      live.erase(live.begin() + static_cast<long>(i));
      r = s.remove(pods(), "crash", name, {}, at(2));
    }
    if (!r.ok()) {
      report(fd, "error " + r.status().to_string() + "\n");
      ::_exit(2);
    }
    report(fd, std::to_string(r->object.revision) + " " + op + " " + r->object.key + "\n");
  }
}

struct ack {
  int64_t revision;
  char op;
  std::string key;
};

std::vector<ack> parse_acks(const std::string& text, std::string* errors) {
  std::vector<ack> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (in.eof()) break;  // a line without its newline was cut by the kill: not reported
    std::istringstream l(line);
    ack a;
    if (!(l >> a.revision >> a.op >> a.key)) {
      *errors += line + "\n";
      continue;
    }
    out.push_back(a);
  }
  return out;
}

// The raw history on disk, read with RocksDB directly: revision -> record.
std::map<int64_t, std::string> read_history(const std::string& path, int64_t* meta_revision) {
  std::vector<rocksdb::ColumnFamilyDescriptor> families{
      {rocksdb::kDefaultColumnFamilyName, {}}, {"history", {}}, {"meta", {}}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  rocksdb::DBOptions options;
  auto s = rocksdb::DB::OpenForReadOnly(options, path, families, &handles, &db);
  INFO(s.ToString());
  REQUIRE(s.ok());
  std::map<int64_t, std::string> out;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), handles[1]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    out[*store::decode_revision(it->key().ToString())] = it->value().ToString();
  }
  it.reset();
  std::string v;
  REQUIRE(db->Get(rocksdb::ReadOptions(), handles[2], "revision", &v).ok());
  *meta_revision = *store::decode_revision(v);
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
  return out;
}

} // namespace

TEST_CASE("store crash child: writes until killed", "[.store_crash_child]") {
  const int fd = child_report_fd();
  const char* dir = std::getenv("TROUPE_STORE_CRASH_DIR");
  const char* seed = std::getenv("TROUPE_STORE_CRASH_SEED");
  if (fd < 0 || dir == nullptr || seed == nullptr) return;
  auto s = store::open_rocksdb_store(dir, crash_options());
  if (!s.ok()) {
    report(fd, "error " + s.status().to_string() + "\n");
    ::_exit(3);
  }
  const auto proto = pod("crash", "proto");
  std::vector<std::thread> threads;
  for (int t = 0; t < crash_threads; ++t) {
    threads.emplace_back(write_forever, std::ref(**s), std::cref(proto), fd, std::strtoull(seed, nullptr, 10), t);
  }
  for (auto& t : threads) t.join();
}

TEST_CASE("store: every acknowledged write survives SIGKILL, revisions have no gap or reuse",
          "[integration][store]") {
  for (uint64_t seed : {1, 2, 3, 4, 5}) {
    DYNAMIC_SECTION("seed " << seed) {
      temp_dir dir;
      const std::string path = dir.sub("db");
      int64_t reopen_revision = 0;
      // Two rounds per seed: the second child resumes the store the first one left.
      std::vector<ack> acks;
      for (int round = 0; round < 2; ++round) {
        std::mt19937_64 rng(seed * 7 + static_cast<uint64_t>(round));
        auto child = spawn_self("store crash child: writes until killed",
                                {"TROUPE_STORE_CRASH_DIR=" + path,
                                 "TROUPE_STORE_CRASH_SEED=" + std::to_string(seed * 10 + round)});
        std::string out;
        const auto start = std::chrono::steady_clock::now();
        // Wait for the first acknowledgement, then let it write for a random while.
        while (out.find('\n') == std::string::npos &&
               std::chrono::steady_clock::now() - start < std::chrono::seconds(10)) {
          read_until(child.from_child, &out, std::chrono::steady_clock::now() + std::chrono::milliseconds(20));
        }
        const auto run_for = std::chrono::milliseconds(100 + rng() % 500);
        read_until(child.from_child, &out, std::chrono::steady_clock::now() + run_for);
        ::kill(child.pid, SIGKILL);
        read_until(child.from_child, &out, std::chrono::steady_clock::now() + std::chrono::seconds(5));
        const int st = reap(child);
        CHECK(WIFSIGNALED(st));
        std::string errors;
        auto round_acks = parse_acks(out, &errors);
        INFO("round " << round << ", child said: " << errors);
        CHECK(errors.empty());
        REQUIRE_FALSE(round_acks.empty());
        for (const auto& a : round_acks) CHECK(a.revision > reopen_revision);
        acks.insert(acks.end(), round_acks.begin(), round_acks.end());
        auto s = store::open_rocksdb_store(path, crash_options());
        REQUIRE(s.ok());
        reopen_revision = (*s)->revision();
      }

      // No revision was acknowledged twice.
      std::set<int64_t> acked;
      for (const auto& a : acks) CHECK(acked.insert(a.revision).second);
      int64_t meta_revision = 0;
      auto history = read_history(path, &meta_revision);
      CHECK(meta_revision == reopen_revision);
      // No gap: every revision from 1 to the latest is in the history, once.
      REQUIRE(!history.empty());
      CHECK(history.begin()->first == 1);
      CHECK(history.rbegin()->first == meta_revision);
      CHECK(static_cast<int64_t>(history.size()) == meta_revision);
      // Every acknowledged write is the history's record of that revision.
      for (const auto& a : acks) {
        auto it = history.find(a.revision);
        REQUIRE(it != history.end());
        auto rec = store::decode_history_record(it->second);
        REQUIRE(rec);
        CHECK(rec->key == a.key);
        const auto expected = a.op == 'c'   ? store::watch_event_type::added
                              : a.op == 'u' ? store::watch_event_type::modified
                                            : store::watch_event_type::deleted;
        CHECK(rec->type == expected);
      }
      // The objects are what the history's last event per key says.
      std::map<std::string, std::pair<int64_t, store::watch_event_type>> last;
      for (const auto& [rev, bytes] : history) {
        auto rec = store::decode_history_record(bytes);
        REQUIRE(rec);
        last[std::string(rec->key)] = {rev, rec->type};
      }
      auto s = store::open_rocksdb_store(path, crash_options());
      REQUIRE(s.ok());
      size_t live = 0;
      for (const auto& [key, what] : last) {
        const std::string name = key.substr(key.rfind('/') + 1);
        auto got = (*s)->get(pods(), "crash", name);
        if (what.second == store::watch_event_type::deleted) {
          CHECK(got.status().is(store::status::code::not_found));
        } else {
          REQUIRE(got.ok());
          CHECK(got->revision == what.first);
          ++live;
        }
      }
      store::list_options all;
      CHECK((*s)->list(pods(), all)->items.size() == live);
      // The sequence goes on from where it stopped.
      auto next = (*s)->create(pods(), pod("crash", "after"), at(3));
      REQUIRE(next.ok());
      CHECK(next->object.revision == meta_revision + 1);
      INFO("seed " << seed << ": " << acks.size() << " acknowledged, " << meta_revision
                   << " durable revisions");
    }
  }
}

} // namespace troupe::testing
