#include "config/pod_defaults.hpp"

namespace troupe::config {

namespace core = troupe::core::v1;

namespace {

// 0644: the file mode Kubernetes gives projected keys when the volume does not say.
constexpr int32_t default_file_mode = 0644;

void default_http_get(core::HTTPGetAction& h) {
  if (h.path().empty()) h.set_path("/");
  if (h.scheme().empty()) h.set_scheme("HTTP");
}

void default_lifecycle_handler(core::LifecycleHandler& h) {
  if (h.has_httpget()) default_http_get(*h.mutable_httpget());
}

void default_field_selector(core::ObjectFieldSelector& f) {
  if (f.apiversion().empty()) f.set_apiversion("v1");
}

void default_downward_files(google::protobuf::RepeatedPtrField<core::DownwardAPIVolumeFile>& files) {
  for (auto& f : files)
    if (f.has_fieldref()) default_field_selector(*f.mutable_fieldref());
}

void add_toleration_unless_tolerated(core::PodSpec& spec, const char* key, int64_t seconds) {
  for (const auto& t : spec.tolerations()) {
    // An empty key with Exists tolerates every taint, an empty effect every effect.
    bool key_ok = t.key() == key || t.key().empty();
    bool effect_ok = t.effect() == "NoExecute" || t.effect().empty();
    if (key_ok && effect_ok) return;
  }
  auto* t = spec.add_tolerations();
  t->set_key(key);
  t->set_operator_("Exists");
  t->set_effect("NoExecute");
  t->set_tolerationseconds(seconds);
}

void copy_limits_to_requests(core::Container& c) {
  if (!c.has_resources()) return;
  auto* r = c.mutable_resources();
  for (const auto& [name, q] : r->limits())
    if (!r->requests().count(name)) (*r->mutable_requests())[name] = q;
}

} // namespace

std::string default_image_pull_policy(const std::string& image) {
  if (image.find('@') != std::string::npos) return "IfNotPresent";
  // The tag follows the last ':' after the last '/'; a ':' before that is a registry port.
  auto slash = image.rfind('/');
  auto colon = image.rfind(':');
  if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) return "Always";
  return image.substr(colon + 1) == "latest" ? "Always" : "IfNotPresent";
}

void default_probe(core::Probe& p) {
  if (p.timeoutseconds() == 0) p.set_timeoutseconds(1);
  if (p.periodseconds() == 0) p.set_periodseconds(10);
  if (p.successthreshold() == 0) p.set_successthreshold(1);
  if (p.failurethreshold() == 0) p.set_failurethreshold(3);
  if (p.has_handler() && p.handler().has_httpget())
    default_http_get(*p.mutable_handler()->mutable_httpget());
}

void default_container(core::Container& c) {
  if (c.imagepullpolicy().empty()) c.set_imagepullpolicy(default_image_pull_policy(c.image()));
  if (c.terminationmessagepath().empty()) c.set_terminationmessagepath("/dev/termination-log");
  if (c.terminationmessagepolicy().empty()) c.set_terminationmessagepolicy("File");
  for (auto& port : *c.mutable_ports())
    if (port.protocol().empty()) port.set_protocol("TCP");
  for (auto& e : *c.mutable_env())
    if (e.has_valuefrom() && e.valuefrom().has_fieldref())
      default_field_selector(*e.mutable_valuefrom()->mutable_fieldref());
  if (c.has_livenessprobe()) default_probe(*c.mutable_livenessprobe());
  if (c.has_readinessprobe()) default_probe(*c.mutable_readinessprobe());
  if (c.has_startupprobe()) default_probe(*c.mutable_startupprobe());
  if (c.has_lifecycle()) {
    auto* l = c.mutable_lifecycle();
    if (l->has_poststart()) default_lifecycle_handler(*l->mutable_poststart());
    if (l->has_prestop()) default_lifecycle_handler(*l->mutable_prestop());
  }
}

void default_volume(core::Volume& v) {
  auto* s = v.mutable_volumesource();
  const bool has_source = s->has_hostpath() || s->has_emptydir() || s->has_secret() ||
                          s->has_persistentvolumeclaim() || s->has_downwardapi() ||
                          s->has_configmap() || s->has_projected();
  // A volume that names no source (or only one Troupe does not know) is an emptyDir, as upstream.
  if (!has_source && s->GetReflection()->GetUnknownFields(*s).empty()) s->mutable_emptydir();
  if (s->has_hostpath() && !s->hostpath().has_type()) s->mutable_hostpath()->set_type("");
  if (s->has_secret() && !s->secret().has_defaultmode())
    s->mutable_secret()->set_defaultmode(default_file_mode);
  if (s->has_configmap() && !s->configmap().has_defaultmode())
    s->mutable_configmap()->set_defaultmode(default_file_mode);
  if (s->has_downwardapi()) {
    if (!s->downwardapi().has_defaultmode())
      s->mutable_downwardapi()->set_defaultmode(default_file_mode);
    default_downward_files(*s->mutable_downwardapi()->mutable_items());
  }
  if (s->has_projected()) {
    auto* p = s->mutable_projected();
    if (!p->has_defaultmode()) p->set_defaultmode(default_file_mode);
    for (auto& src : *p->mutable_sources()) {
      if (src.has_downwardapi()) default_downward_files(*src.mutable_downwardapi()->mutable_items());
      if (src.has_serviceaccounttoken() && !src.serviceaccounttoken().has_expirationseconds())
        src.mutable_serviceaccounttoken()->set_expirationseconds(3600);
    }
  }
}

