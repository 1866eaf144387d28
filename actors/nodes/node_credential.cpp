#include "actors/nodes/node_credential.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include "config/label_syntax.hpp"

namespace troupe::nodes {

namespace {

std::string hex(const unsigned char* bytes, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out += digits[bytes[i] >> 4];
    out += digits[bytes[i] & 15];
  }
  return out;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos)
    return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

} // namespace

std::string new_node_credential() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1)
    return {};
  return hex(bytes, sizeof bytes);
}

std::string credential_digest(const std::string& credential) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(credential.data()), credential.size(), d);
  return hex(d, sizeof d);
}

bool credential_matches(const std::string& stored_digest, const std::string& presented) {
  const auto want = trim(stored_digest);
  if (presented.empty() || want.size() != 2 * SHA256_DIGEST_LENGTH)
    return false;
  const auto got = credential_digest(presented);
  return CRYPTO_memcmp(want.data(), got.data(), got.size()) == 0;
}

std::string credential_path(const std::string& nodes_dir, const std::string& node_name) {
  return nodes_dir + "/" + node_name + ".credential";
}

std::string store_node_credential(const std::string& nodes_dir, const std::string& node_name,
                                  const std::string& credential) {
  if (!config::dns1123_subdomain_problems(node_name).empty())
    return "invalid node name";
  const auto path = credential_path(nodes_dir, node_name);
  const auto tmp = path + ".tmp";
  const auto text = credential_digest(credential) + "\n";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return path + ": cannot write: " + std::strerror(errno);
  bool ok = ::fchmod(fd, 0600) == 0 &&
            ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  int saved = errno;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    saved = ok ? errno : saved;
    ::unlink(tmp.c_str());
    return path + ": cannot write: " + std::strerror(saved);
  }
  return {};
}

std::string check_node_credential(const std::string& nodes_dir, const std::string& node_name,
                                  const std::string& presented) {
  if (!config::dns1123_subdomain_problems(node_name).empty())
    return "invalid node name";
  std::ifstream in(credential_path(nodes_dir, node_name));
  if (!in)
    return "unknown node (it has not joined)";
  std::ostringstream text;
  text << in.rdbuf();
  return credential_matches(text.str(), presented) ? std::string{} : "wrong credential";
}

} // namespace troupe::nodes
