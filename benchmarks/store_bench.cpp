// store_bench: the object store's durable write rate and latency, list and watch fan-out, side by
// side in the same run with etcd 3.4 (started here on loopback, driven through its v3 gRPC API at
// the same concurrency with the same values: the protobuf bytes of a realistic Pod).
// Prints one JSON object per line per figure; see docs/benchmarks.md for the fields.
//
// Usage: store_bench [--seconds S] [--warmup S] [--quick] [--writers 1,16,256] [--backends a,b,c]
//                    [--client-threads N] [--list-pods N] [--watchers N] [--watch-events N]
//                    [--etcd PATH] [--etcd-connections N] [--tmp DIR] [--help]
// Backends: etcd, troupe-rocksdb, etcd-async, troupe-rocksdb-async, troupe-memory (the default
// set, in this order) and troupe-rocksdb-nosync. troupe-rocksdb-async drives the store as actors
// do: W writes in flight from --client-threads threads through write_async
// (benchmarks/async_writers.hpp); etcd-async drives etcd the same way (gRPC's callback API), and
// is the peer its ratios are taken against.
// The file is over 400 lines because the three measurements and their backends are one program.
#include <google/protobuf/message.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cerrno>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sys/resource.h>
#include <unistd.h>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "benchmarks/async_writers.hpp"
#include "benchmarks/etcd/etcd_client.hpp"
#include "benchmarks/etcd/etcd_metrics.hpp"
#include "benchmarks/etcd/etcd_process.hpp"
#include "config/admission.hpp"
#include "config/object_codec.hpp"
#include "proto/core_v1.pb.h"
#include "store/object_store.hpp"

using namespace troupe;
using clock_type = std::chrono::steady_clock;
using json = nlohmann::ordered_json;

namespace {

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "store_bench: %s\n", why.c_str());
  std::exit(1);
}

double seconds_since(clock_type::time_point t) {
  return std::chrono::duration<double>(clock_type::now() - t).count();
}

// ---------------------------------------------------------------------------------------------
// Options

struct options {
  double seconds = 5;               // measured time per write figure
  double warmup_seconds = 0.5;      // unmeasured writes before each write figure
  std::vector<int> writers = {1, 16, 256};
  std::vector<std::string> backends = {"etcd", "troupe-rocksdb", "etcd-async",
                                       "troupe-rocksdb-async", "troupe-memory"};
  int client_threads = 2;           // threads driving the async backends' writers
  int list_pods = 10000;
  int list_repeats = 5;
  int watchers = 100;
  int watch_events = 1000;
  int watch_writers = 16;
  std::string etcd_binary = "/usr/bin/etcd";
  int etcd_connections = 4;
  std::string tmp;
};

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty())
      out.push_back(item);
  return out;
}

const char* usage = R"(usage: store_bench [options]
  --seconds S            measured seconds per write figure (default 5)
  --quick                1 s per write figure, shorter warm-up, fewer list repeats and watch events
  --writers 1,16,256     concurrent writers per write figure
  --backends a,b,...     etcd, troupe-rocksdb, etcd-async, troupe-rocksdb-async, troupe-memory
                         (the default set) and troupe-rocksdb-nosync
  --warmup S             unmeasured seconds of writes before each write figure (default 0.5)
  --client-threads N     threads driving the async backends (default 2): their W writers are W
                         writes in flight (write_async, gRPC callbacks), not W threads
  --list-pods N          pods in the list figure (default 10000; 0 skips it)
  --watchers N           watchers in the watch figure (default 100; 0 skips it)
  --watch-events N       creates the watchers must see (default 1000)
  --etcd PATH            the etcd binary (default /usr/bin/etcd)
  --etcd-connections N   HTTP/2 connections to etcd (default 4)
  --tmp DIR              where the data directories go (default $TMPDIR or /tmp)
  --help                 this text
One JSON object per line per figure; docs/benchmarks.md describes them.
)";

