#pragma once
// POST /troupe/v1/join, the HTTPS half of a node agent joining the cluster (the contract is
// actors/protocol/node_join.hpp). CAF-free: the API server calls it; what needs the cluster CA and
// the credential files is injected as `issue` by troupe-server (actors/server/node_join_issuer).
//
//   - The bearer token must be the cluster's join token (constant-time compare; the admin token is
//     not needed and not accepted instead). Missing or wrong: 401 Status "Unauthorized", and one
//     line on the log naming the peer and why, never the token.
//   - Body: JSON {"nodeName", "csr"}. A body that is not such an object: 400. nodeName missing or
//     not a DNS-1123 subdomain: 400 `nodeName: ...`; csr missing or refused by `issue`: 400
//     `csr: ...`. Other failures of `issue` (files, CA): 500.
//   - 200 {"certificate", "caCertificate", "credential", "nodeAddress"}.

#include <functional>
#include <string>

#include "actors/apiserver/api_response.hpp"

namespace troupe::apiserver {

struct node_join_grant {
  std::string certificate;     // PEM, signed by the cluster CA
  std::string ca_certificate;  // PEM
  std::string credential;      // hex; the server keeps only its SHA-256
  std::string node_address;    // "host:port" of the node registry
};

struct node_join_outcome {
  std::string csr_error;  // the CSR was refused: 400 naming csr
  std::string error;      // the server failed: 500
  node_join_grant grant;
};

/// Signs the node's CSR and stores a fresh credential for `node_name` (already validated).
using node_join_issuer =
  std::function<node_join_outcome(const std::string& node_name, const std::string& csr_pem)>;

struct node_join_options {
  std::string join_token;  // empty: every join is refused
  node_join_issuer issue;
  std::function<void(const std::string&)> log;  // empty: std::cerr
};

/// The answer to one join request. `authorization` is the Authorization header's value.
api_response handle_node_join(const node_join_options& options, const std::string& authorization,
                              const std::string& body, const std::string& remote_address);

/// The join token from an Authorization header ("Bearer <t>", scheme case-insensitive), or "".
std::string bearer_token(const std::string& authorization);

/// Compares in time independent of where they differ (SHA-256 of both, then CRYPTO_memcmp).
bool same_secret(const std::string& a, const std::string& b);

} // namespace troupe::apiserver
