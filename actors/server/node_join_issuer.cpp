#include "actors/server/node_join_issuer.hpp"

#include <fstream>
#include <sstream>

#include "actors/nodes/node_credential.hpp"
#include "actors/server/pki.hpp"

namespace troupe::server {

namespace {

constexpr int node_cert_days = 365;

bool read_text(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return false;
  std::ostringstream buf;
  buf << in.rdbuf();
  out = buf.str();
  return true;
}

} // namespace

apiserver::node_join_issuer make_node_join_issuer(const cluster_paths& paths,
                                                  std::string node_address) {
  return [paths, node_address](const std::string& node_name, const std::string& csr_pem) {
    apiserver::node_join_outcome out;
    cert_and_key ca;
    if (!read_text(paths.ca_cert, ca.cert) || !read_text(paths.ca_key, ca.key)) {
      out.error = "cannot read the cluster CA in " + paths.tls_dir;
      return out;
    }
    out.csr_error = sign_node_csr(ca, csr_pem, node_name, node_cert_days, out.grant.certificate);
    if (!out.csr_error.empty())
      return out;
    auto credential = nodes::new_node_credential();
    if (credential.empty()) {
      out.error = "cannot generate a node credential: no randomness";
      return out;
    }
    if (auto err = nodes::store_node_credential(paths.nodes_dir, node_name, credential);
        !err.empty()) {
      out.error = err;
      return out;
    }
    out.grant.credential = std::move(credential);
    out.grant.ca_certificate = ca.cert;
    out.grant.node_address = node_address;
    return out;
  };
}

std::string node_registry_address(const server_config& config) {
  host_port a{config.api_address.host, config.node_port};
  if (a.host == "0.0.0.0" || a.host == "*")
    a.host = "127.0.0.1";
  else if (a.host == "::")
    a.host = "::1";
  return a.to_string();
}

} // namespace troupe::server
