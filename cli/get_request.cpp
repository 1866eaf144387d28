#include "cli/get_request.hpp"

#include "cli/flags.hpp"

namespace troupe::cli {

namespace {

get_request& entry(get_requests& out, const resource_info& r) {
  for (auto& q : out.requests)
    if (q.resource.group == r.group && q.resource.resource == r.resource)
      return q;
  out.requests.push_back({r, {}});
  return out.requests.back();
}

} // namespace

get_requests parse_get_args(const std::vector<resource_info>& all, const std::vector<std::string>& args) {
  get_requests out;
  if (args.empty()) {
    out.error = "Required resource not specified.";
    return out;
  }
  if (args[0].find('/') != std::string::npos) {
    for (const auto& a : args) {
      auto slash = a.find('/');
      if (slash == std::string::npos) {
        out.error = "there is no need to specify a resource type as a separate argument when passing "
                    "arguments in resource/name form (e.g. 'troupe get resource/<resource_name>' instead "
                    "of 'troupe get resource resource/<resource_name>'";
        return out;
      }
      auto r = resolve_resource(all, a.substr(0, slash));
      if (!r.value) {
        out.error = r.error;
        return out;
      }
      std::string name = a.substr(slash + 1);
      if (name.empty()) {
        out.error = "arguments in resource/name form must have a single resource and name";
        return out;
      }
      entry(out, *r.value).names.push_back(name);
    }
    out.several_types = out.requests.size() > 1;
    return out;
  }
  auto types = split_list(args[0]);
  for (const auto& t : types) {
    if (t == "all") {
      for (const auto& r : all) {
        bool in_all = false;
        for (const auto& c : r.categories)
          in_all = in_all || c == "all";
        bool dup = false;
        for (const auto& q : out.requests)
          dup = dup || (q.resource.group == r.group && q.resource.resource == r.resource);
        if (in_all && !dup)
          out.requests.push_back({r, {}});
      }
      out.several_types = true;
      continue;
    }
    auto r = resolve_resource(all, t);
    if (!r.value) {
      out.error = r.error;
      return out;
    }
    entry(out, *r.value);
  }
  out.several_types = out.several_types || out.requests.size() > 1;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i].find('/') != std::string::npos) {
      out.error = "there is no need to specify a resource type as a separate argument when passing "
                  "arguments in resource/name form (e.g. 'troupe get resource/<resource_name>' instead "
                  "of 'troupe get resource resource/<resource_name>'";
      return out;
    }
    for (auto& q : out.requests)
      q.names.push_back(args[i]);
  }
  return out;
}

} // namespace troupe::cli
