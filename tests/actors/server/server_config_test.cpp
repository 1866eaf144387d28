#include "actors/server/server_config.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <unistd.h>

namespace srv = troupe::server;
using args_t = std::vector<std::string>;
using check_fn = std::function<void(const srv::server_config&)>;

namespace {

struct args_case {
  const char* name;
  args_t args;
  srv::parse_outcome::action expected;
  std::string error;  // exact error when expected == fail
  check_fn check;     // for run
};

// A temporary YAML file removed at the end of the test.
struct temp_yaml {
  std::string path;
  explicit temp_yaml(const std::string& text) {
    path = (std::filesystem::temp_directory_path() /
            ("troupe-config-" + std::to_string(::getpid()) + "-" +
             std::to_string(reinterpret_cast<uintptr_t>(this)) + ".yaml"))
             .string();
    std::ofstream(path) << text;
  }
  ~temp_yaml() { std::remove(path.c_str()); }
};

} // namespace

TEST_CASE("server flags: defaults, values, derived paths and rejections", "[unit][server]") {
  using A = srv::parse_outcome::action;
  const std::vector<args_case> cases = {
    {"no flags: defaults, TLS dir and token file under the data dir", {}, A::run, "",
     [](const srv::server_config& c) {
       CHECK(c.data_dir == "./troupe-data");
       CHECK(c.api_address.to_string() == "127.0.0.1:6443");
       CHECK(c.node_port == 7443);
       CHECK(c.metrics_address.to_string() == "127.0.0.1:6480");
       CHECK(c.tls_dir == "./troupe-data/pki");
       CHECK(c.token_file == "./troupe-data/admin.token");
       CHECK(c.kubeconfig_path() == "./troupe-data/admin.kubeconfig");
       CHECK(c.tls_sans.empty());
     }},
    {"--data-dir moves the derived paths", {"--data-dir", "/tmp/x"}, A::run, "",
     [](const srv::server_config& c) {
       CHECK(c.data_dir == "/tmp/x");
       CHECK(c.tls_dir == "/tmp/x/pki");
       CHECK(c.token_file == "/tmp/x/admin.token");
     }},
    {"--flag=value form", {"--api-address=127.0.0.1:16443", "--node-port=17443"}, A::run, "",
     [](const srv::server_config& c) {
       CHECK(c.api_address.port == 16443);
       CHECK(c.node_port == 17443);
     }},
    {"explicit TLS dir and token file win over derived ones",
     {"--data-dir", "/d", "--tls-dir", "/t", "--token-file", "/k/token"}, A::run, "",
     [](const srv::server_config& c) {
       CHECK(c.tls_dir == "/t");
       CHECK(c.token_file == "/k/token");
     }},
    {"repeatable --tls-san", {"--tls-san", "troupe.local", "--tls-san=10.0.0.5"}, A::run, "",
     [](const srv::server_config& c) {
       CHECK(c.tls_sans == std::vector<std::string>{"troupe.local", "10.0.0.5"});
     }},
    {"IPv6 API address", {"--api-address", "[::1]:6443"}, A::run, "",
     [](const srv::server_config& c) {
       CHECK(c.api_address.host == "::1");
       CHECK(c.api_address.to_string() == "[::1]:6443");
     }},
    {"--help wins over other flags", {"--data-dir", "/tmp/x", "--help"}, A::help, "", {}},
    {"-h", {"-h"}, A::help, "", {}},
    {"port out of range", {"--node-port", "70000"}, A::fail,
     "invalid argument \"70000\" for \"--node-port\" flag: port must be an integer from 1 to "
     "65535", {}},
    {"port zero", {"--node-port=0"}, A::fail,
     "invalid argument \"0\" for \"--node-port\" flag: port must be an integer from 1 to 65535",
     {}},
    {"port not a number", {"--api-address", "127.0.0.1:https"}, A::fail,
     "invalid argument \"127.0.0.1:https\" for \"--api-address\" flag: port must be an integer "
     "from 1 to 65535", {}},
    {"address without port", {"--metrics-address", "127.0.0.1"}, A::fail,
     "invalid argument \"127.0.0.1\" for \"--metrics-address\" flag: expected host:port", {}},
    {"address without host", {"--api-address", ":6443"}, A::fail,
     "invalid argument \":6443\" for \"--api-address\" flag: missing host (127.0.0.1 listens on "
     "loopback only)", {}},
    {"unbracketed IPv6", {"--api-address", "::1:6443"}, A::fail,
     "invalid argument \"::1:6443\" for \"--api-address\" flag: an IPv6 address must be in "
     "brackets, as in [::1]:6443", {}},
    {"empty data dir", {"--data-dir="}, A::fail,
     "invalid argument \"\" for \"--data-dir\" flag: must not be empty", {}},
    {"unknown flag", {"--data-dri", "/x"}, A::fail, "unknown flag: --data-dri", {}},
    {"unknown shorthand", {"-d", "/x"}, A::fail, "unknown shorthand flag: -d", {}},
    {"stray argument", {"serve"}, A::fail, "unexpected argument \"serve\"", {}},
    {"missing value", {"--data-dir"}, A::fail, "flag needs an argument: --data-dir", {}},
    {"unreadable config file", {"--config", "/nonexistent/troupe.yaml"}, A::fail,
     "cannot read config file \"/nonexistent/troupe.yaml\": No such file or directory", {}},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      auto out = srv::parse_server_args(c.args);
      INFO("error: " << out.error);
      REQUIRE(out.what == c.expected);
      if (c.expected == A::fail)
        CHECK(out.error == c.error);
      if (c.check)
        c.check(out.config);
    }
  }
}

