// pod_runtime_config: Pod -> CRI sandbox and container configs, resources and QoS, as the kubelet
// builds them. Over 400 lines because most of it is tables (one row per kubelet rule), and the
// cases share the pod factories at the top.
#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <vector>

#include "node-agent/pod/pod_runtime_config.hpp"
#include "node-agent/pod/var_expansion.hpp"
#include "node-agent/runtime/blocking_call.hpp"
#include "node-agent/runtime/fake_runtime.hpp"
#include "node-agent/runtime/runtime_labels.hpp"

namespace pod = troupe::node_agent::pod;
namespace rt = troupe::node_agent::runtime;
namespace v1 = troupe::core::v1;

namespace {

constexpr int64_t gi = 1024LL * 1024 * 1024;

v1::Pod make_pod() {
  v1::Pod p;
  p.mutable_metadata()->set_name("web");
  p.mutable_metadata()->set_namespace_("default");
  p.mutable_metadata()->set_uid("1111-2222");
  (*p.mutable_metadata()->mutable_labels())["app"] = "web";
  (*p.mutable_metadata()->mutable_annotations())["note"] = "hello";
  p.mutable_spec()->set_nodename("node1");
  auto* c = p.mutable_spec()->add_containers();
  c->set_name("main");
  c->set_image("nginx:1.17.1");
  return p;
}

pod::node_facts make_node() {
  pod::node_facts n;
  n.node_name = "node1";
  n.host_ip = "192.168.1.10";
  n.memory_capacity_bytes = 10 * gi;
  return n;
}

void set_resources(v1::Container& c, const std::string& req_cpu, const std::string& req_mem,
                   const std::string& lim_cpu, const std::string& lim_mem) {
  auto* r = c.mutable_resources();
  if (!req_cpu.empty())
    (*r->mutable_requests())["cpu"].set_string(req_cpu);
  if (!req_mem.empty())
    (*r->mutable_requests())["memory"].set_string(req_mem);
  if (!lim_cpu.empty())
    (*r->mutable_limits())["cpu"].set_string(lim_cpu);
  if (!lim_mem.empty())
    (*r->mutable_limits())["memory"].set_string(lim_mem);
}

v1::EnvVar* add_env(v1::Container& c, const std::string& name, const std::string& value) {
  auto* e = c.add_env();
  e->set_name(name);
  e->set_value(value);
  return e;
}

void add_field_env(v1::Container& c, const std::string& name, const std::string& path) {
  auto* e = c.add_env();
  e->set_name(name);
  e->mutable_valuefrom()->mutable_fieldref()->set_fieldpath(path);
}

} // namespace

TEST_CASE("expand_vars: $(VAR), $$ escapes and what stays as written, table", "[podconfig]") {
  auto lookup = [](const std::string& n) -> std::optional<std::string> {
    if (n == "A")
      return std::string("alpha");
    if (n == "EMPTY")
      return std::string();
    return std::nullopt;
  };
  struct row {
    std::string in, out;
  };
  const std::vector<row> rows = {
      {"", ""},
      {"plain", "plain"},
      {"$(A)", "alpha"},
      {"x$(A)y$(A)", "xalphayalpha"},
      {"$(EMPTY)|", "|"},
      {"$(MISSING)", "$(MISSING)"},
      {"$$(A)", "$(A)"},
      {"$$$(A)", "$alpha"},
      {"$$", "$"},
      {"$", "$"},
      {"a$", "a$"},
      {"$A", "$A"},
      {"$(A", "$(A"},
      {"$(A$(A)", "$(A$(A)"},  // the name is "A$(A", unknown: kept as written
      {"$()", "$()"},
      {"100$ and $(A)", "100$ and alpha"},
  };
  for (const auto& r : rows) {
    INFO("input: " << r.in);
    CHECK(pod::expand_vars(r.in, lookup) == r.out);
  }
}

