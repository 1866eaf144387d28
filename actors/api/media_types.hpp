#pragma once
// Content negotiation as the Kubernetes API server does it for the clients we serve:
// - Accept -> the form of the response: a plain object/list (JSON; protobuf requested is
//   answered with JSON, which kubectl accepts), a meta.k8s.io Table (v1 or v1beta1),
//   PartialObjectMetadata, or aggregated discovery (apidiscovery.k8s.io v2 or v2beta1).
//   Media ranges are tried in the order given (kubectl lists its preference first); q=0 ranges
//   are skipped. Nothing usable -> not_acceptable (406).
// - Content-Type -> how to decode the request body. A missing Content-Type is JSON (kubectl 1.20
//   sends none on some POSTs).

#include <optional>
#include <string>
#include <string_view>

#include "actors/api/request_path.hpp"
#include "actors/api/status_errors.hpp"

namespace troupe::api {

enum class response_form {
  json,
  yaml,
  table_v1,
  table_v1beta1,
  partial_metadata_v1,
  partial_metadata_v1beta1,
  discovery_v2,
  discovery_v2beta1,
  not_acceptable,
};

struct negotiated_response {
  response_form form = response_form::json;
  bool protobuf_requested = false;  // the client preferred protobuf; we answer JSON
};

/// `discovery` is true for /api and /apis, the only paths that offer aggregated discovery;
/// Tables and PartialObjectMetadata are only offered elsewhere.
negotiated_response negotiate_response(std::string_view accept, bool discovery);

/// The Content-Type header of a response in `form` ("application/json" for all but the
/// aggregated discovery forms, whose media type parameters kubectl reads).
std::string response_content_type(response_form form);

/// "meta.k8s.io/v1" or "meta.k8s.io/v1beta1" for the Table and PartialObjectMetadata forms.
std::string meta_api_version(response_form form);

enum class body_format {
  json,
  yaml,
  protobuf,
  json_patch,
  merge_patch,
  strategic_merge_patch,
  apply_patch,
  unsupported,
};

/// The body format of a Content-Type header value (parameters and case ignored; "" is JSON).
body_format parse_content_type(std::string_view content_type);

/// 415 when `format` is not a body `v` takes: create/update take JSON, YAML or protobuf; patch
/// takes the four patch types. Other verbs take a DeleteOptions body (JSON, YAML, protobuf).
std::optional<api_status> check_body_format(verb v, body_format format);

} // namespace troupe::api
