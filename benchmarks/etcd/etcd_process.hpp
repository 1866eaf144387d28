#pragma once
// Runs a private single-member etcd for a benchmark: on 127.0.0.1 with free ports, its data in a
// fresh temporary directory, stopped by PID and the directory removed when the object goes away.
// etcd keeps its default of syncing every write (no --unsafe-no-fsync): that is the durable
// baseline the store is compared with.

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>

namespace troupe::benchmarks::etcd {

struct process_options {
  std::string binary = "/usr/bin/etcd";
  std::string temp_parent; // where the data directory goes; empty: $TMPDIR or /tmp
  std::chrono::milliseconds ready_timeout{20000};
};

class process {
public:
  /// Starts etcd and waits until it answers a Range. On failure returns null and sets `error`
  /// (with the tail of etcd's log when it printed one); nothing is left running or on disk.
  static std::unique_ptr<process> start(const process_options& options, std::string& error);
  ~process();
  process(const process&) = delete;
  process& operator=(const process&) = delete;

  /// host:port of the client URL, for gRPC.
  std::string endpoint() const { return "127.0.0.1:" + std::to_string(client_port_); }
  pid_t pid() const { return pid_; }
  const std::string& data_dir() const { return data_dir_; }
  /// SIGTERM, then SIGKILL after a grace period; removes the temporary directory.
  void stop();

private:
  process() = default;
  std::string log_tail() const;

  pid_t pid_ = -1;
  int client_port_ = 0;
  int peer_port_ = 0;
  std::string temp_dir_;
  std::string data_dir_;
};

} // namespace troupe::benchmarks::etcd