TEST_CASE("server YAML settings and their errors", "[unit][server]") {
  struct yaml_case {
    const char* name;
    std::string yaml;
    std::string error;  // empty: accepted
    check_fn check;
  };
  const std::vector<yaml_case> cases = {
    {"empty document", "", "", [](const srv::server_config& c) { CHECK(c.node_port == 7443); }},
    {"every key",
     "dataDir: /var/lib/troupe\napiAddress: 127.0.0.1:7000\nnodePort: 7001\n"
     "metricsAddress: 127.0.0.1:7002\ntlsDir: /etc/troupe/pki\ntokenFile: /etc/troupe/token\n"
     "tlsSans: [a.example, 192.168.1.2]\n",
     "",
     [](const srv::server_config& c) {
       CHECK(c.data_dir == "/var/lib/troupe");
       CHECK(c.api_address.port == 7000);
       CHECK(c.node_port == 7001);
       CHECK(c.metrics_address.port == 7002);
       CHECK(c.tls_dir == "/etc/troupe/pki");
       CHECK(c.token_file == "/etc/troupe/token");
       CHECK(c.tls_sans == std::vector<std::string>{"a.example", "192.168.1.2"});
     }},
    {"unknown key", "dataDirr: /x\n", "f.yaml: unknown key \"dataDirr\"", {}},
    {"bad port", "nodePort: 99999\n",
     "f.yaml: invalid value \"99999\" for key \"nodePort\": port must be an integer from 1 to "
     "65535", {}},
    {"negative port", "nodePort: -1\n",
     "f.yaml: invalid value \"-1\" for key \"nodePort\": port must be an integer from 1 to 65535",
     {}},
    {"empty value", "dataDir:\n",
     "f.yaml: invalid value \"\" for key \"dataDir\": must not be empty", {}},
    {"list where a value belongs", "dataDir: [a, b]\n",
     "f.yaml: key \"dataDir\" must be a single value", {}},
    {"value where a list belongs", "tlsSans: a.example\n", "f.yaml: key \"tlsSans\" must be a list",
     {}},
    {"not a mapping", "- a\n- b\n", "f.yaml: expected a mapping of settings at the top level", {}},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      srv::server_config config;
      auto err = srv::apply_yaml(c.yaml, "f.yaml", config);
      CHECK(err == c.error);
      if (c.check && err.empty())
        c.check(config);
    }
  }
  SECTION("broken YAML names the file") {
    srv::server_config config;
    auto err = srv::apply_yaml("dataDir: [unclosed\n", "f.yaml", config);
    CHECK(err.rfind("f.yaml: invalid YAML: ", 0) == 0);
  }
}

