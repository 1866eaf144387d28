// kubeconfig: which files, how they merge, how flags and contexts resolve.
// Table rows spell only the leading override fields they need; the rest stay empty on purpose.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include <catch2/catch.hpp>

#include "cli/kubeconfig.hpp"
#include "config/yaml_codec.hpp"

using namespace troupe::cli;
using nlohmann::json;

namespace {

json yaml(const char* text) { return troupe::config::parse_yaml(text).documents.at(0); }

const char* first_file = R"(
current-context: a
clusters:
- name: c1
  cluster: {server: "https://10.0.0.1:6443", certificate-authority-data: "UEVN"}
users:
- name: u1
  user: {token: tok1}
contexts:
- name: a
  context: {cluster: c1, user: u1, namespace: team-a}
- name: b
  context: {cluster: c2, user: u1}
)";

const char* second_file = R"(
current-context: b
clusters:
- name: c1
  cluster: {server: "https://shadowed:1"}
- name: c2
  cluster: {server: "https://10.0.0.2:6443", insecure-skip-tls-verify: true}
users:
- name: u2
  user: {tokenFile: /tokens/u2}
)";

auto env_of(std::map<std::string, std::string> m) {
  return [m](const std::string& k) -> std::optional<std::string> {
    auto it = m.find(k);
    return it == m.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

std::optional<std::string> no_files(const std::string&) { return std::nullopt; }

} // namespace

TEST_CASE("kubeconfig: which files are read", "[unit][cli]") {
  CHECK(kubeconfig_paths("/x/config", env_of({{"KUBECONFIG", "/a:/b"}})) == std::vector<std::string>{"/x/config"});
  CHECK(kubeconfig_paths("", env_of({{"KUBECONFIG", "/a::/b"}, {"HOME", "/h"}})) == std::vector<std::string>{"/a", "/b"});
  CHECK(kubeconfig_paths("", env_of({{"HOME", "/h"}})) == std::vector<std::string>{"/h/.kube/config"});
  CHECK(kubeconfig_paths("", env_of({{"KUBECONFIG", ""}, {"HOME", "/h"}})) == std::vector<std::string>{"/h/.kube/config"});
}

TEST_CASE("kubeconfig: the first file to define a name wins", "[unit][cli]") {
  json merged = merge_kubeconfigs({yaml(first_file), yaml(second_file)});
  CHECK(merged["current-context"] == "a");
  CHECK(merged["clusters"].size() == 2);
  CHECK(merged["clusters"][0]["cluster"]["server"] == "https://10.0.0.1:6443");
  CHECK(merged["users"].size() == 2);
}

TEST_CASE("kubeconfig: contexts and flags resolve to a connection", "[unit][cli]") {
  json merged = merge_kubeconfigs({yaml(first_file), yaml(second_file)});
  struct tc {
    const char* name;
    kubeconfig_overrides flags;
    std::string server, token, ns, error;
    bool insecure;
  };
  std::vector<tc> cases = {
    {"current context", {}, "https://10.0.0.1:6443", "tok1", "team-a", "", false},
    {"--context", {"", "b"}, "https://10.0.0.2:6443", "tok1", "default", "", true},
    {"-n beats the context", {"", "", "", "", "", "", "", "other"}, "https://10.0.0.1:6443", "tok1", "other", "", false},
    {"--server and --token", {"", "", "", "", "https://s:1", "t2"}, "https://s:1", "t2", "team-a", "", false},
    {"unknown context", {"", "nope"}, "", "", "", "context was not found for specified context: nope", false},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto r = resolve_connection(merged, c.flags, no_files);
    CHECK(r.error == c.error);
    if (!c.error.empty())
      continue;
    REQUIRE(r.value);
    CHECK(r.value->server == c.server);
    CHECK(r.value->token == c.token);
    CHECK(r.value->namespace_ == c.ns);
    CHECK(r.value->insecure == c.insecure);
  }
}

TEST_CASE("kubeconfig: CA data is decoded, tokenFile is read", "[unit][cli]") {
  json merged = merge_kubeconfigs({yaml(first_file), yaml(second_file)});
  auto r = resolve_connection(merged, {}, no_files);
  REQUIRE(r.value);
  CHECK(r.value->ca_pem == "PEM");
  kubeconfig_overrides f;
  f.user = "u2";
  r = resolve_connection(merged, f, [](const std::string& p) -> std::optional<std::string> {
    return p == "/tokens/u2" ? std::optional<std::string>("filetok\n") : std::nullopt;
  });
  REQUIRE(r.value);
  CHECK(r.value->token == "filetok");
}

TEST_CASE("kubeconfig: nothing configured is kubectl's localhost:8080 refusal", "[unit][cli]") {
  auto r = resolve_connection(merge_kubeconfigs({}), {}, no_files);
  CHECK(r.error == "The connection to the server localhost:8080 was refused - did you specify the right host or port?");
}
