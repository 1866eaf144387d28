#pragma once
// Kubernetes' $(VAR) expansion (third_party/forked/golang/expansion), used for a container's
// command, args and env values.
//
// Contract, as upstream:
// - "$(NAME)" is replaced by NAME's value when `lookup` knows it; otherwise it stays "$(NAME)".
// - "$$" is an escaped "$": "$$(NAME)" yields "$(NAME)" unexpanded.
// - A "$" followed by anything else, a trailing "$", and an unterminated "$(" are kept as written.

#include <functional>
#include <optional>
#include <string>

namespace troupe::node_agent::pod {

using var_lookup = std::function<std::optional<std::string>(const std::string& name)>;

std::string expand_vars(const std::string& input, const var_lookup& lookup);

} // namespace troupe::node_agent::pod