TEST_CASE("server flags override the YAML file", "[unit][server]") {
  temp_yaml file{"dataDir: /from/file\nnodePort: 8000\ntlsSans: [file.example]\n"};
  SECTION("file alone") {
    auto out = srv::parse_server_args({"--config", file.path});
    REQUIRE(out.what == srv::parse_outcome::action::run);
    CHECK(out.config.data_dir == "/from/file");
    CHECK(out.config.token_file == "/from/file/admin.token");
    CHECK(out.config.node_port == 8000);
    CHECK(out.config.config_file == file.path);
  }
  SECTION("flags win, wherever they appear") {
    auto out = srv::parse_server_args(
      {"--node-port", "9000", "--config", file.path, "--tls-san", "flag.example"});
    REQUIRE(out.what == srv::parse_outcome::action::run);
    CHECK(out.config.data_dir == "/from/file");
    CHECK(out.config.node_port == 9000);
    CHECK(out.config.tls_sans == std::vector<std::string>{"flag.example"});
  }
  SECTION("a bad file value names the file and the key") {
    temp_yaml bad{"apiAddress: nowhere\n"};
    auto out = srv::parse_server_args({"--config", bad.path});
    REQUIRE(out.what == srv::parse_outcome::action::fail);
    CHECK(out.error == bad.path + ": invalid value \"nowhere\" for key \"apiAddress\": expected "
                                  "host:port");
  }
}

TEST_CASE("server --help lists every flag", "[unit][server]") {
  auto text = srv::help_text();
  for (auto flag : {"--config", "--data-dir", "--api-address", "--node-port", "--metrics-address",
                    "--tls-dir", "--token-file", "--tls-san", "--help"}) {
    INFO(flag);
    CHECK(text.find(flag) != std::string::npos);
  }
}

TEST_CASE("server node lifecycle settings: profiles, flags, YAML keys, errors", "[unit][server]") {
  using namespace std::chrono_literals;
  using A = srv::parse_outcome::action;
  auto resolved = [](const args_t& args) {
    auto out = srv::parse_server_args(args);
    INFO("error: " << out.error);
    REQUIRE(out.what == A::run);
    return srv::resolve_node_lifecycle(out.config);
  };
  SECTION("default profile: Kubernetes 1.32's timings") {
    auto s = resolved({});
    CHECK(s.node_monitor_grace_period == 50s);
    CHECK(s.node_startup_grace_period == 60s);
    CHECK(s.node_status_update_frequency == 10s);
    CHECK(s.default_not_ready_toleration_seconds == 300);
    CHECK(s.default_unreachable_toleration_seconds == 300);
  }
  SECTION("fast profile: seconds") {
    auto s = resolved({"--profile", "fast"});
    CHECK(s.node_monitor_grace_period == 5s);
    CHECK(s.node_startup_grace_period == 10s);
    CHECK(s.node_status_update_frequency == 1s);
    CHECK(s.default_not_ready_toleration_seconds == 5);
    CHECK(s.default_unreachable_toleration_seconds == 5);
  }
  SECTION("flags win over the profile, Go durations") {
    auto s = resolved({"--profile=fast", "--node-monitor-grace-period", "1m30s",
                       "--node-startup-grace-period=500ms",
                       "--default-unreachable-toleration-seconds", "0"});
    CHECK(s.node_monitor_grace_period == 90s);
    CHECK(s.node_startup_grace_period == 500ms);
    CHECK(s.default_unreachable_toleration_seconds == 0);
    CHECK(s.default_not_ready_toleration_seconds == 5);  // still the profile's
  }
  SECTION("YAML keys") {
    srv::server_config c;
    REQUIRE(srv::apply_yaml("profile: fast\nnodeMonitorGracePeriod: 40s\n"
                            "nodeStartupGracePeriod: 2m\ndefaultNotReadyTolerationSeconds: 60\n"
                            "defaultUnreachableTolerationSeconds: 120\n",
                            "f.yaml", c) == "");
    auto s = srv::resolve_node_lifecycle(c);
    CHECK(c.profile == "fast");
    CHECK(s.node_monitor_grace_period == 40s);
    CHECK(s.node_startup_grace_period == 120s);
    CHECK(s.default_not_ready_toleration_seconds == 60);
    CHECK(s.default_unreachable_toleration_seconds == 120);
  }
  SECTION("rejections name the flag or key") {
    const std::vector<std::pair<args_t, std::string>> bad = {
      {{"--profile", "quick"},
       "invalid argument \"quick\" for \"--profile\" flag: must be \"default\" or \"fast\""},
      {{"--node-monitor-grace-period", "50"},
       "invalid argument \"50\" for \"--node-monitor-grace-period\" flag: time: invalid duration "
       "\"50\""},
      {{"--node-monitor-grace-period", "0s"},
       "invalid argument \"0s\" for \"--node-monitor-grace-period\" flag: must be greater than 0"},
      {{"--node-startup-grace-period", "-5s"},
       "invalid argument \"-5s\" for \"--node-startup-grace-period\" flag: must be greater than 0"},
      {{"--default-not-ready-toleration-seconds", "5s"},
       "invalid argument \"5s\" for \"--default-not-ready-toleration-seconds\" flag: must be a "
       "non-negative integer (seconds)"},
      {{"--default-unreachable-toleration-seconds", "-1"},
       "invalid argument \"-1\" for \"--default-unreachable-toleration-seconds\" flag: must be a "
       "non-negative integer (seconds)"},
    };
    for (const auto& [args, error] : bad) {
      INFO(args[0]);
      auto out = srv::parse_server_args(args);
      REQUIRE(out.what == A::fail);
      CHECK(out.error == error);
    }
    srv::server_config c;
    CHECK(srv::apply_yaml("nodeMonitorGracePeriod: soon\n", "f.yaml", c) ==
          "f.yaml: invalid value \"soon\" for key \"nodeMonitorGracePeriod\": time: invalid "
          "duration \"soon\"");
  }
  SECTION("--help lists them; a long flag's help goes on its own line") {
    auto text = srv::help_text();
    for (auto flag : {"--profile default|fast", "--node-monitor-grace-period DURATION",
                      "--node-startup-grace-period DURATION",
                      "--default-not-ready-toleration-seconds SECONDS",
                      "--default-unreachable-toleration-seconds SECONDS"}) {
      INFO(flag);
      CHECK(text.find(flag) != std::string::npos);
    }
    CHECK(text.find("--default-unreachable-toleration-seconds SECONDS\n") != std::string::npos);
  }
}

