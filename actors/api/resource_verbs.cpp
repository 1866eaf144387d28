#include "actors/api/resource_verbs.hpp"

namespace troupe::api {

namespace {
using strings = std::vector<std::string>;
}

const strings& resource_verbs(const config::kind_info& k) {
  static const strings all{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"};
  static const strings ns{"create", "delete", "get", "list", "patch", "update", "watch"};
  static const strings create_only{"create"};
  static const strings read_only{"get", "list"};
  if (k.group == "metrics.k8s.io")
    return read_only;
  if (k.group.empty() && k.resource == "bindings")
    return create_only;
  if (k.group.empty() && k.resource == "namespaces")
    return ns;
  return all;
}

const strings& subresource_verbs(std::string_view sub) {
  static const strings read_write{"get", "patch", "update"};
  static const strings get{"get"};
  static const strings create{"create"};
  static const strings exec{"create", "get"};
  static const strings update{"update"};
  static const strings proxy{"create", "delete", "get", "patch", "update"};
  if (sub == "status" || sub == "scale")
    return read_write;
  if (sub == "binding" || sub == "eviction")
    return create;
  if (sub == "exec" || sub == "attach" || sub == "portforward")
    return exec;
  if (sub == "finalize")
    return update;
  if (sub == "proxy")
    return proxy;
  return get;
}

group_version_kind subresource_kind(const config::kind_info& k, std::string_view sub) {
  if (sub == "scale")
    return {"autoscaling", "v1", "Scale"};
  if (sub == "binding")
    return {"", "v1", "Binding"};
  if (sub == "eviction")
    return {"policy", "v1", "Eviction"};
  if (sub == "exec")
    return {"", "v1", "PodExecOptions"};
  if (sub == "attach")
    return {"", "v1", "PodAttachOptions"};
  if (sub == "portforward")
    return {"", "v1", "PodPortForwardOptions"};
  if (sub == "proxy")
    return {"", "v1", k.kind + "ProxyOptions"};
  return {k.group, k.version, k.kind};
}

} // namespace troupe::api
