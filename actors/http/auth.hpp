#pragma once
// Bearer-token authentication, the check the server runs before any handler sees a request.
// - A request passes if its path is exempt (/version, /healthz, /readyz, /livez by default) or it
//   carries "Authorization: Bearer <t>" with t one of the accepted tokens.
// - Tokens are compared in constant time (SHA-256 of both sides, then CRYPTO_memcmp, over every
//   accepted token), so neither length nor content leaks through timing.
// - Nothing here logs; a token never leaves this object.
// unauthorized_response() is the 401 kube-apiserver sends, which kubectl prints as
// "error: You must be logged in to the server (Unauthorized)".

#include <array>
#include <functional>
#include <string>
#include <vector>

#include "actors/http/message.hpp"

namespace troupe::http {

/// Decides whether a request may reach the handler; runs on an io thread, must not block.
using authenticator = std::function<bool(const request&)>;

class bearer_auth {
public:
  explicit bearer_auth(const std::vector<std::string>& tokens,
                       std::vector<std::string> exempt_paths = default_exempt_paths());

  static std::vector<std::string> default_exempt_paths();

  bool allows(const request& req) const;
  bool is_exempt(const std::string& path) const;
  /// The token is accepted (constant time in the token's content and length).
  bool accepts(std::string_view token) const;

  /// As a server_options::authenticate callback (copies this object).
  authenticator as_authenticator() const;

private:
  std::vector<std::array<unsigned char, 32>> digests_;
  std::vector<std::string> exempt_paths_;
};

response unauthorized_response();

} // namespace troupe::http
