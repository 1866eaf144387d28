#pragma once
// What `get`/`describe`/`delete` arguments ask for, as kubectl's resource builder reads them:
//   pods                 -> pods (list)
//   pods a b             -> pods a, b
//   deploy,po            -> deployments (list), pods (list)   several types
//   pod/a deploy/b       -> pods a, deployments b            (every argument TYPE/NAME)
//   all                  -> every resource in category "all" (several types)
// Requests for the same type are merged, in first-seen order.

#include <string>
#include <vector>

#include "cli/resource_catalog.hpp"

namespace troupe::cli {

struct get_request {
  resource_info resource;
  std::vector<std::string> names; // empty: the whole collection
};

struct get_requests {
  std::vector<get_request> requests;
  bool several_types = false; // print kind/name
  std::string error;          // kubectl's message, without "error: "
};

get_requests parse_get_args(const std::vector<resource_info>& all, const std::vector<std::string>& args);

} // namespace troupe::cli
