#pragma once
// The JSON texts Kubernetes keeps in an autoscaling/v1 HorizontalPodAutoscaler's annotations so
// that the parts only autoscaling/v2 can express survive a v1 read-modify-write (hpa_conversion).
// The texts are what the Kubernetes API server writes, so objects move between it and Troupe:
//   metrics          a JSON list of autoscaling/v1 MetricSpec   (targetAverageUtilization, ...)
//   current-metrics  a JSON list of autoscaling/v1 MetricStatus (currentAverageValue, ...)
//   conditions       a JSON list of HorizontalPodAutoscalerCondition
//   behavior         HorizontalPodAutoscalerBehavior with Go's field names as keys
//                    ({"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max",...}}),
//                    because upstream marshals its internal type, which has no json tags.
// Encoders follow Go's encoding/json: struct field order, omitempty, "0" for a zero Quantity.
// Decoders accept what Go's decoder accepts here: keys in any letter case, null as absent, a
// Quantity as a string or a number. They return "" on success, otherwise why the text is bad.

#include "proto/autoscaling_v2.pb.h"

#include <google/protobuf/repeated_ptr_field.h>
#include <string>
#include <string_view>

namespace troupe::config::hpa_annotations {

inline constexpr std::string_view metrics_key = "autoscaling.alpha.kubernetes.io/metrics";
inline constexpr std::string_view current_metrics_key =
    "autoscaling.alpha.kubernetes.io/current-metrics";
inline constexpr std::string_view conditions_key = "autoscaling.alpha.kubernetes.io/conditions";
inline constexpr std::string_view behavior_key = "autoscaling.alpha.kubernetes.io/behavior";

template <class T>
using list = google::protobuf::RepeatedPtrField<T>;
namespace v2 = ::troupe::autoscaling::v2;

std::string encode_metric_specs(const list<v2::MetricSpec>& metrics);
std::string encode_metric_statuses(const list<v2::MetricStatus>& metrics);
std::string encode_conditions(const list<v2::HorizontalPodAutoscalerCondition>& conditions);
std::string encode_behavior(const v2::HorizontalPodAutoscalerBehavior& behavior);

/// Each decoder appends to / fills `out` only when the whole text is valid.
std::string decode_metric_specs(std::string_view text, list<v2::MetricSpec>& out);
std::string decode_metric_statuses(std::string_view text, list<v2::MetricStatus>& out);
std::string decode_conditions(std::string_view text,
                              list<v2::HorizontalPodAutoscalerCondition>& out);
std::string decode_behavior(std::string_view text, v2::HorizontalPodAutoscalerBehavior& out);

} // namespace troupe::config::hpa_annotations
