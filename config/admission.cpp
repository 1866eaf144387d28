#include "config/admission.hpp"

#include "config/defaults.hpp"
#include "config/schema_validation.hpp"
#include "config/validation.hpp"

namespace troupe::config {

std::string admission_result::message(const kind_info& k,
                                      const google::protobuf::Message& obj) const {
  std::string name;
  if (const auto* md = obj.GetDescriptor()->FindFieldByName("metadata")) {
    const auto& meta = obj.GetReflection()->GetMessage(obj, md);
    if (const auto* nf = meta.GetDescriptor()->FindFieldByName("name"))
      name = meta.GetReflection()->GetString(meta, nf);
  }
  std::string head = k.kind + (k.group.empty() ? "" : "." + k.group) + " " + quote(name) + " is invalid: ";
  if (errors.size() == 1)
    return head + errors[0].to_string();
  return head + "[" + to_string(errors) + "]";
}

admission_result admit(const kind_info& k, google::protobuf::Message& obj,
                       const admission_options& options) {
  admission_result r;
  // The configured tolerations first: the defaults below add none where one exists.
  if (auto* pod = dynamic_cast<troupe::core::v1::Pod*>(&obj); pod && k.descriptor == obj.GetDescriptor())
    add_default_tolerations(*pod, options.default_tolerations);
  apply_defaults(k, obj);
  r.errors = validate_schema(obj);
  auto more = validate_object(k, obj);
  r.errors.insert(r.errors.end(), more.begin(), more.end());
  return r;
}

} // namespace troupe::config
