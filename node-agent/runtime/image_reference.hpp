#pragma once
// Image references normalized as containerd's CRI plugin (docker/distribution's reference
// package) does, so the fake runtime and the agent compare images the way containerd does:
//   busybox                -> docker.io/library/busybox:latest
//   busybox:1.30           -> docker.io/library/busybox:1.30
//   user/app:1             -> docker.io/user/app:1
//   docker.io/busybox      -> docker.io/library/busybox:latest
//   localhost/pause:3.6    -> localhost/pause:3.6          (a domain: has '.' or ':' or is localhost)
//   localhost:5999/x:1     -> localhost:5999/x:1
//   busybox@sha256:<hex>   -> docker.io/library/busybox@sha256:<hex>  (digest: no :latest)
//   sha256:<64 hex>        -> sha256:<64 hex>             (an image id, as ListImages reports)
// Rejected (invalid_argument, wording as the reference package): "" and upper-case repositories.

#include <string>

#include "node-agent/runtime/runtime_status.hpp"

namespace troupe::node_agent::runtime {

result<std::string> normalize_image_reference(const std::string& ref);

/// "1.30" for "docker.io/library/busybox:1.30", "latest" when there is no tag, "" for a digest
/// reference or an image id.
std::string image_tag(const std::string& normalized_ref);

} // namespace troupe::node_agent::runtime
