#pragma once
// Kubernetes' defaults for the core/v1 kinds other than pods: Service, Namespace, Node, Secret,
// Endpoints, PersistentVolumeClaim. Idempotent.
//
// Service: what the registry allocates (clusterIP, nodePorts) is the API server's job; defaulting
// sets ipFamilyPolicy/ipFamilies as a single-stack IPv4 cluster does (Troupe has no dual stack).
// Namespace: besides the label, the `kubernetes` finalizer and phase Active that the namespace
// registry sets on create.

#include "proto/core_v1.pb.h"

namespace troupe::config {

void default_service(troupe::core::v1::Service& svc);
void default_namespace(troupe::core::v1::Namespace& ns);
void default_node(troupe::core::v1::Node& node);
void default_secret(troupe::core::v1::Secret& secret);
void default_endpoints(troupe::core::v1::Endpoints& ep);
void default_pvc(troupe::core::v1::PersistentVolumeClaim& pvc);

} // namespace troupe::config
