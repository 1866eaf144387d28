#pragma once
// The narrow interface between the node agent and a container runtime (CONVENTIONS 3): the calls
// of CRI runtime.v1 the pod actor needs, in plain value types, errors as values.
//
// Contract, for every implementation:
// - Every call is asynchronous: it returns at once and the callback receives the outcome exactly
//   once. Callbacks run on a runtime thread, or inside the call itself (an answer known at once:
//   a bad endpoint, the fake without delays), or in the fake inside advance(). They must be quick
//   and must not block: an actor's callback only sends itself a message.
// - Every call takes a timeout. When it passes before the runtime answers, the callback receives
//   status code deadline_exceeded. For exec_sync and stop_container the timeout is the operation's
//   own (the exec's timeout, the stop grace period) and is also sent to the runtime; the call's
//   deadline is that plus the implementation's margin.
// - Errors carry the runtime's gRPC code and message (runtime_status.hpp). Idempotent as CRI is:
//   stopping a stopped container or sandbox is ok; removing an unknown one is ok.
// - image_status of an image that is not present succeeds with no value (as CRI: not NotFound).
// Implementations: cri_runtime (gRPC to containerd), fake_runtime (in memory, fault injection).

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "node-agent/runtime/runtime_status.hpp"
#include "node-agent/runtime/runtime_types.hpp"

namespace troupe::node_agent::runtime {

using timeout = std::chrono::milliseconds;

template <class T>
using callback = std::function<void(result<T>)>;
using status_callback = std::function<void(status)>;

class container_runtime {
public:
  virtual ~container_runtime() = default;

  // -- runtime --
  virtual void version(timeout t, callback<version_info> cb) = 0;
  /// The runtime's conditions (CRI Status): RuntimeReady, NetworkReady.
  virtual void runtime_conditions(timeout t, callback<std::vector<runtime_condition>> cb) = 0;

  // -- sandboxes --
  /// The new sandbox's id.
  virtual void run_pod_sandbox(const sandbox_config& cfg, timeout t, callback<std::string> cb) = 0;
  virtual void stop_pod_sandbox(const std::string& id, timeout t, status_callback cb) = 0;
  virtual void remove_pod_sandbox(const std::string& id, timeout t, status_callback cb) = 0;
  virtual void pod_sandbox_status(const std::string& id, timeout t,
                                  callback<sandbox_info> cb) = 0;
  virtual void list_pod_sandbox(const sandbox_filter& f, timeout t,
                                callback<std::vector<sandbox_info>> cb) = 0;

  // -- containers --
  /// `sandbox` is the config the sandbox was made with (CRI requires it again here).
  virtual void create_container(const std::string& sandbox_id, const container_config& cfg,
                                const sandbox_config& sandbox, timeout t,
                                callback<std::string> cb) = 0;
  virtual void start_container(const std::string& id, timeout t, status_callback cb) = 0;
  /// Sends SIGTERM, then SIGKILL after `grace` (whole seconds, rounded up; 0 = at once).
  virtual void stop_container(const std::string& id, timeout grace, status_callback cb) = 0;
  virtual void remove_container(const std::string& id, timeout t, status_callback cb) = 0;
  virtual void list_containers(const container_filter& f, timeout t,
                               callback<std::vector<container_info>> cb) = 0;
  virtual void container_status(const std::string& id, timeout t,
                                callback<runtime::container_status> cb) = 0;
  virtual void update_container_resources(const std::string& id, const linux_resources& r,
                                          timeout t, status_callback cb) = 0;
  virtual void reopen_container_log(const std::string& id, timeout t, status_callback cb) = 0;
  /// Runs `cmd` in the container; a non-zero exit is a value, not an error. A command that cannot
  /// start (missing binary) is an error (code unknown), as is passing `exec_timeout`
  /// (deadline_exceeded). Both mean "probe failed" to a prober.
  virtual void exec_sync(const std::string& id, const std::vector<std::string>& cmd,
                         timeout exec_timeout, callback<exec_result> cb) = 0;
  virtual void container_stats(const std::string& id, timeout t,
                               callback<runtime::container_stats> cb) = 0;
  virtual void list_container_stats(const container_filter& f, timeout t,
                                    callback<std::vector<runtime::container_stats>> cb) = 0;

  // -- images --
  /// The image reference it resolved to ("sha256:..."). Failure: not_found when the registry
  /// does not have the image, another code when it could not be asked.
  virtual void pull_image(const std::string& image, timeout t, callback<std::string> cb) = 0;
  /// No value when the image is not present.
  virtual void image_status(const std::string& image, timeout t,
                            callback<std::optional<image_info>> cb) = 0;
  virtual void list_images(timeout t, callback<std::vector<image_info>> cb) = 0;
  virtual void remove_image(const std::string& image, timeout t, status_callback cb) = 0;
};

} // namespace troupe::node_agent::runtime
