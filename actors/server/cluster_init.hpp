#pragma once
// First-start initialisation of a cluster's data dir, idempotent: every start calls it, and it
// creates only what is missing.
//   <tls-dir>/ca.crt, ca.key          the cluster CA (CN troupe-ca, 10 years)
//   <tls-dir>/server.crt, server.key  the API server's certificate (1 year; SANs localhost,
//                                     127.0.0.1, the API host, --tls-san); reissued when missing,
//                                     expiring within 30 days or lacking a SAN now configured
//   <token-file>                      the admin bearer token, 32 random bytes as hex (mode 0600)
//   <data-dir>/admin.kubeconfig       rewritten on every start (the port may have changed)
//   <data-dir>/join-token             the token node agents join with, kubeadm's bootstrap-token
//                                     form [a-z0-9]{6}.[a-z0-9]{16} (mode 0600; node_join.hpp)
//   <data-dir>/nodes/                 the joined nodes' credential digests (mode 0700)
// A file that exists but cannot be read or parsed is an error naming it; nothing is overwritten
// then, so a damaged CA is never silently replaced.

#include "actors/server/server_config.hpp"

#include <ctime>
#include <string>
#include <vector>

namespace troupe::server {

struct cluster_paths {
  std::string tls_dir;
  std::string ca_cert;
  std::string ca_key;
  std::string server_cert;
  std::string server_key;
  std::string token_file;
  std::string kubeconfig;
  std::string join_token_file;
  std::string nodes_dir;
};

cluster_paths paths_for(const server_config& config);

/// "https://127.0.0.1:6443": the API address, with a wildcard host replaced by 127.0.0.1.
std::string server_url(const server_config& config);

/// The server certificate's SANs: localhost, 127.0.0.1, the API host, then --tls-san, no repeats.
std::vector<std::string> server_sans(const server_config& config);

struct cluster_init_result {
  std::string error;  // empty on success
  cluster_paths paths;
  std::string server_url;
  std::string token;  // for the API server's authenticator; never log it
  std::string join_token;  // for the join endpoint; never log it
  bool created_ca = false;
  bool issued_server_cert = false;
  bool created_token = false;
  bool created_join_token = false;

  bool ok() const { return error.empty(); }
};

/// True if `token` has the form [a-z0-9]{6}.[a-z0-9]{16}.
bool is_join_token(const std::string& token);

/// Creates what is missing under the configured paths. `now` decides certificate expiry.
cluster_init_result init_cluster(const server_config& config, std::time_t now);

} // namespace troupe::server
