#pragma once
// A meta.v1 LabelSelector as text, the form labelSelector= takes and describe prints:
//   {"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"In","values":["a","b"]}]}
//   -> "app=web,tier in (a,b)"   (NotIn -> "k notin (a,b)", Exists -> "k", DoesNotExist -> "!k")
// An empty or missing selector gives "" (describe prints "<none>").

#include <nlohmann/json.hpp>

#include <string>

namespace troupe::cli {

std::string selector_text(const nlohmann::json& selector);

/// A map selector (Service spec.selector): "app=web,tier=front", sorted by key.
std::string map_selector_text(const nlohmann::json& labels);

} // namespace troupe::cli