TEST_CASE("server --percentage-of-nodes-to-score: flag, YAML key, range", "[unit][server]") {
  using A = srv::parse_outcome::action;
  CHECK(srv::parse_server_args({}).config.percentage_of_nodes_to_score == 0);  // adaptive
  for (auto [arg, want] : std::vector<std::pair<std::string, int>>{{"0", 0}, {"30", 30}, {"100", 100}}) {
    auto out = srv::parse_server_args({"--percentage-of-nodes-to-score", arg});
    INFO(arg << ": " << out.error);
    REQUIRE(out.what == A::run);
    CHECK(out.config.percentage_of_nodes_to_score == want);
  }
  srv::server_config c;
  REQUIRE(srv::apply_yaml("percentageOfNodesToScore: 50\n", "f.yaml", c) == "");
  CHECK(c.percentage_of_nodes_to_score == 50);
  for (auto bad : {"101", "-1", "ten", "", "5%", "1000"}) {
    INFO(bad);
    auto out = srv::parse_server_args({std::string("--percentage-of-nodes-to-score=") + bad});
    REQUIRE(out.what == A::fail);
    CHECK(out.error == std::string("invalid argument \"") + bad +
                         "\" for \"--percentage-of-nodes-to-score\" flag: not in valid range [0-100]");
  }
  CHECK(srv::apply_yaml("percentageOfNodesToScore: 120\n", "f.yaml", c) ==
        "f.yaml: invalid value \"120\" for key \"percentageOfNodesToScore\": not in valid range [0-100]");
  CHECK(srv::help_text().find("--percentage-of-nodes-to-score PERCENT") != std::string::npos);
}

