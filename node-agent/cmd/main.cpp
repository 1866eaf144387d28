// troupe-node: parse flags, join the cluster (or reuse saved credentials) BEFORE the actor system
// exists (the node certificate configures caf::openssl), then run the node actor until SIGTERM or
// SIGINT (exit 0). Containers keep running when the agent stops, as with the kubelet. Exit 1 for
// bad flags and a refused join.
#include <caf/all.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>

#include <prometheus/exposer.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <arpa/inet.h>
#include <csignal>
#include <ctime>
#include <ifaddrs.h>
#include <iostream>
#include <net/if.h>
#include <pthread.h>
#include <unistd.h>

#include "actors/metrics/process_metrics.hpp"
#include "actors/protocol/node_protocol.hpp"
#include "node-agent/agent/node_actor.hpp"
#include "node-agent/agent/pod_actor.hpp"
#include "node-agent/cmd/node_config.hpp"
#include "node-agent/join/join_client.hpp"
#include "node-agent/metrics/instrumented_runtime.hpp"
#include "node-agent/metrics/node_metrics.hpp"
#include "node-agent/probe/prober.hpp"
#include "node-agent/runtime/cri_runtime.hpp"
#include "node-agent/runtime/fake_runtime.hpp"
#include "node-agent/runtime/fake_runtime_ticker.hpp"

namespace {

using namespace troupe;
using namespace troupe::node_agent;

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0)
    return "localhost";
  return buf;
}

// The kubelet's default when --node-ip is not given is the host's address; the first up,
// non-loopback IPv4 interface address is the simple equivalent.
std::string default_node_ip() {
  ifaddrs* list = nullptr;
  std::string out = "127.0.0.1";
  if (::getifaddrs(&list) != 0)
    return out;
  for (auto* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET || (a->ifa_flags & IFF_LOOPBACK) ||
        !(a->ifa_flags & IFF_UP))
      continue;
    char text[INET_ADDRSTRLEN];
    auto* in = reinterpret_cast<sockaddr_in*>(a->ifa_addr);
    if (inet_ntop(AF_INET, &in->sin_addr, text, sizeof text)) {
      out = text;
      break;
    }
  }
  ::freeifaddrs(list);
  return out;
}

bool split_address(const std::string& address, std::string& host, uint16_t& port) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= address.size())
    return false;
  host = address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  try {
    auto p = std::stoul(address.substr(colon + 1));
    if (p < 1 || p > 65535)
      return false;
    port = static_cast<uint16_t>(p);
  } catch (...) {
    return false;
  }
  return true;
}

void log_line(const std::string& line) {
  char stamp[32];
  std::time_t now = std::time(nullptr);
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  std::cerr << stamp << " troupe-node: " << line << std::endl;
}

