// The embedding API's option checks (node-agent/embed/node_agent_options.hpp) and prepare()'s
// refusals that happen before any request: each error names the field and the cause, and the
// join token is never repeated.
#include <catch2/catch.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "node-agent/embed/node_agent.hpp"

using namespace troupe::node_agent::embed;

namespace {

node_agent_options good() {
  node_agent_options o;
  o.server = "https://127.0.0.1:6443";
  o.join_token = "abcdef.0123456789abcdef";
  o.ca_file = "/tmp/ca.crt";
  o.node_name = "embedded1";
  o.data_dir = "/tmp/embedded1";
  o.runtime = runtime_kind::fake;
  return o;
}

} // namespace

TEST_CASE("embed options: the shape of each field, errors naming it", "[embed]") {
  CHECK(options_problem(good()) == "");

  struct row {
    const char* what;
    std::function<void(node_agent_options&)> change;
    std::string expected;
  };
  const std::vector<row> rows = {
    {"no name", [](auto& o) { o.node_name.clear(); },
     "node_agent_options.node_name: is required (the Node object's name)"},
    {"bad name", [](auto& o) { o.node_name = "Node_1"; },
     "node_agent_options.node_name: \"Node_1\" is not a valid node name: a lowercase RFC 1123"},
    {"no data dir", [](auto& o) { o.data_dir.clear(); },
     "node_agent_options.data_dir: is required"},
    {"http URL", [](auto& o) { o.server = "http://127.0.0.1:6443"; },
     "node_agent_options.server: \"http://127.0.0.1:6443\" is not an https URL such as "
     "https://127.0.0.1:6443"},
    {"not a URL", [](auto& o) { o.server = "127.0.0.1:6443"; },
     "node_agent_options.server: \"127.0.0.1:6443\" is not an https URL"},
    {"token and file", [](auto& o) { o.join_token_file = "/tmp/t"; },
     "node_agent_options.join_token: give join_token or join_token_file, not both"},
    {"bad token", [](auto& o) { o.join_token = "s3cret-Token"; },
     "node_agent_options.join_token: is not of the form [a-z0-9]{6}.[a-z0-9]{16}"},
    {"ca and insecure", [](auto& o) { o.insecure_skip_tls_verify = true; },
     "node_agent_options.ca_file: give ca_file or insecure_skip_tls_verify, not both"},
    {"bad ip", [](auto& o) { o.node_ip = "10.0.0.300"; },
     "node_agent_options.node_ip: \"10.0.0.300\" is not an IPv4 or IPv6 address"},
    {"bad label key", [](auto& o) { o.labels["-bad"] = "x"; },
     "node_agent_options.labels: invalid label key \"-bad\": "},
    {"bad label value", [](auto& o) { o.labels["tier"] = "a b"; },
     "node_agent_options.labels: invalid label value \"a b\": "},
    {"cri relative socket", [](auto& o) { o.runtime = runtime_kind::cri; o.cri_socket = "run/c.sock"; },
     "node_agent_options.cri_socket: \"run/c.sock\" is not unix:///absolute/path or an absolute path"},
    {"relative log root", [](auto& o) { o.log_root = "pods"; },
     "node_agent_options.log_root: \"pods\" is not an absolute path"},
    {"bad profile", [](auto& o) { o.profile = "turbo"; },
     "node_agent_options.profile: \"turbo\" is not default or fast"},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    auto o = good();
    r.change(o);
    auto problem = options_problem(o);
    CHECK(problem.rfind(r.expected, 0) == 0);
    CHECK(problem.find("s3cret") == std::string::npos);
  }

  // A fake runtime needs no socket; a cri one accepts both spellings.
  auto o = good();
  o.cri_socket = "relative";
  CHECK(options_problem(o) == "");
  o.runtime = runtime_kind::cri;
  o.cri_socket = "/run/containerd/containerd.sock";
  CHECK(options_problem(o) == "");
  o.cri_socket = "unix:///run/containerd/containerd.sock";
  CHECK(options_problem(o) == "");
  o.labels["example.com/tier"] = "edge";
  CHECK(options_problem(o) == "");
}

