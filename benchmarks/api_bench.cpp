// api_bench: the Kubernetes API of a real troupe-server process (HTTPS, bearer token, RocksDB store
// with synced writes) driven over loopback by our HTTP client.
//   - read (GET one ConfigMap) and mutating (POST a new ConfigMap) latency p50/p99 at a fixed
//     offered rate of 100 and 1,000 req/s (open loop: latency counts from each request's scheduled
//     start, so a stall is not hidden by the client waiting for it);
//   - maximum throughput of each with 16 connections (closed loop), and of creates with 64;
//   - GET latency at 200 req/s while 64 connections create back to back (reads must not queue
//     behind writes waiting for their sync);
//   - 100 concurrent watchers: latency from the start of a write to its event at each watcher.
// Anchor: Kubernetes' API call latency SLO, p99 <= 1 s. Goal: p99 <= 5 ms at 1,000 req/s.
// Prints one JSON object per figure. Usage: api_bench [--seconds N] [--watchers N]
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/http/client.hpp"
#include "actors/http/tls.hpp"
#include "tests/support/server_process.hpp"

using json = nlohmann::json;
using clock_type = std::chrono::steady_clock;
using troupe::testing::server_process;

namespace {

constexpr double anchor_ms = 1000;  // Kubernetes SLO: p99 <= 1 s for API calls
constexpr double goal_ms = 5;

troupe::http::client_options client_opts(const server_process& s) {
  troupe::http::client_options o;
  o.tls = troupe::http::make_client_tls_file(s.ca_file()).context;
  o.bearer_token = s.token();
  o.timeout = std::chrono::seconds(30);
  return o;
}

std::string configmap(const std::string& name) {
  return json{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}}},
              {"data", {{"k", std::string(200, 'x')}}}}
    .dump();
}

double percentile(std::vector<double> v, double p) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * (v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

void emit(json j) {
  j["bench"] = "api";
  std::printf("%s\n", j.dump().c_str());
  std::fflush(stdout);
}

// One request of a phase; returns whether the answer was the expected status.
using request_fn = std::function<bool(troupe::http::client&, uint64_t i)>;

struct phase_result {
  std::vector<double> latencies_ms;
  uint64_t errors = 0;
  double seconds = 0;
};

// Runs `threads` clients, each with its own TLS connection (handshake done first), calling
// `loop(client, latencies_ms, errors)` until it returns; merges what they measured.
using client_loop = std::function<void(troupe::http::client&, std::vector<double>&, std::atomic<uint64_t>&)>;

phase_result run_clients(const server_process& s, unsigned threads, const client_loop& loop) {
  std::vector<std::vector<double>> lat(threads);
  std::atomic<uint64_t> errors{0};
  const auto start = clock_type::now();
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      troupe::http::client c(client_opts(s));
      c.request("GET", s.url() + "/version");  // the TLS handshake is not part of the figures
      loop(c, lat[t], errors);
    });
  for (auto& th : pool)
    th.join();
  phase_result r;
  for (auto& l : lat)
    r.latencies_ms.insert(r.latencies_ms.end(), l.begin(), l.end());
  r.errors = errors;
  r.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  return r;
}

// Open loop: request i is due at start + i / rate; the clients take turns.
phase_result run_rate(const server_process& s, double rate, double seconds, const request_fn& fn) {
  const uint64_t total = static_cast<uint64_t>(rate * seconds);
  const unsigned threads = std::min<unsigned>(64, std::max<unsigned>(4, static_cast<unsigned>(rate / 50)));
  std::atomic<uint64_t> next{0};
  const auto start = clock_type::now() + std::chrono::milliseconds(500);  // after the handshakes
  auto r = run_clients(s, threads, [&](troupe::http::client& c, std::vector<double>& lat, std::atomic<uint64_t>& errors) {
    for (uint64_t i = next.fetch_add(1); i < total; i = next.fetch_add(1)) {
      auto due = start + std::chrono::nanoseconds(static_cast<int64_t>(i * 1e9 / rate));
      std::this_thread::sleep_until(due);
      bool ok = fn(c, i);
      lat.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - due).count());
      if (!ok)
        errors.fetch_add(1);
    }
  });
  r.seconds = std::chrono::duration<double>(clock_type::now() - start).count();  // the schedule's window
  return r;
}