TEST_CASE("sandbox config: identity, hostname, logs, labels, namespaces, ports", "[podconfig]") {
  auto node = make_node();
  SECTION("defaults") {
    auto pod_ = make_pod();
    auto s = pod::make_sandbox_config(pod_, 2, node);
    CHECK(s.name == "web");
    CHECK(s.uid == "1111-2222");
    CHECK(s.namespace_ == "default");
    CHECK(s.attempt == 2);
    CHECK(s.hostname == "web");
    CHECK(s.log_directory == "/var/log/pods/default_web_1111-2222");
    CHECK(s.labels.at("app") == "web");
    CHECK(s.labels.at(rt::labels::managed_by) == "troupe-node");
    CHECK(s.labels.at(rt::labels::node_name) == "node1");
    CHECK(s.labels.at(rt::labels::pod_uid) == "1111-2222");
    CHECK(s.labels.at(rt::labels::pod_name) == "web");
    CHECK(s.labels.at(rt::labels::pod_namespace) == "default");
    CHECK(s.annotations.at("note") == "hello");
    CHECK(s.network == rt::namespace_mode::pod);
    CHECK(s.pid == rt::namespace_mode::container);
    CHECK(s.ipc == rt::namespace_mode::pod);
    CHECK(s.cgroup_parent.empty());
    CHECK(s.port_mappings.empty());
  }
  SECTION("a pod label cannot claim another owner") {
    auto pod_ = make_pod();
    (*pod_.mutable_metadata()->mutable_labels())[rt::labels::managed_by] = "someone-else";
    (*pod_.mutable_metadata()->mutable_labels())[rt::labels::pod_uid] = "forged";
    auto s = pod::make_sandbox_config(pod_, 0, node);
    CHECK(s.labels.at(rt::labels::managed_by) == "troupe-node");
    CHECK(s.labels.at(rt::labels::pod_uid) == "1111-2222");
  }
  SECTION("hostname: spec.hostname, FQDN with subdomain, 63-byte truncation, none on hostNetwork") {
    auto pod_ = make_pod();
    pod_.mutable_spec()->set_hostname("box");
    CHECK(pod::make_sandbox_config(pod_, 0, node).hostname == "box");
    pod_.mutable_spec()->set_sethostnameasfqdn(true);
    CHECK(pod::make_sandbox_config(pod_, 0, node).hostname == "box");  // no subdomain: no domain
    pod_.mutable_spec()->set_subdomain("svc1");
    CHECK(pod::make_sandbox_config(pod_, 0, node).hostname ==
          "box.svc1.default.svc.cluster.local");
    auto long_pod = make_pod();
    long_pod.mutable_metadata()->set_name(std::string(61, 'a') + "-.bc");
    CHECK(pod::make_sandbox_config(long_pod, 0, node).hostname == std::string(61, 'a'));
    pod_.mutable_spec()->set_hostnetwork(true);
    auto s = pod::make_sandbox_config(pod_, 0, node);
    CHECK(s.hostname.empty());
    CHECK(s.network == rt::namespace_mode::node);
  }
  SECTION("pid and ipc namespaces") {
    auto pod_ = make_pod();
    pod_.mutable_spec()->set_shareprocessnamespace(true);
    CHECK(pod::make_sandbox_config(pod_, 0, node).pid == rt::namespace_mode::pod);
    pod_.mutable_spec()->set_hostpid(true);
    pod_.mutable_spec()->set_hostipc(true);
    auto s = pod::make_sandbox_config(pod_, 0, node);
    CHECK(s.pid == rt::namespace_mode::node);
    CHECK(s.ipc == rt::namespace_mode::node);
  }
  SECTION("port mappings only for hostPort, with protocol and host IP") {
    auto pod_ = make_pod();
    auto* c = pod_.mutable_spec()->mutable_containers(0);
    auto* p1 = c->add_ports();
    p1->set_containerport(80);
    auto* p2 = c->add_ports();
    p2->set_containerport(53);
    p2->set_hostport(5353);
    p2->set_protocol("UDP");
    p2->set_hostip("127.0.0.1");
    auto s = pod::make_sandbox_config(pod_, 0, node);
    REQUIRE(s.port_mappings.size() == 1);
    CHECK(s.port_mappings[0].container_port == 53);
    CHECK(s.port_mappings[0].host_port == 5353);
    CHECK(s.port_mappings[0].protocol == rt::port_protocol::udp);
    CHECK(s.port_mappings[0].host_ip == "127.0.0.1");
  }
  SECTION("cgroup parent, log root, sysctls, dns") {
    auto pod_ = make_pod();
    node.cgroup_parent = "/troupe/";
    node.log_root = "/tmp/logs";
    auto* sc = pod_.mutable_spec()->mutable_securitycontext()->add_sysctls();
    sc->set_name("net.ipv4.ip_unprivileged_port_start");
    sc->set_value("0");
    auto* dns = pod_.mutable_spec()->mutable_dnsconfig();
    dns->add_nameservers("10.96.0.10");
    dns->add_searches("default.svc.cluster.local");
    auto* o = dns->add_options();
    o->set_name("ndots");
    o->set_value("5");
    dns->add_options()->set_name("edns0");
    auto s = pod::make_sandbox_config(pod_, 0, node);
    CHECK(s.cgroup_parent == "/troupe/pod1111-2222");
    CHECK(s.log_directory == "/tmp/logs/default_web_1111-2222");
    CHECK(s.sysctls.at("net.ipv4.ip_unprivileged_port_start") == "0");
    CHECK(s.dns_servers == std::vector<std::string>{"10.96.0.10"});
    CHECK(s.dns_searches == std::vector<std::string>{"default.svc.cluster.local"});
    CHECK(s.dns_options == std::vector<std::string>{"ndots:5", "edns0"});
  }
}

