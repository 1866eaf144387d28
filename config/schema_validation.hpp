#pragma once
// The checks the schema annotations imply for any object: string fields with a closed set of
// values (option `one_of`) must hold one of them ("Unsupported value"). Kind-specific rules are in
// config/validation.hpp.

#include <google/protobuf/message.h>

#include "config/field_error.hpp"

namespace troupe::config {

field_errors validate_schema(const google::protobuf::Message& obj,
                             const field_path& root = field_path{});

} // namespace troupe::config
