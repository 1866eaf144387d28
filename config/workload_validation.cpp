#include "config/workload_validation.hpp"

#include "config/container_validation.hpp"
#include "config/label_selector.hpp"
#include "config/name_validation.hpp"
#include "config/pod_validation.hpp"
#include "config/pvc_validation.hpp"
#include "config/validation_values.hpp"

namespace troupe::config {

namespace apps = troupe::apps::v1;
namespace core = troupe::core::v1;
using troupe::meta::IntOrString;

namespace {

void append(field_errors& out, field_errors more) { out.insert(out.end(), more.begin(), more.end()); }

const field_path metadata_path("metadata");
const field_path spec_path("spec");

// "25%" -> 25; anything else that is not a percentage -> nullopt.
std::optional<int> percent_of(const IntOrString& v) {
  if (v.type() != 1 || v.strval().size() < 2 || v.strval().back() != '%') return std::nullopt;
  int n = 0;
  for (size_t i = 0; i + 1 < v.strval().size(); ++i) {
    char c = v.strval()[i];
    if (c < '0' || c > '9') return std::nullopt;
    n = std::min(n * 10 + (c - '0'), 1000000);
  }
  return n;
}

int int_or_percent_value(const IntOrString& v) {
  if (auto p = percent_of(v)) return *p;
  return v.type() == 1 ? 0 : v.intval();
}

field_errors not_more_than_100_percent(const IntOrString& v, const field_path& path) {
  auto p = percent_of(v);
  if (!p || *p <= 100) return {};
  return {field_error::invalid(path, int_or_string_value(v), "must not be greater than 100%")};
}

// The selector every apps/v1 workload needs, and the template labels it must select.
field_errors validate_selector_and_template(const troupe::meta::LabelSelector* selector,
                                            const core::PodTemplateSpec& tpl, const char* kind_word) {
  field_errors out;
  auto sp = spec_path.child("selector");
  if (!selector) {
    out.push_back(field_error::required(sp));
  } else {
    append(out, validate_label_selector(*selector, sp));
    if (selector->matchlabels().empty() && selector->matchexpressions().empty())
      out.push_back(field_error::invalid(sp, go_label_selector(*selector), std::string("empty selector is invalid for ") + kind_word));
  }
  append(out, validate_template_matches_selector(selector, tpl, spec_path.child("template")));
  append(out, validate_pod_template_spec(tpl, spec_path.child("template")));
  return out;
}

field_errors restart_always(const core::PodTemplateSpec& tpl) {
  const auto& policy = tpl.spec().restartpolicy();
  if (policy == "Always") return {};
  return {field_error::not_supported(spec_path.child("template").child("spec").child("restartPolicy"), quote(policy), {"Always"})};
}

field_errors validate_rolling_update_deployment(const apps::RollingUpdateDeployment& ru, const field_path& path) {
  field_errors out;
  append(out, validate_int_or_percent(ru.maxunavailable(), path.child("maxUnavailable")));
  append(out, validate_int_or_percent(ru.maxsurge(), path.child("maxSurge")));
  // Neither adding nor removing a pod would leave the rollout stuck.
  if (int_or_percent_value(ru.maxunavailable()) == 0 && int_or_percent_value(ru.maxsurge()) == 0)
    out.push_back(field_error::invalid(path.child("maxUnavailable"), int_or_string_value(ru.maxunavailable()),
                                       "may not be 0 when `maxSurge` is 0"));
  append(out, not_more_than_100_percent(ru.maxunavailable(), path.child("maxUnavailable")));
  return out;
}

field_errors validate_rolling_update_daemon_set(const apps::RollingUpdateDaemonSet& ru, const field_path& path) {
  field_errors out;
  append(out, validate_int_or_percent(ru.maxunavailable(), path.child("maxUnavailable")));
  append(out, validate_int_or_percent(ru.maxsurge(), path.child("maxSurge")));
  append(out, not_more_than_100_percent(ru.maxunavailable(), path.child("maxUnavailable")));
  append(out, not_more_than_100_percent(ru.maxsurge(), path.child("maxSurge")));
  const bool unavailable = int_or_percent_value(ru.maxunavailable()) != 0;
  const bool surge = int_or_percent_value(ru.maxsurge()) != 0;
  if (unavailable && surge)
    out.push_back(field_error::invalid(path.child("maxSurge"), int_or_string_value(ru.maxsurge()), "may not be set when maxUnavailable is non-zero"));
  else if (!unavailable && !surge)
    out.push_back(field_error::required(path.child("maxUnavailable"), "cannot be 0 when maxSurge is 0"));
  return out;
}

} // namespace

field_errors validate_template_matches_selector(const troupe::meta::LabelSelector* selector,
                                                const core::PodTemplateSpec& tpl, const field_path& template_path) {
  // A nil selector selects nothing, so it never matches: upstream reports that too.
  auto converted = label_selector_from_proto(selector);
  if (!converted || converted.value->empty() || converted.value->matches(tpl.metadata().labels())) return {};
  return {field_error::invalid(template_path.child("metadata").child("labels"), go_string_map(tpl.metadata().labels()),
                               "`selector` does not match template `labels`")};
}

field_errors validate_int_or_percent(const IntOrString& v, const field_path& path) {
  if (v.type() == 1) {
    if (percent_of(v)) return {};
    return {field_error::invalid(path, int_or_string_value(v),
                                 "a valid percent string must be a numeric string followed by an ending '%' (e.g. "
                                 "'1%',  or '93%', regex used for validation is '[0-9]+%')")};
  }
  return validate_nonnegative(v.intval(), path);
}

field_errors validate_replica_set(const apps::ReplicaSet& rs) {
  const auto& spec = rs.spec();
  field_errors out = validate_object_meta(rs.metadata(), name_rule::dns1123_subdomain, metadata_path);
  append(out, validate_nonnegative(spec.replicas(), spec_path.child("replicas")));
  append(out, validate_nonnegative(spec.minreadyseconds(), spec_path.child("minReadySeconds")));
  append(out, validate_selector_and_template(spec.has_selector() ? &spec.selector() : nullptr, spec.template_(), "deployment"));
  append(out, restart_always(spec.template_()));
  if (spec.template_().spec().has_activedeadlineseconds())
    out.push_back(field_error::forbidden(spec_path.child("template").child("spec").child("activeDeadlineSeconds"),
                                         "activeDeadlineSeconds in ReplicaSet is not Supported"));
  return out;
}

field_errors validate_deployment(const apps::Deployment& d) {
  const auto& spec = d.spec();
  field_errors out = validate_object_meta(d.metadata(), name_rule::dns1123_subdomain, metadata_path);
  append(out, validate_nonnegative(spec.replicas(), spec_path.child("replicas")));
  // Upstream words the empty-selector error "for deployment" for ReplicaSets too.
  append(out, validate_selector_and_template(spec.has_selector() ? &spec.selector() : nullptr, spec.template_(), "deployment"));
  append(out, restart_always(spec.template_()));
  if (spec.template_().spec().has_activedeadlineseconds())
    out.push_back(field_error::forbidden(spec_path.child("template").child("spec").child("activeDeadlineSeconds"),
                                         "activeDeadlineSeconds in ReplicaSet is not Supported"));
  auto strategy_path = spec_path.child("strategy");
  const auto& strategy = spec.strategy();
  if (strategy.type() == "Recreate" && strategy.has_rollingupdate())
    out.push_back(field_error::forbidden(strategy_path.child("rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'"));
  if (strategy.type() == "RollingUpdate") {
    if (!strategy.has_rollingupdate())
      out.push_back(field_error::required(strategy_path.child("rollingUpdate"), "this should be defaulted and never be nil"));
    else
      append(out, validate_rolling_update_deployment(strategy.rollingupdate(), strategy_path.child("rollingUpdate")));
  }
  append(out, validate_nonnegative(spec.minreadyseconds(), spec_path.child("minReadySeconds")));
  if (spec.has_revisionhistorylimit())
    append(out, validate_nonnegative(spec.revisionhistorylimit(), spec_path.child("revisionHistoryLimit")));
  if (spec.has_progressdeadlineseconds()) {
    auto p = spec_path.child("progressDeadlineSeconds");
    append(out, validate_nonnegative(spec.progressdeadlineseconds(), p));
    if (spec.progressdeadlineseconds() <= spec.minreadyseconds())
      out.push_back(field_error::invalid(p, std::to_string(spec.progressdeadlineseconds()), "must be greater than minReadySeconds"));
  }
  return out;
}

field_errors validate_daemon_set(const apps::DaemonSet& ds) {
  const auto& spec = ds.spec();
  field_errors out = validate_object_meta(ds.metadata(), name_rule::dns1123_subdomain, metadata_path);
  append(out, validate_selector_and_template(spec.has_selector() ? &spec.selector() : nullptr, spec.template_(), "daemonset"));
  append(out, restart_always(spec.template_()));
  if (spec.template_().spec().has_activedeadlineseconds())
    out.push_back(field_error::invalid(spec_path.child("template").child("spec").child("activeDeadlineSeconds"),
                                       std::to_string(spec.template_().spec().activedeadlineseconds()),
                                       "activeDeadlineSeconds must be nil for daemonset"));
  append(out, validate_nonnegative(spec.minreadyseconds(), spec_path.child("minReadySeconds")));
  auto strategy_path = spec_path.child("updateStrategy");
  if (spec.updatestrategy().type() == "RollingUpdate") {
    if (!spec.updatestrategy().has_rollingupdate())
      out.push_back(field_error::required(strategy_path.child("rollingUpdate")));
    else
      append(out, validate_rolling_update_daemon_set(spec.updatestrategy().rollingupdate(), strategy_path.child("rollingUpdate")));
  }
  if (spec.has_revisionhistorylimit())
    append(out, validate_nonnegative(spec.revisionhistorylimit(), spec_path.child("revisionHistoryLimit")));
  return out;
}

field_errors validate_stateful_set(const apps::StatefulSet& sts) {
  const auto& spec = sts.spec();
  field_errors out = validate_object_meta(sts.metadata(), name_rule::dns1123_subdomain, metadata_path);
  append(out, validate_nonnegative(spec.replicas(), spec_path.child("replicas")));
  append(out, validate_nonnegative(spec.minreadyseconds(), spec_path.child("minReadySeconds")));
  append(out, validate_selector_and_template(spec.has_selector() ? &spec.selector() : nullptr, spec.template_(), "statefulset"));
  append(out, restart_always(spec.template_()));
  if (spec.template_().spec().has_activedeadlineseconds())
    out.push_back(field_error::forbidden(spec_path.child("template").child("spec").child("activeDeadlineSeconds"),
                                         "activeDeadlineSeconds in StatefulSet is not Supported"));
  auto strategy_path = spec_path.child("updateStrategy");
  const auto& strategy = spec.updatestrategy();
  if (strategy.type() == "OnDelete" && strategy.has_rollingupdate())
    out.push_back(field_error::invalid(strategy_path.child("rollingUpdate"), "{...}", "only allowed for updateStrategy 'RollingUpdate'"));
  if (strategy.type() == "RollingUpdate" && strategy.has_rollingupdate()) {
    const auto& ru = strategy.rollingupdate();
    append(out, validate_nonnegative(ru.partition(), strategy_path.child("rollingUpdate").child("partition")));
    if (ru.has_maxunavailable()) {
      auto p = strategy_path.child("rollingUpdate").child("maxUnavailable");
      append(out, validate_int_or_percent(ru.maxunavailable(), p));
      if (int_or_percent_value(ru.maxunavailable()) == 0)
        out.push_back(field_error::invalid(p, int_or_string_value(ru.maxunavailable()), "must be greater than 0"));
      append(out, not_more_than_100_percent(ru.maxunavailable(), p));
    }
  }
  if (spec.has_ordinals()) append(out, validate_nonnegative(spec.ordinals().start(), spec_path.child("ordinals").child("start")));
  if (spec.has_revisionhistorylimit())
    append(out, validate_nonnegative(spec.revisionhistorylimit(), spec_path.child("revisionHistoryLimit")));
  for (int i = 0; i < spec.volumeclaimtemplates_size(); ++i)
    append(out, validate_pvc_template(spec.volumeclaimtemplates(i), spec_path.child("volumeClaimTemplates").index(i)));
  return out;
}

} // namespace troupe::config
