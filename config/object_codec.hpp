#pragma once
// Whole API objects in and out: JSON/YAML manifests (one or many documents, `kind: List`), and the
// protobuf envelope kubectl sends (`k8s\0` + runtime.Unknown{typeMeta, raw}). Resolves apiVersion
// and kind through config/kinds.hpp; field-level decoding is config/json_codec.hpp.

#include <google/protobuf/message.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/field_error.hpp"
#include "config/json_codec.hpp"
#include "config/kinds.hpp"

namespace troupe::config {

struct decoded_object {
  const kind_info* kind = nullptr; // the kind as written (autoscaling/v1 stays v1 here)
  std::unique_ptr<google::protobuf::Message> object;
  std::string error;               // not about one field: bad envelope, missing or unknown kind
  field_errors errors;             // about fields (strict decoding)
  field_errors warnings;           // unknown fields in Warn mode

  bool ok() const { return error.empty() && errors.empty() && object != nullptr; }
  /// The message Kubernetes gives for a failed decode, e.g.
  /// `Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo"`.
  std::string message() const;
};

/// Decodes one JSON object; its apiVersion and kind choose the type. When `expected` is given (the
/// URL of a request already chose the kind), a body without apiVersion/kind is accepted as that kind
/// and a different one is an error.
decoded_object decode_json_object(const nlohmann::json& j, decode_mode mode,
                                  const kind_info* expected = nullptr);

/// Decodes a JSON text (a request body).
decoded_object decode_json_text(std::string_view text, decode_mode mode,
                                const kind_info* expected = nullptr);

/// Every object of a YAML/JSON manifest stream; `kind: List` documents are expanded. A YAML syntax
/// error gives one failed result carrying the error.
std::vector<decoded_object> decode_manifests(std::string_view text, decode_mode mode);

/// The magic prefix of Kubernetes' protobuf encoding.
inline constexpr std::string_view protobuf_magic{"k8s\0", 4};

/// Decodes a `k8s\0` + runtime.Unknown body. Unknown protobuf fields are ignored, as Kubernetes does.
decoded_object decode_protobuf(std::string_view bytes, const kind_info* expected = nullptr);

/// Encodes as Kubernetes does (deterministic: map keys sorted).
std::string encode_protobuf(const kind_info& k, const google::protobuf::Message& m);

/// The raw protobuf bytes of a message, deterministic (map keys sorted); used for stored values.
std::string serialize_deterministic(const google::protobuf::Message& m);

/// The object as JSON with apiVersion and kind first (keys are sorted, so they come first anyway).
nlohmann::json encode_json(const kind_info& k, const google::protobuf::Message& m);

} // namespace troupe::config
