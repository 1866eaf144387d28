#include "cli/rollout_history.hpp"

#include <set>

#include "cli/table_printer.hpp"

namespace troupe::cli {

using nlohmann::json;

namespace {

constexpr const char* revision_annotation = "deployment.kubernetes.io/revision";
constexpr const char* change_cause_annotation = "kubernetes.io/change-cause";
constexpr const char* hash_label = "pod-template-hash";

const std::set<std::string>& annotations_to_skip() {
  static const std::set<std::string> s = {
    "kubectl.kubernetes.io/last-applied-configuration", revision_annotation,
    "deployment.kubernetes.io/revision-history", "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas", "apps.kubernetes.io/deprecated-rollback-to"};
  return s;
}

json meta(const json& o) { return o.value("metadata", json::object()); }

json without_hash(json tmpl) {
  if (tmpl.contains("metadata") && tmpl["metadata"].contains("labels")) {
    tmpl["metadata"]["labels"].erase(hash_label);
    if (tmpl["metadata"]["labels"].empty())
      tmpl["metadata"].erase("labels");
  }
  return tmpl;
}

int64_t get_int(const json& o, const char* key, int64_t fallback) {
  return o.is_object() && o.contains(key) && o[key].is_number() ? o[key].get<int64_t>() : fallback;
}

} // namespace

std::map<int64_t, json> deployment_history(const json& deployment, const json& rs_items) {
  std::map<int64_t, json> out;
  std::string uid = meta(deployment).value("uid", "");
  for (const auto& rs : rs_items) {
    bool controlled = false;
    for (const auto& ref : meta(rs).value("ownerReferences", json::array()))
      controlled = controlled || (ref.value("controller", false) && ref.value("uid", "") == uid);
    if (!controlled)
      continue;
    std::string rev = meta(rs).value("annotations", json::object()).value(revision_annotation, "");
    try {
      out[std::stoll(rev)] = rs;
    } catch (...) {
      // kubectl skips ReplicaSets whose revision does not parse
    }
  }
  return out;
}

std::string format_history(const std::map<int64_t, json>& history) {
  if (history.empty())
    return "No rollout history found.";
  // kubectl's tabbedString: tabwriter(minwidth 0, padding 2).
  size_t width = std::string("REVISION").size();
  for (const auto& [rev, rs] : history)
    width = std::max(width, std::to_string(rev).size());
  width += 2;
  auto pad = [&](const std::string& s) { return s + std::string(width - s.size(), ' '); };
  std::string out = pad("REVISION") + "CHANGE-CAUSE\n";
  for (const auto& [rev, rs] : history) {
    std::string cause = meta(rs).value("annotations", json::object()).value(change_cause_annotation, "");
    out += pad(std::to_string(rev)) + (cause.empty() ? "<none>" : cause) + "\n";
  }
  return out;
}

rollout_state deployment_rollout_state(const json& d) {
  rollout_state st;
  std::string name = meta(d).value("name", "");
  json spec = d.value("spec", json::object()), status = d.value("status", json::object());
  if (get_int(meta(d), "generation", 0) > get_int(status, "observedGeneration", 0)) {
    st.message = "Waiting for deployment spec update to be observed...\n";
    return st;
  }
  for (const auto& c : status.value("conditions", json::array()))
    if (c.value("type", "") == "Progressing" && c.value("reason", "") == "ProgressDeadlineExceeded") {
      st.error = "deployment \"" + name + "\" exceeded its progress deadline";
      return st;
    }
  int64_t want = get_int(spec, "replicas", 1);
  int64_t updated = get_int(status, "updatedReplicas", 0), replicas = get_int(status, "replicas", 0),
          available = get_int(status, "availableReplicas", 0);
  std::string prefix = "Waiting for deployment \"" + name + "\" rollout to finish: ";
  if (updated < want) {
    st.message = prefix + std::to_string(updated) + " out of " + std::to_string(want)
                 + " new replicas have been updated...\n";
  } else if (replicas > updated) {
    st.message = prefix + std::to_string(replicas - updated) + " old replicas are pending termination...\n";
  } else if (available < updated) {
    st.message = prefix + std::to_string(available) + " of " + std::to_string(updated)
                 + " updated replicas are available...\n";
  } else {
    st.message = "deployment \"" + name + "\" successfully rolled out\n";
    st.done = true;
  }
  return st;
}

undo_plan plan_undo(const json& d, const std::map<int64_t, json>& history, int64_t to_revision) {
  undo_plan p;
  std::string name = meta(d).value("name", "");
  if (d.value("spec", json::object()).value("paused", false)) {
    p.error = "you cannot rollback a paused deployment; resume it first with 'troupe rollout resume' "
              "and try again";
    return p;
  }
  const json* target = nullptr;
  int64_t revision = to_revision;
  if (to_revision > 0) {
    auto it = history.find(to_revision);
    if (it == history.end()) {
      p.error = "unable to find specified revision " + std::to_string(to_revision) + " in history";
      return p;
    }
    target = &it->second;
  } else {
    if (history.size() < 2) {
      p.error = "no rollout history found for deployment \"" + name + "\"";
      return p;
    }
    auto prev = std::prev(history.end(), 2); // the second-highest revision
    target = &prev->second;
    revision = prev->first;
  }
  json tmpl = without_hash(target->value("spec", json::object()).value("template", json::object()));
  json current = without_hash(d.value("spec", json::object()).value("template", json::object()));
  if (tmpl == current) {
    p.skipped = "skipped rollback (current template already matches revision " + std::to_string(revision) + ")";
    return p;
  }
  json annotations = json::object();
  json dep_ann = meta(d).value("annotations", json::object());
  for (const auto& k : annotations_to_skip())
    if (dep_ann.contains(k))
      annotations[k] = dep_ann[k];
  json rs_ann = meta(*target).value("annotations", json::object());
  for (auto it = rs_ann.begin(); it != rs_ann.end(); ++it)
    if (!annotations_to_skip().count(it.key()))
      annotations[it.key()] = it.value();
  p.patch = json::array({{{"op", "replace"}, {"path", "/spec/template"}, {"value", tmpl}},
                         {{"op", "replace"}, {"path", "/metadata/annotations"}, {"value", annotations}}});
  return p;
}

} // namespace troupe::cli