TEST_CASE("pod_cgroup and pod_log_directory", "[podconfig]") {
  CHECK(pod::pod_cgroup("/kubepods", "u1") == "/kubepods/podu1");
  CHECK(pod::pod_cgroup("/kubepods/", "u1") == "/kubepods/podu1");
  CHECK(pod::pod_cgroup("/", "u1") == "/podu1");
  CHECK(pod::pod_log_directory("/var/log/pods", make_pod()) ==
        "/var/log/pods/default_web_1111-2222");
}

TEST_CASE("container config: command and args expand $(VAR) from the container's env", "[podconfig]") {
  auto pod_ = make_pod();
  auto& c = *pod_.mutable_spec()->mutable_containers(0);
  add_env(c, "GREETING", "hello");
  add_env(c, "MESSAGE", "$(GREETING) world");  // refers to an earlier variable
  add_env(c, "LATER", "$(AFTER)");             // refers to a later one: kept as written
  add_env(c, "AFTER", "x");
  add_env(c, "ESCAPED", "$$(GREETING)");
  add_field_env(c, "POD_NAME", "metadata.name");
  c.add_command("/bin/sh");
  c.add_command("-c");
  c.add_args("echo $(MESSAGE) from $(POD_NAME); echo $$(GREETING) $(NOPE)");
  auto cfg = pod::make_container_config(pod_, c, false, 0, "10.88.0.5", make_node());
  CHECK(cfg.command == std::vector<std::string>{"/bin/sh", "-c"});
  REQUIRE(cfg.args.size() == 1);
  CHECK(cfg.args[0] == "echo hello world from web; echo $(GREETING) $(NOPE)");
  std::vector<rt::env_var> want = {{"GREETING", "hello"},   {"MESSAGE", "hello world"},
                                   {"LATER", "$(AFTER)"},   {"AFTER", "x"},
                                   {"ESCAPED", "$(GREETING)"}, {"POD_NAME", "web"}};
  CHECK(cfg.envs == want);
}

