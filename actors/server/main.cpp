// troupe-server: parse configuration, initialise the cluster's data dir on first start, run the
// root supervisor until SIGINT/SIGTERM (exit 0) or until it gives up (exit 1).
#include "actors/protocol/node_protocol.hpp"
#include "actors/protocol/server_protocol.hpp"
#include "actors/server/cluster_init.hpp"
#include "actors/server/root_children.hpp"
#include "actors/server/server_config.hpp"

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>

#include <atomic>
#include <csignal>
#include <ctime>
#include <iostream>
#include <pthread.h>
#include <thread>
#include <unistd.h>

namespace {

using namespace troupe;

int run(const server::server_context& context) {
  // Block the shutdown signals in every thread (CAF's threads inherit the mask) and take them
  // synchronously in one thread, which asks the root supervisor to stop.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  caf::actor_system_config cfg;
  cfg.load<caf::io::middleman>();
  // Node agents connect with mutual TLS (caf-0.17.md §3: any openssl option set turns
  // authentication on; peers must present a certificate chaining to the cluster CA).
  cfg.load<caf::openssl::manager>();
  cfg.openssl_certificate = context.paths.server_cert;
  cfg.openssl_key = context.paths.server_key;
  cfg.openssl_cafile = context.paths.ca_cert;
  protocol::announce_node_protocol(cfg);
  // Without heartbeats a hung node is never noticed (pitfall 4): beat every second, and a
  // connection silent for 5 s is down (the node's session ends).
  cfg.set("middleman.heartbeat-interval", caf::timespan{std::chrono::seconds(1)});
  cfg.set("middleman.connection-timeout", caf::timespan{std::chrono::seconds(5)});
  cfg.add_error_category(protocol::error_category, protocol::render_error);
  cfg.add_error_category(protocol::store_error_category, protocol::render_store_error);
  caf::actor_system sys{cfg};

  auto root = supervision::spawn_supervisor(sys, server::root_options(),
                                            server::root_children(context));
  sys.registry().put(protocol::root_supervisor_name, root);
  caf::scoped_actor self{sys};
  self->monitor(root);

  std::atomic<int> received{0};
  std::thread signal_waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    received = sig;
    caf::anon_send_exit(root, caf::exit_reason::user_shutdown);
  });
  std::cout << "troupe-server: running (pid " << ::getpid() << ")" << std::endl;

  caf::error reason;
  bool down = false;
  while (!down)
    self->receive([&](caf::down_msg& dm) {
      if (dm.source == root.address()) {
        reason = dm.reason;
        down = true;
      }
    });
  if (received == 0)  // the root gave up on its own: release the signal thread
    pthread_kill(signal_waiter.native_handle(), SIGTERM);
  signal_waiter.join();
  sys.registry().erase(protocol::root_supervisor_name);

  if (received != 0 && (!reason || reason == caf::exit_reason::user_shutdown)) {
    std::cout << "troupe-server: stopped (" << (received == SIGINT ? "SIGINT" : "SIGTERM") << ")"
              << std::endl;
    return 0;
  }
  std::cerr << "troupe-server: the root supervisor stopped: " << sys.render(reason) << std::endl;
  return 1;
}

} // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = server::parse_server_args(args);
  switch (parsed.what) {
    case server::parse_outcome::action::help:
      std::cout << server::help_text();
      return 0;
    case server::parse_outcome::action::fail:
      std::cerr << "Error: " << parsed.error << "\nRun 'troupe-server --help' for usage.\n";
      return 1;
    case server::parse_outcome::action::run:
    case server::parse_outcome::action::print_join_token:
      break;
  }
  const auto& config = parsed.config;
  auto init = server::init_cluster(config, std::time(nullptr));
  if (!init.ok()) {
    std::cerr << "Error: " << init.error << "\n";
    return 1;
  }
  if (parsed.what == server::parse_outcome::action::print_join_token) {
    std::cout << init.join_token << std::endl;
    return 0;
  }
  if (init.created_ca)
    std::cout << "troupe-server: created the cluster CA in " << init.paths.tls_dir << "\n";
  if (init.issued_server_cert)
    std::cout << "troupe-server: issued the server certificate " << init.paths.server_cert << "\n";
  if (init.created_token)
    std::cout << "troupe-server: wrote the admin token to " << init.paths.token_file << "\n";
  if (init.created_join_token)
    std::cout << "troupe-server: wrote the node join token to " << init.paths.join_token_file
              << " (troupe-server --print-join-token prints it)\n";
  std::cout << "troupe-server: admin kubeconfig (kubectl, troupe): " << init.paths.kubeconfig
            << std::endl;
  server::server_context context{config, init.paths, init.server_url, init.token};
  context.join_token = init.join_token;
  return run(context);
}
