#pragma once
// The loop the -f verbs share (create, apply, replace): read the manifests named by -f (files,
// directories, "-" for stdin, --recursive), resolve each object's resource and namespace through
// discovery, and hand those that resolve to the verb. Errors print as kubectl prints them and do not
// stop the loop; the result ORs the exit codes.

#include <functional>
#include <string>

#include "cli/api_client.hpp"
#include "cli/manifest_source.hpp"
#include "cli/object_target.hpp"
#include "cli/session.hpp"

namespace troupe::cli {

using manifest_action = std::function<int(api_client& api, const object_target& target, const manifest_object& m)>;

/// `verb` completes kubectl's "no objects passed to <verb>".
int for_each_manifest(session& s, const std::string& verb, const manifest_action& each);

} // namespace troupe::cli
