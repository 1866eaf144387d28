// The embedding API (node_agent.hpp): the steps troupe-node's main takes, for a service that
// owns the actor system.
#include "node-agent/embed/node_agent.hpp"

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>

#include <ctime>
#include <iostream>

#include "actors/protocol/node_protocol.hpp"
#include "node-agent/agent/node_actor.hpp"
#include "node-agent/agent/pod_actor.hpp"
#include "node-agent/cmd/node_config.hpp"
#include "node-agent/metrics/instrumented_runtime.hpp"
#include "node-agent/metrics/node_metrics.hpp"
#include "node-agent/probe/prober.hpp"
#include "node-agent/runtime/cri_runtime.hpp"
#include "node-agent/runtime/fake_runtime.hpp"
#include "node-agent/runtime/fake_runtime_ticker.hpp"

namespace troupe::node_agent::embed {

namespace {

// Whether cfg.load<Module>() was called already: the factory load() adds is a lambda of one
// closure type per module, so its target_type identifies the module.
template <class Module>
bool module_loaded(const caf::actor_system_config& cfg) {
  caf::actor_system_config probe;
  probe.load<Module>();
  const auto& wanted = probe.module_factories.back().target_type();
  for (const auto& f : cfg.module_factories)
    if (f.target_type() == wanted)
      return true;
  return false;
}

std::string conflicting_openssl(const caf::actor_system_config& cfg,
                                const join::node_credentials& c) {
  auto differs = [](const std::string& set, const std::string& ours) {
    return !set.empty() && set != ours;
  };
  if (differs(cfg.openssl_certificate, c.cert_file))
    return "openssl.certificate is already \"" + cfg.openssl_certificate + "\"";
  if (differs(cfg.openssl_key, c.key_file))
    return "openssl.key is already \"" + cfg.openssl_key + "\"";
  if (differs(cfg.openssl_cafile, c.ca_file))
    return "openssl.cafile is already \"" + cfg.openssl_cafile + "\"";
  if (!cfg.openssl_passphrase.empty())
    return "openssl.passphrase is set (the node key has none)";
  if (!cfg.openssl_capath.empty())
    return "openssl.capath is set (the node trusts only its cluster CA)";
  return {};
}

void set_unless_given(caf::actor_system_config& cfg, const char* key, caf::timespan value) {
  if (caf::get_if(&cfg.content, key) == nullptr)
    cfg.set(key, value);
}

// A fake runtime whose clock follows real time; the ticker stops when the last user lets go.
struct ticking_fake {
  runtime::fake_runtime fake;
  runtime::fake_runtime_ticker ticker{fake};
  explicit ticking_fake(runtime::fake_runtime_options o) : fake(std::move(o)) {}
};

std::shared_ptr<runtime::container_runtime> make_runtime(const node_agent_options& o) {
  if (o.runtime_instance)
    return o.runtime_instance;
  if (o.runtime == runtime_kind::fake) {
    runtime::fake_runtime_options fopts;
    fopts.runtime_name = "fake";
    fopts.any_image_pullable = true;
    fopts.log_root = effective_log_root(o);
    fopts.start_time_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    auto holder = std::make_shared<ticking_fake>(std::move(fopts));
    return std::shared_ptr<runtime::container_runtime>(holder, &holder->fake);
  }
  runtime::cri_runtime_options copts;
  copts.endpoint = o.cri_socket;
  return std::make_shared<runtime::cri_runtime>(copts);
}

std::function<void(const std::string&)> default_log(const std::string& node) {
  return [node](const std::string& line) {
    char stamp[32];
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&now, &tm);
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    std::cerr << (std::string(stamp) + " node-agent " + node + ": " + line + "\n") << std::flush;
  };
}

} // namespace

