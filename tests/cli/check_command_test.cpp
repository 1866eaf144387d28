// `troupe check`: manifests in, defaulted objects or errors out, with kubectl-like exit codes.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/check_command.hpp"

using troupe::cli::check_command;

namespace {

struct run_result {
  int code;
  std::string out, err;
};

run_result run(std::vector<std::string> args, const std::string& stdin_text = {}) {
  std::istringstream in(stdin_text);
  std::ostringstream out, err;
  int code = check_command(args, in, out, err);
  return {code, out.str(), err.str()};
}

} // namespace

TEST_CASE("troupe check prints defaulted objects", "[unit][cli]") {
  auto r = run({"-f", "-"}, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: c, image: busybox}\n");
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("restartPolicy: Always") != std::string::npos);
  CHECK(r.out.find("imagePullPolicy: Always") != std::string::npos); // no tag means :latest
  CHECK(r.out.find("terminationGracePeriodSeconds: 30") != std::string::npos);
}

TEST_CASE("troupe check reports errors with field paths and exits 1", "[unit][cli]") {
  SECTION("unknown field") {
    auto r = run({"-f", "-"}, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: c, image: i, imagePullPolicee: Always}\n");
    CHECK(r.code == 1);
    CHECK(r.err.find("unknown field \"spec.containers[0].imagePullPolicee\"") != std::string::npos);
    CHECK(r.out.empty());
  }
  SECTION("validation error") {
    auto r = run({"-f", "-"}, "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n    spec:\n      restartPolicy: Always\n      containers: [{name: c, image: i}]\n");
    CHECK(r.code == 1);
    CHECK(r.err.find("spec.template.spec.restartPolicy: Unsupported value: \"Always\"") != std::string::npos);
  }
  SECTION("missing file is named") {
    auto r = run({"-f", "/nonexistent/x.yaml"});
    CHECK(r.code == 1);
    CHECK(r.err == "error: the path \"/nonexistent/x.yaml\" does not exist\n");
  }
  SECTION("bad flag is named") {
    auto r = run({"-f", "-", "--outptu=json"});
    CHECK(r.code == 1);
    CHECK(r.err.find("unknown flag: --outptu=json") != std::string::npos);
  }
  SECTION("no -f") {
    auto r = run({});
    CHECK(r.code == 1);
    CHECK(r.err.find("must specify one of -f") != std::string::npos);
  }
}

TEST_CASE("troupe check reads a directory of sample manifests", "[unit][cli]") {
  auto r = run({"-f", std::string(TROUPE_TEST_DATA) + "/../../docs/examples", "-o", "json"});
  INFO(r.err);
  CHECK(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["kind"] == "List");
  CHECK(j["items"].size() >= 5);
}
