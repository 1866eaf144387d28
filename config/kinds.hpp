#pragma once
// The registry of API kinds Troupe serves: group/version/kind <-> REST resource <-> protobuf type,
// with what discovery publishes (scope, short names, categories, subresources) and which version an
// object is stored as. One table, used by the codecs, the store and the API server.

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace troupe::config {

struct kind_info {
  std::string group;   // "" for the core group
  std::string version; // "v1"
  std::string kind;    // "Deployment"
  std::string resource;  // "deployments" (empty: not a REST resource, e.g. Status)
  std::string singular;  // "deployment"
  bool namespaced = false;
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  std::vector<std::string> subresources; // "status", "scale", "log", ...
  const google::protobuf::Descriptor* descriptor = nullptr;
  const google::protobuf::Descriptor* list_descriptor = nullptr;
  // The version objects of this kind are stored in; equal to `version` for most kinds.
  // autoscaling/v1 HorizontalPodAutoscaler is stored as autoscaling/v2, batch/v1beta1 CronJob as v1.
  std::string storage_version;

  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
  std::string list_kind() const { return kind + "List"; }
  bool is_storage_version() const { return storage_version == version; }
  std::unique_ptr<google::protobuf::Message> new_object() const;
  std::unique_ptr<google::protobuf::Message> new_list() const;
};

/// Every kind, in discovery order (preferred versions first within a group).
const std::vector<kind_info>& all_kinds();

/// By apiVersion ("apps/v1", "v1") and kind; nullptr if unknown.
const kind_info* find_kind(std::string_view api_version, std::string_view kind);

/// By group, version and plural resource name; nullptr if unknown.
const kind_info* find_resource(std::string_view group, std::string_view version,
                               std::string_view resource);

/// The kind a stored object of `k` has (k itself when k is the storage version).
const kind_info& storage_kind(const kind_info& k);

/// Splits "apps/v1" into {"apps", "v1"} and "v1" into {"", "v1"}.
std::pair<std::string, std::string> split_api_version(std::string_view api_version);

} // namespace troupe::config
