#include "config/validation.hpp"

namespace troupe::config {

field_errors validate_object(const kind_info&, const google::protobuf::Message&) { return {}; }

} // namespace troupe::config
