#include "cli/pod_template.hpp"

namespace troupe::cli {

using nlohmann::json;

std::vector<std::string> pod_spec_path(const std::string& kind) {
  if (kind == "Pod")
    return {"spec"};
  if (kind == "CronJob")
    return {"spec", "jobTemplate", "spec", "template", "spec"};
  if (kind == "Deployment" || kind == "ReplicaSet" || kind == "DaemonSet" || kind == "StatefulSet"
      || kind == "Job" || kind == "ReplicationController")
    return {"spec", "template", "spec"};
  return {};
}

json pod_spec_of(const json& obj) {
  auto path = pod_spec_path(obj.value("kind", ""));
  if (path.empty())
    return nullptr;
  const json* cur = &obj;
  for (const auto& p : path) {
    if (!cur->is_object() || !cur->contains(p))
      return nullptr;
    cur = &(*cur)[p];
  }
  return *cur;
}

json wrap_pod_spec(const std::string& kind, const json& inner) {
  json out = inner;
  auto path = pod_spec_path(kind);
  for (auto it = path.rbegin(); it != path.rend(); ++it)
    out = json{{*it, out}};
  return out;
}

} // namespace troupe::cli
