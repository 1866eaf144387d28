#pragma once
// Server-side printing: the meta.k8s.io Table that `kubectl get` asks for with
// `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` (kubectl-compat.md §2.6), for lists,
// single objects and watch events. Columns and cells are computed as Kubernetes' printers compute
// them; the server always prints the wide form, and kubectl hides the priority-1 columns unless
// `-o wide`.
//
// Contract:
// - Objects are messages of `kind`'s type (the version being served: an autoscaling/v1 HPA is
//   printed from its v1 form). Kinds without a printer get upstream's default columns,
//   Name and Created At.
// - rows[].object is a PartialObjectMetadata (include_object::metadata, the default), the full
//   object with apiVersion and kind (object), or absent (none).
// - metadata.resourceVersion is the list's (or the object's) revision; `-w` needs it.

#include <google/protobuf/message.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/kinds.hpp"
#include "config/time_format.hpp"

namespace troupe::api {

enum class include_object { none, metadata, object };

/// "None", "Metadata", "Object" ("" is Metadata); nullopt for anything else.
std::optional<include_object> parse_include_object(std::string_view s);

struct table_options {
  include_object include = include_object::metadata;
  bool include_columns = true;        // false: "columnDefinitions": [] (later watch events)
  std::string api_version = "meta.k8s.io/v1";  // or "meta.k8s.io/v1beta1"
  std::string resource_version;       // metadata.resourceVersion ("" leaves it out)
  std::string continue_token;         // metadata.continue ("" leaves it out)
};

/// The Table of `objects` (each a message of kind's type), printed at time `now`.
nlohmann::json make_table(const config::kind_info& kind,
                          const std::vector<const google::protobuf::Message*>& objects,
                          const table_options& options, config::timestamp now);

/// A watch event whose object is a one-row Table: {"type": type, "object": {Table}}.
/// `type` is "ADDED", "MODIFIED" or "DELETED". The Table's resourceVersion is the object's.
/// Pass include_columns = true for the first event of a watch only (kubectl keeps the first
/// header).
nlohmann::json make_table_row_event(std::string_view type, const config::kind_info& kind,
                                    const google::protobuf::Message& object,
                                    table_options options, config::timestamp now);

/// The column definitions for `kind` (each {name, type, format, description, priority}).
nlohmann::json table_columns(const config::kind_info& kind);

/// The cells of one object's row, wide form.
nlohmann::json table_cells(const config::kind_info& kind, const google::protobuf::Message& object,
                           config::timestamp now);

} // namespace troupe::api
