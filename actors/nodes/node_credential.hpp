#pragma once
// Node credentials (node_join.hpp): a join hands the node a fresh random credential; the server
// keeps only its SHA-256, as hex, in <nodes-dir>/<node name>.credential (mode 0600), and
// register_atom checks what the node presents against it. CAF-free; nothing here logs a secret.

#include <string>

namespace troupe::nodes {

/// 32 random bytes as 64 hex digits; "" if the system has no randomness.
std::string new_node_credential();

/// SHA-256 of `credential`, 64 lower-case hex digits.
std::string credential_digest(const std::string& credential);

/// `presented` hashes to `stored_digest` (the file's text; surrounding whitespace ignored).
/// Constant time in where they differ; an empty credential or digest never matches.
bool credential_matches(const std::string& stored_digest, const std::string& presented);

/// <nodes_dir>/<node_name>.credential. `node_name` must be a DNS-1123 subdomain (checked by the
/// callers), so it never leaves the directory.
std::string credential_path(const std::string& nodes_dir, const std::string& node_name);

/// Writes the digest of `credential` for `node_name` (atomically, mode 0600), replacing an
/// earlier one. "" on success, else why.
std::string store_node_credential(const std::string& nodes_dir, const std::string& node_name,
                                  const std::string& credential);

/// Checks `presented` for `node_name` against its stored digest. "" when it matches, else why it
/// is refused (no secret in it): "unknown node", "invalid node name", "wrong credential".
std::string check_node_credential(const std::string& nodes_dir, const std::string& node_name,
                                  const std::string& presented);

} // namespace troupe::nodes