options parse_options(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::fputs(usage, stdout);
      std::exit(0);
    }
    auto value = [&]() -> std::string {
      if (i + 1 >= argc)
        fail(a + " needs a value");
      return argv[++i];
    };
    if (a == "--seconds")
      o.seconds = std::atof(value().c_str());
    else if (a == "--quick") {
      o.seconds = 1;
      o.warmup_seconds = 0.2;
      o.list_repeats = 2;
      o.watch_events = 200;
    } else if (a == "--writers") {
      o.writers.clear();
      for (auto& w : split(value()))
        o.writers.push_back(std::atoi(w.c_str()));
    } else if (a == "--backends")
      o.backends = split(value());
    else if (a == "--warmup")
      o.warmup_seconds = std::atof(value().c_str());
    else if (a == "--client-threads")
      o.client_threads = std::atoi(value().c_str());
    else if (a == "--list-pods")
      o.list_pods = std::atoi(value().c_str());
    else if (a == "--watchers")
      o.watchers = std::atoi(value().c_str());
    else if (a == "--watch-events")
      o.watch_events = std::atoi(value().c_str());
    else if (a == "--etcd")
      o.etcd_binary = value();
    else if (a == "--etcd-connections")
      o.etcd_connections = std::atoi(value().c_str());
    else if (a == "--tmp")
      o.tmp = value();
    else
      fail("unknown argument " + a + " (see store_bench --help)");
  }
  if (o.seconds <= 0)
    fail("--seconds takes a positive number of seconds");
  if (o.warmup_seconds < 0)
    fail("--warmup takes a number of seconds, 0 or more");
  if (o.writers.empty())
    fail("--writers takes a list of positive counts, like 1,16,256");
  for (int w : o.writers)
    if (w < 1)
      fail("--writers takes positive counts");
  if (o.backends.empty())
    fail("--backends takes a list of backends (see --help)");
  for (auto [value, name] : {std::pair{o.list_pods, "--list-pods"},
                             {o.watchers, "--watchers"},
                             {o.watch_events, "--watch-events"}})
    if (value < 0)
      fail(std::string(name) + " takes a count, 0 or more");
  for (auto [value, name] :
       {std::pair{o.etcd_connections, "--etcd-connections"}, {o.client_threads, "--client-threads"}})
    if (value < 1)
      fail(std::string(name) + " takes a positive count");
  return o;
}

// ---------------------------------------------------------------------------------------------
// The Pod every write stores: a running pod as the API server holds it (defaults applied, status
// filled in), about 1.5 KB in Kubernetes' protobuf encoding. Only the name changes per write.

const char* pod_manifest = R"(apiVersion: v1
kind: Pod
metadata:
  name: checkout-7d9f8b6c5-x2x4z
  namespace: shop
  generateName: checkout-7d9f8b6c5-
  labels: {app: checkout, tier: backend, team: payments, pod-template-hash: 7d9f8b6c5}
  annotations: {prometheus.io/scrape: "true", prometheus.io/port: "9090"}
  ownerReferences:
  - {apiVersion: apps/v1, kind: ReplicaSet, name: checkout-7d9f8b6c5, controller: true,
     blockOwnerDeletion: true, uid: 5b0c1f9e-8d3a-4c55-9a0e-2f1d6b7c8e90}
spec:
  nodeName: worker-3
  terminationGracePeriodSeconds: 45
  tolerations:
  - {key: dedicated, operator: Equal, value: payments, effect: NoSchedule}
  containers:
  - name: checkout
    image: registry.local/checkout:2.4.1
    args: ["--port=8080", "--metrics-port=9090"]
    ports:
    - {name: http, containerPort: 8080}
    - {name: metrics, containerPort: 9090}
    env:
    - {name: LOG_LEVEL, value: info}
    - name: POD_IP
      valueFrom: {fieldRef: {fieldPath: status.podIP}}
    resources:
      requests: {cpu: 250m, memory: 256Mi}
      limits: {cpu: "1", memory: 512Mi}
    readinessProbe:
      httpGet: {path: /ready, port: http}
      periodSeconds: 5
    livenessProbe:
      httpGet: {path: /healthz, port: http}
      initialDelaySeconds: 10
    volumeMounts:
    - {name: cache, mountPath: /var/cache/checkout}
    - {name: config, mountPath: /etc/checkout, readOnly: true}
  - name: sidecar
    image: registry.local/log-shipper:1.2
    resources:
      requests: {cpu: 50m, memory: 64Mi}
  volumes:
  - name: cache
    emptyDir: {sizeLimit: 1Gi}
  - name: config
    configMap: {name: checkout-config}
status:
  phase: Running
  hostIP: 10.0.0.13
  podIP: 10.244.3.17
  podIPs: [{ip: 10.244.3.17}]
  qosClass: Burstable
  startTime: "2024-05-01T10:00:00Z"
  conditions:
  - {type: Initialized, status: "True", lastTransitionTime: "2024-05-01T10:00:00Z"}
  - {type: Ready, status: "True", lastTransitionTime: "2024-05-01T10:00:09Z"}
  - {type: ContainersReady, status: "True", lastTransitionTime: "2024-05-01T10:00:09Z"}
  - {type: PodScheduled, status: "True", lastTransitionTime: "2024-05-01T10:00:00Z"}
  containerStatuses:
  - name: checkout
    ready: true
    started: true
    restartCount: 0
    image: registry.local/checkout:2.4.1
    imageID: registry.local/checkout@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
    containerID: containerd://4e1f0c8a2b3d4e5f60718293a4b5c6d7e8f9012a3b4c5d6e7f8091a2b3c4d5e6
    state: {running: {startedAt: "2024-05-01T10:00:02Z"}}
  - name: sidecar
    ready: true
    started: true
    restartCount: 0
    image: registry.local/log-shipper:1.2
    imageID: registry.local/log-shipper@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae
    containerID: containerd://0a1b2c3d4e5f60718293a4b5c6d7e8f9012a3b4c5d6e7f8091a2b3c4d5e6f708
    state: {running: {startedAt: "2024-05-01T10:00:02Z"}}
)";

