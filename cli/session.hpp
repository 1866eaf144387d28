#pragma once
// One run of a troupe subcommand: its streams and environment, its parsed flags (the command's own
// plus kubectl's global ones: --kubeconfig, --context, -n, --server, --token, ...), and a lazily
// connected api_client. Helpers print errors as kubectl does and return its exit code (1).

#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/api_client.hpp"
#include "cli/flags.hpp"

namespace troupe::cli {

struct cli_io {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  std::function<std::optional<std::string>(const std::string&)> getenv;
};

/// The flags every command accepts.
std::vector<flag_spec> global_flags();

class session {
public:
  session(cli_io& io, std::string command, parsed_flags flags);

  cli_io& io;
  const std::string command; // "get", "rollout"
  parsed_flags flags;

  /// Connects on first use; nullptr after printing the error (kubeconfig or TLS problems).
  api_client* api();
  /// api() plus discovery; nullptr after printing why the server could not be asked (connection
  /// refused, 401). A server without aggregated discovery falls back to the built-in registry.
  api_client* discovered_api();
  /// -n, else the context's namespace, else "default".
  std::string namespace_();
  bool namespace_explicit();

  /// Prints "error: <message>" and returns 1.
  int fail(const std::string& message);
  /// Prints error_line(r, context) and returns 1.
  int fail(const api_response& r, std::string_view context = {});
  /// A usage problem (cobra's wording, capital E, as kubectl 1.32 prints it): "Error: <message>" plus "See 'troupe <cmd> --help' for usage." and 1.
  int usage_error(const std::string& message);

private:
  std::unique_ptr<api_client> api_;
  std::optional<connection> conn_;
  std::string conn_error_;
  bool loaded_ = false;
  const connection* load();
};

} // namespace troupe::cli
