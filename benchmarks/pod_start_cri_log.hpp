#pragma once
// When containerd ran each CRI call of a pod, read from its own log (level info): the lines
//   time="2026-11-27T14:48:47.126204759Z" level=info msg="RunPodSandbox for &PodSandboxMetadata{Name:s-27,...}"
//   ... msg="RunPodSandbox for &PodSandboxMetadata{Name:s-27,...} returns sandbox id \"<sid>\""
//   ... msg="CreateContainer within sandbox \"<sid>\" for container &ContainerMetadata{...}"
//   ... msg="CreateContainer within sandbox \"<sid>\" for &ContainerMetadata{...} returns container id \"<cid>\""
//   ... msg="StartContainer for \"<cid>\""
//   ... msg="StartContainer for \"<cid>\" returns successfully"
// give, per pod (sandbox) name, the begin and end of its three calls in Unix ns. With the
// benchmark's own moments (unix_ns) this splits Troupe's latency into what containerd spent in
// the calls and what Troupe spent around them. Pure; the parser is tolerant of other lines.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace troupe::bench {

struct cri_calls {
  int64_t sandbox_begin = 0, sandbox_end = 0;
  int64_t create_begin = 0, create_end = 0;
  int64_t start_begin = 0, start_end = 0;
  /// Every call began and ended.
  bool complete() const {
    return sandbox_begin && sandbox_end && create_begin && create_end && start_begin && start_end;
  }
};

/// Unix ns of a `time="...Z"` stamp (RFC 3339, UTC, up to 9 fraction digits); 0 if malformed.
int64_t parse_log_time(std::string_view stamp);

/// The calls per sandbox name in containerd's log text (the last sandbox of a name wins).
std::map<std::string, cri_calls> parse_cri_log(std::string_view log);

} // namespace troupe::bench
