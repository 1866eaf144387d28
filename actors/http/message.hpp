#pragma once
// The HTTP messages the server hands to its handler and takes back, free of Boost types so that
// API code (and its tests) can build and inspect them without Beast.
//   request:  method, decoded path, decoded query (multi-map), headers (case-insensitive), body,
//             remote address.
//   response: status, headers, body; Content-Type is application/json unless a header says
//             otherwise (kubectl rejects text/plain).
// status_body() words a Kubernetes Status object, the body of every error answer.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace troupe::http {

/// Header fields in arrival order; names compare case-insensitively. Small (a dozen fields), so a
/// vector with a linear search beats any map.
class header_list {
public:
  using field = std::pair<std::string, std::string>;

  /// The first value of `name`, or nullopt.
  std::optional<std::string_view> get(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  /// Appends a field (a repeated name keeps both values).
  void add(std::string name, std::string value);
  /// Replaces every field called `name` by one.
  void set(std::string name, std::string value);
  void erase(std::string_view name);

  const std::vector<field>& fields() const { return fields_; }
  bool empty() const { return fields_.empty(); }

private:
  std::vector<field> fields_;
};

bool iequals(std::string_view a, std::string_view b);

struct request {
  std::string method; // "GET", "POST", ... as sent
  std::string path;   // percent-decoded path, without the query
  std::string raw_target;
  std::multimap<std::string, std::string> query; // decoded; '+' read as a space
  header_list headers;
  std::string body;
  std::string remote_address; // "127.0.0.1:53412"

  /// The first value of query parameter `name`, or nullopt.
  std::optional<std::string> query_param(const std::string& name) const;
};

struct response {
  unsigned status = 200;
  header_list headers;
  std::string body;

  static response json(unsigned status, std::string body);
  /// A Kubernetes Status failure: {"kind":"Status",...,"reason":reason,"code":status}.
  static response status_error(unsigned status, std::string_view reason, std::string_view message);
};

/// The JSON text of a failed Kubernetes Status, fields in the order the API server writes them.
std::string status_body(unsigned code, std::string_view reason, std::string_view message);

} // namespace troupe::http