void default_pod_spec(core::PodSpec& spec) {
  if (spec.dnspolicy().empty()) spec.set_dnspolicy("ClusterFirst");
  if (spec.restartpolicy().empty()) spec.set_restartpolicy("Always");
  if (!spec.has_terminationgraceperiodseconds()) spec.set_terminationgraceperiodseconds(30);
  if (!spec.has_securitycontext()) spec.mutable_securitycontext();
  if (spec.schedulername().empty()) spec.set_schedulername("default-scheduler");
  // serviceAccount is the deprecated spelling of serviceAccountName; Kubernetes keeps both equal.
  if (spec.serviceaccountname().empty() && !spec.serviceaccount().empty())
    spec.set_serviceaccountname(spec.serviceaccount());
  if (!spec.serviceaccountname().empty()) spec.set_serviceaccount(spec.serviceaccountname());
  for (auto& c : *spec.mutable_initcontainers()) default_container(c);
  for (auto& c : *spec.mutable_containers()) default_container(c);
  // With the host's network a container port is a host port.
  if (spec.hostnetwork()) {
    for (auto* list : {spec.mutable_initcontainers(), spec.mutable_containers()})
      for (auto& c : *list)
        for (auto& port : *c.mutable_ports())
          if (port.hostport() == 0) port.set_hostport(port.containerport());
  }
  for (auto& v : *spec.mutable_volumes()) default_volume(v);
}

void default_pod_template(core::PodTemplateSpec& t) { default_pod_spec(*t.mutable_spec()); }

void default_pvc_spec(core::PersistentVolumeClaimSpec& spec) {
  if (!spec.has_volumemode()) spec.set_volumemode("Filesystem");
}

void default_pod(core::Pod& pod) {
  auto& spec = *pod.mutable_spec();
  default_pod_spec(spec);
  if (!spec.has_enableservicelinks()) spec.set_enableservicelinks(true);
  for (auto& c : *spec.mutable_initcontainers()) copy_limits_to_requests(c);
  for (auto& c : *spec.mutable_containers()) copy_limits_to_requests(c);
  // Admission plugins, on create.
  if (spec.serviceaccountname().empty()) {
    spec.set_serviceaccountname("default");
    spec.set_serviceaccount("default");
  }
  if (!spec.has_priority() && spec.priorityclassname().empty()) spec.set_priority(0);
  if (!spec.has_preemptionpolicy()) spec.set_preemptionpolicy("PreemptLowerPriority");
  add_default_tolerations(pod, toleration_defaults{});
}

void add_default_tolerations(core::Pod& pod, const toleration_defaults& defaults) {
  auto& spec = *pod.mutable_spec();
  add_toleration_unless_tolerated(spec, "node.kubernetes.io/not-ready", defaults.not_ready_seconds);
  add_toleration_unless_tolerated(spec, "node.kubernetes.io/unreachable",
                                  defaults.unreachable_seconds);
}

namespace {

void add_requirement(troupe::meta::LabelSelector& selector, const std::string& key,
                     const char* op, const std::string& value) {
  for (const auto& e : selector.matchexpressions())
    if (e.key() == key && e.operator_() == op && e.values_size() == 1 && e.values(0) == value)
      return;
  auto* e = selector.add_matchexpressions();
  e->set_key(key);
  e->set_operator_(op);
  e->add_values(value);
}

void merge_term(core::PodAffinityTerm& term, const google::protobuf::Map<std::string, std::string>& labels) {
  if (!term.has_labelselector()) return;  // no selector selects nothing; nothing to narrow
  for (const auto& key : term.matchlabelkeys())
    if (auto v = labels.find(key); v != labels.end())
      add_requirement(*term.mutable_labelselector(), key, "In", v->second);
  for (const auto& key : term.mismatchlabelkeys())
    if (auto v = labels.find(key); v != labels.end())
      add_requirement(*term.mutable_labelselector(), key, "NotIn", v->second);
}

template <class Affinity>
void merge_terms(Affinity& a, const google::protobuf::Map<std::string, std::string>& labels) {
  for (auto& t : *a.mutable_requiredduringschedulingignoredduringexecution()) merge_term(t, labels);
  for (auto& w : *a.mutable_preferredduringschedulingignoredduringexecution())
    if (w.has_podaffinityterm()) merge_term(*w.mutable_podaffinityterm(), labels);
}

} // namespace

void merge_match_label_keys(core::Pod& pod) {
  if (!pod.spec().has_affinity()) return;
  auto& affinity = *pod.mutable_spec()->mutable_affinity();
  const auto& labels = pod.metadata().labels();
  if (affinity.has_podaffinity()) merge_terms(*affinity.mutable_podaffinity(), labels);
  if (affinity.has_podantiaffinity()) merge_terms(*affinity.mutable_podantiaffinity(), labels);
}

} // namespace troupe::config
