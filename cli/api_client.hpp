#pragma once
// The CLI's view of the API server: requests with the kubeconfig's credentials, discovery (cached
// for the life of the command), resource resolution, and errors worded the way kubectl words them:
//   Error from server (NotFound): pods "x" not found
//   Error from server (AlreadyExists): error when creating "pod.yaml": pods "x" already exists
//   error: You must be logged in to the server (Unauthorized)
//   The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?
// Blocking (actors/http/client.hpp); one api_client per thread.

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cli/kubeconfig.hpp"
#include "cli/resource_catalog.hpp"

namespace troupe::http {
class client;
}

namespace troupe::cli {

/// The Accept header kubectl's `get` sends to receive server-side Tables.
inline constexpr const char* table_accept =
  "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,"
  "application/json";

struct api_response {
  unsigned status = 0;
  nlohmann::json body;         // parsed JSON body (null if none or not JSON)
  std::string text;            // the raw body
  std::string transport_error; // non-empty: no HTTP answer at all
  bool ok() const { return transport_error.empty() && status >= 200 && status < 300; }
  bool not_found() const { return transport_error.empty() && status == 404; }
};

/// The line kubectl prints for a failed request (without a trailing newline). `context` goes
/// between the reason and the server's message: `error when creating "pod.yaml": `.
std::string error_line(const api_response& r, const std::string& server, std::string_view context = {});

/// `?a=b&c=d` with values percent-encoded; empty pairs are skipped.
std::string query_string(const std::vector<std::pair<std::string, std::string>>& params);

class api_client {
public:
  explicit api_client(connection c);
  ~api_client();

  const connection& conn() const { return conn_; }

  api_response request(std::string_view method, const std::string& path_and_query,
                       const std::string& body = {}, const std::string& content_type = {},
                       const std::string& accept = "application/json");
  api_response get(const std::string& path, const std::string& accept = "application/json") {
    return request("GET", path, {}, {}, accept);
  }

  /// A watch (or any stream): on_line gets each line; returns false to stop. The response carries
  /// the status (and the body of a refused request).
  api_response stream(const std::string& path, const std::string& accept,
                      const std::function<bool(std::string_view)>& on_data);
  api_response stream_lines(const std::string& path, const std::string& accept,
                            const std::function<bool(std::string_view)>& on_line);

  /// Discovery (aggregated /api + /apis); on failure `discovery_error()` says why and the
  /// registry compiled into troupe is used, so offline resolution still works.
  const std::vector<resource_info>& resources();
  const std::string& discovery_error() const { return discovery_error_; }
  resolve_result resolve(std::string_view arg) { return resolve_resource(resources(), arg); }

  /// The last transport or HTTP failure of discovery as an api_response (for error_line).
  const api_response& discovery_response() const { return discovery_response_; }

private:
  connection conn_;
  std::unique_ptr<http::client> http_;
  std::string tls_error_;
  bool discovered_ = false;
  std::vector<resource_info> resources_;
  std::string discovery_error_;
  api_response discovery_response_;
};

} // namespace troupe::cli
