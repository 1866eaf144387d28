#include "cli/manifest_loop.hpp"

namespace troupe::cli {

int for_each_manifest(session& s, const std::string& verb, const manifest_action& each) {
  auto manifests = read_manifests(s.flags.all("filename"), s.io.in, s.flags.is_set("recursive"));
  if (!manifests.ok())
    return s.fail(manifests.error);
  if (manifests.objects.empty())
    return s.fail("no objects passed to " + verb);
  api_client* api = s.discovered_api();
  if (!api)
    return 1;
  int rc = 0;
  for (const auto& m : manifests.objects) {
    auto t = target_of(api->resources(), m.object, s.namespace_(), s.namespace_explicit(), m.source);
    rc |= t.error.empty() ? each(*api, t, m) : s.fail(t.error);
  }
  return rc;
}

} // namespace troupe::cli
