#include "config/version_conversion.hpp"

#include "config/hpa_conversion.hpp"

namespace troupe::config {

namespace {

namespace as1 = troupe::autoscaling::v1;
namespace as2 = troupe::autoscaling::v2;

conversion_result copy_of(const google::protobuf::Message& m) {
  conversion_result r;
  r.object.reset(m.New());
  r.object->CopyFrom(m);
  return r;
}

} // namespace

conversion_result to_storage_version(const kind_info& from, const google::protobuf::Message& obj) {
  const auto& target = storage_kind(from);
  if (target.descriptor == from.descriptor)
    return copy_of(obj);
  if (from.descriptor == as1::HorizontalPodAutoscaler::descriptor()
      && target.descriptor == as2::HorizontalPodAutoscaler::descriptor()) {
    auto out = std::make_unique<as2::HorizontalPodAutoscaler>();
    conversion_result r;
    r.errors = hpa_to_v2(static_cast<const as1::HorizontalPodAutoscaler&>(obj), *out);
    if (r.errors.empty())
      r.object = std::move(out);
    return r;
  }
  conversion_result r;
  r.errors.push_back(field_error::forbidden(field_path("apiVersion"),
                                            "no conversion from " + from.api_version() + " to "
                                              + target.api_version() + " for " + from.kind));
  return r;
}

conversion_result from_storage_version(const kind_info& to, const google::protobuf::Message& stored) {
  const auto& source = storage_kind(to);
  if (source.descriptor == to.descriptor)
    return copy_of(stored);
  if (to.descriptor == as1::HorizontalPodAutoscaler::descriptor()
      && source.descriptor == as2::HorizontalPodAutoscaler::descriptor()) {
    conversion_result r;
    r.object = std::make_unique<as1::HorizontalPodAutoscaler>(
      hpa_to_v1(static_cast<const as2::HorizontalPodAutoscaler&>(stored)));
    return r;
  }
  conversion_result r;
  r.errors.push_back(field_error::forbidden(field_path("apiVersion"),
                                            "no conversion from " + source.api_version() + " to "
                                              + to.api_version() + " for " + to.kind));
  return r;
}

} // namespace troupe::config
