// embedded_node: an "existing service" that hosts a Troupe node agent (docs/embedding.md).
//
// The service has its own caf::actor_system and its own actor (a greeter answering requests).
// Beside it, through node-agent/embed/node_agent.hpp, it hosts a node agent that joins a cluster
// and runs the pods bound to it: on the fake runtime by default (containers "run" in memory), on
// containerd with --cri-socket. SIGTERM or SIGINT stops both and exits 0; the pods' containers
// keep running, as when a kubelet stops.
//
//   embedded_node --server https://127.0.0.1:6443 --join-token-file .troupe/data/join-token
//                 --ca-file .troupe/data/pki/ca.crt --name embedded1 [--data-dir DIR]
//                 [--cri-socket unix:///path/containerd.sock] [--node-ip IP] [--profile fast]
#include <caf/all.hpp>

#include <csignal>
#include <iostream>
#include <mutex>
#include <pthread.h>
#include <string>
#include <vector>

#include "node-agent/embed/node_agent.hpp"

namespace {

namespace embed = troupe::node_agent::embed;

// ---- the service's own actor: a greeter that counts whom it greeted
using greet_atom = caf::atom_constant<caf::atom("greet")>;
using greeter_actor = caf::typed_actor<caf::replies_to<greet_atom, std::string>::with<std::string>>;

struct greeter_state {
  int greeted = 0;
  static inline const char* name = "greeter";
};

greeter_actor::behavior_type greeter(greeter_actor::stateful_pointer<greeter_state> self) {
  return {
    [=](greet_atom, const std::string& who) -> std::string {
      return "Hello, " + who + "! (greeting #" + std::to_string(++self->state.greeted) + ")";
    },
  };
}

// ---- output: one line at a time from any thread
std::mutex out_mutex;
void say(const std::string& line) {
  std::lock_guard<std::mutex> lock(out_mutex);
  std::cout << "embedded_node: " << line << std::endl;
}

const char* usage =
  "usage: embedded_node --server URL --join-token-file FILE --ca-file FILE --name NAME\n"
  "                     [--data-dir DIR] [--cri-socket ENDPOINT] [--node-ip IP]\n"
  "                     [--log-root DIR] [--cgroup-parent PATH] [--profile default|fast]\n"
  "  --cri-socket runs pods on containerd; without it the node uses the fake runtime.\n"
  "  --data-dir defaults to ./embedded-node-<name> (credentials are kept in <dir>/pki).\n";

// Flags -> options; "" on success, else the problem.
std::string parse(const std::vector<std::string>& args, embed::node_agent_options& o) {
  o.runtime = embed::runtime_kind::fake;
  for (size_t i = 0; i < args.size(); ++i) {
    const auto& flag = args[i];
    if (i + 1 >= args.size())
      return "flag needs an argument: " + flag;
    const auto& v = args[++i];
    if (flag == "--server") o.server = v;
    else if (flag == "--join-token-file") o.join_token_file = v;
    else if (flag == "--ca-file") o.ca_file = v;
    else if (flag == "--name") o.node_name = v;
    else if (flag == "--data-dir") o.data_dir = v;
    else if (flag == "--node-ip") o.node_ip = v;
    else if (flag == "--log-root") o.log_root = v;
    else if (flag == "--cgroup-parent") o.cgroup_parent = v;
    else if (flag == "--profile") o.profile = v;
    else if (flag == "--cri-socket") {
      o.cri_socket = v;
      o.runtime = embed::runtime_kind::cri;
    } else
      return "unknown flag: " + flag;
  }
  if (o.data_dir.empty() && !o.node_name.empty())
    o.data_dir = "embedded-node-" + o.node_name;
  return {};
}

} // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  for (const auto& a : args)
    if (a == "-h" || a == "--help") {
      std::cout << usage;
      return 0;
    }
  embed::node_agent_options options;
  if (auto problem = parse(args, options); !problem.empty()) {
    std::cerr << "Error: " << problem << "\n" << usage;
    return 1;
  }
  options.log = [](const std::string& line) { say("node agent: " + line); };

  // Take SIGTERM/SIGINT synchronously below; every thread made from here on inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  // The service's own configuration, then the node agent's part of it (before the system exists).
  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", 2);
  auto joined = embed::prepare(cfg, options);
  if (!joined.ok()) {
    std::cerr << "Error: " << joined.error << "\n";
    return 1;
  }
  say(joined.reused ? "using the saved credentials of node " + options.node_name
                    : "joined " + options.server + " as node " + options.node_name);

  caf::actor_system sys{cfg};
  auto hello = sys.spawn(greeter);
  {
    caf::scoped_actor self{sys};
    self->request(hello, std::chrono::seconds(5), greet_atom::value, options.node_name)
      .receive([](const std::string& reply) { say("greeter says: " + reply); },
               [&](caf::error& err) { say("greeter failed: " + sys.render(err)); });
  }

  auto agent = embed::start_node_agent(sys, options, joined);
  if (!agent.ok()) {
    std::cerr << "Error: " << agent.error << "\n";
    caf::anon_send_exit(hello, caf::exit_reason::user_shutdown);
    return 1;
  }
  say("node agent started (" +
      std::string(options.runtime == embed::runtime_kind::fake ? "fake runtime"
                                                               : "CRI " + options.cri_socket) +
      ", registry " + joined.credentials.node_address + ")");

  int sig = 0;
  sigwait(&stop_signals, &sig);
  say(std::string("received ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") + ", stopping");
  // Exit what we spawned: the agent's handle went to the server, so the system would otherwise
  // wait for it forever.
  embed::stop_node_agent(agent.actor);
  caf::anon_send_exit(hello, caf::exit_reason::user_shutdown);
  return 0;  // ~actor_system waits for the actors to finish
}
