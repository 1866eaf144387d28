#pragma once
// Joining a cluster (actors/protocol/node_join.hpp), before any CAF connection: troupe-node gets
// a node certificate signed by the cluster CA and a node credential, and keeps them in
// <data-dir>/pki:
//   node.crt    the node certificate (CN system:node:<name>, O system:nodes)
//   node.key    its private key (mode 0600)
//   ca.crt      the cluster CA (trust anchor for mutual TLS with the node registry)
//   credential  the node credential for register_atom (mode 0600)
//   node-address where the node registry listens ("host:port")
// Saved credentials are reused when all five files are present and the certificate is for this
// node, chains to the saved CA and is valid now; otherwise the node joins again (a new key).
// Errors are values and name the cause, e.g.
//   join refused by https://127.0.0.1:6443: 401 Unauthorized (wrong join token?)
// Blocking (HTTPS); call from main before the actor_system exists.

#include <ctime>
#include <string>

namespace troupe::node_agent::join {

struct join_options {
  std::string node_name;
  std::string server_url;  // "https://host:port"
  std::string join_token;
  std::string ca_file;     // the cluster CA to verify the server with; or:
  bool insecure_skip_tls_verify = false;
  std::string data_dir;
};

/// What the node needs to connect to its cluster; the paths are under <data-dir>/pki.
struct node_credentials {
  std::string cert_file;
  std::string key_file;
  std::string ca_file;
  std::string credential;
  std::string node_address;  // "host:port"
};

struct join_result {
  node_credentials credentials;
  bool reused = false;  // true: loaded from <data-dir>/pki, no request made
  std::string error;    // empty on success
  bool ok() const { return error.empty(); }
};

/// <data-dir>/pki
std::string pki_dir(const std::string& data_dir);

/// Loads saved credentials for `node_name` if they are usable at `now`; error says why not.
join_result load_credentials(const std::string& data_dir, const std::string& node_name,
                             std::time_t now);

/// Saved credentials if usable, else a join: needs server_url, join_token and ca_file (or
/// insecure_skip_tls_verify). Writes the files on success.
join_result join_cluster(const join_options& options, std::time_t now);

/// The join request itself (always asks the server), writing the files on success.
join_result request_join(const join_options& options);

} // namespace troupe::node_agent::join
