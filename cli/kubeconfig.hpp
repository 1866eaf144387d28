#pragma once
// kubeconfig as kubectl (client-go's clientcmd) reads it:
// - which files: --kubeconfig alone if given; else every path in $KUBECONFIG (':'-separated,
//   missing files skipped); else ~/.kube/config.
// - merging: for each named cluster/user/context the FIRST file that defines it wins; the first
//   non-empty current-context wins.
// - resolving: --context (else current-context) picks the context; --cluster/--user override its
//   references; --server, --token, --insecure-skip-tls-verify, --certificate-authority override
//   fields; -n overrides the context's namespace, which defaults to "default".
// Only bearer-token users are supported (token or tokenFile): troupe-server authenticates tokens.
// Errors are kubectl's messages without the "error: " prefix.

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace troupe::cli {

struct kubeconfig_overrides {
  std::string kubeconfig; // --kubeconfig
  std::string context, cluster, user, server, token, certificate_authority, namespace_;
  bool insecure = false;
};

/// What a client needs to talk to the cluster.
struct connection {
  std::string context;
  std::string server;    // https://127.0.0.1:6443
  std::string ca_pem;    // empty: system trust store
  bool insecure = false; // insecure-skip-tls-verify
  std::string token;
  std::string namespace_ = "default";
  bool namespace_explicit = false; // from -n, not from the context
};

struct connection_result {
  std::optional<connection> value;
  std::string error;
};

/// The kubeconfig files to read, in priority order. `getenv` returns nullopt for unset variables.
std::vector<std::string> kubeconfig_paths(
  const std::string& explicit_path,
  const std::function<std::optional<std::string>(const std::string&)>& getenv);

/// Merges parsed kubeconfig documents (first definition of a name wins).
nlohmann::json merge_kubeconfigs(const std::vector<nlohmann::json>& docs);

/// Resolves a merged kubeconfig plus flags into a connection. `read_file` reads
/// certificate-authority / tokenFile paths (nullopt: unreadable).
connection_result resolve_connection(
  const nlohmann::json& merged, const kubeconfig_overrides& flags,
  const std::function<std::optional<std::string>(const std::string&)>& read_file);

/// Reads the files and resolves: kubeconfig_paths + parse + merge_kubeconfigs + resolve_connection.
connection_result load_connection(
  const kubeconfig_overrides& flags,
  const std::function<std::optional<std::string>(const std::string&)>& getenv);

/// The whole file, or nullopt.
std::optional<std::string> read_text_file(const std::string& path);

} // namespace troupe::cli
