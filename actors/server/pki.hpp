#pragma once
// The cluster's certificates, made and checked with OpenSSL 3 on PEM text in memory (no files
// here: cluster_init.cpp owns the files). Keys are EC P-256; signatures ECDSA-SHA256.
// Every function returns an empty string on success, else what went wrong (errors as values).

#include <ctime>
#include <string>
#include <vector>

namespace troupe::server {

/// A certificate and its private key, both PEM ("CERTIFICATE", PKCS#8 "PRIVATE KEY").
struct cert_and_key {
  std::string cert;
  std::string key;
};

/// A self-signed CA: basicConstraints critical CA:TRUE, keyUsage critical keyCertSign+cRLSign.
std::string make_ca(const std::string& common_name, int days, cert_and_key& out);

/// A TLS server certificate signed by `ca`: subjectAltName from `sans` (IP literals become IP
/// entries, the rest DNS entries), extendedKeyUsage serverAuth.
std::string make_server_cert(const cert_and_key& ca, const std::string& common_name,
                             const std::vector<std::string>& sans, int days, cert_and_key& out);

/// A node's certificate from its certificate request (node_join.hpp), signed by `ca`: subject
/// CN system:node:<node_name>, O system:nodes (whatever else the request asks for is ignored),
/// keyUsage digitalSignature (+ keyEncipherment for RSA), extendedKeyUsage clientAuth+serverAuth,
/// subjectAltName DNS:<node_name>, valid for `days`. Refused (the reason, for a 400 naming the
/// field csr): not a PEM CSR, a bad self-signature, a key that is neither EC P-256/P-384 nor RSA
/// of at least 2048 bits, a CN other than system:node:<node_name>.
std::string sign_node_csr(const cert_and_key& ca, const std::string& csr_pem,
                          const std::string& node_name, int days, std::string& cert_out);

/// A certificate request with subject CN=`common_name` (and O=`organization` unless empty) for a
/// fresh EC P-256 key: what a node agent sends to join (tests and clients).
std::string make_csr(const std::string& common_name, const std::string& organization,
                     std::string& csr_pem, std::string& key_pem);

/// Both PEMs parse and the key belongs to the certificate.
std::string check_cert_and_key(const cert_and_key& pair);

/// The certificate PEM parses.
std::string check_cert(const std::string& cert_pem);

/// `cert_pem` chains to `ca_pem`, is valid at `at`, is usable for TLS servers and names `host`
/// (an IP literal or a DNS name) in its subjectAltName.
std::string verify_server_cert(const std::string& ca_pem, const std::string& cert_pem,
                               const std::string& host, std::time_t at);

/// True if `name` is an IPv4 or IPv6 literal.
bool is_ip_literal(const std::string& name);

} // namespace troupe::server
