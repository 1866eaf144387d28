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
// the calls and what Troupe spent around them. Pure and header-only (tests/benchmarks test it);
// lines it does not know are skipped.

#include <cstdint>
#include <ctime>
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

namespace cri_log_detail {

/// The text between `open` and the next `close` after position `from` in `s`; "" if absent.
inline std::string_view between(std::string_view s, std::string_view open, std::string_view close, size_t from = 0) {
  const auto a = s.find(open, from);
  if (a == std::string_view::npos)
    return {};
  const auto b = s.find(close, a + open.size());
  if (b == std::string_view::npos)
    return {};
  return s.substr(a + open.size(), b - a - open.size());
}

inline int digits(std::string_view s, size_t at, size_t n) {
  int v = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (i >= s.size() || s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

inline bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

} // namespace cri_log_detail

/// Unix ns of a `time="...Z"` stamp (RFC 3339, UTC, up to 9 fraction digits); 0 if malformed.
inline int64_t parse_log_time(std::string_view t) {
  using namespace cri_log_detail;
  // 2026-11-27T14:48:47.126204759Z
  if (t.size() < 20 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':' || t.back() != 'Z')
    return 0;
  std::tm tm{};
  tm.tm_year = digits(t, 0, 4) - 1900;
  tm.tm_mon = digits(t, 5, 2) - 1;
  tm.tm_mday = digits(t, 8, 2);
  tm.tm_hour = digits(t, 11, 2);
  tm.tm_min = digits(t, 14, 2);
  tm.tm_sec = digits(t, 17, 2);
  if (tm.tm_year < 0 || tm.tm_mon < 0 || tm.tm_mday < 0 || tm.tm_hour < 0 || tm.tm_min < 0 || tm.tm_sec < 0)
    return 0;
  int64_t ns = 0;
  if (t[19] == '.') {
    int64_t scale = 100000000;
    for (size_t i = 20; i + 1 < t.size() && scale > 0; ++i, scale /= 10) {
      if (t[i] < '0' || t[i] > '9')
        return 0;
      ns += (t[i] - '0') * scale;
    }
  } else if (t.size() != 20) {
    return 0;
  }
  return static_cast<int64_t>(::timegm(&tm)) * 1000000000 + ns;
}

/// The calls per sandbox name in containerd's log text (the last sandbox of a name wins).
inline std::map<std::string, cri_calls> parse_cri_log(std::string_view log) {
  using namespace cri_log_detail;
  std::map<std::string, cri_calls> pods;
  std::map<std::string, std::string, std::less<>> pod_of_sandbox, sandbox_of_container;
  size_t pos = 0;
  while (pos < log.size()) {
    auto eol = log.find('\n', pos);
    if (eol == std::string_view::npos)
      eol = log.size();
    const auto line = log.substr(pos, eol - pos);
    pos = eol + 1;
    // The message runs to the line's end for these calls; quotes inside it are escaped as \".
    const auto msg_at = line.find("msg=\"");
    if (msg_at == std::string_view::npos)
      continue;
    const auto full = line.substr(msg_at + 5);
    const int64_t at = parse_log_time(between(line, "time=\"", "\""));
    if (!at)
      continue;
    if (full.rfind("RunPodSandbox for &PodSandboxMetadata{Name:", 0) == 0) {
      const std::string name(between(full, "{Name:", ","));
      auto sid = between(full, "returns sandbox id \\\"", "\\\"");
      if (sid.empty()) {
        pods[name] = cri_calls{};
        pods[name].sandbox_begin = at;
      } else {
        pods[name].sandbox_end = at;
        pod_of_sandbox[std::string(sid)] = name;
      }
    } else if (full.rfind("CreateContainer within sandbox \\\"", 0) == 0) {
      const auto sid = between(full, "sandbox \\\"", "\\\"");
      auto it = pod_of_sandbox.find(sid);
      if (it == pod_of_sandbox.end())
        continue;
      auto cid = between(full, "returns container id \\\"", "\\\"");
      if (cid.empty()) {
        pods[it->second].create_begin = at;
      } else {
        pods[it->second].create_end = at;
        sandbox_of_container[std::string(cid)] = it->second;
      }
    } else if (full.rfind("StartContainer for \\\"", 0) == 0) {
      const auto cid = between(full, "for \\\"", "\\\"");
      auto it = sandbox_of_container.find(cid);
      if (it == sandbox_of_container.end())
        continue;
      auto& c = pods[it->second];
      if (ends_with(line, "returns successfully\""))
        c.start_end = at;
      else if (ends_with(line, "\\\"\""))
        c.start_begin = at;
    }
  }
  return pods;
}


} // namespace troupe::bench
