#include "cli/taint_spec.hpp"

namespace troupe::cli {

using nlohmann::json;

namespace {

bool valid_effect(const std::string& e) {
  return e == "NoSchedule" || e == "PreferNoSchedule" || e == "NoExecute";
}

json to_json(const taint& t) {
  json j = {{"key", t.key}, {"effect", t.effect}};
  if (!t.value.empty())
    j["value"] = t.value;
  return j;
}

} // namespace

taint_args parse_taints(const std::vector<std::string>& specs) {
  taint_args out;
  for (const auto& spec : specs) {
    if (spec.size() > 1 && spec.back() == '-') {
      std::string body = spec.substr(0, spec.size() - 1);
      taint t;
      auto colon = body.find(':');
      t.key = body.substr(0, colon);
      if (colon != std::string::npos) {
        t.effect = body.substr(colon + 1);
        if (!valid_effect(t.effect)) {
          out.error = "invalid taint effect: " + t.effect + ", unsupported taint effect";
          return out;
        }
      }
      out.remove.push_back(t);
      continue;
    }
    auto colon = spec.rfind(':');
    if (colon == std::string::npos || colon + 1 == spec.size()) {
      out.error = "invalid taint spec: " + spec;
      return out;
    }
    taint t;
    t.effect = spec.substr(colon + 1);
    std::string kv = spec.substr(0, colon);
    auto eq = kv.find('=');
    t.key = kv.substr(0, eq);
    if (eq != std::string::npos)
      t.value = kv.substr(eq + 1);
    if (t.key.empty()) {
      out.error = "invalid taint spec: " + spec;
      return out;
    }
    if (!valid_effect(t.effect)) {
      out.error = "invalid taint effect: " + t.effect + ", unsupported taint effect";
      return out;
    }
    for (const auto& r : out.remove)
      if (r.key == t.key && (r.effect.empty() || r.effect == t.effect)) {
        out.error = "can not both modify and remove the following taint(s) in the same command: " + t.key
                    + ":" + t.effect;
        return out;
      }
    out.add.push_back(t);
  }
  return out;
}

taint_plan plan_taints(const std::string& node, const json& current_in, const taint_args& args, bool overwrite) {
  taint_plan p;
  std::vector<taint> current;
  if (current_in.is_array())
    for (const auto& t : current_in)
      current.push_back({t.value("key", ""), t.value("value", ""), t.value("effect", "")});
  if (!overwrite)
    for (const auto& a : args.add)
      for (const auto& c : current)
        if (c.key == a.key && c.effect == a.effect) {
          p.error = "node " + node + " already has " + a.key
                    + " taint(s) with same effect(s) and --overwrite is false";
          return p;
        }
  for (const auto& r : args.remove) {
    bool found = false;
    for (const auto& c : current)
      found = found || (c.key == r.key && (r.effect.empty() || c.effect == r.effect));
    if (!found) {
      p.error = "taint \"" + r.key + (r.effect.empty() ? "" : ":" + r.effect) + "\" not found";
      return p;
    }
  }
  // Kept taints in their order (an overwritten one in place), then new ones.
  std::vector<taint> result;
  for (const auto& c : current) {
    bool removed = false;
    for (const auto& r : args.remove)
      removed = removed || (c.key == r.key && (r.effect.empty() || c.effect == r.effect));
    if (removed)
      continue;
    taint kept = c;
    for (const auto& a : args.add)
      if (a.key == c.key && a.effect == c.effect)
        kept = a;
    result.push_back(kept);
  }
  for (const auto& a : args.add) {
    bool present = false;
    for (const auto& c : current)
      present = present || (c.key == a.key && c.effect == a.effect);
    if (!present)
      result.push_back(a);
  }
  for (const auto& t : result)
    p.taints.push_back(to_json(t));
  p.operation = !args.add.empty() && !args.remove.empty() ? "modified"
                : args.remove.empty()                      ? "tainted"
                                                           : "untainted";
  return p;
}

} // namespace troupe::cli
