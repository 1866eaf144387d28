#pragma once
// JSON <-> protobuf for Kubernetes API types, by reflection over config/proto/*.proto.
//
// Field names are the JSON names. Special value types (Time, MicroTime, Duration, Quantity,
// IntOrString, RawExtension) take their Kubernetes JSON forms; Go embedded structs (option
// `inline`) appear in their parent object; bytes are base64. Empty values are left out the way Go's
// `omitempty` leaves them out, except pointer fields (option `ptr`, where a present zero is
// meaningful) and fields without omitempty (option `always`).
//
// Decoding is strict about types (a string where an integer belongs is always an error) and about
// unknown fields according to `decode_mode` (Kubernetes' fieldValidation: Strict, Warn, Ignore).
// Every error names the full path: `spec.containers[0].livenessProbe.initialDelaySecands: unknown field`.

#include <google/protobuf/message.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <string_view>

#include "config/field_error.hpp"

namespace troupe::config {

enum class decode_mode { strict, warn, ignore };

/// Parses Kubernetes' fieldValidation query value ("Strict", "Warn", "Ignore"; "" means Warn, as
/// the API server defaults it). nullopt for anything else.
std::optional<decode_mode> parse_decode_mode(std::string_view s);

struct decode_report {
  field_errors errors;   // the object must not be used if this is not empty
  field_errors warnings; // unknown fields in Warn mode
  bool ok() const { return errors.empty(); }
};

/// Fills `msg` (which should be empty) from `j`. `apiVersion` and `kind` are accepted on types that
/// carry TypeMeta and otherwise ignored by this function (the caller resolves them).
decode_report json_to_message(const nlohmann::json& j, google::protobuf::Message& msg,
                              decode_mode mode, const field_path& root = field_path{});

/// The JSON form of `msg` without apiVersion/kind (the caller adds them for top-level objects).
nlohmann::json message_to_json(const google::protobuf::Message& msg);

} // namespace troupe::config
