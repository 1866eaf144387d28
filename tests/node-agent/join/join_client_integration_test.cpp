// The join client (node-agent/join/join_client.hpp) against a real troupe-server process: a node
// joins with the cluster's token and CA and gets its files; a wrong token and a wrong CA are
// refused with messages naming the cause; saved credentials are reused.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "node-agent/join/join_client.hpp"
#include "tests/support/server_process.hpp"

using namespace troupe;
using namespace troupe::node_agent::join;
using troupe::testing::server_process;
using troupe::testing::slurp;

namespace {

mode_t mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
    s.pop_back();
  return s;
}

} // namespace

TEST_CASE("join client against troupe-server", "[node][integration]") {
  if (testing::server_binary().empty()) {
    WARN("troupe-server not built; skipped");
    return;
  }
  server_process server{"troupe-join-client"};
  REQUIRE(server.start());
  join_options o;
  o.node_name = "node1";
  o.server_url = server.url();
  o.join_token = trimmed(slurp(server.data + "/join-token"));
  o.ca_file = server.ca_file();
  o.data_dir = server.dir + "/agent";
  REQUIRE(o.join_token.size() == 23);

  SECTION("a wrong token is refused") {
    o.join_token = "abcdef.0123456789abcdef";
    auto r = join_cluster(o, std::time(nullptr));
    CHECK(r.error == "join refused by " + server.url() + ": 401 Unauthorized (wrong join token?)");
    CHECK_FALSE(std::filesystem::exists(o.data_dir + "/pki/node.key"));
  }

  SECTION("a server not signed by --ca-file is refused") {
    auto other = server.dir + "/other-ca.crt";
    // A certificate that is not the server's CA: the server's own leaf certificate.
    std::filesystem::copy_file(server.data + "/pki/server.crt", other);
    o.ca_file = other;
    auto r = join_cluster(o, std::time(nullptr));
    CHECK(r.error.rfind("cannot join " + server.url() + ": ", 0) == 0);
    CHECK(r.error.find("certificate verify failed") != std::string::npos);
    CHECK(r.error.find("(is --ca-file the cluster's CA?)") != std::string::npos);
  }

  SECTION("a node name that is not a DNS subdomain is refused naming the field") {
    o.node_name = "Node_1";
    auto r = request_join(o);
    CHECK(r.error.rfind("join refused by " + server.url() + ": 400 Bad Request: ", 0) == 0);
    CHECK(r.error.find("nodeName") != std::string::npos);
  }

  SECTION("joins, saves the files, then reuses them") {
    auto r = join_cluster(o, std::time(nullptr));
    INFO(r.error);
    REQUIRE(r.ok());
    CHECK_FALSE(r.reused);
    const auto pki = o.data_dir + "/pki";
    CHECK(mode_of(pki + "/node.key") == 0600);
    CHECK(mode_of(pki + "/credential") == 0600);
    CHECK(slurp(pki + "/ca.crt") == slurp(server.ca_file()));
    CHECK(r.credentials.node_address == "127.0.0.1:" + std::to_string(server.node_port));
    CHECK(r.credentials.credential.size() >= 32);
    CHECK(r.credentials.credential.find(o.join_token) == std::string::npos);

    o.join_token = "abcdef.0123456789abcdef";  // not needed any more
    auto again = join_cluster(o, std::time(nullptr));
    REQUIRE(again.ok());
    CHECK(again.reused);
    CHECK(again.credentials.credential == r.credentials.credential);
  }
}
