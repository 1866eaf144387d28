#include "actors/http/message.hpp"

#include <nlohmann/json.hpp>

namespace troupe::http {

namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

} // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i]))
      return false;
  return true;
}

std::optional<std::string_view> header_list::get(std::string_view name) const {
  for (const auto& f : fields_)
    if (iequals(f.first, name))
      return std::string_view{f.second};
  return std::nullopt;
}

void header_list::add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

void header_list::set(std::string name, std::string value) {
  erase(name);
  add(std::move(name), std::move(value));
}

void header_list::erase(std::string_view name) {
  std::vector<field> kept;
  kept.reserve(fields_.size());
  for (auto& f : fields_)
    if (!iequals(f.first, name))
      kept.push_back(std::move(f));
  fields_ = std::move(kept);
}

std::optional<std::string> request::query_param(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end())
    return std::nullopt;
  return it->second;
}

response response::json(unsigned status, std::string body) {
  response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

response response::status_error(unsigned status, std::string_view reason,
                                std::string_view message) {
  return json(status, status_body(status, reason, message));
}

std::string status_body(unsigned code, std::string_view reason, std::string_view message) {
  // nlohmann::ordered_json keeps the insertion order, which is the order kube-apiserver writes.
  nlohmann::ordered_json j;
  j["kind"] = "Status";
  j["apiVersion"] = "v1";
  j["metadata"] = nlohmann::ordered_json::object();
  j["status"] = "Failure";
  j["message"] = message;
  j["reason"] = reason;
  j["code"] = code;
  return j.dump();
}

} // namespace troupe::http
