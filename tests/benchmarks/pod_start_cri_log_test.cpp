// benchmarks/pod_start_cri_log.hpp: containerd's log lines -> per pod CRI call times.
#include <catch2/catch.hpp>

#include "benchmarks/pod_start_cri_log.hpp"

using troupe::bench::parse_cri_log;
using troupe::bench::parse_log_time;

TEST_CASE("parse_log_time reads containerd's RFC 3339 stamps in Unix ns", "[bench]") {
  struct row {
    const char* stamp;
    int64_t ns;
  };
  for (const auto& r : std::initializer_list<row>{
         {"1970-01-01T00:00:00Z", 0},
         {"1970-01-01T00:00:01.5Z", 1500000000},
         {"2026-11-27T14:48:47.126204759Z", 1795790927126204759},
         {"2026-11-27T14:48:47.1262Z", 1795790927126200000},
         {"2026-11-27 14:48:47Z", 0},     // no T
         {"2026-11-27T14:48:47.12a4Z", 0},  // not a digit
         {"2026-11-27T14:48:47.1", 0},     // no Z
         {"", 0}}) {
    INFO(r.stamp);
    CHECK(parse_log_time(r.stamp) == r.ns);
  }
}

TEST_CASE("parse_cri_log finds the three calls of each pod by its sandbox name", "[bench]") {
  const std::string log =
    R"(time="2026-11-27T14:48:47.100000000Z" level=info msg="RunPodSandbox for &PodSandboxMetadata{Name:s-27,Uid:dc24,Namespace:bench,Attempt:0,}")" "\n"
    R"(time="2026-11-27T14:48:48.027867139Z" level=info msg="loading plugin \"io.containerd.event.v1.publisher\"..." runtime=io.containerd.runc.v2)" "\n"
    R"(time="2026-11-27T14:48:47.200000000Z" level=info msg="RunPodSandbox for &PodSandboxMetadata{Name:s-28,Uid:9c34,Namespace:bench,Attempt:0,}")" "\n"
    R"(time="2026-11-27T14:48:48.600000000Z" level=info msg="RunPodSandbox for &PodSandboxMetadata{Name:s-27,Uid:dc24,Namespace:bench,Attempt:0,} returns sandbox id \"sb1\"")" "\n"
    R"(time="2026-11-27T14:48:48.610000000Z" level=info msg="CreateContainer within sandbox \"sb1\" for container &ContainerMetadata{Name:app,Attempt:0,}")" "\n"
    R"(time="2026-11-27T14:48:48.630000000Z" level=info msg="CreateContainer within sandbox \"sb1\" for &ContainerMetadata{Name:app,Attempt:0,} returns container id \"c1\"")" "\n"
    R"(time="2026-11-27T14:48:48.640000000Z" level=info msg="StartContainer for \"c1\"")" "\n"
    R"(time="2026-11-27T14:48:49.560000000Z" level=info msg="StartContainer for \"c1\" returns successfully")" "\n"
    R"(time="2026-11-27T14:48:49.600000000Z" level=info msg="StartContainer for \"unknown\"")" "\n"
    "garbage line without a stamp\n";
  const auto pods = parse_cri_log(log);
  REQUIRE(pods.count("s-27") == 1);
  const auto& c = pods.at("s-27");
  CHECK(c.complete());
  const int64_t base = parse_log_time("2026-11-27T14:48:47Z");
  CHECK(c.sandbox_begin - base == 100000000);
  CHECK(c.sandbox_end - base == 1600000000);
  CHECK(c.create_begin - base == 1610000000);
  CHECK(c.create_end - base == 1630000000);
  CHECK(c.start_begin - base == 1640000000);
  CHECK(c.start_end - base == 2560000000);
  // s-28 began its sandbox and nothing else: present, not complete.
  REQUIRE(pods.count("s-28") == 1);
  CHECK_FALSE(pods.at("s-28").complete());
  CHECK(pods.size() == 2);
}

TEST_CASE("parse_cri_log: a sandbox name made again starts afresh", "[bench]") {
  const std::string log =
    R"(time="2026-11-27T10:00:00Z" level=info msg="RunPodSandbox for &PodSandboxMetadata{Name:p,Uid:a,Namespace:bench,Attempt:0,}")" "\n"
    R"(time="2026-11-27T10:00:01Z" level=info msg="RunPodSandbox for &PodSandboxMetadata{Name:p,Uid:a,Namespace:bench,Attempt:0,} returns sandbox id \"x\"")" "\n"
    R"(time="2026-11-27T10:00:05Z" level=info msg="RunPodSandbox for &PodSandboxMetadata{Name:p,Uid:b,Namespace:bench,Attempt:0,}")" "\n";
  const auto pods = parse_cri_log(log);
  REQUIRE(pods.count("p") == 1);
  CHECK(pods.at("p").sandbox_begin == parse_log_time("2026-11-27T10:00:05Z"));
  CHECK(pods.at("p").sandbox_end == 0);
}
