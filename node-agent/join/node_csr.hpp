#pragma once
// The node's key pair and certificate signing request for the join (actors/protocol/node_join.hpp),
// and the checks that decide whether saved credentials can be reused. OpenSSL 3 on PEM text in
// memory; no files here (join_client.cpp owns them). Errors as values: empty string = success.

#include <ctime>
#include <string>

namespace troupe::node_agent::join {

struct key_and_csr {
  std::string key_pem;  // PKCS#8 "PRIVATE KEY", EC P-256
  std::string csr_pem;  // "CERTIFICATE REQUEST", CN system:node:<name>, O system:nodes, SHA-256
};

/// A new EC P-256 key and a CSR for node `node_name`.
std::string make_node_csr(const std::string& node_name, key_and_csr& out);

/// What a saved node certificate says about itself.
struct cert_facts {
  std::string common_name;
  std::time_t not_before = 0;
  std::time_t not_after = 0;
};

/// Parses a certificate PEM.
std::string read_cert_facts(const std::string& cert_pem, cert_facts& out);

/// The saved node certificate is usable for `node_name` at `now`: both PEMs parse, the key belongs
/// to the certificate, its CN is system:node:<node_name>, it chains to `ca_pem` and is valid at
/// `now`. Empty when usable; else why not ("certificate expired at 2027-01-01T00:00:00Z", ...).
std::string check_node_cert(const std::string& cert_pem, const std::string& key_pem,
                            const std::string& ca_pem, const std::string& node_name,
                            std::time_t now);

} // namespace troupe::node_agent::join
