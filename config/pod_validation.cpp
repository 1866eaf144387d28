#include "config/pod_validation.hpp"

#include <set>

#include "config/container_validation.hpp"
#include "config/label_syntax.hpp"
#include "config/name_validation.hpp"
#include "config/scheduling_validation.hpp"

namespace troupe::config {

namespace core = troupe::core::v1;

namespace {

void append(field_errors& out, field_errors more) { out.insert(out.end(), more.begin(), more.end()); }

field_errors validate_mode(bool has, int32_t mode, const field_path& path) {
  if (!has || (mode >= 0 && mode <= 0777)) return {};
  return {field_error::invalid(path, std::to_string(mode), "must be a number between 0 and 0777 (octal), both inclusive")};
}

field_errors validate_key_to_paths(const google::protobuf::RepeatedPtrField<core::KeyToPath>& items, const field_path& path) {
  field_errors out;
  for (int i = 0; i < items.size(); ++i) {
    auto p = path.index(i);
    if (items[i].key().empty()) out.push_back(field_error::required(p.child("key")));
    if (items[i].path().empty()) out.push_back(field_error::required(p.child("path")));
    else if (items[i].path()[0] == '/')
      out.push_back(field_error::invalid(p.child("path"), quote(items[i].path()), "must be a relative path"));
    append(out, validate_mode(items[i].has_mode(), items[i].mode(), p.child("mode")));
  }
  return out;
}

// The first source is validated; every further one is forbidden, as upstream.
field_errors validate_volume_source(const core::VolumeSource& s, const field_path& path) {
  field_errors out;
  int n = 0;
  auto one = [&](bool present, const char* name, auto check) {
    if (!present) return;
    if (n++ > 0) out.push_back(field_error::forbidden(path.child(name), "may not specify more than 1 volume type"));
    else append(out, check(path.child(name)));
  };
  one(s.has_hostpath(), "hostPath", [&](const field_path& p) {
    field_errors e;
    if (s.hostpath().path().empty()) e.push_back(field_error::required(p.child("path")));
    return e;
  });
  one(s.has_emptydir(), "emptyDir", [&](const field_path& p) {
    field_errors e;
    if (s.emptydir().has_sizelimit()) append(e, validate_nonnegative_quantity(s.emptydir().sizelimit().string(), p.child("sizeLimit")));
    return e;
  });
  one(s.has_secret(), "secret", [&](const field_path& p) {
    field_errors e;
    if (s.secret().secretname().empty()) e.push_back(field_error::required(p.child("secretName")));
    append(e, validate_mode(s.secret().has_defaultmode(), s.secret().defaultmode(), p.child("defaultMode")));
    append(e, validate_key_to_paths(s.secret().items(), p.child("items")));
    return e;
  });
  one(s.has_persistentvolumeclaim(), "persistentVolumeClaim", [&](const field_path& p) {
    field_errors e;
    if (s.persistentvolumeclaim().claimname().empty()) e.push_back(field_error::required(p.child("claimName")));
    return e;
  });
  one(s.has_downwardapi(), "downwardAPI", [&](const field_path& p) {
    return validate_mode(s.downwardapi().has_defaultmode(), s.downwardapi().defaultmode(), p.child("defaultMode"));
  });
  one(s.has_configmap(), "configMap", [&](const field_path& p) {
    field_errors e;
    if (s.configmap().localobjectreference().name().empty()) e.push_back(field_error::required(p.child("name")));
    append(e, validate_mode(s.configmap().has_defaultmode(), s.configmap().defaultmode(), p.child("defaultMode")));
    append(e, validate_key_to_paths(s.configmap().items(), p.child("items")));
    return e;
  });
  one(s.has_projected(), "projected", [&](const field_path& p) {
    return validate_mode(s.projected().has_defaultmode(), s.projected().defaultmode(), p.child("defaultMode"));
  });
  // A source Troupe does not model (a cloud disk) arrives as unknown fields: not "no source".
  if (n == 0 && s.GetReflection()->GetUnknownFields(s).empty())
    out.push_back(field_error::required(path, "must specify a volume type"));
  return out;
}

} // namespace

field_errors validate_volumes(const google::protobuf::RepeatedPtrField<core::Volume>& volumes, const field_path& path) {
  field_errors out;
  std::set<std::string> names;
  for (int i = 0; i < volumes.size(); ++i) {
    const auto& v = volumes[i];
    auto p = path.index(i);
    if (v.name().empty()) out.push_back(field_error::required(p.child("name")));
    else append(out, validate_name(name_rule::dns1123_label, v.name(), p.child("name")));
    if (!v.name().empty() && !names.insert(v.name()).second)
      out.push_back(field_error::duplicate(p.child("name"), quote(v.name())));
    append(out, validate_volume_source(v.volumesource(), p));
  }
  return out;
}

field_errors validate_pod_spec(const core::PodSpec& spec, const field_path& path) {
  field_errors out;
  append(out, validate_volumes(spec.volumes(), path.child("volumes")));
  std::set<std::string> volume_names;
  for (const auto& v : spec.volumes()) volume_names.insert(v.name());
  append(out, validate_containers(spec, path, volume_names));
  if (spec.restartpolicy().empty()) out.push_back(field_error::required(path.child("restartPolicy")));
  if (spec.dnspolicy().empty()) out.push_back(field_error::required(path.child("dnsPolicy")));
  if (spec.dnspolicy() == "None" && !spec.has_dnsconfig())
    out.push_back(field_error::required(path.child("dnsConfig"), "must provide `dnsConfig` when `dnsPolicy` is None"));
  if (spec.has_terminationgraceperiodseconds())
    append(out, validate_nonnegative(spec.terminationgraceperiodseconds(), path.child("terminationGracePeriodSeconds")));
  if (spec.has_activedeadlineseconds() && (spec.activedeadlineseconds() < 1 || spec.activedeadlineseconds() > 4294967295LL))
    out.push_back(field_error::invalid(path.child("activeDeadlineSeconds"), std::to_string(spec.activedeadlineseconds()),
                                       "must be between 1 and 4294967295, inclusive"));
  append(out, validate_labels(spec.nodeselector(), path.child("nodeSelector")));
  auto optional_name = [&](const std::string& value, name_rule rule, const char* field) {
    if (!value.empty()) append(out, validate_name(rule, value, path.child(field)));
  };
  optional_name(spec.serviceaccountname(), name_rule::dns1123_subdomain, "serviceAccountName");
  optional_name(spec.nodename(), name_rule::dns1123_subdomain, "nodeName");
  optional_name(spec.hostname(), name_rule::dns1123_label, "hostname");
  optional_name(spec.subdomain(), name_rule::dns1123_label, "subdomain");
  optional_name(spec.priorityclassname(), name_rule::dns1123_subdomain, "priorityClassName");
  optional_name(spec.schedulername(), name_rule::dns1123_subdomain, "schedulerName");
  append(out, validate_tolerations(spec.tolerations(), path.child("tolerations")));
  if (spec.has_affinity()) append(out, validate_affinity(spec.affinity(), path.child("affinity")));
  append(out, validate_topology_spread_constraints(spec.topologyspreadconstraints(), path.child("topologySpreadConstraints")));
  for (int i = 0; i < spec.imagepullsecrets_size(); ++i)
    if (spec.imagepullsecrets(i).name().empty())
      out.push_back(field_error::required(path.child("imagePullSecrets").index(i).child("name")));
  return out;
}

field_errors validate_pod_template_spec(const core::PodTemplateSpec& t, const field_path& path) {
  field_errors out = validate_labels(t.metadata().labels(), path.child("labels"));
  append(out, validate_annotations(t.metadata().annotations(), path.child("annotations")));
  append(out, validate_pod_spec(t.spec(), path.child("spec")));
  return out;
}

field_errors validate_pod(const core::Pod& pod) {
  field_errors out = validate_object_meta(pod.metadata(), name_rule::dns1123_subdomain, field_path("metadata"));
  append(out, validate_pod_spec(pod.spec(), field_path("spec")));
  return out;
}

} // namespace troupe::config
