#pragma once
// troupe-server's side of POST /troupe/v1/join behind the API server's CAF-free endpoint
// (actors/apiserver/node_join_endpoint.hpp): signs the node's CSR with the cluster CA (1 year,
// pki.hpp sign_node_csr) and stores the SHA-256 of a fresh credential in
// <data-dir>/nodes/<name>.credential (actors/nodes/node_credential.hpp), replacing an earlier one.
// The CA is read from the files at every join (a join is rare; a replaced CA is picked up).

#include "actors/apiserver/node_join_endpoint.hpp"
#include "actors/server/cluster_init.hpp"

namespace troupe::server {

/// `node_address` is what the grant tells the node ("host:port" of the node registry).
apiserver::node_join_issuer make_node_join_issuer(const cluster_paths& paths,
                                                  std::string node_address);

/// "host:port" where the node registry is published: the API host and the node port (a wildcard
/// API host is reported as loopback).
std::string node_registry_address(const server_config& config);

} // namespace troupe::server