join_result prepare(caf::actor_system_config& cfg, const node_agent_options& options) {
  join_result out;
  if (auto problem = options_problem(options); !problem.empty()) {
    out.error = problem;
    return out;
  }
  auto saved = join::load_credentials(options.data_dir, options.node_name, std::time(nullptr));
  if (saved.ok()) {
    out.credentials = saved.credentials;
    out.reused = true;
  } else {
    if (auto problem = join_inputs_problem(options); !problem.empty()) {
      out.error = problem + " (no usable saved credentials: " + saved.error + ")";
      return out;
    }
    join::join_options jo;
    jo.node_name = options.node_name;
    jo.server_url = options.server;
    while (!jo.server_url.empty() && jo.server_url.back() == '/')
      jo.server_url.pop_back();
    if (auto problem = resolve_join_token(options, jo.join_token); !problem.empty()) {
      out.error = problem;
      return out;
    }
    jo.ca_file = options.ca_file;
    jo.insecure_skip_tls_verify = options.insecure_skip_tls_verify;
    jo.data_dir = options.data_dir;
    auto joined = join::request_join(jo);
    if (!joined.ok()) {
      out.error = joined.error;
      return out;
    }
    out.credentials = joined.credentials;
  }
  if (!split_host_port(out.credentials.node_address, out.registry_host, out.registry_port)) {
    out.error = "the saved node address \"" + out.credentials.node_address +
                "\" is not host:port (remove " + join::pki_dir(options.data_dir) +
                " to join again)";
    return out;
  }
  if (auto conflict = conflicting_openssl(cfg, out.credentials); !conflict.empty()) {
    out.error = "the actor_system_config's " + conflict +
                ": caf::openssl has one identity per actor system and the node agent needs the "
                "node certificate in " + join::pki_dir(options.data_dir);
    return out;
  }
  if (!module_loaded<caf::io::middleman>(cfg))
    cfg.load<caf::io::middleman>();
  if (!module_loaded<caf::openssl::manager>(cfg))
    cfg.load<caf::openssl::manager>();
  cfg.openssl_certificate = out.credentials.cert_file;
  cfg.openssl_key = out.credentials.key_file;
  cfg.openssl_cafile = out.credentials.ca_file;
  protocol::announce_node_protocol(cfg);
  // A hung server is only noticed with heartbeats (CAF's default is none).
  set_unless_given(cfg, "middleman.heartbeat-interval", caf::timespan{std::chrono::seconds(1)});
  set_unless_given(cfg, "middleman.connection-timeout", caf::timespan{std::chrono::seconds(10)});
  return out;
}

start_result start_node_agent(caf::actor_system& sys, const node_agent_options& options,
                              const join_result& joined) {
  start_result out;
  if (!joined.ok()) {
    out.error = "prepare() failed: " + joined.error;
    return out;
  }
  if (auto problem = options_problem(options); !problem.empty()) {
    out.error = problem;
    return out;
  }
  if (!sys.has_openssl_manager()) {
    out.error = "the actor system has no caf::openssl manager: call prepare() on its config "
                "before making the system";
    return out;
  }
  auto timing = cmd::timing_of(options.profile);
  auto rt = make_runtime(options);
  std::shared_ptr<metrics::node_metrics> pod_metrics;
  if (options.metrics_registry) {
    pod_metrics = std::make_shared<metrics::node_metrics>(options.metrics_registry);
    rt = std::make_shared<metrics::instrumented_runtime>(rt, pod_metrics);
  }

  node_actor_config nc;
  nc.node.name = options.node_name;
  nc.node.node_ip = options.node_ip.empty() ? default_node_ip() : options.node_ip;
  nc.node.labels = options.labels;
  nc.host = read_host_facts();
  nc.credential = joined.credentials.credential;
  nc.registry_host = joined.registry_host;
  nc.registry_port = joined.registry_port;
  nc.tls = true;
  nc.pod_context.runtime = rt;
  nc.pod_context.node_name = options.node_name;
  nc.pod_context.host_ip = nc.node.node_ip;
  nc.pod_context.log_root = effective_log_root(options);
  nc.pod_context.pod_cgroup_parent = options.cgroup_parent;
  nc.pod_context.settings.backoff_initial = timing.backoff_initial;
  nc.pod_context.settings.backoff_max = timing.backoff_max;
  nc.pod_context.settings.resync = timing.resync;
  nc.pod_context.prober = std::make_shared<probe::prober>(rt);
  nc.pod_context.metrics = pod_metrics;
  nc.spawn_pod = [](caf::actor_system& s, pod_actor_context ctx, pod_ptr pod, caf::actor parent) {
    return spawn_pod_actor(s, std::move(ctx), std::move(pod), std::move(parent));
  };
  nc.timing.node_status_interval = timing.node_status_interval;
  nc.log = options.log ? options.log : default_log(options.node_name);
  out.actor = spawn_node_actor(sys, std::move(nc));
  return out;
}

void stop_node_agent(const caf::actor& agent) {
  if (agent)
    caf::anon_send_exit(agent, caf::exit_reason::user_shutdown);
}

} // namespace troupe::node_agent::embed
