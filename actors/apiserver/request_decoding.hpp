#pragma once
// The small decisions of resource requests, kept out of resource_service.cpp: decoding a body by
// its Content-Type, turning list parameters into store options, what create resets, and what a
// main-resource or status-subresource write may change.

#include <google/protobuf/message.h>

#include <variant>

#include "actors/apiserver/api_response.hpp"
#include "actors/apiserver/resource_service.hpp"
#include "config/object_codec.hpp"
#include "store/object_store.hpp"

namespace troupe::apiserver {

/// JSON (also when the Content-Type is missing, as kubectl 1.20 sends it), YAML or protobuf.
config::decoded_object decode_body(const config::kind_info& kind, const body_input& body);

/// Store list options from query parameters, or a 400 naming the bad parameter.
std::variant<store::list_options, api_response> list_options_for(const config::kind_info& kind,
                                                                 const std::string& ns,
                                                                 const list_input& in);

/// What the server sets on create: a Pod starts Pending with its QoS class and its pod affinity
/// terms' matchLabelKeys/mismatchLabelKeys merged into their selectors
/// (config::merge_match_label_keys); a Node keeps the
/// status it was created with; other kinds with a status subresource start with an empty status
/// (as Kubernetes' PrepareForCreate).
void prepare_for_create(const config::kind_info& kind, google::protobuf::Message& obj);

/// For kinds with a status subresource, a write to the main resource keeps the current status and
/// a write to /status changes only the status (everything else comes from `current`).
void merge_for_subresource(const config::kind_info& kind, const std::string& subresource,
                           const google::protobuf::Message& current,
                           google::protobuf::Message& incoming);

/// Kubernetes' QoS class of a pod: Guaranteed, Burstable or BestEffort.
std::string qos_class(const google::protobuf::Message& pod);

} // namespace troupe::apiserver
