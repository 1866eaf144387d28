#include "actors/apiserver/node_join_endpoint.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <array>
#include <iostream>

#include "config/label_syntax.hpp"
#include "actors/protocol/node_join.hpp"

namespace troupe::apiserver {

using nlohmann::json;

namespace {

std::array<unsigned char, 32> digest(const std::string& s) {
  std::array<unsigned char, 32> out{};
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), out.data());
  return out;
}

void log_line(const node_join_options& o, const std::string& line) {
  if (o.log)
    o.log(line);
  else
    std::cerr << line << std::endl;
}

api_response field_error(const std::string& field, const std::string& message) {
  return api::bad_request(field + ": " + message);
}

// A string field of the body, or nullopt when absent; `wrong_type` is set when present but not a
// string.
std::optional<std::string> string_field(const json& body, const char* name, bool& wrong_type) {
  auto i = body.find(name);
  if (i == body.end() || i->is_null())
    return std::nullopt;
  if (!i->is_string()) {
    wrong_type = true;
    return std::nullopt;
  }
  return i->get<std::string>();
}

} // namespace

std::string bearer_token(const std::string& authorization) {
  constexpr size_t n = 7;  // "Bearer "
  if (authorization.size() <= n)
    return {};
  for (size_t i = 0; i < n; ++i)
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != "bearer "[i])
      return {};
  return authorization.substr(n);
}

bool same_secret(const std::string& a, const std::string& b) {
  auto da = digest(a);
  auto db = digest(b);
  return CRYPTO_memcmp(da.data(), db.data(), da.size()) == 0;
}

api_response handle_node_join(const node_join_options& options, const std::string& authorization,
                              const std::string& body, const std::string& remote_address) {
  const auto token = bearer_token(authorization);
  const bool accepted = !options.join_token.empty() && !token.empty() &&
                        same_secret(token, options.join_token);
  if (!accepted) {
    log_line(options, "troupe-server: refused a node join from " + remote_address + ": " +
                        (token.empty() ? "no bearer token" : "wrong join token"));
    return api::unauthorized();
  }
  json request = json::parse(body, nullptr, false);
  if (request.is_discarded() || !request.is_object())
    return api::bad_request("the request body must be a JSON object {\"nodeName\": ..., \"csr\": ...}");
  bool wrong_type = false;
  auto name = string_field(request, "nodeName", wrong_type);
  if (wrong_type)
    return field_error("nodeName", "Invalid value: must be a string");
  if (!name || name->empty())
    return field_error("nodeName", "Required value");
  if (auto problems = config::dns1123_subdomain_problems(*name); !problems.empty())
    return field_error("nodeName", "Invalid value: \"" + *name + "\": " + problems.front());
  auto csr = string_field(request, "csr", wrong_type);
  if (wrong_type)
    return field_error("csr", "Invalid value: must be a string");
  if (!csr || csr->empty())
    return field_error("csr", "Required value");
  if (!options.issue)
    return api::internal_error("node joins are not served");
  auto out = options.issue(*name, *csr);
  if (!out.csr_error.empty()) {
    log_line(options, "troupe-server: refused the join of node \"" + *name + "\" from " +
                        remote_address + ": csr: " + out.csr_error);
    return field_error("csr", "Invalid value: " + out.csr_error);
  }
  if (!out.error.empty()) {
    log_line(options, "troupe-server: the join of node \"" + *name + "\" failed: " + out.error);
    return api::internal_error(out.error);
  }
  log_line(options, "troupe-server: node \"" + *name + "\" joined from " + remote_address);
  api_response r;
  r.body = json{{"certificate", out.grant.certificate},
                {"caCertificate", out.grant.ca_certificate},
                {"credential", out.grant.credential},
                {"nodeAddress", out.grant.node_address}};
  return r;
}

} // namespace troupe::apiserver
