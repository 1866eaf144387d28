#include "actors/server/cluster_init.hpp"

#include "config/base64.hpp"

#include <catch2/catch.hpp>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace srv = troupe::server;
namespace fs = std::filesystem;

namespace {

struct temp_dir {
  std::string path;
  temp_dir() {
    std::string templ = (fs::temp_directory_path() / "troupe-init-XXXXXX").string();
    path = ::mkdtemp(templ.data());
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void spit(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

srv::server_config make_config(const std::string& data_dir) {
  srv::server_config c;
  c.data_dir = data_dir;
  c.api_address = {"127.0.0.1", 16443};
  srv::resolve_defaults(c);
  return c;
}

struct x509_deleter {
  void operator()(X509* x) const { X509_free(x); }
};
using x509_ptr = std::unique_ptr<X509, x509_deleter>;

x509_ptr load_cert(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  REQUIRE(f);
  x509_ptr out{PEM_read_X509(f, nullptr, nullptr, nullptr)};
  std::fclose(f);
  REQUIRE(out);
  return out;
}

// Verifies `cert` against `ca` for a TLS server named `host` (IP or DNS), as a client would.
bool verifies_for(X509* ca, X509* cert, const std::string& host) {
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca);
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, cert, nullptr);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx);
  X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
  if (host.find_first_not_of("0123456789.:") == std::string::npos)
    X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
  else
    X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  bool ok = X509_verify_cert(ctx) == 1;
  if (!ok)
    UNSCOPED_INFO(host << ": " << X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  return ok;
}

std::string common_name(X509* cert) {
  char buf[256] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof buf);
  return buf;
}

double days_valid(X509* cert) {
  int days = 0, secs = 0;
  ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(cert), X509_get0_notAfter(cert));
  return days + secs / 86400.0;
}

int mode_of(const std::string& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return st.st_mode & 0777;
}

} // namespace

