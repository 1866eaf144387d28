#pragma once
// Throwaway certificates for HTTPS tests: a CA and a server certificate it signs, with SANs
// IP:127.0.0.1, IP:::1 and DNS:localhost, made with OpenSSL's C API (EC P-256, valid one day).
// PEM text in memory, and written to files in a fresh temp directory for the file loaders and curl.

#include <string>

namespace troupe::http::testing {

struct test_pki {
  std::string ca_pem;
  std::string cert_pem;
  std::string key_pem;
  std::string dir; // holds ca.crt, server.crt, server.key
  std::string ca_file() const { return dir + "/ca.crt"; }
  std::string cert_file() const { return dir + "/server.crt"; }
  std::string key_file() const { return dir + "/server.key"; }
};

/// Made once per test process and shared (key generation is the slow part).
const test_pki& shared_pki();

struct server_identity {
  std::string cert_pem;
  std::string key_pem;
};

/// Another server certificate from the shared CA, with the given subjectAltName
/// ("DNS:example.com").
server_identity issue_server_cert(const char* san);

/// A second, unrelated CA (for "wrong CA" cases).
const std::string& other_ca_pem();

} // namespace troupe::http::testing
