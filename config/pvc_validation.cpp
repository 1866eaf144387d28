#include "config/pvc_validation.hpp"

#include "config/container_validation.hpp"
#include "config/label_selector.hpp"
#include "config/name_validation.hpp"
#include "config/quantity.hpp"

namespace troupe::config {

namespace core = troupe::core::v1;

namespace {

void append(field_errors& out, field_errors more) { out.insert(out.end(), more.begin(), more.end()); }

} // namespace

field_errors validate_pvc_spec(const core::PersistentVolumeClaimSpec& spec, const field_path& path) {
  field_errors out;
  if (spec.accessmodes().empty())
    out.push_back(field_error::required(path.child("accessModes"), "at least 1 access mode is required"));
  if (spec.has_selector()) append(out, validate_label_selector(spec.selector(), path.child("selector")));
  const auto& requests = spec.resources().requests();
  auto storage = requests.find("storage");
  if (storage == requests.end()) {
    out.push_back(field_error::required(path.child("resources").key("storage")));
  } else {
    auto p = path.child("resources").child("requests").key("storage");
    auto q = parse_quantity_or_error(storage->second.string());
    if (!q)
      out.push_back(field_error::invalid(p, quote(storage->second.string()), q.error));
    else if (q.value->sign() <= 0)
      out.push_back(field_error::invalid(p, quote(q.value->to_string()), "must be greater than zero"));
  }
  for (const auto& [name, q] : spec.resources().limits())
    append(out, validate_nonnegative_quantity(q.string(), path.child("resources").child("limits").key(name)));
  if (spec.has_storageclassname() && !spec.storageclassname().empty())
    append(out, validate_name(name_rule::dns1123_subdomain, spec.storageclassname(), path.child("storageClassName")));
  return out;
}

field_errors validate_pvc(const core::PersistentVolumeClaim& pvc) {
  field_errors out = validate_object_meta(pvc.metadata(), name_rule::dns1123_subdomain, field_path("metadata"));
  append(out, validate_pvc_spec(pvc.spec(), field_path("spec")));
  return out;
}

field_errors validate_pvc_template(const core::PersistentVolumeClaim& pvc, const field_path& path) {
  field_errors out = validate_object_meta(pvc.metadata(), name_rule::dns1123_subdomain, path.child("metadata"));
  append(out, validate_pvc_spec(pvc.spec(), path.child("spec")));
  return out;
}

} // namespace troupe::config