// The decoded, admitted Pod; writers copy it and set the name.
struct pod_source {
  const config::kind_info* kind = nullptr;
  std::unique_ptr<google::protobuf::Message> pod;

  core::v1::Pod make(const std::string& ns, const std::string& name) const {
    core::v1::Pod p;
    p.CopyFrom(*pod);
    p.mutable_metadata()->set_namespace_(ns);
    p.mutable_metadata()->set_name(name);
    return p;
  }
};

pod_source load_pod() {
  auto decoded = config::decode_manifests(pod_manifest, config::decode_mode::strict);
  if (decoded.size() != 1 || !decoded[0].ok())
    fail("the benchmark pod does not decode: " +
         (decoded.empty() ? std::string() : decoded[0].message()));
  auto admitted = config::admit(*decoded[0].kind, *decoded[0].object);
  if (!admitted.ok())
    fail("the benchmark pod is invalid: " +
         admitted.message(*decoded[0].kind, *decoded[0].object));
  return {decoded[0].kind, std::move(decoded[0].object)};
}

// What the API server would add on create and store in etcd, so etcd's values are as large as the
// store's (which assigns these itself).
std::string random_uid(std::mt19937_64& rng) {
  static const char hex[] = "0123456789abcdef";
  std::string s = "xxxxxxxx-xxxx-4xxx-axxx-xxxxxxxxxxxx";
  for (auto& c : s)
    if (c == 'x')
      c = hex[rng() % 16];
  return s;
}

