// The protobuf bodies real kubectl 1.32.4 sends (captured in tests/data/kubectl/) decode to the
// objects the commands describe, and encode back to the very same bytes.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "config/object_codec.hpp"
#include "proto/apps_v1.pb.h"
#include "proto/batch_v1.pb.h"
#include "proto/core_v1.pb.h"

using namespace troupe::config;

namespace {

std::string body(const std::string& name) {
  std::ifstream f(std::string(TROUPE_TEST_DATA) + "/kubectl/" + name, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

template <class T>
const T& as(const decoded_object& d) {
  REQUIRE(d.object->GetDescriptor() == T::descriptor());
  return static_cast<const T&>(*d.object);
}

} // namespace

TEST_CASE("kubectl create namespace body", "[unit][codec][kubectl]") {
  auto bytes = body("create_namespace.pb");
  REQUIRE(bytes.size() == 61);
  auto d = decode_protobuf(bytes);
  INFO(d.message());
  REQUIRE(d.ok());
  CHECK(d.kind->kind == "Namespace");
  const auto& ns = as<troupe::core::v1::Namespace>(d);
  CHECK(ns.metadata().name() == "mayikt-sit");
  // Go wrote every non-pointer field; the JSON form leaves the empty ones out.
  CHECK(encode_json(*d.kind, ns).dump()
        == R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"mayikt-sit"},"spec":{},"status":{}})");
  CHECK(encode_protobuf(*d.kind, ns) == bytes);
}

TEST_CASE("kubectl create deployment body", "[unit][codec][kubectl]") {
  auto bytes = body("create_deployment.pb");
  auto d = decode_protobuf(bytes);
  INFO(d.message());
  REQUIRE(d.ok());
  CHECK(d.kind->api_version() == "apps/v1");
  const auto& dep = as<troupe::apps::v1::Deployment>(d);
  CHECK(dep.metadata().name() == "nginx");
  CHECK(dep.metadata().labels().at("app") == "nginx");
  CHECK(dep.spec().replicas() == 2);
  CHECK(dep.spec().selector().matchlabels().at("app") == "nginx");
  REQUIRE(dep.spec().template_().spec().containers_size() == 1);
  CHECK(dep.spec().template_().spec().containers(0).name() == "nginx");
  CHECK(dep.spec().template_().spec().containers(0).image() == "nginx:1.17.9");
  CHECK(encode_protobuf(*d.kind, dep) == bytes);
}

TEST_CASE("kubectl create configmap, secret, job and service bodies", "[unit][codec][kubectl]") {
  SECTION("configmap") {
    auto bytes = body("create_configmap.pb");
    auto d = decode_protobuf(bytes);
    REQUIRE(d.ok());
    const auto& cm = as<troupe::core::v1::ConfigMap>(d);
    CHECK(cm.metadata().name() == "cfg");
    CHECK(cm.data().at("a") == "1");
    CHECK(cm.data().at("b") == "two");
    CHECK(encode_protobuf(*d.kind, cm) == bytes);
  }
  SECTION("secret") {
    auto bytes = body("create_secret.pb");
    auto d = decode_protobuf(bytes);
    REQUIRE(d.ok());
    const auto& s = as<troupe::core::v1::Secret>(d);
    CHECK(s.data().at("password") == "s3cr3t");
    CHECK(encode_json(*d.kind, s)["data"]["password"] == "czNjcjN0"); // base64 in JSON
    CHECK(encode_protobuf(*d.kind, s) == bytes);
  }
  SECTION("job") {
    auto bytes = body("create_job.pb");
    auto d = decode_protobuf(bytes);
    REQUIRE(d.ok());
    const auto& job = as<troupe::batch::v1::Job>(d);
    const auto& c = job.spec().template_().spec().containers(0);
    CHECK(c.image() == "busybox:1.36");
    REQUIRE(c.command_size() == 2);
    CHECK(c.command(0) == "echo");
    CHECK(c.command(1) == "hi");
    CHECK(job.spec().template_().spec().restartpolicy() == "Never");
    CHECK(encode_protobuf(*d.kind, job) == bytes);
  }
  SECTION("service nodeport") {
    auto bytes = body("create_service_nodeport.pb");
    auto d = decode_protobuf(bytes);
    REQUIRE(d.ok());
    const auto& svc = as<troupe::core::v1::Service>(d);
    CHECK(svc.spec().type() == "NodePort");
    REQUIRE(svc.spec().ports_size() == 1);
    CHECK(svc.spec().ports(0).port() == 80);
    CHECK(svc.spec().ports(0).targetport().intval() == 8080);
    CHECK(encode_protobuf(*d.kind, svc) == bytes);
  }
}

TEST_CASE("malformed protobuf bodies are rejected with a reason", "[unit][codec][kubectl]") {
  auto ns = body("create_namespace.pb");
  CHECK(decode_protobuf("{\"kind\":\"Namespace\"}").error
        == "protobuf body does not start with the k8s\\0 magic");
  CHECK_FALSE(decode_protobuf(ns.substr(0, 20)).ok());
  auto unknown_kind = ns;
  unknown_kind.replace(unknown_kind.find("Namespace"), 9, "Namespaze");
  CHECK(decode_protobuf(unknown_kind).error == "no matches for kind \"Namespaze\" in version \"v1\"");
}
