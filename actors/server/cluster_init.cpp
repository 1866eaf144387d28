#include "actors/server/cluster_init.hpp"

#include "actors/server/admin_kubeconfig.hpp"
#include "actors/server/pki.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace troupe::server {

namespace fs = std::filesystem;

namespace {

constexpr int ca_days = 3650;
constexpr int server_days = 365;
constexpr std::time_t renew_before = 30 * 24 * 3600;

bool is_wildcard(const std::string& host) {
  return host == "0.0.0.0" || host == "::" || host == "*";
}

bool exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

std::string read_text(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return path + ": cannot read: " + std::strerror(errno);
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad())
    return path + ": cannot read";
  out = buf.str();
  return {};
}

// Writes through a temporary file and a rename, so a crash leaves the old file or the new one.
std::string write_file(const std::string& path, const std::string& text, mode_t mode) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0)
    return path + ": cannot write: " + std::strerror(errno);
  bool ok = ::fchmod(fd, mode) == 0;  // the umask may have narrowed or the file pre-existed
  for (size_t done = 0; ok && done < text.size();) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    ok = n > 0;
    if (ok)
      done += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  int saved = errno;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    saved = ok ? errno : saved;
    ::unlink(tmp.c_str());
    return path + ": cannot write: " + std::strerror(saved);
  }
  return {};
}

std::string make_dir(const std::string& dir, bool private_dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return dir + ": cannot create directory: " + ec.message();
  if (private_dir) {
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    if (ec)
      return dir + ": cannot restrict permissions: " + ec.message();
  }
  return {};
}

std::string parent_of(const std::string& path) {
  auto parent = fs::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

// Loads the CA, or creates it when neither file exists.
std::string ensure_ca(const cluster_paths& p, cert_and_key& ca, bool& created) {
  const bool have_cert = exists(p.ca_cert);
  const bool have_key = exists(p.ca_key);
  if (have_cert != have_key) {
    const auto& present = have_cert ? p.ca_cert : p.ca_key;
    const auto& missing = have_cert ? p.ca_key : p.ca_cert;
    return missing + ": missing, but " + present +
           " exists; restore it, or remove both to create a new CA";
  }
  if (!have_cert) {
    if (auto err = make_ca("troupe-ca", ca_days, ca); !err.empty())
      return "cannot create the cluster CA: " + err;
    if (auto err = write_file(p.ca_key, ca.key, 0600); !err.empty())
      return err;
    created = true;
    return write_file(p.ca_cert, ca.cert, 0644);
  }
  if (auto err = read_text(p.ca_cert, ca.cert); !err.empty())
    return err;
  if (auto err = read_text(p.ca_key, ca.key); !err.empty())
    return err;
  if (auto err = check_cert(ca.cert); !err.empty())
    return p.ca_cert + ": " + err;
  if (auto err = check_cert_and_key(ca); !err.empty())
    return p.ca_key + ": " + err;
  return {};
}

// Keeps a server certificate that verifies for every SAN until 30 days from now; else issues one.
std::string ensure_server_cert(const cluster_paths& p, const cert_and_key& ca,
                               const std::vector<std::string>& sans, std::time_t now,
                               bool& issued) {
  if (exists(p.server_cert) && exists(p.server_key)) {
    cert_and_key current;
    if (auto err = read_text(p.server_cert, current.cert); !err.empty())
      return err;
    if (auto err = read_text(p.server_key, current.key); !err.empty())
      return err;
    if (auto err = check_cert(current.cert); !err.empty())
      return p.server_cert + ": " + err;
    if (auto err = check_cert_and_key(current); !err.empty())
      return p.server_key + ": " + err;
    bool usable = true;
    for (const auto& san : sans)
      usable = usable && verify_server_cert(ca.cert, current.cert, san, now + renew_before).empty();
    if (usable)
      return {};
  }
  cert_and_key fresh;
  if (auto err = make_server_cert(ca, "troupe-apiserver", sans, server_days, fresh); !err.empty())
    return "cannot issue the server certificate: " + err;
  if (auto err = write_file(p.server_key, fresh.key, 0600); !err.empty())
    return err;
  issued = true;
  return write_file(p.server_cert, fresh.cert, 0644);
}

std::string ensure_token(const std::string& path, std::string& token, bool& created) {
  if (exists(path)) {
    std::string text;
    if (auto err = read_text(path, text); !err.empty())
      return err;
    auto end = text.find_last_not_of(" \t\r\n");
    token = end == std::string::npos ? std::string{} : text.substr(0, end + 1);
    auto begin = token.find_first_not_of(" \t\r\n");
    token = begin == std::string::npos ? std::string{} : token.substr(begin);
    if (token.empty())
      return path + ": empty token file";
    for (unsigned char c : token)
      if (c < 0x21 || c > 0x7e)
        return path + ": the token must be one line of printable characters";
    return {};
  }
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1)
    return "cannot generate the admin token: no randomness";
  static const char* digits = "0123456789abcdef";
  token.clear();
  for (unsigned char b : bytes) {
    token += digits[b >> 4];
    token += digits[b & 15];
  }
  created = true;
  return write_file(path, token + "\n", 0600);
}