TEST_CASE("container config: env from the downward API, table", "[podconfig]") {
  struct row {
    std::string path;
    std::optional<std::string> value;  // none: the variable is left out
  };
  const std::vector<row> rows = {
      {"metadata.name", "web"},
      {"metadata.namespace", "default"},
      {"metadata.uid", "1111-2222"},
      {"spec.nodeName", "node1"},
      {"spec.serviceAccountName", "builder"},
      {"status.podIP", "10.88.0.5"},
      {"status.hostIP", "192.168.1.10"},
      {"metadata.labels['app']", "web"},
      {"metadata.labels['absent']", ""},
      {"metadata.annotations['note']", "hello"},
      {"metadata.generation", std::nullopt},
  };
  for (const auto& r : rows) {
    INFO("fieldPath: " << r.path);
    auto pod_ = make_pod();
    pod_.mutable_spec()->set_serviceaccountname("builder");
    auto& c = *pod_.mutable_spec()->mutable_containers(0);
    add_field_env(c, "V", r.path);
    auto cfg = pod::make_container_config(pod_, c, false, 0, "10.88.0.5", make_node());
    if (r.value) {
      REQUIRE(cfg.envs.size() == 1);
      CHECK(cfg.envs[0].value == *r.value);
    } else {
      CHECK(cfg.envs.empty());
    }
  }
  SECTION("configMap and secret references are skipped, plain values kept; a later value wins") {
    auto pod_ = make_pod();
    auto& c = *pod_.mutable_spec()->mutable_containers(0);
    add_env(c, "A", "1");
    auto* e = c.add_env();
    e->set_name("FROM_CM");
    e->mutable_valuefrom()->mutable_configmapkeyref()->set_key("k");
    add_env(c, "A", "2");
    auto cfg = pod::make_container_config(pod_, c, false, 0, "", make_node());
    CHECK(cfg.envs == std::vector<rt::env_var>{{"A", "2"}});
  }
}

TEST_CASE("container config: identity, labels, annotations, logs", "[podconfig]") {
  auto pod_ = make_pod();
  pod_.mutable_spec()->set_terminationgraceperiodseconds(30);
  auto& c = *pod_.mutable_spec()->mutable_containers(0);
  c.set_workingdir("/srv");
  c.set_terminationmessagepath("/dev/termination-log");
  c.set_terminationmessagepolicy("File");
  c.set_tty(true);
  c.set_stdin(true);
  auto cfg = pod::make_container_config(pod_, c, false, 4, "", make_node());
  CHECK(cfg.name == "main");
  CHECK(cfg.attempt == 4);
  CHECK(cfg.image == "nginx:1.17.1");
  CHECK(cfg.working_dir == "/srv");
  CHECK(cfg.log_path == "main/4.log");
  CHECK(cfg.tty);
  CHECK(cfg.stdin_open);
  CHECK(cfg.labels.at(rt::labels::managed_by) == "troupe-node");
  CHECK(cfg.labels.at(rt::labels::node_name) == "node1");
  CHECK(cfg.labels.at(rt::labels::pod_uid) == "1111-2222");
  CHECK(cfg.labels.at(rt::labels::pod_name) == "web");
  CHECK(cfg.labels.at(rt::labels::pod_namespace) == "default");
  CHECK(cfg.labels.at(rt::labels::container_name) == "main");
  CHECK(cfg.labels.at(rt::labels::container_kind) == "app");
  CHECK(cfg.labels.count("app") == 0);  // pod labels go on the sandbox, not the container
  CHECK(cfg.annotations.at("io.kubernetes.container.restartCount") == "4");
  CHECK(cfg.annotations.at("io.kubernetes.container.terminationMessagePath") ==
        "/dev/termination-log");
  CHECK(cfg.annotations.at("io.kubernetes.container.terminationMessagePolicy") == "File");
  CHECK(cfg.annotations.at("io.kubernetes.pod.terminationGracePeriod") == "30");
  CHECK(pod::recorded_restart_count(cfg.annotations) == 4);

  auto init = pod::make_container_config(pod_, c, true, 0, "", make_node());
  CHECK(init.labels.at(rt::labels::container_kind) == "init");
  CHECK(init.log_path == "main/0.log");

  SECTION("the spec hash is stable and changes with the spec") {
    const auto& hash = cfg.annotations.at("io.kubernetes.container.hash");
    CHECK(!hash.empty());
    CHECK(pod::make_container_config(pod_, c, false, 5, "", make_node())
              .annotations.at("io.kubernetes.container.hash") == hash);
    auto changed = c;
    changed.set_image("nginx:1.17.8");
    CHECK(pod::make_container_config(pod_, changed, false, 4, "", make_node())
              .annotations.at("io.kubernetes.container.hash") != hash);
  }
}

