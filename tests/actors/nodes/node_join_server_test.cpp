// A real troupe-server process: POST /troupe/v1/join answers 200 with a certificate that works
// for mutual TLS with the node registry, 401 with a wrong token (and the log holds no token),
// and a node that registers with the granted credential shows up in the API.
#include "actors/nodes/node_credential.hpp"
#include "actors/protocol/node_protocol.hpp"
#include "actors/server/pki.hpp"
#include "tests/support/server_process.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "proto/core_v1.pb.h"

using namespace troupe;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

struct post_result {
  int code = 0;
  json body;
};

post_result post_join(const testing::server_process& srv, const std::string& token,
                      const json& body) {
  const auto body_file = srv.dir + "/join-body.json";
  std::ofstream(body_file) << body.dump();
  auto auth = token.empty() ? std::string() : "-H 'Authorization: Bearer " + token + "' ";
  auto r = testing::sh("curl -sS --cacert " + srv.ca_file() + " " + auth +
                       "-H 'Content-Type: application/json' -w '\\n%{http_code}' --data @" +
                       body_file + " '" + srv.url() + "/troupe/v1/join'");
  post_result out;
  auto nl = r.output.rfind('\n');
  if (nl == std::string::npos)
    return out;
  out.code = std::atoi(r.output.substr(nl + 1).c_str());
  out.body = json::parse(r.output.substr(0, nl), nullptr, false);
  return out;
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
    s.pop_back();
  return s;
}

struct tls_config : caf::actor_system_config {
  tls_config(const std::string& cert, const std::string& key, const std::string& ca) {
    load<caf::io::middleman>();
    load<caf::openssl::manager>();
    openssl_certificate = cert;
    openssl_key = key;
    openssl_cafile = ca;
    protocol::announce_node_protocol(*this);
  }
};

protocol::node_agent_actor::behavior_type quiet_agent() {
  return {
    [](protocol::pods_atom, const std::vector<std::string>&, const std::vector<std::string>&, bool) {},
    [](protocol::logs_atom, const std::string&, const std::string&, const std::string&, bool,
       int64_t, int64_t, bool, int64_t, int64_t) {
      return std::make_tuple(std::string("hello from node1\n"), int64_t{17}, false);
    },
  };
}

} // namespace

