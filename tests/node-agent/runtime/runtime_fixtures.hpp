#pragma once
// Factories for valid runtime configs (CONVENTIONS 21): a pod sandbox and a container as the
// node agent would describe them, with Troupe's labels; tests change one field.

#include <string>

#include "node-agent/runtime/runtime_labels.hpp"
#include "node-agent/runtime/runtime_types.hpp"

namespace troupe::testing {

namespace rt = troupe::node_agent::runtime;

inline rt::sandbox_config make_sandbox_config(const std::string& name = "web",
                                              const std::string& uid = "uid-web-1") {
  rt::sandbox_config c;
  c.name = name;
  c.uid = uid;
  c.namespace_ = "default";
  c.hostname = name;
  c.log_directory = "/var/log/pods/default_" + name + "_" + uid;
  c.dns_servers = {"127.0.0.1"};
  c.dns_searches = {"default.svc.cluster.local"};
  c.dns_options = {"ndots:5"};
  c.labels = {{rt::labels::managed_by, rt::labels::managed_by_value},
              {rt::labels::pod_uid, uid},
              {rt::labels::pod_name, name},
              {rt::labels::pod_namespace, "default"}};
  return c;
}

inline rt::container_config make_container_config(const rt::sandbox_config& pod,
                                                  const std::string& name = "app",
                                                  const std::string& image = "busybox:1.30") {
  rt::container_config c;
  c.name = name;
  c.image = image;
  c.command = {"sleep", "3600"};
  c.log_path = name + "/0.log";
  c.labels = {{rt::labels::managed_by, rt::labels::managed_by_value},
              {rt::labels::pod_uid, pod.uid},
              {rt::labels::container_name, name},
              {rt::labels::container_kind, "app"}};
  return c;
}

} // namespace troupe::testing