// Closed loop: `conns` clients send back to back for `seconds`.
phase_result run_max(const server_process& s, unsigned conns, double seconds, const request_fn& fn) {
  std::atomic<uint64_t> next{0};
  const auto end = clock_type::now() + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(seconds));
  return run_clients(s, conns, [&](troupe::http::client& c, std::vector<double>& lat, std::atomic<uint64_t>& errors) {
    while (clock_type::now() < end) {
      auto t0 = clock_type::now();
      if (!fn(c, next.fetch_add(1)))
        errors.fetch_add(1);
      lat.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());
    }
  });
}

void report_rate(const char* op, double rate, const phase_result& r) {
  const double p99 = percentile(r.latencies_ms, 0.99);
  emit({{"metric", std::string(op) + "_latency_p50"}, {"rate", rate}, {"value", percentile(r.latencies_ms, 0.5)},
        {"unit", "ms"}, {"anchor", anchor_ms}});
  emit({{"metric", std::string(op) + "_latency_p99"}, {"rate", rate}, {"value", p99}, {"unit", "ms"},
        {"anchor", anchor_ms}, {"goal", goal_ms}, {"ratio_to_anchor", p99 / anchor_ms},
        {"achieved_rate", r.latencies_ms.size() / r.seconds}, {"errors", r.errors}});
}

} // namespace

