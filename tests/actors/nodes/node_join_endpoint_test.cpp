// POST /troupe/v1/join's decisions (actors/apiserver/node_join_endpoint.hpp), with a fake
// issuer: the join token, the fields named in 400s, and logs without the token.
#include "actors/apiserver/node_join_endpoint.hpp"
#include "actors/apiserver/pod_log_proxy.hpp"

#include <catch2/catch.hpp>

#include "proto/core_v1.pb.h"

namespace api = troupe::apiserver;

namespace {

constexpr const char* token = "abcdef.0123456789abcdef";

struct fixture {
  std::vector<std::string> logs;
  std::vector<std::string> issued;  // node names the issuer was called for
  api::node_join_options options;
  fixture() {
    options.join_token = token;
    options.log = [this](const std::string& line) { logs.push_back(line); };
    options.issue = [this](const std::string& name, const std::string& csr) {
      issued.push_back(name);
      api::node_join_outcome out;
      if (csr == "bad")
        out.csr_error = "not a PEM certificate request";
      else if (csr == "broken-ca")
        out.error = "cannot read the cluster CA";
      else
        out.grant = {"CERT", "CA", "CRED", "127.0.0.1:7443"};
      return out;
    };
  }
};

} // namespace

TEST_CASE("node join: token, fields and answers", "[nodes]") {
  const std::string good = R"({"nodeName":"node1","csr":"PEM"})";
  struct row {
    const char* name;
    std::string authorization, body;
    int code;
    std::string message;  // part of the Status message ("" for 200)
    bool issued;
  } rows[] = {
    {"ok", std::string("Bearer ") + token, good, 200, "", true},
    {"scheme is case-insensitive", std::string("bearer ") + token, good, 200, "", true},
    {"no token", "", good, 401, "Unauthorized", false},
    {"wrong token", "Bearer abcdef.0123456789abcdee", good, 401, "Unauthorized", false},
    {"token without scheme", token, good, 401, "Unauthorized", false},
    {"not JSON", std::string("Bearer ") + token, "{", 400, "JSON object", false},
    {"no nodeName", std::string("Bearer ") + token, R"({"csr":"PEM"})", 400, "nodeName: Required value", false},
    {"bad nodeName", std::string("Bearer ") + token, R"({"nodeName":"Node_1","csr":"PEM"})", 400,
     "nodeName: Invalid value: \"Node_1\": a lowercase RFC 1123 subdomain", false},
    {"nodeName not a string", std::string("Bearer ") + token, R"({"nodeName":1,"csr":"PEM"})", 400,
     "nodeName: Invalid value", false},
    {"no csr", std::string("Bearer ") + token, R"({"nodeName":"node1"})", 400, "csr: Required value", false},
    {"csr refused", std::string("Bearer ") + token, R"({"nodeName":"node1","csr":"bad"})", 400,
     "csr: Invalid value: not a PEM certificate request", true},
    {"server failure", std::string("Bearer ") + token, R"({"nodeName":"node1","csr":"broken-ca"})", 500,
     "cannot read the cluster CA", true},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    fixture f;
    auto res = api::handle_node_join(f.options, r.authorization, r.body, "127.0.0.1:5555");
    CHECK(res.code == r.code);
    CHECK(f.issued.empty() == !r.issued);
    if (r.code == 200) {
      CHECK(res.body["certificate"] == "CERT");
      CHECK(res.body["caCertificate"] == "CA");
      CHECK(res.body["credential"] == "CRED");
      CHECK(res.body["nodeAddress"] == "127.0.0.1:7443");
    } else {
      CHECK(res.body["kind"] == "Status");
      CHECK(res.body["message"].get<std::string>().find(r.message) != std::string::npos);
    }
    for (const auto& line : f.logs)
      CHECK(line.find("0123456789abcde") == std::string::npos);  // no token, not even a wrong one
    if (r.code == 401) {
      REQUIRE(f.logs.size() == 1);
      CHECK(f.logs[0].find("refused a node join from 127.0.0.1:5555") != std::string::npos);
    }
  }
}

TEST_CASE("node join: an empty join token accepts nobody", "[nodes]") {
  fixture f;
  f.options.join_token.clear();
  CHECK(api::handle_node_join(f.options, "Bearer ", R"({"nodeName":"n","csr":"x"})", "p").code == 401);
  CHECK(api::handle_node_join(f.options, "Bearer x", R"({"nodeName":"n","csr":"x"})", "p").code == 401);
  CHECK(f.issued.empty());
}

TEST_CASE("pods/log: which container, in Kubernetes' words", "[nodes]") {
  troupe::core::v1::Pod pod;
  pod.mutable_metadata()->set_name("web");
  pod.mutable_spec()->add_containers()->set_name("app");
  std::string out;
  CHECK(api::pick_log_container(pod, "", out).empty());
  CHECK(out == "app");
  pod.mutable_spec()->add_containers()->set_name("sidecar");
  pod.mutable_spec()->add_initcontainers()->set_name("init");
  out.clear();
  CHECK(api::pick_log_container(pod, "", out) ==
        "a container name must be specified for pod web, choose one of: [app sidecar]");
  CHECK(api::pick_log_container(pod, "init", out).empty());
  CHECK(out == "init");
  CHECK(api::pick_log_container(pod, "nope", out) == "container nope is not valid for pod web");
}
