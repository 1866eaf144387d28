#include "benchmarks/scheduler_bench_cluster.hpp"

#include <cstdio>

namespace troupe::bench {

namespace v1 = troupe::core::v1;

const char* to_string(pod_shape s) {
  switch (s) {
    case pod_shape::plain: return "plain";
    case pod_shape::anti_affinity: return "pod_anti_affinity";
    case pod_shape::node_affinity: return "node_affinity";
  }
  return "?";
}

std::shared_ptr<v1::Node> bench_node(size_t i) {
  char name[32];
  std::snprintf(name, sizeof name, "node-%05zu", i);
  auto n = std::make_shared<v1::Node>();
  n->mutable_metadata()->set_name(name);
  auto& labels = *n->mutable_metadata()->mutable_labels();
  labels["kubernetes.io/hostname"] = name;
  labels["kubernetes.io/os"] = "linux";
  labels["topology.kubernetes.io/zone"] = "zone-" + std::to_string(i % 10);
  for (auto* m : {n->mutable_status()->mutable_allocatable(), n->mutable_status()->mutable_capacity()}) {
    (*m)["cpu"].set_string("4");
    (*m)["memory"].set_string("16Gi");
    (*m)["pods"].set_string("110");
  }
  auto* ready = n->mutable_status()->add_conditions();
  ready->set_type("Ready");
  ready->set_status("True");
  return n;
}

std::shared_ptr<v1::Pod> bench_pod(size_t i, pod_shape shape, const std::string& ns) {
  auto p = std::make_shared<v1::Pod>();
  auto* meta = p->mutable_metadata();
  meta->set_name("pod-" + std::to_string(i));
  meta->set_namespace_(ns);
  meta->set_uid("uid-" + std::to_string(i));
  (*meta->mutable_labels())["app"] = "bench";
  auto* c = p->mutable_spec()->add_containers();
  c->set_name("app");
  c->set_image("registry.local/pause:3.9");
  auto& req = *c->mutable_resources()->mutable_requests();
  req["cpu"].set_string("100m");
  req["memory"].set_string("128Mi");
  p->mutable_spec()->set_schedulername("default-scheduler");
  if (shape == pod_shape::anti_affinity) {
    (*meta->mutable_labels())["color"] = "green";
    auto* term = p->mutable_spec()->mutable_affinity()->mutable_podantiaffinity()
                   ->add_requiredduringschedulingignoredduringexecution();
    (*term->mutable_labelselector()->mutable_matchlabels())["color"] = "green";
    term->set_topologykey("kubernetes.io/hostname");
  } else if (shape == pod_shape::node_affinity) {
    auto* term = p->mutable_spec()->mutable_affinity()->mutable_nodeaffinity()
                   ->mutable_requiredduringschedulingignoredduringexecution()->add_nodeselectorterms();
    auto* e = term->add_matchexpressions();
    e->set_key("topology.kubernetes.io/zone");
    e->set_operator_("In");
    e->add_values("zone-3");
  }
  return p;
}

} // namespace troupe::bench
