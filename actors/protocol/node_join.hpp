#pragma once
// How a node agent joins a cluster, before any CAF connection (node_protocol.hpp, step 1).
// CAF-free: both troupe-server's API server and troupe-node include it.
//
// The cluster's join token, kubeadm's bootstrap-token form `[a-z0-9]{6}.[a-z0-9]{16}`, is made at
// the server's first start in `<data-dir>/join-token` (mode 0600) and printed by
// `troupe-server --print-join-token --data-dir D`.
//
//   POST /troupe/v1/join                 (on the HTTPS API port; the agent checks the server
//   Authorization: Bearer <join token>    certificate against the CA given to it, or trusts on
//   Content-Type: application/json        first use only with --insecure-skip-tls-verify)
//   {"nodeName": "node1", "csr": "-----BEGIN CERTIFICATE REQUEST-----\n..."}
//
//   200 {"certificate": PEM,          the node certificate: CN system:node:<nodeName>,
//                                     O system:nodes, EKU clientAuth+serverAuth, 1 year,
//                                     signed by the cluster CA
//        "caCertificate": PEM,        the cluster CA (trust anchor for mutual TLS)
//        "credential": "<hex>",       the node credential sent with register_atom; the server
//                                     keeps only its SHA-256 (<data-dir>/nodes/<name>.credential);
//                                     a new join of the same name replaces it
//        "nodeAddress": "host:port"}  where the node registry is published (caf::openssl)
//   401 Status "Unauthorized" when the token is missing or wrong (logged without the token)
//   400 Status naming the field: nodeName not a DNS-1123 subdomain, csr not a PEM CSR, the CSR's
//       key unusable, the CSR's CN not system:node:<nodeName>

namespace troupe::protocol {

constexpr const char* node_join_path = "/troupe/v1/join";
constexpr const char* node_cert_cn_prefix = "system:node:";
constexpr const char* node_cert_organization = "system:nodes";

} // namespace troupe::protocol
