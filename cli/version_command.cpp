// `troupe version`: the client's version and, unless --client, the server's /version.
#include <ostream>

#include "cli/commands.hpp"
#include "cli/object_output.hpp"

namespace troupe::cli {

using nlohmann::json;

namespace {

constexpr const char* client_git_version = "v1.32.0-troupe.0.1.0";

int run_version(session& s) {
  std::string output = s.flags.get("output");
  if (!output.empty() && output != "yaml" && output != "json")
    return s.fail("--output must be 'yaml' or 'json'");
  // kubectl prints Go structs: fields in declaration order, JSON indented by two.
  nlohmann::ordered_json client = {{"major", "1"}, {"minor", "32"}, {"gitVersion", client_git_version},
                                   {"platform", "linux/amd64"}};
  nlohmann::ordered_json doc = {{"clientVersion", client}};
  nlohmann::ordered_json server;
  int rc = 0;
  if (!s.flags.is_set("client")) {
    if (api_client* api = s.api()) {
      auto r = api->get("/version");
      if (r.ok())
        server = nlohmann::ordered_json::parse(r.text);
      else
        rc = s.fail(r);
    } else {
      rc = 1;
    }
  }
  if (!server.is_null())
    doc["serverVersion"] = server;
  if (output == "json") {
    s.io.out << doc.dump(2) << "\n";
    return rc;
  }
  if (output == "yaml") {
    s.io.out << render_object(json::parse(doc.dump()), output);
    return rc;
  }
  s.io.out << "Client Version: " << client_git_version << "\n";
  if (!server.is_null())
    s.io.out << "Server Version: " << server.value("gitVersion", std::string()) << "\n";
  return rc;
}

} // namespace

command_def version_command_def() {
  return {"version", "version [flags]", "Print the client and server version information",
          {{"client", 0, false}, {"output", 'o'}}, run_version};
}

} // namespace troupe::cli