TEST_CASE("init_cluster creates a CA, a server certificate, a token and a kubeconfig",
          "[unit][server]") {
  temp_dir dir;
  auto config = make_config(dir.path + "/data");
  config.tls_sans = {"troupe.example", "10.1.2.3"};
  auto r = srv::init_cluster(config, std::time(nullptr));
  INFO(r.error);
  REQUIRE(r.ok());
  CHECK(r.created_ca);
  CHECK(r.issued_server_cert);
  CHECK(r.created_token);
  CHECK(r.paths.ca_cert == dir.path + "/data/pki/ca.crt");

  auto ca = load_cert(r.paths.ca_cert);
  auto server = load_cert(r.paths.server_cert);
  SECTION("the CA is a 10-year CA named troupe-ca") {
    CHECK(common_name(ca.get()) == "troupe-ca");
    CHECK(X509_check_ca(ca.get()) == 1);
    CHECK((X509_get_key_usage(ca.get()) & KU_KEY_CERT_SIGN) != 0);
    CHECK(days_valid(ca.get()) > 3649);
  }
  SECTION("the server certificate verifies for its SANs only") {
    CHECK(verifies_for(ca.get(), server.get(), "127.0.0.1"));
    CHECK(verifies_for(ca.get(), server.get(), "localhost"));
    CHECK(verifies_for(ca.get(), server.get(), "troupe.example"));
    CHECK(verifies_for(ca.get(), server.get(), "10.1.2.3"));
    CHECK_FALSE(verifies_for(ca.get(), server.get(), "10.9.9.9"));
    CHECK_FALSE(verifies_for(ca.get(), server.get(), "evil.example"));
    CHECK((X509_get_extended_key_usage(server.get()) & XKU_SSL_SERVER) != 0);
    CHECK(X509_check_ca(server.get()) == 0);
    CHECK(days_valid(server.get()) > 364);
    CHECK(days_valid(server.get()) < 367);
  }
  SECTION("secrets are private") {
    CHECK(mode_of(r.paths.ca_key) == 0600);
    CHECK(mode_of(r.paths.server_key) == 0600);
    CHECK(mode_of(r.paths.token_file) == 0600);
    CHECK(mode_of(r.paths.kubeconfig) == 0600);
    CHECK(mode_of(r.paths.tls_dir) == 0700);
  }
  SECTION("the token is 32 random bytes in hex") {
    auto token = slurp(r.paths.token_file);
    CHECK(token == r.token + "\n");
    CHECK(r.token.size() == 64);
    CHECK(r.token.find_first_not_of("0123456789abcdef") == std::string::npos);
  }
  SECTION("the kubeconfig names the server, trusts the CA and carries the token") {
    auto kc = YAML::LoadFile(r.paths.kubeconfig);
    CHECK(kc["apiVersion"].as<std::string>() == "v1");
    CHECK(kc["kind"].as<std::string>() == "Config");
    CHECK(kc["current-context"].as<std::string>() == "troupe-local");
    REQUIRE(kc["contexts"].size() == 1);
    auto context = kc["contexts"][0];
    CHECK(context["name"].as<std::string>() == "troupe-local");
    auto cluster_name = context["context"]["cluster"].as<std::string>();
    auto user_name = context["context"]["user"].as<std::string>();
    REQUIRE(kc["clusters"].size() == 1);
    CHECK(kc["clusters"][0]["name"].as<std::string>() == cluster_name);
    auto cluster = kc["clusters"][0]["cluster"];
    CHECK(cluster["server"].as<std::string>() == "https://127.0.0.1:16443");
    auto ca_pem =
      troupe::config::base64_decode(cluster["certificate-authority-data"].as<std::string>());
    REQUIRE(ca_pem);
    CHECK(*ca_pem == slurp(r.paths.ca_cert));
    REQUIRE(kc["users"].size() == 1);
    CHECK(kc["users"][0]["name"].as<std::string>() == user_name);
    CHECK(kc["users"][0]["user"]["token"].as<std::string>() == r.token);
  }
  SECTION("openssl verify agrees (when the openssl tool is installed)") {
    if (std::system("command -v openssl >/dev/null 2>&1") != 0)
      return;
    auto cmd = "openssl verify -CAfile '" + r.paths.ca_cert +
               "' -purpose sslserver -verify_ip 127.0.0.1 '" + r.paths.server_cert +
               "' >/dev/null 2>&1";
    CHECK(std::system(cmd.c_str()) == 0);
    auto wrong = "openssl verify -CAfile '" + r.paths.ca_cert +
                 "' -purpose sslserver -verify_ip 10.9.9.9 '" + r.paths.server_cert +
                 "' >/dev/null 2>&1";
    CHECK(std::system(wrong.c_str()) != 0);
  }
  SECTION("kubectl reads the kubeconfig (when kubectl is installed)") {
    if (std::system("test -x /usr/bin/kubectl") != 0)
      return;
    auto out = dir.path + "/kubectl.out";
    auto cmd = "HOME='" + dir.path + "' /usr/bin/kubectl --kubeconfig '" + r.paths.kubeconfig +
               "' config view --minify -o jsonpath='{.clusters[0].cluster.server} "
               "{.contexts[0].name}' >'" + out + "' 2>&1";
    CHECK(std::system(cmd.c_str()) == 0);
    CHECK(slurp(out) == "https://127.0.0.1:16443 troupe-local");
  }
}

TEST_CASE("init_cluster is idempotent", "[unit][server]") {
  temp_dir dir;
  auto config = make_config(dir.path);
  const auto now = std::time(nullptr);
  auto first = srv::init_cluster(config, now);
  REQUIRE(first.ok());
  const auto ca = slurp(first.paths.ca_cert);
  const auto ca_key = slurp(first.paths.ca_key);
  const auto server = slurp(first.paths.server_cert);

  SECTION("a second start reuses everything") {
    auto second = srv::init_cluster(config, now + 60);
    INFO(second.error);
    REQUIRE(second.ok());
    CHECK_FALSE(second.created_ca);
    CHECK_FALSE(second.issued_server_cert);
    CHECK_FALSE(second.created_token);
    CHECK(slurp(second.paths.ca_cert) == ca);
    CHECK(slurp(second.paths.ca_key) == ca_key);
    CHECK(slurp(second.paths.server_cert) == server);
    CHECK(second.token == first.token);
  }
  SECTION("a new SAN reissues the server certificate under the same CA") {
    config.tls_sans = {"new.example"};
    auto second = srv::init_cluster(config, now);
    REQUIRE(second.ok());
    CHECK_FALSE(second.created_ca);
    CHECK(second.issued_server_cert);
    CHECK(slurp(second.paths.ca_cert) == ca);
    auto ca_x = load_cert(second.paths.ca_cert);
    auto server_x = load_cert(second.paths.server_cert);
    CHECK(verifies_for(ca_x.get(), server_x.get(), "new.example"));
  }
  SECTION("a certificate about to expire is renewed") {
    auto later = srv::init_cluster(config, now + 340 * 24 * 3600);
    REQUIRE(later.ok());
    CHECK(later.issued_server_cert);
    CHECK_FALSE(later.created_ca);
  }
  SECTION("a new port rewrites the kubeconfig only") {
    config.api_address.port = 17000;
    auto second = srv::init_cluster(config, now);
    REQUIRE(second.ok());
    CHECK_FALSE(second.issued_server_cert);
    auto kc = YAML::LoadFile(second.paths.kubeconfig);
    CHECK(kc["clusters"][0]["cluster"]["server"].as<std::string>() == "https://127.0.0.1:17000");
  }
  SECTION("a token file written by the operator is used as it is") {
    spit(first.paths.token_file, "  my-own-token\n");
    auto second = srv::init_cluster(config, now);
    REQUIRE(second.ok());
    CHECK(second.token == "my-own-token");
  }
}

