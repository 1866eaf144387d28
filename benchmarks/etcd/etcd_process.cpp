#include "benchmarks/etcd/etcd_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "benchmarks/etcd/etcd_client.hpp"

namespace troupe::benchmarks::etcd {

namespace {

// A port the kernel just handed out on loopback. Another process could take it before etcd binds
// it; start() then fails with etcd's bind error in the log, which is rare and visible.
int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

std::string make_temp_dir(const std::string& parent) {
  std::string base = parent;
  if (base.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    base = tmp && *tmp ? tmp : "/tmp";
  }
  std::string pattern = base + "/troupe-etcd-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data()))
    return {};
  return buf.data();
}

bool exited(pid_t pid, int& status) { return ::waitpid(pid, &status, WNOHANG) == pid; }

} // namespace

std::unique_ptr<process> process::start(const process_options& options, std::string& error) {
  std::unique_ptr<process> p(new process());
  p->temp_dir_ = make_temp_dir(options.temp_parent);
  if (p->temp_dir_.empty()) {
    error = std::string("cannot create a temporary directory: ") + std::strerror(errno);
    return nullptr;
  }
  p->data_dir_ = p->temp_dir_ + "/data";
  p->client_port_ = free_port();
  p->peer_port_ = free_port();
  if (p->client_port_ == 0 || p->peer_port_ == 0) {
    error = "cannot find a free port on 127.0.0.1";
    return nullptr;
  }
  const std::string client_url = "http://" + p->endpoint();
  const std::string peer_url = "http://127.0.0.1:" + std::to_string(p->peer_port_);
  std::vector<std::string> args = {options.binary,
                                   "--name=bench",
                                   "--data-dir=" + p->data_dir_,
                                   "--listen-client-urls=" + client_url,
                                   "--advertise-client-urls=" + client_url,
                                   "--listen-peer-urls=" + peer_url,
                                   "--initial-advertise-peer-urls=" + peer_url,
                                   "--initial-cluster=bench=" + peer_url,
                                   "--initial-cluster-state=new",
                                   "--logger=zap",
                                   "--log-outputs=stderr"};
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string log_path = p->temp_dir_ + "/etcd.log";

  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    error = std::string("fork: ") + std::strerror(errno);
    return nullptr;
  }
  if (pid == 0) {
    // Die with the benchmark even if it crashes before stop().
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent)
      ::_exit(127);
    int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::close(fd);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  p->pid_ = pid;

  client probe(p->endpoint());
  auto deadline = std::chrono::steady_clock::now() + options.ready_timeout;
  while (!probe.ping(std::chrono::milliseconds(500))) {
    int status = 0;
    if (exited(pid, status)) {
      p->pid_ = -1;
      if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        error = "cannot execute " + options.binary;
      else if (WIFEXITED(status))
        error = "etcd exited during startup with code " + std::to_string(WEXITSTATUS(status)) +
                ": " + p->log_tail();
      else
        error = "etcd was killed during startup by signal " + std::to_string(WTERMSIG(status)) +
                ": " + p->log_tail();
      return nullptr;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      error = "etcd did not answer within the startup timeout: " + p->log_tail();
      return nullptr;
    }
  }
  return p;
}

process::~process() { stop(); }

void process::stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!exited(pid_, status)) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    pid_ = -1;
  }
  if (!temp_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(temp_dir_, ec);
    temp_dir_.clear();
  }
}

std::string process::log_tail() const {
  std::ifstream in(temp_dir_ + "/etcd.log");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string log = ss.str();
  return log.size() > 2000 ? "..." + log.substr(log.size() - 2000) : log;
}

} // namespace troupe::benchmarks::etcd