// User + system CPU seconds of another process so far (0 when unreadable).
double process_cpu_seconds(pid_t pid) {
  std::FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (f == nullptr)
    return 0;
  char buf[1024];
  size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  buf[n] = 0;
  // Fields 14 and 15 (utime, stime, in clock ticks) follow the ")" that ends the command name.
  const char* p = std::strrchr(buf, ')');
  unsigned long long utime = 0, stime = 0;
  if (p == nullptr ||
      std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2)
    return 0;
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// User + system CPU seconds of this process so far, every thread.
double own_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

// ---------------------------------------------------------------------------------------------
// Systems under test, driven identically by the measurements below.

// One watcher on a namespace's pods, created before the writes it must see.
class watcher {
public:
  virtual ~watcher() = default;
  /// Blocks for the next events; returns how many arrived, 0 when the watch ended.
  virtual size_t next() = 0;
  /// Ends the watch from any thread; a blocked next() returns 0.
  virtual void cancel() = 0;
  /// Why the watch ended, if not by cancel().
  virtual std::string error() const { return {}; }
};

struct list_outcome {
  std::string error;
  size_t items = 0;
};

class backend {
public:
  virtual ~backend() = default;
  virtual std::string name() const = 0;
  /// True when create returns only after the write is synced to disk.
  virtual bool durable() const = 0;
  /// Creates a pod; returns an error text or "". Called from many threads at once.
  virtual std::string create_pod(const std::string& ns, const std::string& name) = 0;
  /// Every pod of a namespace, decoded into messages as the API server needs them.
  virtual list_outcome list_pods(const std::string& ns) = 0;
  /// A watcher of a namespace's pods from now on; null and `error` set on failure.
  virtual std::unique_ptr<watcher> watch_pods(const std::string& ns, std::string& error) = 0;
  /// Disk syncs so far, when the backend counts them (0 otherwise).
  virtual uint64_t syncs() const { return 0; }
  /// CPU seconds used so far by the processes serving this backend other than this one (etcd's).
  virtual double server_cpu_seconds() const { return 0; }
  /// True when the write figures drive submit_pod (W writes in flight from a few client threads)
  /// instead of create_pod from W threads.
  virtual bool async() const { return false; }
  /// Starts creating a pod and returns; `done` follows from another thread (async() only).
  virtual void submit_pod(const std::string&, const std::string&, bench::write_done) {
    fail(name() + " has no asynchronous writes");
  }
};

// etcd, keyed as Kubernetes keys pods in etcd; values are the `k8s\0` envelope the API server
// stores.
class etcd_backend : public backend {
public:
  etcd_backend(const pod_source& pods, const std::string& endpoint, int connections, pid_t pid)
      : pods_(pods), endpoint_(endpoint), client_(endpoint, connections), pid_(pid) {}
  std::string name() const override { return "etcd"; }
  bool durable() const override { return true; }
  // etcd's own count of WAL syncs.
  uint64_t syncs() const override {
    std::string error;
    auto text = benchmarks::etcd::fetch_metrics(endpoint_, error);
    if (!text)
      fail("reading etcd's metrics: " + error);
    auto v = benchmarks::etcd::metric_value(*text, "etcd_disk_wal_fsync_duration_seconds_count");
    return v ? static_cast<uint64_t>(*v) : 0;
  }

  double server_cpu_seconds() const override { return process_cpu_seconds(pid_); }

  std::string value_for(const std::string& ns, const std::string& name) {
    auto pod = pods_.make(ns, name);
    {
      std::lock_guard<std::mutex> lock(rng_mutex_);
      pod.mutable_metadata()->set_uid(random_uid(rng_));
    }
    pod.mutable_metadata()->mutable_creationtimestamp()->set_seconds(
        std::chrono::duration_cast<std::chrono::seconds>(
            std::chrono::system_clock::now().time_since_epoch())
            .count());
    return config::encode_protobuf(*pods_.kind, pod);
  }

  std::string create_pod(const std::string& ns, const std::string& name) override {
    auto r = client_.put(key_prefix(ns) + name, value_for(ns, name));
    return r.status.error;
  }

  list_outcome list_pods(const std::string& ns) override {
    auto r = client_.range_prefix(key_prefix(ns));
    if (!r.status.ok())
      return {r.status.error, 0};
    list_outcome out;
    // Hold every decoded item until the list is complete, as an API server building a list does
    // (and as the store's list result does): decoding one at a time and dropping it would measure
    // a cache-hot loop that no list request has.
    std::vector<std::unique_ptr<google::protobuf::Message>> items;
    items.reserve(r.kvs.size());
    for (const auto& kv : r.kvs) {
      auto decoded = config::decode_protobuf(kv.value(), pods_.kind);
      if (!decoded.ok())
        return {"undecodable value at " + kv.key() + ": " + decoded.message(), 0};
      items.push_back(std::move(decoded.object));
      ++out.items;
    }
    return out;
  }

  std::unique_ptr<watcher> watch_pods(const std::string& ns, std::string& error) override {
    struct etcd_watcher : watcher {
      std::unique_ptr<benchmarks::etcd::watch_stream> stream;
      std::vector<mvccpb::Event> events;
      size_t next() override { return stream->next(events) ? events.size() : 0; }
      void cancel() override { stream->cancel(); }
    };
    auto w = std::make_unique<etcd_watcher>();
    w->stream = client_.watch_prefix(key_prefix(ns));
    if (!w->stream->status().ok()) {
      error = w->stream->status().error;
      return nullptr;
    }
    return w;
  }

protected:
  static std::string key_prefix(const std::string& ns) { return "/registry/pods/" + ns + "/"; }

  const pod_source& pods_;
  std::string endpoint_;
  benchmarks::etcd::client client_;
  pid_t pid_;
  std::mutex rng_mutex_;
  std::mt19937_64 rng_{42};
};

// The same etcd, driven as troupe-rocksdb-async drives the store: W puts in flight from a few
// client threads through gRPC's callback API, none of them waiting per write. The peer of
// troupe-rocksdb-async's ratios: 256 blocking client threads cost etcd's side CPU too, on the
// same 2 cores. Only the write figures run for it.
class etcd_async_backend : public etcd_backend {
public:
  using etcd_backend::etcd_backend;
  std::string name() const override { return "etcd-async"; }
  bool async() const override { return true; }

  void submit_pod(const std::string& ns, const std::string& name,
                  bench::write_done done) override {
    client_.put_async(key_prefix(ns) + name, value_for(ns, name),
                      [done = std::move(done)](benchmarks::etcd::put_result r) {
                        done(r.status.error);
                      });
  }
};

config::timestamp wall_now() {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  return {ns / 1000000000, static_cast<int32_t>(ns % 1000000000)};
}

// Troupe's object store, called in process as the API server will call it.
class troupe_backend : public backend {
public:
  troupe_backend(std::string name, const pod_source& pods, std::unique_ptr<store::object_store> s,
                 bool durable)
      : name_(std::move(name)), kind_(config::storage_kind(*pods.kind)), pods_(pods),
        store_(std::move(s)), durable_(durable) {}
  std::string name() const override { return name_; }
  bool durable() const override { return durable_; }
  uint64_t syncs() const override { return store_->stats().syncs; }

  std::string create_pod(const std::string& ns, const std::string& name) override {
    // Hands the new pod over, as the API server does with the object it decoded.
    std::vector<store::batch_write> w(1);
    w[0].what = store::batch_write::op::create;
    w[0].kind = &kind_;
    w[0].object = std::make_shared<core::v1::Pod>(pods_.make(ns, name));
    auto r = store_->write_many(std::move(w), wall_now());
    return r[0].ok() ? std::string() : r[0].status().to_string();
  }

  list_outcome list_pods(const std::string& ns) override {
    store::list_options o;
    o.ns = ns;
    auto r = store_->list(kind_, o);
    if (!r.ok())
      return {r.status().to_string(), 0};
    return {"", r->items.size()};
  }

  std::unique_ptr<watcher> watch_pods(const std::string& ns, std::string& error) override {
    // Polls with a short wait so cancel() is seen; events wake wait_for() at once.
    struct store_watcher : watcher {
      std::unique_ptr<store::watcher> w;
      std::atomic<bool> cancelled{false};
      std::string why;
      size_t next() override {
        while (!cancelled.load()) {
          size_t n = 0;
          for (auto& e : w->poll()) {
            if (e.type == store::watch_event_type::error) {
              why = e.error.to_string();
              return 0;
            }
            if (e.type != store::watch_event_type::bookmark)
              ++n;
          }
          if (n > 0)
            return n;
          if (w->closed()) {
            why = "watch closed";
            return 0;
          }
          w->wait_for(std::chrono::milliseconds(50));
        }
        return 0;
      }
      void cancel() override { cancelled = true; }
      std::string error() const override { return why; }
    };
    store::watch_options o;
    o.ns = ns;
    o.since = store_->revision(); // changes from now on, as etcd's watch without a revision
    auto r = store_->watch(kind_, o);
    if (!r.ok()) {
      error = r.status().to_string();
      return nullptr;
    }
    auto w = std::make_unique<store_watcher>();
    w->w = std::move(r.value());
    return w;
  }

protected:
  std::string name_;
  const config::kind_info& kind_;
  const pod_source& pods_;
  std::unique_ptr<store::object_store> store_;
  bool durable_;
};

// The same store and pods, written as Troupe's actors write: through write_async, W writes in
// flight from a few client threads (bench::run_async_writes), none of them waiting per write.
// Only the write figures run for it: the list and watch paths do not depend on how writes are
// submitted, and troupe-rocksdb measures them.
class troupe_async_backend : public troupe_backend {
public:
  using troupe_backend::troupe_backend;
  bool async() const override { return true; }

  void submit_pod(const std::string& ns, const std::string& name,
                  bench::write_done done) override {
    // Built and handed over in the client thread, as troupe_backend does; the completion only
    // passes the outcome on (it runs on the store's commit thread).
    std::vector<store::batch_write> w(1);
    w[0].what = store::batch_write::op::create;
    w[0].kind = &kind_;
    w[0].object = std::make_shared<core::v1::Pod>(pods_.make(ns, name));
    store_->write_async(std::move(w), wall_now(),
                        [done = std::move(done)](std::vector<store::result<store::write_result>> r) {
                          done(r[0].ok() ? std::string() : r[0].status().to_string());
                        });
  }
};

// A fresh directory for the RocksDB store, removed at exit (also after fail()).
struct temp_dir {
  std::string path;
  ~temp_dir() {
    if (!path.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
  }
};

std::string make_temp_dir(const std::string& parent, const char* name) {
  std::string base = parent;
  if (base.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    base = tmp && *tmp ? tmp : "/tmp";
  }
  std::string pattern = base + "/" + name + "-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data()))
    fail("cannot create a directory under " + base + ": " + std::strerror(errno));
  return buf.data();
}

// ---------------------------------------------------------------------------------------------
// Output

// etcd's figures per backend (etcd, etcd-async): "<metric>/<writers>" -> value, for ratios.
std::map<std::string, std::map<std::string, double>> etcd_figures;
// The same for the RocksDB store's writes/s, per backend (troupe-rocksdb, troupe-rocksdb-async).
std::map<std::string, std::map<std::string, double>> rocksdb_writes;

bool is_etcd(const std::string& backend_name) { return backend_name.rfind("etcd", 0) == 0; }

// The etcd figure a troupe figure is compared with: etcd driven the same way (etcd-async for an
// async backend, when it ran), else etcd. Null when there is none.
const std::pair<const std::string, double>* peer_figure(bool async, const std::string& key,
                                                         std::string* peer) {
  for (const char* name : {async ? "etcd-async" : "etcd", "etcd"}) {
    auto b = etcd_figures.find(name);
    if (b == etcd_figures.end())
      continue;
    if (auto it = b->second.find(key); it != b->second.end() && it->second > 0) {
      *peer = name;
      return &*it;
    }
  }
  return nullptr;
}

void emit(json line, const std::string& backend_name, bool async, const std::string& key) {
  double v = line["value"].get<double>();
  std::string peer;
  if (is_etcd(backend_name)) {
    etcd_figures[backend_name][key] = v;
  } else if (auto* e = peer_figure(async, key, &peer)) {
    line["ratio_vs_etcd"] = std::round(v / e->second * 100) / 100;
    line["peer"] = peer;
  }
  std::printf("%s\n", line.dump().c_str());
  std::fflush(stdout);
}

json figure(const char* metric, backend& b) {
  json j;
  j["bench"] = "store";
  j["metric"] = metric;
  j["backend"] = b.name();
  return j;
}

// ---------------------------------------------------------------------------------------------
// Durable writes

struct write_run {
  size_t writes = 0;
  double seconds = 0;
  std::vector<double> latencies_ms;
  std::string error;
  size_t synced_writes = 0;  // the writes the run's syncs covered (writes_per_sync)
};

// `writers` threads each create pods with distinct names for `seconds`; every write is timed.
write_run run_writes(backend& b, int writers, double seconds, const std::string& ns,
                     const std::string& tag) {
  std::vector<std::vector<double>> lat(writers);
  std::vector<std::string> errors(writers);
  // Writers wait (not spin: they would starve the thread creating the others) until all exist.
  std::mutex mu;
  std::condition_variable cv;
  bool go = false;
  clock_type::time_point start, deadline;
  std::vector<std::thread> threads;
  for (int t = 0; t < writers; ++t) {
    threads.emplace_back([&, t] {
      lat[t].reserve(4096);
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return go; });
      }
      for (size_t i = 0;; ++i) {
        auto t0 = clock_type::now();
        if (t0 >= deadline)
          break;
        auto err = b.create_pod(ns, tag + "-" + std::to_string(t) + "-" + std::to_string(i));
        auto t1 = clock_type::now();
        if (!err.empty()) {
          errors[t] = err;
          break;
        }
        lat[t].push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      }
    });
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    start = clock_type::now();
    deadline = start + std::chrono::duration_cast<clock_type::duration>(
                           std::chrono::duration<double>(seconds));
    go = true;
  }
  cv.notify_all();
  for (auto& th : threads)
    th.join();
  write_run r;
  r.seconds = seconds_since(start);
  for (int t = 0; t < writers; ++t) {
    if (r.error.empty() && !errors[t].empty())
      r.error = errors[t];
    r.latencies_ms.insert(r.latencies_ms.end(), lat[t].begin(), lat[t].end());
  }
  r.writes = r.latencies_ms.size();
  r.synced_writes = r.writes;
  return r;
}

