#include "actors/api/status_errors.hpp"


namespace troupe::api {

namespace {

using nlohmann::json;
using config::kind_info;

std::string q(std::string_view s) { return config::quote(s); }

json resource_details(const kind_info& k, std::string_view name) {
  json d = json::object();
  if (!name.empty())
    d["name"] = std::string(name);
  if (!k.group.empty())
    d["group"] = k.group;
  d["kind"] = k.resource;
  return d;
}

json field_causes(const config::field_errors& errors) {
  json causes = json::array();
  for (const auto& e : errors) {
    config::field_error body = e;
    body.field.clear();  // upstream's ErrorBody(): the error without its path
    causes.push_back({{"reason", cause_type(e)}, {"message", body.to_string()}, {"field", e.field}});
  }
  return causes;
}

std::string aggregate(const config::field_errors& errors) {
  if (errors.size() == 1)
    return errors[0].to_string();
  return "[" + config::to_string(errors) + "]";
}

} // namespace

std::string qualified_resource(const kind_info& k) {
  return k.group.empty() ? k.resource : k.resource + "." + k.group;
}

api_status failure(int code, std::string_view reason, std::string_view message, json details) {
  json body = {{"kind", "Status"},
               {"apiVersion", "v1"},
               {"metadata", json::object()},
               {"status", "Failure"},
               {"message", std::string(message)},
               {"reason", std::string(reason)}};
  if (!details.is_null())
    body["details"] = std::move(details);
  body["code"] = code;
  return {code, std::move(body)};
}

json success(const kind_info* k, std::string_view name, std::string_view uid) {
  json body = {{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", json::object()},
               {"status", "Success"}};
  if (k) {
    json d = resource_details(*k, name);
    if (!uid.empty())
      d["uid"] = std::string(uid);
    body["details"] = std::move(d);
  }
  body["code"] = 200;
  return body;
}

api_status not_found(const kind_info& k, std::string_view name) {
  return failure(404, "NotFound", qualified_resource(k) + " " + q(name) + " not found",
                 resource_details(k, name));
}

api_status namespace_not_found(std::string_view ns) {
  return failure(404, "NotFound", "namespaces " + q(ns) + " not found",
                 {{"name", std::string(ns)}, {"kind", "namespaces"}});
}

api_status not_found_path() {
  return failure(404, "NotFound", "the server could not find the requested resource",
                 json::object());
}

api_status already_exists(const kind_info& k, std::string_view name) {
  return failure(409, "AlreadyExists",
                 qualified_resource(k) + " " + q(name) + " already exists",
                 resource_details(k, name));
}

api_status conflict(const kind_info& k, std::string_view name) {
  return conflict(k, name,
                  "the object has been modified; please apply your changes to the latest "
                  "version and try again");
}

api_status conflict(const kind_info& k, std::string_view name, std::string_view why) {
  return failure(409, "Conflict",
                 "Operation cannot be fulfilled on " + qualified_resource(k) + " " +
                     q(name) + ": " + std::string(why),
                 resource_details(k, name));
}

api_status invalid(const kind_info& k, std::string_view name, const config::field_errors& errors) {
  std::string qualified_kind = k.group.empty() ? k.kind : k.kind + "." + k.group;
  json details = json::object();
  details["name"] = std::string(name);
  if (!k.group.empty())
    details["group"] = k.group;
  details["kind"] = k.kind;
  details["causes"] = field_causes(errors);
  return failure(422, "Invalid",
                 qualified_kind + " " + q(name) + " is invalid: " + aggregate(errors),
                 std::move(details));
}

api_status invalid_options(std::string_view options_kind, const config::field_errors& errors) {
  json details = {{"group", "meta.k8s.io"}, {"kind", std::string(options_kind)},
                  {"causes", field_causes(errors)}};
  return failure(422, "Invalid",
                 std::string(options_kind) + ".meta.k8s.io \"\" is invalid: " + aggregate(errors),
                 std::move(details));
}

api_status bad_request(std::string_view message) {
  return failure(400, "BadRequest", message);
}

api_status unauthorized(std::string_view message) {
  return failure(401, "Unauthorized", message);
}

api_status forbidden(const kind_info& k, std::string_view name, std::string_view why) {
  std::string subject = name.empty() ? qualified_resource(k)
                                     : qualified_resource(k) + " " + q(name);
  return failure(403, "Forbidden", subject + " is forbidden: " + std::string(why),
                 resource_details(k, name));
}

api_status namespace_terminating(const kind_info& k, std::string_view name, std::string_view ns) {
  std::string n(ns);
  api_status s = forbidden(k, name, "unable to create new content in namespace " + n +
                                        " because it is being terminated");
  s.body["details"]["causes"] = json::array({{{"reason", "NamespaceTerminating"},
                                              {"message", "namespace " + n + " is being terminated"},
                                              {"field", "metadata.namespace"}}});
  return s;
}

api_status method_not_allowed() {
  return failure(405, "MethodNotAllowed",
                 "the server does not allow this method on the requested resource",
                 json::object());
}

api_status method_not_supported(const kind_info& k, std::string_view verb) {
  json details = json::object();
  if (!k.group.empty())
    details["group"] = k.group;
  details["kind"] = k.resource;
  return failure(405, "MethodNotAllowed",
                 std::string(verb) + " is not supported on resources of kind " +
                     q(qualified_resource(k)),
                 std::move(details));
}

api_status unsupported_media_type(std::string_view accepted) {
  return failure(415, "UnsupportedMediaType",
                 "the body of the request was in an unknown format - accepted media types "
                 "include: " + std::string(accepted));
}

api_status not_acceptable(std::string_view accepted) {
  return failure(406, "NotAcceptable",
                 "only the following media types are accepted: " + std::string(accepted));
}

api_status too_old_resource_version(int64_t requested, int64_t oldest) {
  return expired("too old resource version: " + std::to_string(requested) + " (" +
                 std::to_string(oldest) + ")");
}

api_status expired(std::string_view message) { return failure(410, "Expired", message); }

api_status gone(std::string_view message) { return failure(410, "Gone", message); }

api_status internal_error(std::string_view why) {
  return failure(500, "InternalError", "Internal error occurred: " + std::string(why),
                 {{"causes", json::array({{{"message", std::string(why)}}})}});
}

api_status too_many_requests(int retry_after_seconds) {
  return failure(429, "TooManyRequests", "Too many requests, please try again later.",
                 {{"retryAfterSeconds", retry_after_seconds}});
}

api_status server_timeout(std::string_view why, int retry_after_seconds) {
  return failure(504, "Timeout", "Timeout: " + std::string(why),
                 {{"retryAfterSeconds", retry_after_seconds}});
}

api_status service_unavailable(std::string_view why) {
  return failure(503, "ServiceUnavailable", why);
}

api_status from_store(const store::status& s, const kind_info& k, std::string_view name) {
  using code = store::status::code;
  const std::string& msg = s.message();
  switch (s.get_code()) {
    case code::ok:
      return {200, success(&k, name)};
    case code::not_found:
      return failure(404, "NotFound", msg, resource_details(k, name));
    case code::already_exists:
      return failure(409, "AlreadyExists", msg, resource_details(k, name));
    case code::conflict:
      return failure(409, "Conflict", msg, resource_details(k, name));
    case code::gone:
      return expired(msg);
    case code::invalid:
      return bad_request(msg);
    case code::timeout:
      return failure(504, "Timeout", msg, {{"retryAfterSeconds", 1}});
    case code::closed:
      return service_unavailable(msg);
    case code::io_error:
    case code::corruption:
    case code::locked:
      break;
  }
  return internal_error(msg);
}

const char* cause_type(const config::field_error& e) {
  using kind = config::field_error::kind;
  switch (e.type) {
    case kind::required: return "FieldValueRequired";
    case kind::invalid: return "FieldValueInvalid";
    case kind::not_supported: return "FieldValueNotSupported";
    case kind::duplicate: return "FieldValueDuplicate";
    case kind::not_found: return "FieldValueNotFound";
    case kind::forbidden: return "FieldValueForbidden";
    case kind::too_long: return "FieldValueTooLong";
    case kind::wrong_type: return "FieldValueTypeInvalid";
    case kind::unknown_field: return "FieldValueInvalid";
  }
  return "FieldValueInvalid";
}

} // namespace troupe::api
