#include "cli/selected_names.hpp"

#include "cli/resource_catalog.hpp"

namespace troupe::cli {

selected_names select_names(session& s, api_client& api, const get_request& req) {
  selected_names out;
  out.names = req.names;
  if (!out.names.empty())
    return out;
  if (!s.flags.is_set("all") && !s.flags.has("selector")) {
    out.failed = s.fail("resource(s) were provided, but no name was specified");
    return out;
  }
  auto list = api.get(resource_path(req.resource, s.namespace_())
                      + query_string({{"labelSelector", s.flags.get("selector")}}));
  if (!list.ok()) {
    out.failed = s.fail(list);
    return out;
  }
  for (const auto& item : list.body.value("items", nlohmann::json::array()))
    out.names.push_back(item["metadata"].value("name", ""));
  return out;
}

} // namespace troupe::cli
