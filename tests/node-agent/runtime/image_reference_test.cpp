#include <catch2/catch.hpp>

#include "node-agent/runtime/image_reference.hpp"

namespace rt = troupe::node_agent::runtime;

TEST_CASE("image references normalize as containerd's CRI plugin does", "[cri]") {
  const std::string digest = "sha256:" + std::string(64, 'a');
  struct row {
    std::string in, out, tag;
  };
  const std::vector<row> cases = {
      {"busybox", "docker.io/library/busybox:latest", "latest"},
      {"busybox:1.30", "docker.io/library/busybox:1.30", "1.30"},
      {"library/busybox:1.30", "docker.io/library/busybox:1.30", "1.30"},
      {"docker.io/busybox", "docker.io/library/busybox:latest", "latest"},
      {"docker.io/library/nginx:1.17.1", "docker.io/library/nginx:1.17.1", "1.17.1"},
      {"user/app:1", "docker.io/user/app:1", "1"},
      {"localhost/pause:3.6-local", "localhost/pause:3.6-local", "3.6-local"},
      {"localhost:5999/not-here:1", "localhost:5999/not-here:1", "1"},
      {"localhost:5999/not-here", "localhost:5999/not-here:latest", "latest"},
      {"registry.k8s.io/pause:3.6", "registry.k8s.io/pause:3.6", "3.6"},
      {"busybox@" + digest, "docker.io/library/busybox@" + digest, ""},
      {digest, digest, ""},
  };
  for (const auto& c : cases) {
    INFO("input: " << c.in);
    auto r = rt::normalize_image_reference(c.in);
    REQUIRE(r.ok());
    CHECK(*r == c.out);
    CHECK(rt::image_tag(*r) == c.tag);
  }
}

TEST_CASE("malformed image references are rejected", "[cri]") {
  for (const std::string in : {"", "Busybox:1", "busybox:", "docker.io/"}) {
    INFO("input: '" << in << "'");
    auto r = rt::normalize_image_reference(in);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().is(rt::status::code::invalid_argument));
    CHECK_THAT(r.status().message(), Catch::StartsWith("invalid reference format"));
  }
}