TEST_CASE("troupe-server: node join over HTTPS, then register over mutual TLS",
          "[nodes][integration]") {
  testing::server_process srv("troupe-nodejoin");
  REQUIRE(srv.start());
  const auto join_token = trimmed(testing::slurp(srv.data + "/join-token"));
  REQUIRE(join_token.size() == 23);
  auto printed = testing::sh(testing::server_binary() + " --print-join-token --data-dir " + srv.data);
  CHECK(printed.code == 0);
  CHECK(trimmed(printed.output) == join_token);

  std::string csr, key;
  REQUIRE(server::make_csr("system:node:node1", "system:nodes", csr, key).empty());
  const json body = {{"nodeName", "node1"}, {"csr", csr}};

  // Wrong token: 401 Status, logged without the token; the admin token is no join token either.
  const std::string wrong = "zzzzzz.zzzzzzzzzzzzzzzz";
  auto refused = post_join(srv, wrong, body);
  CHECK(refused.code == 401);
  CHECK(refused.body.value("kind", "") == "Status");
  CHECK(refused.body.value("reason", "") == "Unauthorized");
  CHECK(post_join(srv, srv.token(), body).code == 401);
  CHECK(post_join(srv, "", body).code == 401);
  auto bad_name = post_join(srv, join_token, {{"nodeName", "Bad_Name"}, {"csr", csr}});
  CHECK(bad_name.code == 400);
  CHECK(bad_name.body.value("message", "").rfind("nodeName: ", 0) == 0);
  auto bad_csr = post_join(srv, join_token, {{"nodeName", "node1"}, {"csr", "nope"}});
  CHECK(bad_csr.code == 400);
  CHECK(bad_csr.body.value("message", "").rfind("csr: ", 0) == 0);

  auto joined = post_join(srv, join_token, body);
  REQUIRE(joined.code == 200);
  const auto cert = joined.body.value("certificate", "");
  const auto ca = joined.body.value("caCertificate", "");
  const auto credential = joined.body.value("credential", "");
  const auto address = joined.body.value("nodeAddress", "");
  CHECK(ca == testing::slurp(srv.ca_file()));
  CHECK(address == "127.0.0.1:" + std::to_string(srv.node_port));
  CHECK(credential.size() == 64);
  CHECK(trimmed(testing::slurp(srv.data + "/nodes/node1.credential")) ==
        nodes::credential_digest(credential));
  CHECK(server::check_cert_and_key({cert, key}).empty());

  const auto log = testing::slurp(srv.log());
  CHECK(log.find("refused a node join") != std::string::npos);
  CHECK(log.find(wrong) == std::string::npos);
  CHECK(log.find(join_token) == std::string::npos);
  CHECK(log.find(srv.token()) == std::string::npos);
  CHECK(log.find(credential) == std::string::npos);

  // Register with what the join gave: the Node appears in the API.
  std::ofstream(srv.dir + "/node.crt") << cert;
  std::ofstream(srv.dir + "/node.key") << key;
  std::ofstream(srv.dir + "/node-ca.crt") << ca;
  {
    tls_config cfg{srv.dir + "/node.crt", srv.dir + "/node.key", srv.dir + "/node-ca.crt"};
    caf::actor_system sys{cfg};
    auto agent = sys.spawn(quiet_agent);
    auto registry = caf::openssl::remote_actor<protocol::node_registry_actor>(
      sys, "127.0.0.1", static_cast<uint16_t>(srv.node_port));
    REQUIRE(registry);
    core::v1::Node node;
    node.mutable_metadata()->set_name("node1");
    (*node.mutable_metadata()->mutable_labels())["kubernetes.io/hostname"] = "node1";
    auto* ready = node.mutable_status()->add_conditions();
    ready->set_type("Ready");
    ready->set_status("True");
    caf::scoped_actor self{sys};
    bool registered = false;
    self->request(*registry, 10s, protocol::register_atom::value, std::string("node1"), credential,
                  node.SerializeAsString(), agent)
      .receive([&](protocol::node_session_actor&) { registered = true; },
               [&](caf::error& e) { FAIL(sys.render(e)); });
    CHECK(registered);
    bool listed = false;
    for (int i = 0; i < 100 && !listed; ++i) {
      listed = srv.curl_api("/api/v1/nodes/node1").output.find("\"kubernetes.io/hostname\"") !=
               std::string::npos;
      if (!listed)
        std::this_thread::sleep_for(100ms);
    }
    CHECK(listed);

    // pods/log of a pod bound to node1 comes from the agent.
    auto pod = json{{"apiVersion", "v1"}, {"kind", "Pod"},
                    {"metadata", {{"name", "web"}, {"namespace", "default"}}},
                    {"spec", {{"nodeName", "node1"}, {"containers", {{{"name", "app"}, {"image", "nginx"}}}}}}};
    std::ofstream(srv.dir + "/pod.json") << pod.dump();
    auto created = srv.curl_api("/api/v1/namespaces/default/pods",
                                "-H 'Content-Type: application/json' --data @" + srv.dir + "/pod.json");
    CHECK(created.output.find("\"web\"") != std::string::npos);
    auto logs = srv.curl_api("/api/v1/namespaces/default/pods/web/log");
    CHECK(logs.output == "hello from node1\n");
    self->send_exit(agent, caf::exit_reason::user_shutdown);
  }
  const auto log_after = testing::slurp(srv.log());
  CHECK(log_after.find(credential) == std::string::npos);
  CHECK(srv.stop() == 0);
}