int run(const cmd::node_config& config, const join::node_credentials& creds) {
  std::string registry_host;
  uint16_t registry_port = 0;
  if (!split_address(creds.node_address, registry_host, registry_port)) {
    std::cerr << "Error: the saved node address \"" << creds.node_address
              << "\" is not host:port (remove " << join::pki_dir(config.data_dir)
              << " to join again)\n";
    return 1;
  }

  // Block the shutdown signals in every thread (CAF's and the runtime's inherit the mask) and
  // take them synchronously below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto timing = cmd::timing_of(config.profile);
  std::shared_ptr<runtime::container_runtime> rt;
  std::unique_ptr<runtime::fake_runtime_ticker> ticker;
  if (config.runtime == "fake") {
    runtime::fake_runtime_options fopts;
    fopts.runtime_name = "fake";
    fopts.any_image_pullable = true;
    fopts.log_root = config.log_root;
    fopts.start_time_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
    auto fake = std::make_shared<runtime::fake_runtime>(fopts);
    ticker = std::make_unique<runtime::fake_runtime_ticker>(*fake);
    rt = fake;
  } else {
    runtime::cri_runtime_options copts;
    copts.endpoint = config.cri_socket;
    rt = std::make_shared<runtime::cri_runtime>(copts);
  }

  // Metrics first: the node actor updates them until the actor system is gone.
  std::unique_ptr<prometheus::Exposer> exposer;
  auto registry = std::make_shared<prometheus::Registry>();
  if (!config.metrics_host.empty()) {
    try {
      exposer = std::make_unique<prometheus::Exposer>(config.metrics_host + ":" +
                                                      std::to_string(config.metrics_port));
      exposer->RegisterCollectable(registry);
    } catch (const std::exception& e) {
      std::cerr << "Error: cannot serve /metrics on " << config.metrics_host << ":"
                << config.metrics_port << ": " << e.what() << "\n";
      return 1;
    }
  }
  prometheus::BuildGauge()
    .Name("troupe_node_start_time_seconds")
    .Help("When this troupe-node process started, seconds since the epoch")
    .Register(*registry)
    .Add({{"node", config.name}})
    .Set(static_cast<double>(std::time(nullptr)));
  // With /metrics on: the kubelet's pod, probe and CRI metrics (every runtime call through the
  // instrumented decorator, probes' exec included) and process_*.
  std::shared_ptr<troupe::node_agent::metrics::node_metrics> pod_metrics;
  // The exposer keeps only a weak_ptr to what it serves.
  auto process = std::make_shared<troupe::metrics::process_metrics>();
  if (exposer) {
    pod_metrics = std::make_shared<troupe::node_agent::metrics::node_metrics>(registry);
    rt = std::make_shared<troupe::node_agent::metrics::instrumented_runtime>(rt, pod_metrics);
    exposer->RegisterCollectable(process);
  }

  caf::actor_system_config cfg;
  cfg.load<caf::io::middleman>();
  cfg.load<caf::openssl::manager>();
  cfg.openssl_certificate = creds.cert_file;
  cfg.openssl_key = creds.key_file;
  cfg.openssl_cafile = creds.ca_file;
  protocol::announce_node_protocol(cfg);
  // A hung server is only noticed with heartbeats (CAF's default is none).
  cfg.set("middleman.heartbeat-interval", caf::timespan{std::chrono::seconds(1)});
  cfg.set("middleman.connection-timeout", caf::timespan{std::chrono::seconds(10)});
  caf::actor_system sys{cfg};

  node_actor_config nc;
  nc.node.name = config.name;
  nc.node.node_ip = config.node_ip.empty() ? default_node_ip() : config.node_ip;
  nc.node.labels = config.node_labels;
  nc.host = read_host_facts();
  nc.credential = creds.credential;
  nc.registry_host = registry_host;
  nc.registry_port = registry_port;
  nc.tls = true;
  nc.pod_context.runtime = rt;
  nc.pod_context.node_name = config.name;
  nc.pod_context.host_ip = nc.node.node_ip;
  nc.pod_context.log_root = config.log_root;
  nc.pod_context.pod_cgroup_parent = config.cgroup_parent;
  nc.pod_context.settings.backoff_initial = timing.backoff_initial;
  nc.pod_context.settings.backoff_max = timing.backoff_max;
  nc.pod_context.settings.resync = timing.resync;
  nc.pod_context.prober = std::make_shared<probe::prober>(rt);
  nc.pod_context.metrics = pod_metrics;
  nc.spawn_pod = [](caf::actor_system& s, pod_actor_context ctx, pod_ptr pod, caf::actor parent) {
    return spawn_pod_actor(s, std::move(ctx), std::move(pod), std::move(parent));
  };
  nc.timing.node_status_interval = timing.node_status_interval;
  nc.log = log_line;
  nc.metrics = connection_metrics::create(*registry, config.name);
  auto node = spawn_node_actor(sys, std::move(nc));
  log_line("running node " + config.name + " (pid " + std::to_string(::getpid()) + ", runtime " +
           config.runtime + ", registry " + creds.node_address + ")");

  int sig = 0;
  sigwait(&stop_signals, &sig);
  log_line(std::string("received ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") +
           ", stopping (containers keep running)");
  caf::anon_send_exit(node, caf::exit_reason::user_shutdown);
  return 0;  // the actor system's destructor waits for the node actor and its pod actors
}

} // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = cmd::parse_node_args(args, host_name());
  switch (parsed.what) {
    case cmd::node_parse_outcome::action::help:
      std::cout << cmd::node_help_text();
      return 0;
    case cmd::node_parse_outcome::action::fail:
      std::cerr << "Error: " << parsed.error << "\nRun 'troupe-node --help' for usage.\n";
      return 1;
    case cmd::node_parse_outcome::action::run:
      break;
  }
  const auto& config = parsed.config;
  auto saved = join::load_credentials(config.data_dir, config.name, std::time(nullptr));
  join::join_result joined = saved;
  if (!saved.ok()) {
    if (auto problem = cmd::join_flags_problem(config); !problem.empty()) {
      std::cerr << "Error: " << saved.error << ": " << problem << "\n";
      return 1;
    }
    join::join_options jo;
    jo.node_name = config.name;
    jo.server_url = config.server;
    jo.join_token = config.join_token;
    jo.ca_file = config.ca_file;
    jo.insecure_skip_tls_verify = config.insecure_skip_tls_verify;
    jo.data_dir = config.data_dir;
    joined = join::request_join(jo);
    if (!joined.ok()) {
      std::cerr << "Error: " << joined.error << "\n";
      return 1;
    }
    log_line("joined " + config.server + " as node " + config.name + "; credentials in " +
             join::pki_dir(config.data_dir));
  } else {
    log_line("using the saved credentials in " + join::pki_dir(config.data_dir));
  }
  return run(config, joined.credentials);
}
