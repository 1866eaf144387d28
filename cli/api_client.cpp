#include "cli/api_client.hpp"

#include "actors/http/client.hpp"
#include "actors/http/target.hpp"
#include "actors/http/tls.hpp"
#include "actors/http/url.hpp"

namespace troupe::cli {

using nlohmann::json;

namespace {

constexpr const char* aggregated_accept =
  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
  "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

std::string host_port(const std::string& server) {
  auto u = http::parse_url(server);
  return u ? u->host + ":" + u->port : server;
}

} // namespace

std::string error_line(const api_response& r, const std::string& server, std::string_view context) {
  if (!r.transport_error.empty()) {
    if (r.transport_error.find("refused") != std::string::npos)
      return "The connection to the server " + host_port(server)
             + " was refused - did you specify the right host or port?";
    return "Unable to connect to the server: " + r.transport_error;
  }
  std::string message = r.body.is_object() ? r.body.value("message", "") : "";
  std::string reason = r.body.is_object() ? r.body.value("reason", "") : "";
  if (r.status == 401)
    return "error: You must be logged in to the server (" + (message.empty() ? "Unauthorized" : message)
           + ")";
  if (message.empty()) {
    // Not a Status: kubectl words it from the code.
    if (r.status == 404)
      return "Error from server (NotFound): " + std::string(context)
             + "the server could not find the requested resource";
    return "Error from server: " + std::string(context) + "an error on the server (\"" + r.text
           + "\") has prevented the request from succeeding";
  }
  if (reason.empty())
    return "Error from server: " + std::string(context) + message;
  return "Error from server (" + reason + "): " + std::string(context) + message;
}

std::string query_string(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string q;
  for (const auto& [k, v] : params) {
    if (v.empty())
      continue;
    q += (q.empty() ? "?" : "&") + k + "=" + http::percent_encode(v);
  }
  return q;
}

api_client::api_client(connection c) : conn_(std::move(c)) {
  http::client_options o;
  auto u = http::parse_url(conn_.server);
  if (u && u->tls()) {
    auto tls = conn_.insecure ? http::make_insecure_client_tls() : http::make_client_tls(conn_.ca_pem);
    if (!tls)
      tls_error_ = tls.error;
    o.tls = tls.context;
  }
  o.bearer_token = conn_.token;
  o.user_agent = "troupe/v1.32.0 (linux/amd64)";
  http_ = std::make_unique<http::client>(o);
}

api_client::~api_client() = default;

api_response api_client::request(std::string_view method, const std::string& path,
                                 const std::string& body, const std::string& content_type,
                                 const std::string& accept) {
  api_response r;
  if (!tls_error_.empty()) {
    r.transport_error = tls_error_;
    return r;
  }
  http::header_list h;
  h.add("Accept", accept);
  if (!body.empty() || !content_type.empty())
    h.add("Content-Type", content_type.empty() ? "application/json" : content_type);
  auto resp = http_->request(method, conn_.server + path, h, body);
  if (!resp.ok()) {
    r.transport_error = resp.error;
    return r;
  }
  r.status = resp.status;
  r.text = std::move(resp.body);
  r.body = json::parse(r.text, nullptr, false);
  if (r.body.is_discarded())
    r.body = nullptr;
  return r;
}

namespace {

// A streamed answer as an api_response: what was left in the body (a non-2xx Status) parsed.
api_response from_stream(http::client_response resp) {
  api_response r;
  r.status = resp.status;
  r.transport_error = std::move(resp.error);
  r.text = std::move(resp.body);
  r.body = json::parse(r.text, nullptr, false);
  if (r.body.is_discarded())
    r.body = nullptr;
  return r;
}

} // namespace

api_response api_client::stream(const std::string& path, const std::string& accept,
                                 const std::function<bool(std::string_view)>& on_data) {
  http::header_list h;
  h.add("Accept", accept);
  return from_stream(http_->stream(conn_.server + path, h, on_data));
}

api_response api_client::stream_lines(const std::string& path, const std::string& accept,
                                      const std::function<bool(std::string_view)>& on_line) {
  http::header_list h;
  h.add("Accept", accept);
  return from_stream(http_->stream_lines(conn_.server + path, h, on_line));
}

const std::vector<resource_info>& api_client::resources() {
  if (discovered_)
    return resources_;
  discovered_ = true;
  for (const char* path : {"/api", "/apis"}) {
    auto r = request("GET", path, {}, {}, aggregated_accept);
    if (!r.ok() || !r.body.is_object() || r.body.value("kind", "") != "APIGroupDiscoveryList") {
      discovery_response_ = r;
      discovery_error_ = r.ok() ? "the server does not serve aggregated discovery"
                                : error_line(r, conn_.server);
      resources_ = registry_resources();
      return resources_;
    }
    auto part = parse_aggregated_discovery(r.body);
    resources_.insert(resources_.end(), part.begin(), part.end());
  }
  return resources_;
}

} // namespace troupe::cli
