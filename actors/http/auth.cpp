#include "actors/http/auth.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>

namespace troupe::http {

namespace {

std::array<unsigned char, 32> digest(std::string_view s) {
  std::array<unsigned char, 32> out{};
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), out.data());
  return out;
}

} // namespace

bearer_auth::bearer_auth(const std::vector<std::string>& tokens,
                         std::vector<std::string> exempt_paths)
  : exempt_paths_(std::move(exempt_paths)) {
  for (const auto& t : tokens)
    if (!t.empty())
      digests_.push_back(digest(t));
}

std::vector<std::string> bearer_auth::default_exempt_paths() {
  return {"/version", "/healthz", "/readyz", "/livez"};
}

bool bearer_auth::is_exempt(const std::string& path) const {
  return std::find(exempt_paths_.begin(), exempt_paths_.end(), path) != exempt_paths_.end();
}

bool bearer_auth::accepts(std::string_view token) const {
  if (token.empty())
    return false;
  auto d = digest(token);
  // No early exit: the time taken does not depend on which token (if any) matched.
  int matched = 0;
  for (const auto& known : digests_)
    matched |= CRYPTO_memcmp(known.data(), d.data(), d.size()) == 0 ? 1 : 0;
  return matched != 0;
}

bool bearer_auth::allows(const request& req) const {
  if (is_exempt(req.path))
    return true;
  auto header = req.headers.get("Authorization");
  if (!header)
    return false;
  // The scheme name is case-insensitive (RFC 7235); exactly one space follows it in practice.
  constexpr std::string_view scheme = "Bearer ";
  if (header->size() <= scheme.size() || !iequals(header->substr(0, scheme.size()), scheme))
    return false;
  return accepts(header->substr(scheme.size()));
}

authenticator bearer_auth::as_authenticator() const {
  return [self = *this](const request& req) { return self.allows(req); };
}

response unauthorized_response() {
  return response::status_error(401, "Unauthorized", "Unauthorized");
}

} // namespace troupe::http