TEST_CASE("server --terminated-pod-gc-threshold: flag, YAML key, bad values, and PodGC timings by profile",
          "[unit][server]") {
  using A = srv::parse_outcome::action;
  CHECK(srv::parse_server_args({}).config.terminated_pod_gc_threshold == 12500);
  for (auto [arg, want] : std::vector<std::pair<std::string, int64_t>>{{"0", 0}, {"100", 100}}) {
    auto out = srv::parse_server_args({"--terminated-pod-gc-threshold", arg});
    INFO(arg << ": " << out.error);
    REQUIRE(out.what == A::run);
    CHECK(out.config.terminated_pod_gc_threshold == want);
  }
  srv::server_config c;
  REQUIRE(srv::apply_yaml("terminatedPodGCThreshold: 50\n", "f.yaml", c) == "");
  CHECK(c.terminated_pod_gc_threshold == 50);
  for (auto bad : {"-1", "many", "", "1e3"}) {
    INFO(bad);
    auto out = srv::parse_server_args({std::string("--terminated-pod-gc-threshold=") + bad});
    REQUIRE(out.what == A::fail);
    CHECK(out.error == std::string("invalid argument \"") + bad +
                         "\" for \"--terminated-pod-gc-threshold\" flag: must be a whole number of pods, 0 or more");
  }
  CHECK(srv::help_text().find("--terminated-pod-gc-threshold COUNT") != std::string::npos);
  auto fast = srv::parse_server_args({"--profile", "fast"}).config;
  CHECK(srv::resolve_node_lifecycle(fast).pod_gc_period == std::chrono::seconds(1));
  CHECK(srv::resolve_node_lifecycle(fast).pod_gc_quarantine == std::chrono::seconds(3));
  auto normal = srv::parse_server_args({}).config;
  CHECK(srv::resolve_node_lifecycle(normal).pod_gc_period == std::chrono::seconds(20));
  CHECK(srv::resolve_node_lifecycle(normal).pod_gc_quarantine == std::chrono::seconds(40));
}

TEST_CASE("server eviction rate flags: defaults as kube-controller-manager, flags, YAML keys, bad values",
          "[unit][server]") {
  using A = srv::parse_outcome::action;
  auto d = srv::parse_server_args({}).config;
  CHECK(d.node_eviction_rate == 0.1);
  CHECK(d.secondary_node_eviction_rate == 0.01);
  CHECK(d.unhealthy_zone_threshold == 0.55);
  CHECK(d.large_cluster_size_threshold == 50);
  auto out = srv::parse_server_args({"--node-eviction-rate", "0.5", "--secondary-node-eviction-rate=0",
                                     "--unhealthy-zone-threshold", "1", "--large-cluster-size-threshold", "10"});
  INFO(out.error);
  REQUIRE(out.what == A::run);
  CHECK(out.config.node_eviction_rate == 0.5);
  CHECK(out.config.secondary_node_eviction_rate == 0);
  CHECK(out.config.unhealthy_zone_threshold == 1);
  CHECK(out.config.large_cluster_size_threshold == 10);
  srv::server_config c;
  REQUIRE(srv::apply_yaml("nodeEvictionRate: 2\nunhealthyZoneThreshold: 0.3\n", "f.yaml", c) == "");
  CHECK(c.node_eviction_rate == 2);
  CHECK(c.unhealthy_zone_threshold == 0.3);
  struct bad {
    const char* flag;
    const char* value;
    const char* why;
  };
  for (const auto& b : std::vector<bad>{{"node-eviction-rate", "fast", "must be a number"},
                                        {"node-eviction-rate", "-1", "must be 0 or more"},
                                        {"node-eviction-rate", "nan", "must be a number"},
                                        {"secondary-node-eviction-rate", "", "must be a number"},
                                        {"unhealthy-zone-threshold", "1.5", "must be between 0 and 1"},
                                        {"large-cluster-size-threshold", "5.5",
                                         "must be a whole number of nodes, 0 or more"}}) {
    INFO(b.flag << "=" << b.value);
    auto r = srv::parse_server_args({std::string("--") + b.flag + "=" + b.value});
    REQUIRE(r.what == A::fail);
    CHECK(r.error == std::string("invalid argument \"") + b.value + "\" for \"--" + b.flag + "\" flag: " + b.why);
  }
  CHECK(srv::help_text().find("--unhealthy-zone-threshold FRACTION") != std::string::npos);
}
