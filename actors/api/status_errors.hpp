#pragma once
// meta.v1 Status bodies for failed requests, with Kubernetes' codes, reasons and wording, which
// kubectl prints as `Error from server (<reason>): <message>`:
//   404 NotFound       pods "x" not found / deployments.apps "nginx" not found
//   409 AlreadyExists  pods "x" already exists
//   409 Conflict       Operation cannot be fulfilled on deployments.apps "web": <why>
//   422 Invalid        Deployment.apps "web" is invalid: <field errors> (details.causes per error)
//   400 BadRequest     Pod in version "v1" cannot be handled as a Pod: strict decoding error: ...
//   410 Expired        too old resource version: 12 (40)
// Resources are named `<plural>[.<group>]` in messages and `details.kind` is the plural, as
// upstream's qualified resource; Invalid names the Kind instead.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/field_error.hpp"
#include "config/kinds.hpp"
#include "store/status.hpp"

namespace troupe::api {

/// A Status object and the HTTP code it goes with (also in body["code"]).
struct api_status {
  int code = 500;
  nlohmann::json body;

  std::string reason() const { return body.value("reason", ""); }
  std::string message() const { return body.value("message", ""); }
};

/// "pods", "deployments.apps", "horizontalpodautoscalers.autoscaling".
std::string qualified_resource(const config::kind_info& k);

/// The generic form: {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
/// "message":...,"reason":...,"code":...} plus `details` when it is not null.
api_status failure(int code, std::string_view reason, std::string_view message,
                   nlohmann::json details = nullptr);

/// {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","code":200}, plus
/// details{name, group, kind, uid} when `k` is given (what DELETE answers when nothing is left).
nlohmann::json success(const config::kind_info* k = nullptr, std::string_view name = {},
                       std::string_view uid = {});

api_status not_found(const config::kind_info& k, std::string_view name);
/// `namespaces "x" not found` (a write into a missing namespace).
api_status namespace_not_found(std::string_view ns);
/// 404 "the server could not find the requested resource", details {} (unknown paths).
api_status not_found_path();
api_status already_exists(const config::kind_info& k, std::string_view name);
/// Conflict with upstream's stale-object wording after the colon.
api_status conflict(const config::kind_info& k, std::string_view name);
/// Conflict with another explanation after "Operation cannot be fulfilled on <res> "<name>": ".
api_status conflict(const config::kind_info& k, std::string_view name, std::string_view why);
/// 422 with the message of config::admission_result (`Kind[.group] "name" is invalid: ...`)
/// and details {name, group, kind, causes[{reason: FieldValue..., message, field}]}.
api_status invalid(const config::kind_info& k, std::string_view name,
                   const config::field_errors& errors);
/// 422 for an options object (CreateOptions, DeleteOptions, ... of meta.k8s.io), name "".
api_status invalid_options(std::string_view options_kind, const config::field_errors& errors);
api_status bad_request(std::string_view message);
api_status unauthorized(std::string_view message = "Unauthorized");
/// `<res> "<name>" is forbidden: <why>` (name may be empty: `<res> is forbidden: <why>`).
api_status forbidden(const config::kind_info& k, std::string_view name, std::string_view why);
/// Forbidden: `unable to create new content in namespace <ns> because it is being terminated`.
api_status namespace_terminating(const config::kind_info& k, std::string_view name,
                                 std::string_view ns);
/// 405 "the server does not allow this method on the requested resource".
api_status method_not_allowed();
/// 405 `<verb> is not supported on resources of kind "<res>"`.
api_status method_not_supported(const config::kind_info& k, std::string_view verb);
/// 415 "the body of the request was in an unknown format - accepted media types include: ...".
api_status unsupported_media_type(std::string_view accepted);
/// 406 "only the following media types are accepted: ...".
api_status not_acceptable(std::string_view accepted);
/// 410 Expired `too old resource version: <requested> (<oldest>)`.
api_status too_old_resource_version(int64_t requested, int64_t oldest);
/// 410 Expired with a message of its own (e.g. an expired continue token).
api_status expired(std::string_view message);
/// 410 Gone.
api_status gone(std::string_view message);
/// 500 `Internal error occurred: <why>`, details.causes[{message: why}].
api_status internal_error(std::string_view why);
/// 429 with details.retryAfterSeconds.
api_status too_many_requests(int retry_after_seconds);
/// 504 `Timeout: <why>` with details.retryAfterSeconds.
api_status server_timeout(std::string_view why, int retry_after_seconds = 1);
api_status service_unavailable(std::string_view why);

/// A store error as the API answers it: its message is already worded; details name the object
/// (`k`, `name`) where the reason has them.
api_status from_store(const store::status& s, const config::kind_info& k, std::string_view name);

/// Upstream's CauseType for a field error ("FieldValueRequired", "FieldValueInvalid", ...).
const char* cause_type(const config::field_error& e);

} // namespace troupe::api