// `writers` writes in flight for `seconds`, started by `client_threads` threads through
// submit_pod; counted when acknowledged within the window, then drained.
write_run run_async_writes(backend& b, int writers, int client_threads, double seconds,
                           const std::string& ns, const std::string& tag) {
  auto a = bench::run_async_writes(
      writers, client_threads, seconds, [&](int w, uint64_t seq, bench::write_done done) {
        b.submit_pod(ns, tag + "-" + std::to_string(w) + "-" + std::to_string(seq),
                     std::move(done));
      });
  write_run r;
  r.writes = a.writes;
  r.seconds = a.seconds;
  r.latencies_ms = std::move(a.latencies_ms);
  r.error = std::move(a.error);
  r.synced_writes = a.acknowledged; // the drain's writes too: the syncs are counted until it ends
  return r;
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty())
    return 0;
  size_t k = std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

double round_to(double v, int digits) {
  double m = std::pow(10.0, digits);
  return std::round(v * m) / m;
}

void bench_writes(backend& b, int writers, const options& o, size_t value_bytes) {
  // Distinct names per driving mode (etcd and etcd-async share one etcd), of the same length.
  auto tag = (b.async() ? "a" : "w") + std::to_string(writers);
  auto run = [&](double seconds, const std::string& ns) {
    return b.async() ? run_async_writes(b, writers, o.client_threads, seconds, ns, tag)
                     : run_writes(b, writers, seconds, ns, tag);
  };
  run(o.warmup_seconds, "warmup");
  uint64_t syncs_before = b.syncs();
  const double cpu_before = own_cpu_seconds() + b.server_cpu_seconds();
  auto r = run(o.seconds, "writes");
  const double cpu = own_cpu_seconds() + b.server_cpu_seconds() - cpu_before;
  uint64_t syncs = b.syncs() - syncs_before;
  if (!r.error.empty())
    fail(b.name() + " write failed at " + std::to_string(writers) + " writers: " + r.error);
  std::string suffix = "/" + std::to_string(writers);

  // How the writers were driven: "threads" (one blocking thread per writer) or "async" (that
  // many writes in flight from --client-threads threads).
  auto driven = [&](json& line) {
    line["driven"] = b.async() ? "async" : "threads";
    if (b.async())
      line["client_threads"] = std::min(writers, o.client_threads);
  };
  auto j = figure("durable_writes_per_second", b);
  j["writers"] = writers;
  driven(j);
  j["value"] = std::round(r.writes / r.seconds);
  j["unit"] = "writes/s";
  j["durable"] = b.durable();
  j["writes"] = r.writes;
  j["value_bytes"] = value_bytes;
  if (syncs > 0)
    j["writes_per_sync"] = round_to(static_cast<double>(r.synced_writes) / syncs, 1);
  if (writers == 1)
    j["anchor"] = 583; // etcd's published figure for 1 client
  else if (writers >= 256)
    j["anchor"] = 44000; // etcd's published figure for 1,000 clients on 8 vCPU
  emit(j, b.name(), b.async(), "writes" + suffix);
  if (b.name() == "troupe-rocksdb" || b.name() == "troupe-rocksdb-async")
    rocksdb_writes[b.name()]["writes" + suffix] = j["value"].get<double>();

  // CPU per acknowledged write: every thread of this process (clients, store) and, for etcd, its
  // server process. On 2 cores this is what bounds the rate; it also tells the driving modes'
  // own costs apart (256 blocking threads against a few client threads).
  auto c = figure("cpu_per_write", b);
  c["writers"] = writers;
  driven(c);
  c["value"] = r.synced_writes > 0 ? round_to(cpu / r.synced_writes * 1e6, 1) : 0.0;
  c["unit"] = "us";
  emit(c, b.name(), b.async(), "cpu" + suffix);

  for (auto [metric, p] : {std::pair{"write_latency_p50", 0.50}, {"write_latency_p99", 0.99}}) {
    auto l = figure(metric, b);
    l["writers"] = writers;
    driven(l);
    l["value"] = round_to(percentile(r.latencies_ms, p), 3);
    l["unit"] = "ms";
    emit(l, b.name(), b.async(), std::string(metric) + suffix);
  }
}

