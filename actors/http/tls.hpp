#pragma once
// TLS contexts for the API server and its clients (OpenSSL through Boost.Asio).
// Server: TLS 1.2 or newer, certificate chain + private key from PEM files (or memory), and ALPN
//   that selects "http/1.1" only: Go clients (kubectl) offer h2 first and must not get it, since
//   the server speaks HTTP/1.1 alone. A client offering no http/1.1 gets no ALPN at all.
// Client: TLS 1.2+, verifies the peer against the given CA PEM (kubeconfig's
//   certificate-authority-data, decoded) or file; offers ALPN "http/1.1". The host name / IP check
//   is per connection (client.cpp), not here.
// Errors are values: on failure `context` is null and `error` says what and which file.

#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/ssl/context.hpp>

namespace troupe::http {

struct tls_result {
  std::shared_ptr<boost::asio::ssl::context> context;
  std::string error;
  explicit operator bool() const { return context != nullptr; }
};

tls_result make_server_tls(const std::string& cert_file, const std::string& key_file);
tls_result make_server_tls_pem(std::string_view cert_pem, std::string_view key_pem);

/// Empty ca_pem: the system's default trust store.
tls_result make_client_tls(std::string_view ca_pem);
tls_result make_client_tls_file(const std::string& ca_file);
/// No peer verification at all (kubeconfig's insecure-skip-tls-verify).
tls_result make_insecure_client_tls();

} // namespace troupe::http