TEST_CASE("init_cluster names the file it cannot use", "[unit][server]") {
  struct damage_case {
    const char* name;
    std::function<void(const srv::cluster_paths&)> damage;
    std::string (*file)(const srv::cluster_paths&);
    std::string message_part;
  };
  const std::vector<damage_case> cases = {
    {"corrupt CA certificate", [](auto& p) { spit(p.ca_cert, "-----BEGIN CERTIFICATE-----\nxx"); },
     [](auto& p) { return p.ca_cert; }, "not a PEM certificate"},
    {"corrupt CA key", [](auto& p) { spit(p.ca_key, "garbage"); },
     [](auto& p) { return p.ca_key; }, "not a PEM private key"},
    {"CA key of another CA", [](auto& p) { fs::copy_file(p.server_key, p.ca_key,
                                                         fs::copy_options::overwrite_existing); },
     [](auto& p) { return p.ca_key; }, "does not belong"},
    {"missing CA key", [](auto& p) { fs::remove(p.ca_key); }, [](auto& p) { return p.ca_key; },
     "missing, but"},
    {"corrupt server certificate", [](auto& p) { spit(p.server_cert, "nope"); },
     [](auto& p) { return p.server_cert; }, "not a PEM certificate"},
    {"empty token file", [](auto& p) { spit(p.token_file, "\n"); },
     [](auto& p) { return p.token_file; }, "empty token file"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      temp_dir dir;
      auto config = make_config(dir.path);
      auto first = srv::init_cluster(config, std::time(nullptr));
      REQUIRE(first.ok());
      const auto ca_before = slurp(first.paths.ca_cert);
      c.damage(first.paths);
      auto second = srv::init_cluster(config, std::time(nullptr));
      INFO(second.error);
      REQUIRE_FALSE(second.ok());
      CHECK(second.error.rfind(c.file(first.paths) + ": ", 0) == 0);
      CHECK(second.error.find(c.message_part) != std::string::npos);
      if (std::string(c.name) != "corrupt CA certificate")
        CHECK(slurp(first.paths.ca_cert) == ca_before);  // nothing was replaced
    }
  }
}

TEST_CASE("server URL and SANs from the API address", "[unit][server]") {
  struct url_case {
    const char* name;
    srv::host_port api;
    std::vector<std::string> extra;
    std::string url;
    std::vector<std::string> sans;
  };
  const std::vector<url_case> cases = {
    {"loopback", {"127.0.0.1", 6443}, {}, "https://127.0.0.1:6443", {"localhost", "127.0.0.1"}},
    {"wildcard maps to loopback", {"0.0.0.0", 6443}, {}, "https://127.0.0.1:6443",
     {"localhost", "127.0.0.1"}},
    {"a named host is a SAN", {"cp.example", 443}, {"10.0.0.1", "cp.example"},
     "https://cp.example:443", {"localhost", "127.0.0.1", "cp.example", "10.0.0.1"}},
    {"IPv6", {"::1", 6443}, {}, "https://[::1]:6443", {"localhost", "127.0.0.1", "::1"}},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      srv::server_config config;
      config.api_address = c.api;
      config.tls_sans = c.extra;
      CHECK(srv::server_url(config) == c.url);
      CHECK(srv::server_sans(config) == c.sans);
    }
  }
}
