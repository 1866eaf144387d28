#include "store/selection.hpp"

#include "store/keys.hpp"
#include "store/object_meta.hpp"

namespace troupe::store {

selection::selection(const config::kind_info& kind, std::string_view ns,
                     config::label_selector labels, config::field_selector fields)
    : kind_(kind.kind),
      prefix_(prefix_for(kind, ns)),
      end_(prefix_end(prefix_)),
      labels_(std::move(labels)),
      fields_(std::move(fields)),
      all_(labels_.empty() && fields_.empty()) {}

bool selection::matches(const google::protobuf::Message& object) const {
  if (all_) return true;
  if (!labels_.empty() && !labels_.matches(object_meta(object).labels())) return false;
  if (!fields_.empty() && !fields_.matches(config::selectable_fields(kind_, object))) return false;
  return true;
}

} // namespace troupe::store
