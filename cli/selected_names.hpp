#pragma once
// The names a `VERB TYPE [NAME...]` request addresses, for verbs that also take --all and -l
// (label, annotate, wait): the names given, else every object of the type in the namespace that the
// selector matches. kubectl's refusal when neither a name, --all nor -l is given.

#include <optional>
#include <string>
#include <vector>

#include "cli/api_client.hpp"
#include "cli/get_request.hpp"
#include "cli/session.hpp"

namespace troupe::cli {

struct selected_names {
  std::vector<std::string> names;
  std::optional<int> failed;  // set: the error was printed; the command exits with this code
};

selected_names select_names(session& s, api_client& api, const get_request& req);

} // namespace troupe::cli
