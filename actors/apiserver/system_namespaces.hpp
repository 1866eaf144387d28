#pragma once
// The namespaces every Kubernetes cluster has from its first start, as kube-apiserver's bootstrap
// creates them: default, kube-system, kube-public, kube-node-lease. Creating one that already
// exists is not an error (a restart, or another API server got there first).

#include <string>
#include <vector>

#include "config/time_format.hpp"
#include "store/object_store.hpp"

namespace troupe::apiserver {

const std::vector<std::string>& system_namespaces();

/// Creates the missing system namespaces (phase Active, the "kubernetes" finalizer, the
/// kubernetes.io/metadata.name label, as admission would). "" or the first failure.
std::string ensure_system_namespaces(store::object_store& store, config::timestamp now);

} // namespace troupe::apiserver
