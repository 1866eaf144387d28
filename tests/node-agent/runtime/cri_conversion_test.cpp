#include <catch2/catch.hpp>

#include "node-agent/runtime/cri_conversion.hpp"
#include "node-agent/runtime/blocking_call.hpp"
#include "node-agent/runtime/cri_runtime.hpp"
#include "tests/node-agent/runtime/runtime_fixtures.hpp"

namespace rt = troupe::node_agent::runtime;
namespace v1 = ::runtime::v1;
using troupe::testing::make_container_config;
using troupe::testing::make_sandbox_config;

TEST_CASE("a sandbox config goes on the wire as the kubelet sends it", "[cri]") {
  auto cfg = make_sandbox_config("web", "u-1");
  cfg.attempt = 2;
  cfg.cgroup_parent = "/troupe/podu-1";
  cfg.sysctls = {{"net.ipv4.ip_unprivileged_port_start", "0"}};
  cfg.port_mappings = {{rt::port_protocol::udp, 53, 5353, "127.0.0.1"}};
  v1::PodSandboxConfig out;
  rt::cri::to_proto(cfg, &out);
  CHECK(out.metadata().name() == "web");
  CHECK(out.metadata().uid() == "u-1");
  CHECK(out.metadata().namespace_() == "default");
  CHECK(out.metadata().attempt() == 2);
  CHECK(out.hostname() == "web");
  CHECK(out.log_directory() == "/var/log/pods/default_web_u-1");
  CHECK(out.dns_config().servers(0) == "127.0.0.1");
  CHECK(out.dns_config().options(0) == "ndots:5");
  CHECK(out.labels().at("troupe.io/pod-uid") == "u-1");
  CHECK(out.linux().cgroup_parent() == "/troupe/podu-1");
  CHECK(out.linux().sysctls().at("net.ipv4.ip_unprivileged_port_start") == "0");
  REQUIRE(out.port_mappings_size() == 1);
  CHECK(out.port_mappings(0).protocol() == v1::UDP);
  CHECK(out.port_mappings(0).host_port() == 5353);
  const auto& ns = out.linux().security_context().namespace_options();
  CHECK(ns.network() == v1::POD);
  CHECK(ns.pid() == v1::CONTAINER);
  CHECK(ns.ipc() == v1::POD);
  // Unconfined seccomp: no profile at all (an empty one would mean RuntimeDefault).
  CHECK_FALSE(out.linux().security_context().has_seccomp());
  CHECK_FALSE(out.linux().security_context().has_run_as_user());
}

TEST_CASE("seccomp, run-as-user and host network map to their CRI fields", "[cri]") {
  auto cfg = make_sandbox_config();
  cfg.seccomp = rt::seccomp_profile::runtime_default;
  cfg.network = rt::namespace_mode::node;
  cfg.run_as_user = 1000;
  v1::PodSandboxConfig out;
  rt::cri::to_proto(cfg, &out);
  const auto& sc = out.linux().security_context();
  REQUIRE(sc.has_seccomp());
  CHECK(sc.seccomp().profile_type() == v1::SecurityProfile::RuntimeDefault);
  CHECK(sc.namespace_options().network() == v1::NODE);
  CHECK(sc.run_as_user().value() == 1000);
}

TEST_CASE("a container config carries image, command, env, resources and labels", "[cri]") {
  auto pod = make_sandbox_config();
  auto c = make_container_config(pod, "app", "nginx:1.17.1");
  c.attempt = 3;
  c.args = {"-g", "daemon off;"};
  c.envs = {{"A", "1"}, {"B", "two"}};
  c.mounts = {{"/data", "/var/lib/troupe/pods/u/volumes/data", true}};
  c.resources = rt::linux_resources{100000, 50000, 512, 64 << 20, 900};
  c.drop_capabilities = {"NET_RAW"};
  v1::ContainerConfig out;
  rt::cri::to_proto(c, &out);
  CHECK(out.metadata().name() == "app");
  CHECK(out.metadata().attempt() == 3);
  CHECK(out.image().image() == "nginx:1.17.1");
  CHECK(std::vector<std::string>(out.command().begin(), out.command().end()) ==
        std::vector<std::string>{"sleep", "3600"});
  CHECK(out.args(1) == "daemon off;");
  REQUIRE(out.envs_size() == 2);
  CHECK(out.envs(1).key() == "B");
  CHECK(out.envs(1).value() == "two");
  CHECK(out.mounts(0).readonly());
  CHECK(out.log_path() == "app/0.log");
  CHECK(out.labels().at("troupe.io/container-name") == "app");
  const auto& r = out.linux().resources();
  CHECK(r.cpu_period() == 100000);
  CHECK(r.cpu_quota() == 50000);
  CHECK(r.cpu_shares() == 512);
  CHECK(r.memory_limit_in_bytes() == 64 << 20);
  CHECK(r.oom_score_adj() == 900);
  CHECK(out.linux().security_context().capabilities().drop_capabilities(0) == "NET_RAW");
  CHECK_FALSE(out.linux().security_context().has_seccomp());

  c.resources.reset();
  v1::ContainerConfig bare;
  rt::cri::to_proto(c, &bare);
  CHECK_FALSE(bare.linux().has_resources());
}

