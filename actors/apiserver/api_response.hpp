#pragma once
// What a resource operation answers: an HTTP status and a JSON body (an object, a list or a
// meta.v1 Status), plus warnings for the `Warning` header (unknown fields in Warn mode).
// Failures are built by actors/api/status_errors.hpp; this only carries them.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "actors/api/status_errors.hpp"

namespace troupe::apiserver {

struct api_response {
  int code = 200;
  nlohmann::json body;
  std::vector<std::string> warnings;

  api_response() = default;
  api_response(api::api_status s) : code(s.code), body(std::move(s.body)) {} // NOLINT: implicit
  bool ok() const { return code >= 200 && code < 300; }
};

} // namespace troupe::apiserver