// ---------------------------------------------------------------------------------------------
// List

void bench_list(backend& b, const options& o) {
  const std::string ns = "list";
  auto seeded = clock_type::now();
  // Seed with 64 writers, each a contiguous share of the names.
  std::vector<std::thread> threads;
  std::vector<std::string> errors(64);
  for (int t = 0; t < 64; ++t)
    threads.emplace_back([&, t] {
      for (int i = t; i < o.list_pods && errors[t].empty(); i += 64)
        errors[t] = b.create_pod(ns, "pod-" + std::to_string(i));
    });
  for (auto& th : threads)
    th.join();
  for (auto& e : errors)
    if (!e.empty())
      fail(b.name() + " seeding the list failed: " + e);
  double seed_seconds = seconds_since(seeded);

  std::vector<double> ms;
  for (int i = 0; i < o.list_repeats; ++i) {
    auto t0 = clock_type::now();
    auto r = b.list_pods(ns);
    ms.push_back(seconds_since(t0) * 1000);
    if (!r.error.empty())
      fail(b.name() + " list failed: " + r.error);
    if (r.items != static_cast<size_t>(o.list_pods))
      fail(b.name() + " listed " + std::to_string(r.items) + " pods, expected " +
           std::to_string(o.list_pods));
  }
  auto j = figure("list_pods_ms", b);
  j["pods"] = o.list_pods;
  j["value"] = round_to(percentile(ms, 0.5), 2);
  j["unit"] = "ms";
  j["repeats"] = o.list_repeats;
  j["seed_seconds"] = round_to(seed_seconds, 2);
  emit(j, b.name(), b.async(), "list");
}