TEST_CASE("container status comes back as a value", "[cri]") {
  v1::ContainerStatus in;
  in.set_id("c1");
  in.mutable_metadata()->set_name("app");
  in.mutable_metadata()->set_attempt(1);
  in.set_state(v1::CONTAINER_EXITED);
  in.set_exit_code(137);
  in.set_reason("OOMKilled");
  in.set_started_at(10);
  in.set_finished_at(20);
  in.mutable_image()->set_image("docker.io/library/busybox:1.30");
  in.set_image_ref("sha256:abc");
  (*in.mutable_labels())["troupe.io/container-name"] = "app";
  in.mutable_resources()->mutable_linux()->set_memory_limit_in_bytes(16 << 20);
  auto out = rt::cri::from_proto(in);
  CHECK(out.id == "c1");
  CHECK(out.name == "app");
  CHECK(out.attempt == 1);
  CHECK(out.state == rt::container_state::exited);
  CHECK(out.exit_code == 137);
  CHECK(out.reason == "OOMKilled");
  CHECK(out.finished_at == 20);
  CHECK(out.image_ref == "sha256:abc");
  CHECK(out.labels.at("troupe.io/container-name") == "app");
  REQUIRE(out.resources.has_value());
  CHECK(out.resources->memory_limit_in_bytes == 16 << 20);
}

TEST_CASE("CRI enums map both ways", "[cri]") {
  for (auto s : {rt::container_state::created, rt::container_state::running,
                 rt::container_state::exited, rt::container_state::unknown}) {
    INFO(rt::to_string(s));
    CHECK(rt::cri::from_proto(rt::cri::to_proto(s)) == s);
  }
  for (auto s : {rt::sandbox_state::ready, rt::sandbox_state::not_ready})
    CHECK(rt::cri::from_proto(rt::cri::to_proto(s)) == s);
  for (auto m : {rt::namespace_mode::pod, rt::namespace_mode::container, rt::namespace_mode::node})
    CHECK(rt::cri::from_proto(rt::cri::to_proto(m)) == m);
  CHECK(std::string(rt::to_string(rt::container_state::exited)) == "CONTAINER_EXITED");
}

TEST_CASE("gRPC errors keep their code, a registry's 'not found' becomes not_found", "[cri]") {
  auto s = rt::cri::from_grpc(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "timeout 1s exceeded"));
  CHECK(s.is_deadline_exceeded());
  CHECK(s.to_string() == "rpc error: code = DeadlineExceeded desc = timeout 1s exceeded");
  CHECK(rt::cri::from_grpc(grpc::Status::OK).is_ok());

  struct row {
    rt::status in;
    rt::status::code expected;
  };
  const std::vector<row> cases = {
      {rt::status::unknown("failed to pull and unpack image \"docker.io/library/nosuch:1\": "
                           "failed to resolve reference \"docker.io/library/nosuch:1\": "
                           "docker.io/library/nosuch:1: not found"),
       rt::status::code::not_found},
      {rt::status::unknown("failed to pull and unpack image \"localhost:5999/x:1\": failed to do "
                           "request: dial tcp 127.0.0.1:5999: connect: connection refused"),
       rt::status::code::unknown},
      {rt::status::deadline_exceeded("context deadline exceeded"),
       rt::status::code::deadline_exceeded},
  };
  for (const auto& c : cases) {
    INFO(c.in.to_string());
    auto out = rt::cri::classify_pull_error(c.in);
    CHECK(out.get_code() == c.expected);
    CHECK(out.message() == c.in.message());
  }
}

TEST_CASE("CRI endpoints and whole-second timeouts", "[cri]") {
  CHECK(rt::cri_target("unix:///run/x/containerd.sock") == "unix:///run/x/containerd.sock");
  CHECK(rt::cri_target("/run/x/containerd.sock") == "unix:///run/x/containerd.sock");
  CHECK(rt::cri_target("unix://run/x.sock") == "");  // gRPC reads "run" as an authority
  CHECK(rt::cri_target("run/x.sock") == "");
  CHECK(rt::whole_seconds_up(std::chrono::milliseconds(0)) == 0);
  CHECK(rt::whole_seconds_up(std::chrono::milliseconds(1)) == 1);
  CHECK(rt::whole_seconds_up(std::chrono::milliseconds(1000)) == 1);
  CHECK(rt::whole_seconds_up(std::chrono::milliseconds(1500)) == 2);
}

TEST_CASE("cri_runtime with an unusable endpoint answers with an error, not a hang", "[cri]") {
  rt::cri_runtime bad({"relative/containerd.sock"});
  auto r = rt::await_result<rt::version_info>(
      [&](auto cb) { bad.version(std::chrono::seconds(1), cb); });
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().is(rt::status::code::invalid_argument));

  rt::cri_runtime absent({"/nonexistent/troupe-test/containerd.sock", 1});
  auto v = rt::await_result<rt::version_info>(
      [&](auto cb) { absent.version(std::chrono::milliseconds(300), cb); });
  REQUIRE_FALSE(v.ok());
  INFO(v.status().to_string());
  CHECK((v.status().is(rt::status::code::unavailable) || v.status().is_deadline_exceeded()));
}
