#pragma once
// pod_start's troupe half: a real troupe-server (temp data dir, free loopback ports) and one
// troupe-node (--runtime cri against the benchmark's containerd, --profile default), both found
// next to the benchmark binary (<build>/actors/troupe-server, <build>/node-agent/troupe-node).
// start() waits for the Node to be Ready and opens the pod watch (pod_start_watch.hpp) before any
// pod exists. run() creates pods in namespace "bench" (busybox:1.30 `sleep 3600`, spec.nodeName =
// the node, imagePullPolicy IfNotPresent) with `workers` clients; a pod's latency is from just
// before its POST to the watch event showing it Running with its container running. Each worker
// creates its next pod only after the previous one was seen Running. delete_pods() deletes what
// run() created and waits for every DELETED event. stop() (and the destructor) stop the node and
// then the server by PID.

#include <map>
#include <memory>
#include <string>
#include <sys/types.h>
#include <vector>

#include "benchmarks/pod_start_common.hpp"
#include "benchmarks/pod_start_watch.hpp"
#include "tests/support/node_process.hpp"
#include "tests/support/server_process.hpp"

namespace troupe::bench {

struct troupe_options {
  std::string cri_socket;     // absolute path of containerd's socket
  std::string node_ip;        // the pod bridge's gateway
  std::string cgroup_parent;  // /troupe-<bridge>: pods go under it, containerd-node stop removes it
  std::string node_name = "bench-node";
};

class troupe_cluster {
public:
  explicit troupe_cluster(troupe_options options);
  ~troupe_cluster();
  troupe_cluster(const troupe_cluster&) = delete;
  troupe_cluster& operator=(const troupe_cluster&) = delete;

  /// Server up, namespace "bench", node joined and Ready, the watch open. false + `why` otherwise.
  bool start(std::string* why);
  /// Pods <prefix>-<first> .. <prefix>-<first+count-1> by `workers` clients (see above), added to
  /// `out` (parts: post, watch_added, first_status = the node's first status write as seen by
  /// the watch).
  void run(int first, int count, int workers, const std::string& prefix, mode_result* out);
  /// Splits the latency of the pods run() made since the last delete_pods() by containerd's log
  /// (pod_start_cri_log.hpp) into parts of `out`: to_sandbox (POST -> RunPodSandbox begins),
  /// cri_calls (the three calls, as containerd timed them), between_calls (Troupe's gaps between
  /// them), to_running (StartContainer returned -> Running seen by the watch).
  void add_cri_breakdown(const std::string& containerd_log, mode_result* out) const;
  /// Deletes the pods run() created and waits for their DELETED events; false + `why` on timeout.
  bool delete_pods(std::string* why);
  /// Stops the node, then the server (SIGTERM, SIGKILL after a grace); idempotent.
  void stop();

  pid_t server_pid() const { return server_.pid; }
  pid_t node_pid() const { return node_ ? node_->pid : -1; }
  /// The last lines of the node's and the server's logs (for failure messages).
  std::string log_tails() const;

private:
  bool wait_node_ready(std::string* why);
  http::client_options client_options() const;

  troupe_options options_;
  testing::server_process server_{"troupe-pod-start-api"};
  std::unique_ptr<testing::node_process> node_;
  std::unique_ptr<pod_watch> watch_;
  std::vector<std::string> created_;
  std::map<std::string, pod_times> times_;  // of the pods that came up, since delete_pods()
};

} // namespace troupe::bench