TEST_CASE("recorded_restart_count: round trip and bad values, table", "[podconfig]") {
  struct row {
    std::optional<std::string> annotation;
    uint32_t count;
  };
  const std::vector<row> rows = {
      {std::nullopt, 0}, {"0", 0}, {"7", 7}, {"4294967295", 4294967295u},
      {"4294967296", 0}, {"", 0},  {"-1", 0}, {"3x", 0}, {"99999999999999999999", 0},
  };
  for (const auto& r : rows) {
    INFO("annotation: " << r.annotation.value_or("<absent>"));
    rt::string_map a;
    if (r.annotation)
      a["io.kubernetes.container.restartCount"] = *r.annotation;
    CHECK(pod::recorded_restart_count(a) == r.count);
  }
  for (uint32_t n : {0u, 1u, 12u, 100000u}) {
    auto pod_ = make_pod();
    auto cfg = pod::make_container_config(pod_, pod_.spec().containers(0), false, n, "", make_node());
    CHECK(pod::recorded_restart_count(cfg.annotations) == n);
  }
}

TEST_CASE("container config: security context from container, else pod", "[podconfig]") {
  auto pod_ = make_pod();
  pod_.mutable_spec()->mutable_securitycontext()->set_runasuser(1000);
  pod_.mutable_spec()->mutable_securitycontext()->mutable_seccompprofile()->set_type(
      "RuntimeDefault");
  auto& c = *pod_.mutable_spec()->mutable_containers(0);
  auto cfg = pod::make_container_config(pod_, c, false, 0, "", make_node());
  CHECK(cfg.run_as_user == 1000);
  CHECK(cfg.seccomp == rt::seccomp_profile::runtime_default);
  CHECK_FALSE(cfg.privileged);
  auto* sc = c.mutable_securitycontext();
  sc->set_runasuser(0);
  sc->set_privileged(true);
  sc->set_readonlyrootfilesystem(true);
  sc->mutable_capabilities()->add_add("NET_ADMIN");
  sc->mutable_capabilities()->add_drop("ALL");
  cfg = pod::make_container_config(pod_, c, false, 0, "", make_node());
  CHECK(cfg.run_as_user == 0);
  CHECK(cfg.privileged);
  CHECK(cfg.readonly_rootfs);
  CHECK(cfg.add_capabilities == std::vector<std::string>{"NET_ADMIN"});
  CHECK(cfg.drop_capabilities == std::vector<std::string>{"ALL"});
  CHECK(pod::make_sandbox_config(pod_, 0, make_node()).privileged);
}

