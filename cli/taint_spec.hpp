#pragma once
// `taint` arguments and their effect on a node's spec.taints, as kubectl decides it:
//   key=value:Effect   add (or with --overwrite replace the taint with that key and effect)
//   key:Effect         add without a value
//   key:Effect-        remove the taint with that key and effect
//   key-               remove every taint with that key
// Effects: NoSchedule, PreferNoSchedule, NoExecute. Errors are kubectl's wording.

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace troupe::cli {

struct taint {
  std::string key, value, effect; // effect may be empty only for removals ("key-")
  bool operator==(const taint& o) const { return key == o.key && value == o.value && effect == o.effect; }
};

struct taint_args {
  std::vector<taint> add, remove;
  std::string error;
};

taint_args parse_taints(const std::vector<std::string>& specs);

struct taint_plan {
  nlohmann::json taints = nlohmann::json::array(); // the new spec.taints
  std::string operation;                           // "tainted", "untainted", "modified"
  std::string error;
};

/// `node` is the node's name (for messages); `current` its spec.taints (array or null).
taint_plan plan_taints(const std::string& node, const nlohmann::json& current, const taint_args& args,
                       bool overwrite);

} // namespace troupe::cli