int main(int argc, char** argv) {
  double seconds = 5;
  int watchers = 100;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--seconds")
      seconds = std::stod(argv[i + 1]);
    else if (a == "--watchers")
      watchers = std::stoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "api_bench: unknown argument %s (use --seconds N, --watchers N)\n", a.c_str());
      return 2;
    }
  }
  if (troupe::testing::server_binary().empty()) {
    std::fprintf(stderr, "api_bench: %s/actors/troupe-server is not built\n", troupe::testing::build_dir().c_str());
    return 1;
  }
  server_process server("troupe-api-bench");
  if (!server.start()) {
    std::fprintf(stderr, "api_bench: troupe-server did not start:\n%s\n", troupe::testing::slurp(server.log()).c_str());
    return 1;
  }
  troupe::http::client admin(client_opts(server));
  const auto ns_url = server.url() + "/api/v1/namespaces";
  for (const char* ns : {"bench", "watch"})
    admin.request("POST", ns_url, {}, json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}}.dump());
  const auto cms = server.url() + "/api/v1/namespaces/bench/configmaps";
  for (int i = 0; i < 100; ++i)
    admin.request("POST", cms, {}, configmap("read-" + std::to_string(i)));

  request_fn get = [&](troupe::http::client& c, uint64_t i) {
    return c.request("GET", cms + "/read-" + std::to_string(i % 100)).status == 200;
  };
  std::atomic<uint64_t> created{0};
  request_fn post = [&](troupe::http::client& c, uint64_t) {
    auto name = "w-" + std::to_string(created.fetch_add(1));
    return c.request("POST", cms, {}, configmap(name)).status == 201;
  };

  for (double rate : {100.0, 1000.0}) {
    report_rate("get", rate, run_rate(server, rate, seconds, get));
    report_rate("create", rate, run_rate(server, rate, seconds, post));
  }
  for (auto [op, fn] : {std::pair<const char*, request_fn*>{"get", &get}, {"create", &post}}) {
    auto r = run_max(server, 16, seconds, *fn);
    emit({{"metric", std::string(op) + "_max_throughput"}, {"value", r.latencies_ms.size() / r.seconds},
          {"unit", "req/s"}, {"connections", 16}, {"p99_ms", percentile(r.latencies_ms, 0.99)},
          {"errors", r.errors}});
  }

  // Reads under write load: 64 connections create back to back (more than the server's 32
  // request threads) while GETs go at 200/s.
  {
    constexpr unsigned writers = 64;
    constexpr double read_rate = 200;
    phase_result w;
    std::thread load([&] { w = run_max(server, writers, seconds + 1, post); });
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the writers' handshakes
    auto r = run_rate(server, read_rate, seconds, get);
    load.join();
    emit({{"metric", "create_max_throughput"}, {"value", w.latencies_ms.size() / w.seconds},
          {"unit", "req/s"}, {"connections", writers}, {"p99_ms", percentile(w.latencies_ms, 0.99)},
          {"errors", w.errors}});
    emit({{"metric", "get_latency_p50_under_writes"}, {"rate", read_rate}, {"writers", writers},
          {"value", percentile(r.latencies_ms, 0.5)}, {"unit", "ms"}});
    emit({{"metric", "get_latency_p99_under_writes"}, {"rate", read_rate}, {"writers", writers},
          {"value", percentile(r.latencies_ms, 0.99)}, {"unit", "ms"}, {"anchor", anchor_ms},
          {"goal", goal_ms}, {"achieved_rate", r.latencies_ms.size() / r.seconds},
          {"errors", r.errors}});
  }

  // Watch fan-out: `watchers` streams on ns "watch"; 200 writes at 100/s; delivery latency from
  // each write's start to its event at each watcher.
  const auto wurl = server.url() + "/api/v1/namespaces/watch/configmaps";
  std::mutex mu;
  std::map<std::string, clock_type::time_point> write_start;
  std::vector<double> delivery_ms;
  std::atomic<int> ready{0};
  std::atomic<bool> done{false};
  std::atomic<uint64_t> events{0};
  const int writes = 200;
  std::vector<std::thread> ws;
  std::vector<std::unique_ptr<troupe::http::client>> wclients;
  for (int w = 0; w < watchers; ++w)
    wclients.push_back(std::make_unique<troupe::http::client>(client_opts(server)));
  for (int w = 0; w < watchers; ++w)
    ws.emplace_back([&, w] {
      int got = 0;
      bool counted = false;
      wclients[w]->stream_lines(
        wurl + "?watch=1&allowWatchBookmarks=true&sendInitialEvents=false&resourceVersion=0",
        {},
        [&](std::string_view line) {
          auto now = clock_type::now();
          auto j = json::parse(line, nullptr, false);
          if (!counted) {
            counted = true;
            ready.fetch_add(1);
          }
          if (j.is_discarded() || j.value("type", "") != "ADDED")
            return !done.load();
          auto name = j["object"]["metadata"].value("name", "");
          std::lock_guard<std::mutex> lock(mu);
          auto it = write_start.find(name);
          if (it == write_start.end())
            return !done.load();  // the marker
          delivery_ms.push_back(std::chrono::duration<double, std::milli>(now - it->second).count());
          events.fetch_add(1);
          return ++got < writes && !done.load();
        },
        std::chrono::seconds(20));
    });
  // Watches answer their head at once but send no line until an event: wait for the streams by
  // writing one marker object and counting watchers that saw something.
  auto marker = clock_type::now() + std::chrono::seconds(10);
  admin.request("POST", wurl, {}, configmap("marker"));
  while (ready.load() < watchers && clock_type::now() < marker)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  troupe::http::client writer(client_opts(server));
  const auto wstart = clock_type::now();
  for (int i = 0; i < writes; ++i) {
    std::this_thread::sleep_until(wstart + std::chrono::milliseconds(10 * i));
    auto name = "e-" + std::to_string(i);
    {
      std::lock_guard<std::mutex> lock(mu);
      write_start[name] = clock_type::now();
    }
    writer.request("POST", wurl, {}, configmap(name));
  }
  auto deadline = clock_type::now() + std::chrono::seconds(20);
  while (events.load() < static_cast<uint64_t>(watchers) * writes && clock_type::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  done = true;
  for (auto& c : wclients)
    c->cancel();
  for (auto& t : ws)
    t.join();
  emit({{"metric", "watch_delivery_p50"}, {"watchers", watchers}, {"value", percentile(delivery_ms, 0.5)},
        {"unit", "ms"}});
  emit({{"metric", "watch_delivery_p99"}, {"watchers", watchers}, {"value", percentile(delivery_ms, 0.99)},
        {"unit", "ms"}, {"delivered", events.load()}, {"expected", static_cast<uint64_t>(watchers) * writes}});
  emit({{"metric", "watch_events_per_second"}, {"watchers", watchers},
        {"value", events.load() / std::chrono::duration<double>(clock_type::now() - wstart).count()},
        {"unit", "events/s"}});
  return 0;
}