// ---------------------------------------------------------------------------------------------
// Watch fan-out

// `watchers` watchers on one namespace, then `watch_events` creates by `watch_writers` threads;
// the figure is the time from the first write until every watcher has seen every event.
void bench_watch(backend& b, const options& o) {
  const std::string ns = "watch";
  std::vector<std::unique_ptr<watcher>> ws;
  for (int i = 0; i < o.watchers; ++i) {
    std::string error;
    auto w = b.watch_pods(ns, error);
    if (!w)
      fail(b.name() + " watch failed: " + error);
    ws.push_back(std::move(w));
  }
  const size_t expected = o.watch_events;
  std::atomic<int> done{0};
  std::vector<clock_type::time_point> finished(o.watchers);
  std::vector<size_t> seen(o.watchers, 0);
  std::vector<std::thread> readers;
  for (int i = 0; i < o.watchers; ++i)
    readers.emplace_back([&, i] {
      while (seen[i] < expected) {
        size_t n = ws[i]->next();
        if (n == 0)
          break;
        seen[i] += n;
      }
      finished[i] = clock_type::now();
      done.fetch_add(1);
    });

  auto start = clock_type::now();
  std::vector<std::thread> writers;
  std::vector<std::string> errors(o.watch_writers);
  for (int t = 0; t < o.watch_writers; ++t)
    writers.emplace_back([&, t] {
      for (int i = t; i < o.watch_events && errors[t].empty(); i += o.watch_writers)
        errors[t] = b.create_pod(ns, "pod-" + std::to_string(i));
    });
  for (auto& th : writers)
    th.join();
  double write_seconds = seconds_since(start);
  for (auto& e : errors)
    if (!e.empty())
      fail(b.name() + " watch writes failed: " + e);

  auto give_up = clock_type::now() + std::chrono::seconds(60);
  while (done.load() < o.watchers && clock_type::now() < give_up)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  for (auto& w : ws)
    w->cancel();
  for (auto& th : readers)
    th.join();
  clock_type::time_point last = start;
  for (int i = 0; i < o.watchers; ++i) {
    if (seen[i] < expected)
      fail(b.name() + " watcher " + std::to_string(i) + " saw " + std::to_string(seen[i]) +
           " of " + std::to_string(expected) + " events " + ws[i]->error());
    last = std::max(last, finished[i]);
  }
  double seconds = std::chrono::duration<double>(last - start).count();
  auto j = figure("watch_fanout_seconds", b);
  j["watchers"] = o.watchers;
  j["events"] = o.watch_events;
  j["writers"] = o.watch_writers;
  j["value"] = round_to(seconds, 3);
  j["unit"] = "s";
  j["write_seconds"] = round_to(write_seconds, 3);
  j["events_delivered_per_second"] =
      std::round(o.watchers * static_cast<double>(o.watch_events) / seconds);
  emit(j, b.name(), b.async(), "watch");
}

