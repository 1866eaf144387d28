#pragma once
// The admin kubeconfig troupe-server writes on first start: one cluster (CA inline, base64 PEM),
// one user (bearer token), one context "troupe-local", made current. kubectl and troupe read it
// as they read any kubeconfig.

#include <string>

namespace troupe::server {

constexpr const char* admin_context = "troupe-local";
constexpr const char* admin_user = "troupe-admin";

/// The kubeconfig YAML for `server_url` (https://127.0.0.1:6443), trusting `ca_pem`.
std::string render_admin_kubeconfig(const std::string& server_url, const std::string& ca_pem,
                                    const std::string& token);

} // namespace troupe::server