TEST_CASE("embed options: what a join needs, and the token from a file", "[embed]") {
  auto o = good();
  CHECK(join_inputs_problem(o) == "");
  o.server.clear();
  CHECK(join_inputs_problem(o).rfind("node_agent_options.server: is required to join", 0) == 0);
  o = good();
  o.join_token.clear();
  CHECK(join_inputs_problem(o).rfind("node_agent_options.join_token: join_token or "
                                     "join_token_file is required to join a cluster", 0) == 0);
  o = good();
  o.ca_file.clear();
  CHECK(join_inputs_problem(o).rfind("node_agent_options.ca_file:", 0) == 0);
  o.insecure_skip_tls_verify = true;
  CHECK(join_inputs_problem(o) == "");

  auto dir = std::filesystem::temp_directory_path() / ("embed-opts-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  o = good();
  o.join_token.clear();
  o.join_token_file = (dir / "token").string();
  std::string token;
  CHECK(resolve_join_token(o, token) ==
        "node_agent_options.join_token_file: cannot read \"" + o.join_token_file + "\"");
  std::ofstream(o.join_token_file) << "NOT-a-token\n";
  auto problem = resolve_join_token(o, token);
  CHECK(problem.rfind("node_agent_options.join_token_file: the first line of", 0) == 0);
  CHECK(problem.find("NOT-a-token") == std::string::npos);
  CHECK(token.empty());
  std::ofstream(o.join_token_file) << "abcdef.0123456789abcdef \n";
  CHECK(resolve_join_token(o, token) == "");
  CHECK(token == "abcdef.0123456789abcdef");
  std::filesystem::remove_all(dir);
}

TEST_CASE("embed options: host:port, log root default", "[embed]") {
  std::string host;
  uint16_t port = 0;
  CHECK(split_host_port("127.0.0.1:7443", host, port));
  CHECK(host == "127.0.0.1");
  CHECK(port == 7443);
  CHECK(split_host_port("[::1]:9", host, port));
  CHECK(host == "::1");
  CHECK(port == 9);
  for (auto bad : {"127.0.0.1", ":80", "h:", "h:0", "h:65536", "h:8x", "h:123456"})
    CHECK_FALSE(split_host_port(bad, host, port));

  auto o = good();
  CHECK(effective_log_root(o) == "/tmp/embedded1/pods");
  o.log_root = "/var/log/pods";
  CHECK(effective_log_root(o) == "/var/log/pods");
  CHECK_FALSE(default_node_ip().empty());
}

TEST_CASE("embed prepare: refusals before any request leave the config unchanged", "[embed]") {
  auto dir = std::filesystem::temp_directory_path() / ("embed-prep-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);

  SECTION("bad URL") {
    caf::actor_system_config cfg;
    auto o = good();
    o.data_dir = dir.string();
    o.server = "ftp://example.com";
    auto r = prepare(cfg, o);
    CHECK_FALSE(r.ok());
    CHECK(r.error == "node_agent_options.server: \"ftp://example.com\" is not an https URL such as "
                     "https://127.0.0.1:6443");
    CHECK(cfg.module_factories.empty());
    CHECK(cfg.openssl_certificate.empty());
  }
  SECTION("no token and no saved credentials") {
    caf::actor_system_config cfg;
    auto o = good();
    o.data_dir = dir.string();
    o.join_token.clear();
    auto r = prepare(cfg, o);
    CHECK_FALSE(r.ok());
    CHECK(r.error.rfind("node_agent_options.join_token: join_token or join_token_file is "
                        "required to join a cluster (no usable saved credentials: ", 0) == 0);
    CHECK(cfg.module_factories.empty());
  }
  SECTION("unreadable token file") {
    caf::actor_system_config cfg;
    auto o = good();
    o.data_dir = dir.string();
    o.join_token.clear();
    o.join_token_file = (dir / "missing").string();
    auto r = prepare(cfg, o);
    CHECK(r.error == "node_agent_options.join_token_file: cannot read \"" + o.join_token_file + "\"");
  }
  SECTION("nobody listening: the join's own error") {
    caf::actor_system_config cfg;
    auto o = good();
    o.data_dir = dir.string();
    o.insecure_skip_tls_verify = true;
    o.ca_file.clear();
    o.server = "https://127.0.0.1:1";
    auto r = prepare(cfg, o);
    CHECK_FALSE(r.ok());
    CHECK(r.error.find("127.0.0.1:1") != std::string::npos);
    CHECK(r.error.find("0123456789abcdef") == std::string::npos);
    CHECK(cfg.module_factories.empty());
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("embed start_node_agent: refuses without a prepared join or an openssl manager",
          "[embed]") {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  join_result failed;
  failed.error = "node_agent_options.data_dir: is required";
  auto r = start_node_agent(sys, good(), failed);
  CHECK_FALSE(r.ok());
  CHECK_FALSE(r.actor);
  CHECK(r.error == "prepare() failed: node_agent_options.data_dir: is required");

  join_result joined;  // "ok", but this system's config never went through prepare()
  joined.registry_host = "127.0.0.1";
  joined.registry_port = 7443;
  r = start_node_agent(sys, good(), joined);
  CHECK_FALSE(r.actor);
  CHECK(r.error == "the actor system has no caf::openssl manager: call prepare() on its config "
                   "before making the system");
  stop_node_agent(r.actor);  // an invalid handle is fine
}