// kubeadm's bootstrap token: 6 + 16 characters of [a-z0-9], from unbiased random bytes.
std::string ensure_join_token(const std::string& path, std::string& token, bool& created) {
  if (exists(path)) {
    std::string text;
    if (auto err = read_text(path, text); !err.empty())
      return err;
    auto end = text.find_last_not_of(" \t\r\n");
    token = end == std::string::npos ? std::string{} : text.substr(0, end + 1);
    if (!is_join_token(token))
      return path + ": not a join token (expected the form [a-z0-9]{6}.[a-z0-9]{16})";
    return {};
  }
  static const char* alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  token.clear();
  while (token.size() < 23) {
    if (token.size() == 6) {
      token += '.';
      continue;
    }
    unsigned char b = 0;
    if (RAND_bytes(&b, 1) != 1)
      return "cannot generate the join token: no randomness";
    if (b >= 252)  // 252 = 7 * 36: dropping the rest keeps every character equally likely
      continue;
    token += alphabet[b % 36];
  }
  created = true;
  return write_file(path, token + "\n", 0600);
}

} // namespace

bool is_join_token(const std::string& token) {
  if (token.size() != 23 || token[6] != '.')
    return false;
  for (size_t i = 0; i < token.size(); ++i)
    if (i != 6 && !((token[i] >= 'a' && token[i] <= 'z') || (token[i] >= '0' && token[i] <= '9')))
      return false;
  return true;
}

cluster_paths paths_for(const server_config& config) {
  server_config c = config;
  resolve_defaults(c);
  cluster_paths p;
  p.tls_dir = c.tls_dir;
  p.ca_cert = c.tls_dir + "/ca.crt";
  p.ca_key = c.tls_dir + "/ca.key";
  p.server_cert = c.tls_dir + "/server.crt";
  p.server_key = c.tls_dir + "/server.key";
  p.token_file = c.token_file;
  p.kubeconfig = c.kubeconfig_path();
  p.join_token_file = c.data_dir + "/join-token";
  p.nodes_dir = c.data_dir + "/nodes";
  return p;
}

std::string server_url(const server_config& config) {
  host_port address = config.api_address;
  if (is_wildcard(address.host))
    address.host = "127.0.0.1";
  return "https://" + address.to_string();
}

std::vector<std::string> server_sans(const server_config& config) {
  std::vector<std::string> sans = {"localhost", "127.0.0.1"};
  auto add = [&](const std::string& name) {
    if (!name.empty() && std::find(sans.begin(), sans.end(), name) == sans.end())
      sans.push_back(name);
  };
  if (!is_wildcard(config.api_address.host))
    add(config.api_address.host);
  for (const auto& san : config.tls_sans)
    add(san);
  return sans;
}

cluster_init_result init_cluster(const server_config& config, std::time_t now) {
  cluster_init_result out;
  out.paths = paths_for(config);
  out.server_url = server_url(config);
  const auto& p = out.paths;
  for (auto [dir, private_dir] : {std::pair{config.data_dir, false}, std::pair{p.tls_dir, true},
                                  std::pair{parent_of(p.token_file), false},
                                  std::pair{p.nodes_dir, true}})
    if (auto err = make_dir(dir, private_dir); !err.empty()) {
      out.error = err;
      return out;
    }
  cert_and_key ca;
  out.error = ensure_ca(p, ca, out.created_ca);
  if (out.error.empty())
    out.error = ensure_server_cert(p, ca, server_sans(config), now, out.issued_server_cert);
  if (out.error.empty())
    out.error = ensure_token(p.token_file, out.token, out.created_token);
  if (out.error.empty())
    out.error = ensure_join_token(p.join_token_file, out.join_token, out.created_join_token);
  if (out.error.empty())
    out.error = write_file(p.kubeconfig, render_admin_kubeconfig(out.server_url, ca.cert, out.token),
                           0600);
  return out;
}

} // namespace troupe::server
