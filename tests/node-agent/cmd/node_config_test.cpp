// troupe-node's flags (node-agent/cmd/node_config.hpp): a table of command lines and what they
// give or why they are refused.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "node-agent/cmd/node_config.hpp"

using namespace troupe::node_agent::cmd;

namespace {

const std::string token = "abcdef.0123456789abcdef";

} // namespace

TEST_CASE("node flags: defaults", "[node]") {
  auto out = parse_node_args({}, "My-Host");
  REQUIRE(out.what == node_parse_outcome::action::run);
  const auto& c = out.config;
  CHECK(c.name == "my-host");
  CHECK(c.data_dir == "/var/lib/troupe-node");
  CHECK(c.cri_socket == "unix:///run/containerd/containerd.sock");
  CHECK(c.runtime == "cri");
  CHECK(c.log_root == "/var/log/pods");
  CHECK(c.profile == "default");
  CHECK(c.metrics_host.empty());
  CHECK(join_flags_problem(c) == "--server is needed to join a cluster");
}

TEST_CASE("node flags: values", "[node]") {
  auto out = parse_node_args({"--name", "node1", "--server=https://127.0.0.1:6443/",
                              "--join-token", token, "--ca-file", "/tmp/ca.crt", "--data-dir",
                              "/tmp/n", "--cri-socket", "/run/c.sock", "--runtime", "fake",
                              "--node-ip", "10.0.0.5", "--node-labels", "zone=a,tier=web",
                              "--log-root", "/tmp/pods", "--cgroup-parent", "/troupe/node1",
                              "--metrics-address", "127.0.0.1:10255", "--profile", "fast"},
                             "host");
  INFO(out.error);
  REQUIRE(out.what == node_parse_outcome::action::run);
  const auto& c = out.config;
  CHECK(c.name == "node1");
  CHECK(c.server == "https://127.0.0.1:6443");
  CHECK(c.join_token == token);
  CHECK(c.ca_file == "/tmp/ca.crt");
  CHECK(c.cri_socket == "/run/c.sock");
  CHECK(c.runtime == "fake");
  CHECK(c.node_ip == "10.0.0.5");
  CHECK(c.node_labels == std::map<std::string, std::string>{{"tier", "web"}, {"zone", "a"}});
  CHECK(c.cgroup_parent == "/troupe/node1");
  CHECK(c.metrics_host == "127.0.0.1");
  CHECK(c.metrics_port == 10255);
  CHECK(join_flags_problem(c).empty());
  CHECK(timing_of(c.profile).backoff_initial == std::chrono::seconds(1));
  CHECK(timing_of(c.profile).backoff_max == std::chrono::seconds(10));
  CHECK(timing_of("default").backoff_initial == std::chrono::seconds(10));
}

TEST_CASE("node flags: errors name the flag", "[node]") {
  struct row {
    std::vector<std::string> args;
    std::string error;
    bool prefix = false;  // error ends in "...": only its start is compared
  };
  const std::vector<row> rows = {
    {{"--nme", "x"}, "unknown flag: --nme"},
    {{"-n", "x"}, "unknown shorthand flag: -n"},
    {{"node1"}, "unexpected argument \"node1\""},
    {{"--name"}, "flag needs an argument: --name"},
    {{"--name", "Node_1"},
     "invalid argument \"Node_1\" for \"--name\" flag: a lowercase RFC 1123 subdomain must "
     "consist of lower case alphanumeric characters, '-' or '.'...", true},
    {{"--server", "http://127.0.0.1:6443"},
     "invalid argument \"http://127.0.0.1:6443\" for \"--server\" flag: must be an https URL such "
     "as https://127.0.0.1:6443"},
    {{"--runtime", "docker"},
     "invalid argument \"docker\" for \"--runtime\" flag: must be cri or fake"},
    {{"--node-ip", "10.0.0"}, "invalid argument \"10.0.0\" for \"--node-ip\" flag: must be an IPv4 "
                              "or IPv6 address"},
    {{"--node-labels", "zone"},
     "invalid argument \"zone\" for \"--node-labels\" flag: \"zone\" is not key=value"},
    {{"--cri-socket", "containerd.sock"},
     "invalid argument \"containerd.sock\" for \"--cri-socket\" flag: must be "
     "unix:///absolute/path or an absolute path"},
    {{"--metrics-address", "127.0.0.1:0"},
     "invalid argument \"127.0.0.1:0\" for \"--metrics-address\" flag: port must be an integer "
     "from 1 to 65535"},
    {{"--profile", "slow"}, "invalid argument \"slow\" for \"--profile\" flag: must be default or fast"},
    {{"--log-root", "pods"}, "invalid argument \"pods\" for \"--log-root\" flag: must be an "
                             "absolute path"},
    {{"--insecure-skip-tls-verify=maybe"},
     "invalid argument \"maybe\" for \"--insecure-skip-tls-verify\" flag: must be true or false"},
    {{"--ca-file", "/ca", "--insecure-skip-tls-verify"},
     "--ca-file and --insecure-skip-tls-verify are mutually exclusive"},
    {{"--join-token-file", "/nonexistent/token"},
     "invalid argument \"/nonexistent/token\" for \"--join-token-file\" flag: cannot read the "
     "file"},
  };
  for (const auto& r : rows) {
    std::string line;
    for (const auto& a : r.args)
      line += a + " ";
    INFO(line);
    auto out = parse_node_args(r.args, "host");
    CHECK(out.what == node_parse_outcome::action::fail);
    if (r.prefix)
      CHECK(out.error.rfind(r.error.substr(0, r.error.size() - 3), 0) == 0);
    else
      CHECK(out.error == r.error);
  }
}

TEST_CASE("node flags: the join token is a secret", "[node]") {
  auto out = parse_node_args({"--join-token", "Secret.Value"}, "host");
  REQUIRE(out.what == node_parse_outcome::action::fail);
  CHECK(out.error.find("Secret") == std::string::npos);
  CHECK(out.error.rfind("invalid argument for \"--join-token\" flag: a join token has the form", 0) ==
        0);

  auto file = std::filesystem::temp_directory_path() / ("troupe-token-" + std::to_string(::getpid()));
  std::ofstream(file) << token << "\n";
  auto both = parse_node_args({"--join-token", token, "--join-token-file", file.string()}, "host");
  CHECK(both.error == "--join-token and --join-token-file are mutually exclusive");
  auto from_file = parse_node_args({"--join-token-file", file.string()}, "host");
  REQUIRE(from_file.what == node_parse_outcome::action::run);
  CHECK(from_file.config.join_token == token);
  std::filesystem::remove(file);

  auto no_ca = parse_node_args({"--server", "https://h:1", "--join-token", token}, "host");
  CHECK(join_flags_problem(no_ca.config) ==
        "--ca-file (the cluster CA) or --insecure-skip-tls-verify is needed to join a cluster");
  auto insecure = parse_node_args(
    {"--server", "https://h:1", "--join-token", token, "--insecure-skip-tls-verify"}, "host");
  CHECK(join_flags_problem(insecure.config).empty());
}

TEST_CASE("node flags: --help", "[node]") {
  CHECK(parse_node_args({"--name", "x", "--help"}, "host").what ==
        node_parse_outcome::action::help);
  auto text = node_help_text();
  for (const char* flag : {"--server", "--join-token-file", "--runtime cri|fake", "--profile"})
    CHECK(text.find(flag) != std::string::npos);
}
