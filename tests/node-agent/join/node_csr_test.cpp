// The node's CSR and the checks on saved credentials (node-agent/join/node_csr.hpp), against a
// cluster CA made and a CSR signed by the server's own pki code.
#include <catch2/catch.hpp>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

#include "actors/server/pki.hpp"
#include "node-agent/join/join_client.hpp"
#include "node-agent/join/node_csr.hpp"

using namespace troupe;
using namespace troupe::node_agent::join;

namespace {

struct signed_node {
  server::cert_and_key ca;
  key_and_csr csr;
  std::string cert;
};

signed_node make_signed(const std::string& name, int days = 365) {
  signed_node s;
  REQUIRE(server::make_ca("troupe-test-ca", 3650, s.ca).empty());
  REQUIRE(make_node_csr(name, s.csr).empty());
  REQUIRE(server::sign_node_csr(s.ca, s.csr.csr_pem, name, days, s.cert).empty());
  return s;
}

void write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

} // namespace

TEST_CASE("make_node_csr: a P-256 CSR the cluster CA signs as system:node:<name>", "[node]") {
  auto s = make_signed("node1");
  CHECK(s.csr.csr_pem.find("BEGIN CERTIFICATE REQUEST") != std::string::npos);
  CHECK(s.csr.key_pem.find("BEGIN PRIVATE KEY") != std::string::npos);
  cert_facts facts;
  REQUIRE(read_cert_facts(s.cert, facts).empty());
  CHECK(facts.common_name == "system:node:node1");
  CHECK(facts.not_after > std::time(nullptr) + 300 * 86400);
  // The server refuses a CSR made for another name.
  std::string other;
  CHECK_FALSE(server::sign_node_csr(s.ca, s.csr.csr_pem, "node2", 365, other).empty());
}

TEST_CASE("check_node_cert: which saved certificates are reused", "[node]") {
  auto s = make_signed("node1");
  auto now = std::time(nullptr);
  CHECK(check_node_cert(s.cert, s.csr.key_pem, s.ca.cert, "node1", now).empty());

  SECTION("another node's name") {
    CHECK(check_node_cert(s.cert, s.csr.key_pem, s.ca.cert, "node2", now) ==
          "node certificate is for \"system:node:node1\", not \"system:node:node2\"");
  }
  SECTION("expired") {
    auto problem = check_node_cert(s.cert, s.csr.key_pem, s.ca.cert, "node1",
                                   now + 400 * 86400);
    CHECK(problem.rfind("node certificate expired at ", 0) == 0);
  }
  SECTION("a key that is not the certificate's") {
    key_and_csr other;
    REQUIRE(make_node_csr("node1", other).empty());
    CHECK(check_node_cert(s.cert, other.key_pem, s.ca.cert, "node1", now)
            .find("node key does not belong") == 0);
  }
  SECTION("another cluster's CA") {
    server::cert_and_key other_ca;
    REQUIRE(server::make_ca("other", 3650, other_ca).empty());
    CHECK(check_node_cert(s.cert, s.csr.key_pem, other_ca.cert, "node1", now)
            .find("does not verify against the cluster CA") != std::string::npos);
  }
  SECTION("garbage") {
    CHECK_FALSE(check_node_cert("nope", s.csr.key_pem, s.ca.cert, "node1", now).empty());
  }
}

TEST_CASE("load_credentials: reuse when all five files are there and valid", "[node]") {
  auto dir = std::filesystem::temp_directory_path() / ("troupe-creds-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto data = dir.string();
  auto s = make_signed("node1");
  auto now = std::time(nullptr);

  auto missing = load_credentials(data, "node1", now);
  CHECK_FALSE(missing.ok());
  CHECK(missing.error == "no saved credentials in " + data + "/pki");

  std::filesystem::create_directories(pki_dir(data));
  write(data + "/pki/node.crt", s.cert);
  write(data + "/pki/node.key", s.csr.key_pem);
  write(data + "/pki/ca.crt", s.ca.cert);
  write(data + "/pki/credential", "abc123\n");
  CHECK_FALSE(load_credentials(data, "node1", now).ok());  // no node-address yet
  write(data + "/pki/node-address", "127.0.0.1:7443\n");

  auto loaded = load_credentials(data, "node1", now);
  INFO(loaded.error);
  REQUIRE(loaded.ok());
  CHECK(loaded.reused);
  CHECK(loaded.credentials.credential == "abc123");
  CHECK(loaded.credentials.node_address == "127.0.0.1:7443");
  CHECK(loaded.credentials.cert_file == data + "/pki/node.crt");

  // Another name or a time past the certificate's end: join again.
  CHECK_FALSE(load_credentials(data, "node2", now).ok());
  CHECK_FALSE(load_credentials(data, "node1", now + 400 * 86400).ok());

  // Without a server to ask, join_cluster reuses them.
  join_options o;
  o.node_name = "node1";
  o.data_dir = data;
  o.server_url = "https://127.0.0.1:1";
  CHECK(join_cluster(o, now).reused);
  std::filesystem::remove_all(dir);
}