// The issue's goals, reported and never asserted: the RocksDB store at least 3x etcd's durable
// writes/s at 256 writers and at least etcd's at 1 writer. Once as driven by threads
// (troupe-rocksdb against etcd, the lines as they always were) and once as actors drive it
// (troupe-rocksdb-async, "driven":"async", against etcd-async when it ran: "peer").
void print_goals(const std::string& backend_name, const std::map<std::string, double>& writes) {
  const bool async = backend_name == "troupe-rocksdb-async";
  for (auto [writers, target] : {std::pair{256, 3.0}, {1, 1.0}}) {
    auto key = "writes/" + std::to_string(writers);
    std::string peer;
    auto* e = peer_figure(async, key, &peer);
    auto t = writes.find(key);
    if (e == nullptr || t == writes.end())
      continue;
    json j;
    j["bench"] = "store";
    j["metric"] = "goal_durable_writes_vs_etcd";
    j["backend"] = backend_name;
    j["writers"] = writers;
    if (async)
      j["driven"] = "async";
    j["peer"] = peer;
    j["value"] = round_to(t->second / e->second, 2);
    j["unit"] = "ratio";
    j["goal"] = target;
    j["met"] = t->second / e->second >= target;
    std::printf("%s\n", j.dump().c_str());
  }
}

} // namespace

// Static, so that fail()'s std::exit still stops etcd and removes its directory.
static std::unique_ptr<benchmarks::etcd::process> etcd_process;
static temp_dir rocksdb_dir;

int main(int argc, char** argv) {
  options o = parse_options(argc, argv);
  pod_source pods = load_pod();
  size_t value_bytes = config::encode_protobuf(*pods.kind, *pods.pod).size();

  std::vector<std::unique_ptr<backend>> backends;
  for (const auto& name : o.backends) {
    if (name == "etcd" || name == "etcd-async") {
      // One etcd serves both: each backend writes its own keys.
      if (!etcd_process) {
        std::string error;
        benchmarks::etcd::process_options po;
        po.binary = o.etcd_binary;
        po.temp_parent = o.tmp;
        etcd_process = benchmarks::etcd::process::start(po, error);
        if (!etcd_process)
          fail("cannot start etcd: " + error);
      }
      if (name == "etcd")
        backends.push_back(std::make_unique<etcd_backend>(
            pods, etcd_process->endpoint(), o.etcd_connections, etcd_process->pid()));
      else
        backends.push_back(std::make_unique<etcd_async_backend>(
            pods, etcd_process->endpoint(), o.etcd_connections, etcd_process->pid()));
    } else if (name == "troupe-rocksdb" || name == "troupe-rocksdb-nosync" ||
               name == "troupe-rocksdb-async") {
      // -nosync (not run by default) acknowledges before the WAL is synced: the difference to
      // troupe-rocksdb is what the syncs cost. -async: a store of its own in its own directory.
      if (rocksdb_dir.path.empty())
        rocksdb_dir.path = make_temp_dir(o.tmp, "troupe-store");
      store::store_options so;
      so.sync = name != "troupe-rocksdb-nosync";
      auto opened = store::open_rocksdb_store(rocksdb_dir.path + "/" + name, so);
      if (!opened.ok())
        fail("cannot open the RocksDB store: " + opened.status().to_string());
      if (name == "troupe-rocksdb-async")
        backends.push_back(std::make_unique<troupe_async_backend>(
            name, pods, std::move(opened.value()), so.sync));
      else
        backends.push_back(
            std::make_unique<troupe_backend>(name, pods, std::move(opened.value()), so.sync));
    } else if (name == "troupe-memory") {
      backends.push_back(
          std::make_unique<troupe_backend>(name, pods, store::make_memory_store(), false));
    } else {
      fail("unknown backend " + name +
           " (etcd, troupe-rocksdb, etcd-async, troupe-rocksdb-async, troupe-memory, "
           "troupe-rocksdb-nosync)");
    }
  }

  // Interleaved per figure, etcd first, so a burst of load on the machine hits all alike and
  // every troupe figure has etcd's from moments before to compare with.
  for (int writers : o.writers)
    for (auto& b : backends)
      bench_writes(*b, writers, o, value_bytes);
  // List and watch skip the async backend: how writes are submitted changes neither (its store
  // is troupe-rocksdb's), and its writes go through submit_pod, not the create_pod they seed with.
  if (o.list_pods > 0)
    for (auto& b : backends)
      if (!b->async())
        bench_list(*b, o);
  if (o.watchers > 0 && o.watch_events > 0)
    for (auto& b : backends)
      if (!b->async())
        bench_watch(*b, o);
  for (const auto& [backend_name, writes] : rocksdb_writes)
    print_goals(backend_name, writes);
  backends.clear();
  if (etcd_process)
    etcd_process->stop();
  return 0;
}
