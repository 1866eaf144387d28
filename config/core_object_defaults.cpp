#include "config/core_object_defaults.hpp"

#include "config/pod_defaults.hpp"

namespace troupe::config {

namespace core = troupe::core::v1;

void default_service(core::Service& svc) {
  auto& spec = *svc.mutable_spec();
  if (spec.type().empty()) spec.set_type("ClusterIP");
  if (spec.sessionaffinity().empty()) spec.set_sessionaffinity("None");
  if (spec.sessionaffinity() == "ClientIP" &&
      !spec.sessionaffinityconfig().clientip().has_timeoutseconds())
    spec.mutable_sessionaffinityconfig()->mutable_clientip()->set_timeoutseconds(10800);
  for (auto& p : *spec.mutable_ports()) {
    if (p.protocol().empty()) p.set_protocol("TCP");
    // An unset targetPort (int 0 or empty string) means "the same as port".
    const auto& t = p.targetport();
    if (!p.has_targetport() || (t.type() == 0 && t.intval() == 0) || (t.type() == 1 && t.strval().empty())) {
      auto* tp = p.mutable_targetport();
      tp->set_type(0);
      tp->set_intval(p.port());
      tp->clear_strval();
    }
  }
  const std::string& type = spec.type();
  if ((type == "NodePort" || type == "LoadBalancer") && spec.externaltrafficpolicy().empty())
    spec.set_externaltrafficpolicy("Cluster");
  if (type == "LoadBalancer" && !spec.has_allocateloadbalancernodeports())
    spec.set_allocateloadbalancernodeports(true);
  if (type != "ExternalName") {
    if (!spec.has_internaltrafficpolicy()) spec.set_internaltrafficpolicy("Cluster");
    if (!spec.has_ipfamilypolicy()) spec.set_ipfamilypolicy("SingleStack");
    if (spec.ipfamilies().empty()) spec.add_ipfamilies("IPv4");
  }
}

void default_namespace(core::Namespace& ns) {
  auto& labels = *ns.mutable_metadata()->mutable_labels();
  if (!ns.metadata().name().empty()) labels["kubernetes.io/metadata.name"] = ns.metadata().name();
  auto& spec = *ns.mutable_spec();
  bool has_finalizer = false;
  for (const auto& f : spec.finalizers()) has_finalizer |= f == "kubernetes";
  if (!has_finalizer) spec.add_finalizers("kubernetes");
  if (ns.status().phase().empty()) ns.mutable_status()->set_phase("Active");
}

void default_node(core::Node& node) {
  // A node that reports no allocatable offers all its capacity.
  if (node.status().allocatable().empty() && !node.status().capacity().empty())
    *node.mutable_status()->mutable_allocatable() = node.status().capacity();
}

void default_secret(core::Secret& secret) {
  if (secret.type().empty()) secret.set_type("Opaque");
}

void default_endpoints(core::Endpoints& ep) {
  for (auto& subset : *ep.mutable_subsets())
    for (auto& p : *subset.mutable_ports())
      if (p.protocol().empty()) p.set_protocol("TCP");
}

void default_pvc(core::PersistentVolumeClaim& pvc) {
  default_pvc_spec(*pvc.mutable_spec());
  if (pvc.status().phase().empty()) pvc.mutable_status()->set_phase("Pending");
}

} // namespace troupe::config
