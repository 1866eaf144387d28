// benchmarks/store_bench, run for real at a tiny size: every backend (etcd started by the
// benchmark, both RocksDB driving modes, memory) prints its figures as JSON lines, and each troupe
// figure is compared with etcd driven the same way. Nothing here is timed: only that the figures
// exist, count what they say, and pair with the right peer.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tests/support/server_process.hpp"

using nlohmann::json;

namespace {

struct bench_output {
  int exit_code = -1;
  std::vector<json> lines;
  std::string text;
};

bench_output run_store_bench(const std::string& args) {
  bench_output out;
  auto binary = std::filesystem::path(troupe::testing::build_dir()) / "benchmarks" / "store_bench";
  REQUIRE(std::filesystem::exists(binary));
  std::FILE* p = ::popen((binary.string() + " " + args + " 2>&1").c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  std::string line;
  while (std::fgets(buf, sizeof buf, p) != nullptr) {
    line += buf;
    if (line.empty() || line.back() != '\n')
      continue;
    out.text += line;
    if (line[0] == '{')
      out.lines.push_back(json::parse(line));
    line.clear();
  }
  int status = ::pclose(p);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

const json* find(const bench_output& o, const std::string& metric, const std::string& backend,
                 int writers = 0) {
  for (const auto& l : o.lines)
    if (l.value("metric", "") == metric && l.value("backend", "") == backend &&
        (writers == 0 || l.value("writers", 0) == writers))
      return &l;
  return nullptr;
}

} // namespace

TEST_CASE("store_bench measures every backend and pairs each troupe figure with etcd driven the "
          "same way",
          "[integration][benchmarks]") {
  if (!std::filesystem::exists("/usr/bin/etcd")) {
    WARN("no /usr/bin/etcd (Debian etcd-server): scripts/install-deps installs it");
    return;
  }
  auto o = run_store_bench("--seconds 0.3 --warmup 0.1 --writers 1,8 --list-pods 40 "
                           "--watchers 3 --watch-events 30");
  INFO(o.text);
  REQUIRE(o.exit_code == 0);

  for (const char* backend :
       {"etcd", "troupe-rocksdb", "etcd-async", "troupe-rocksdb-async", "troupe-memory"}) {
    for (int writers : {1, 8}) {
      INFO(backend << " at " << writers << " writers");
      const json* w = find(o, "durable_writes_per_second", backend, writers);
      REQUIRE(w != nullptr);
      CHECK((*w)["value"].get<double>() > 0);
      CHECK((*w)["writes"].get<double>() > 0);
      const bool async = std::string(backend).find("async") != std::string::npos;
      CHECK((*w)["driven"] == (async ? "async" : "threads"));
      const json* cpu = find(o, "cpu_per_write", backend, writers);
      REQUIRE(cpu != nullptr);
      CHECK((*cpu)["value"].get<double>() > 0);
    }
  }

  // Ratios: threads against etcd, async against etcd-async, from the same run's figures.
  for (auto [backend, peer] : {std::pair{"troupe-rocksdb", "etcd"},
                               {"troupe-rocksdb-async", "etcd-async"},
                               {"troupe-memory", "etcd"}}) {
    INFO(backend);
    const json* t = find(o, "durable_writes_per_second", backend, 8);
    const json* e = find(o, "durable_writes_per_second", peer, 8);
    REQUIRE(t != nullptr);
    REQUIRE(e != nullptr);
    CHECK((*t)["peer"] == peer);
    const double expected = (*t)["value"].get<double>() / (*e)["value"].get<double>();
    CHECK((*t)["ratio_vs_etcd"].get<double>() == Approx(expected).margin(0.01));
  }
  CHECK(find(o, "durable_writes_per_second", "etcd", 1)->count("ratio_vs_etcd") == 0);

  // The goal lines, one per driving mode, each with its peer.
  for (auto [backend, peer] :
       {std::pair{"troupe-rocksdb", "etcd"}, {"troupe-rocksdb-async", "etcd-async"}}) {
    const json* g = find(o, "goal_durable_writes_vs_etcd", backend, 1);
    REQUIRE(g != nullptr);
    CHECK((*g)["peer"] == peer);
    CHECK((*g)["goal"].get<double>() == 1.0);
  }

  // List and watch run for the thread-driven backends only, and see every pod and event.
  for (const char* backend : {"etcd", "troupe-rocksdb", "troupe-memory"}) {
    INFO(backend);
    const json* list = find(o, "list_pods_ms", backend);
    REQUIRE(list != nullptr);
    CHECK((*list)["value"].get<double>() > 0);
    CHECK((*list)["pods"] == 40);
    CHECK(find(o, "watch_fanout_seconds", backend) != nullptr);
  }
  CHECK(find(o, "watch_fanout_seconds", "etcd-async") == nullptr);
}

TEST_CASE("store_bench names a bad argument", "[benchmarks]") {
  auto o = run_store_bench("--writers 0");
  CHECK(o.exit_code != 0);
  CHECK(o.text.find("--writers") != std::string::npos);
  o = run_store_bench("--client-threads 0 --backends troupe-memory");
  CHECK(o.exit_code != 0);
  CHECK(o.text.find("--client-threads") != std::string::npos);
  o = run_store_bench("--backends etcd,nosuch");
  CHECK(o.exit_code != 0);
  CHECK(o.text.find("unknown backend nosuch") != std::string::npos);
}