TEST_CASE("qos_class as ComputePodQOS, table", "[podconfig]") {
  struct res {
    std::string req_cpu, req_mem, lim_cpu, lim_mem;
  };
  struct row {
    std::string name;
    std::vector<res> containers;  // the first ones are app containers
    std::vector<res> inits;
    std::string qos;
  };
  const std::vector<row> rows = {
      {"nothing set", {{}}, {}, "BestEffort"},
      {"zero requests count as unset", {{"0", "0", "", ""}}, {}, "BestEffort"},
      {"requests equal limits", {{"500m", "64Mi", "500m", "64Mi"}}, {}, "Guaranteed"},
      {"limits only (requests default to them)", {{"", "", "1", "1Gi"}}, {}, "Guaranteed"},
      {"equal values in other units", {{"1", "1024Mi", "1000m", "1Gi"}}, {}, "Guaranteed"},
      {"request below limit", {{"250m", "64Mi", "500m", "64Mi"}}, {}, "Burstable"},
      {"memory limit missing", {{"500m", "64Mi", "500m", ""}}, {}, "Burstable"},
      {"only a cpu request", {{"100m", "", "", ""}}, {}, "Burstable"},
      {"one container without limits", {{"1", "1Gi", "1", "1Gi"}, {}}, {}, "Burstable"},
      {"init container without limits", {{"1", "1Gi", "1", "1Gi"}}, {{}}, "Burstable"},
      {"init container guaranteed too", {{"1", "1Gi", "1", "1Gi"}}, {{"1", "1Gi", "1", "1Gi"}},
       "Guaranteed"},
      {"best-effort app with a burstable init", {{}}, {{"100m", "", "", ""}}, "Burstable"},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    auto p = make_pod();
    p.mutable_spec()->clear_containers();
    for (const auto& x : r.containers) {
      auto* c = p.mutable_spec()->add_containers();
      set_resources(*c, x.req_cpu, x.req_mem, x.lim_cpu, x.lim_mem);
    }
    for (const auto& x : r.inits) {
      auto* c = p.mutable_spec()->add_initcontainers();
      set_resources(*c, x.req_cpu, x.req_mem, x.lim_cpu, x.lim_mem);
    }
    CHECK(pod::qos_class(p.spec()) == r.qos);
  }
}

