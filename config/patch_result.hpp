#pragma once
// The outcome of applying a PATCH body to a JSON object tree: the patched tree, or a patch_error.
// Patch functions never throw; every failure, including a malformed patch document, is a value.

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>

namespace troupe::config {

struct patch_error {
  enum class kind {
    malformed,       // the patch document itself is wrong (HTTP 400 upstream)
    does_not_apply,  // a well-formed patch that cannot be applied to this object (HTTP 422)
  };
  kind type = kind::does_not_apply;
  std::string message;

  static patch_error malformed(std::string m) { return {kind::malformed, std::move(m)}; }
  static patch_error does_not_apply(std::string m) { return {kind::does_not_apply, std::move(m)}; }
};

class patch_result {
public:
  patch_result(nlohmann::json doc) : doc_(std::move(doc)) {}  // NOLINT: implicit on purpose
  patch_result(patch_error err) : error_(std::move(err)) {}   // NOLINT: implicit on purpose

  bool ok() const { return !error_.has_value(); }
  /// The patched document; only meaningful when ok().
  const nlohmann::json& value() const& { return doc_; }
  nlohmann::json&& value() && { return std::move(doc_); }
  /// Why the patch failed; only meaningful when !ok().
  const patch_error& error() const { return *error_; }

private:
  nlohmann::json doc_;
  std::optional<patch_error> error_;
};

} // namespace troupe::config
