#include "actors/apiserver/system_namespaces.hpp"

#include "config/admission.hpp"
#include "proto/core_v1.pb.h"

namespace troupe::apiserver {

const std::vector<std::string>& system_namespaces() {
  static const std::vector<std::string> names{"default", "kube-system", "kube-public", "kube-node-lease"};
  return names;
}

std::string ensure_system_namespaces(store::object_store& store, config::timestamp now) {
  const auto* kind = config::find_kind("v1", "Namespace");
  for (const auto& name : system_namespaces()) {
    if (store.get(*kind, "", name).ok())
      continue;
    troupe::core::v1::Namespace ns;
    ns.mutable_metadata()->set_name(name);
    if (auto admitted = config::admit(*kind, ns); !admitted.ok())
      return admitted.message(*kind, ns);
    ns.mutable_status()->set_phase("Active");
    auto created = store.create(*kind, ns, now);
    if (!created.ok() && !created.status().is(store::status::code::already_exists))
      return "create namespace " + name + ": " + created.status().message();
  }
  return {};
}

} // namespace troupe::apiserver