TEST_CASE("container_resources: the kubelet's cgroup v1 numbers, table", "[podconfig]") {
  struct row {
    std::string name;
    std::string req_cpu, req_mem, lim_cpu, lim_mem;
    int64_t capacity;
    rt::linux_resources want;  // period, quota, shares, memory, oom_score_adj
  };
  const int64_t mi = 1024 * 1024;
  const std::vector<row> rows = {
      {"best effort: minimum shares, no quota, oom 1000", "", "", "", "", 10 * gi,
       {100000, 0, 2, 0, 1000}},
      {"guaranteed 500m/64Mi", "500m", "64Mi", "500m", "64Mi", 10 * gi,
       {100000, 50000, 512, 64 * mi, -997}},
      {"guaranteed whole cpus", "2", "1Gi", "2", "1Gi", 10 * gi,
       {100000, 200000, 2048, gi, -997}},
      {"limit only: shares from the limit", "", "", "250m", "128Mi", 10 * gi,
       {100000, 25000, 256, 128 * mi, -997}},
      {"1m: shares and quota raised to their minimums", "1m", "", "1m", "", 10 * gi,
       {100000, 1000, 2, 0, 1000 - 0 - 1}},  // burstable with no memory request -> 999
      {"5m quota is 500 -> 1000", "", "", "5m", "", 10 * gi, {100000, 1000, 5, 0, 999}},
      {"burstable: 10% of memory requested -> 900", "100m", "1Gi", "", "", 10 * gi,
       {100000, 0, 102, 0, 900}},
      {"burstable: request above capacity floors at 3", "100m", "20Gi", "", "", 10 * gi,
       {100000, 0, 102, 0, 3}},
      {"burstable: tiny request rounds to 1000 -> 999", "100m", "1Mi", "", "", 10 * gi,
       {100000, 0, 102, 0, 999}},
      {"burstable: unknown capacity -> 999", "100m", "1Gi", "", "", 0, {100000, 0, 102, 0, 999}},
      {"shares cap at 262144", "300", "", "", "", 10 * gi, {100000, 0, 262144, 0, 999}},
      {"request with a higher limit", "250m", "", "1500m", "", 10 * gi,
       {100000, 150000, 256, 0, 999}},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    auto p = make_pod();
    auto& c = *p.mutable_spec()->mutable_containers(0);
    set_resources(c, r.req_cpu, r.req_mem, r.lim_cpu, r.lim_mem);
    auto node = make_node();
    node.memory_capacity_bytes = r.capacity;
    auto got = pod::container_resources(p.spec(), c, node);
    CHECK(got.cpu_period == r.want.cpu_period);
    CHECK(got.cpu_quota == r.want.cpu_quota);
    CHECK(got.cpu_shares == r.want.cpu_shares);
    CHECK(got.memory_limit_in_bytes == r.want.memory_limit_in_bytes);
    CHECK(got.oom_score_adj == r.want.oom_score_adj);
    auto cfg = pod::make_container_config(p, c, false, 0, "", node);
    REQUIRE(cfg.resources);
    CHECK(*cfg.resources == got);
  }
  SECTION("system-node-critical pods get -997 whatever their class") {
    auto p = make_pod();
    p.mutable_spec()->set_priorityclassname("system-node-critical");
    CHECK(pod::container_resources(p.spec(), p.spec().containers(0), make_node()).oom_score_adj ==
          -997);
  }
  SECTION("a burstable container's score uses its own request, the class the whole pod's") {
    auto p = make_pod();
    set_resources(*p.mutable_spec()->mutable_containers(0), "1", "1Gi", "1", "1Gi");
    auto* side = p.mutable_spec()->add_containers();
    side->set_name("side");
    set_resources(*side, "", "5Gi", "", "");
    auto node = make_node();
    CHECK(pod::container_resources(p.spec(), p.spec().containers(0), node).oom_score_adj == 900);
    CHECK(pod::container_resources(p.spec(), *side, node).oom_score_adj == 500);
  }
}

TEST_CASE("restart count and owner labels survive a trip through the runtime (adoption)", "[podconfig]") {
  using namespace std::chrono_literals;
  rt::fake_runtime fake;
  fake.add_local_image("nginx:1.17.1");
  auto pod_ = make_pod();
  auto node = make_node();
  auto sandbox = pod::make_sandbox_config(pod_, 0, node);
  auto sb = rt::await_result<std::string>([&](auto cb) { fake.run_pod_sandbox(sandbox, 5s, cb); });
  REQUIRE(sb.ok());
  auto cfg = pod::make_container_config(pod_, pod_.spec().containers(0), false, 3, "10.88.0.2", node);
  auto id = rt::await_result<std::string>(
      [&](auto cb) { fake.create_container(*sb, cfg, sandbox, 5s, cb); });
  REQUIRE(id.ok());
  // A restarted agent finds its containers by its labels and reads the count back.
  rt::container_filter f;
  f.label_selector = {{rt::labels::managed_by, rt::labels::managed_by_value},
                      {rt::labels::node_name, "node1"},
                      {rt::labels::pod_uid, "1111-2222"}};
  auto listed = rt::await_result<std::vector<rt::container_info>>(
      [&](auto cb) { fake.list_containers(f, 5s, cb); });
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  CHECK((*listed)[0].id == *id);
  CHECK((*listed)[0].attempt == 3);
  CHECK((*listed)[0].labels.at(rt::labels::container_name) == "main");
  CHECK(pod::recorded_restart_count((*listed)[0].annotations) == 3);
  f.label_selector[rt::labels::node_name] = "node2";  // another agent's view: not ours
  auto other = rt::await_result<std::vector<rt::container_info>>(
      [&](auto cb) { fake.list_containers(f, 5s, cb); });
  REQUIRE(other.ok());
  CHECK(other->empty());
}
