// The troupe command line without a server: dispatch, flag errors, file errors, kubeconfig errors.
#include <catch2/catch.hpp>

#include <sstream>

#include "cli/commands.hpp"

using namespace troupe::cli;

namespace {

struct run_result {
  int code;
  std::string out, err;
};

run_result run(std::vector<std::string> args, std::map<std::string, std::string> env = {{"HOME", "/nonexistent"}},
               const std::string& stdin_text = {}) {
  std::istringstream in(stdin_text);
  std::ostringstream out, err;
  cli_io io{in, out, err, [env](const std::string& k) -> std::optional<std::string> {
              auto it = env.find(k);
              return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
            }};
  int code = run_cli(args, io);
  return {code, out.str(), err.str()};
}

} // namespace

TEST_CASE("troupe: unknown flags name the flag and the command's help", "[unit][cli]") {
  auto r = run({"get", "pods", "--foo"});
  CHECK(r.code == 1);
  CHECK(r.err == "Error: unknown flag: --foo\nSee 'troupe get --help' for usage.\n");
  r = run({"delete", "-z"});
  CHECK(r.err == "Error: unknown shorthand flag: 'z' in -z\nSee 'troupe delete --help' for usage.\n");
}

TEST_CASE("troupe: a missing file is named", "[unit][cli]") {
  for (const char* verb : {"create", "apply", "delete", "replace"}) {
    INFO(verb);
    auto r = run({verb, "-f", "x.yaml"});
    CHECK(r.code == 1);
    CHECK(r.err == "error: the path \"x.yaml\" does not exist\n");
  }
}

TEST_CASE("troupe: unknown command, help, version --client", "[unit][cli]") {
  auto r = run({"frobnicate"});
  CHECK(r.code == 1);
  CHECK(r.err.rfind("error: unknown command \"frobnicate\" for \"troupe\"", 0) == 0);
  r = run({"get", "--help"});
  CHECK(r.code == 0);
  CHECK(r.out.find("Display one or many resources") != std::string::npos);
  r = run({"version", "--client"});
  CHECK(r.code == 0);
  CHECK(r.out == "Client Version: v1.32.0-troupe.0.1.0\n");
}

TEST_CASE("troupe: kubeconfig problems are kubectl's errors", "[unit][cli]") {
  auto r = run({"get", "pods", "--kubeconfig", "/nonexistent/config"});
  CHECK(r.code == 1);
  CHECK(r.err == "error: stat /nonexistent/config: no such file or directory\n");
  r = run({"get", "pods"});
  CHECK(r.code == 1);
  CHECK(r.err == "The connection to the server localhost:8080 was refused - did you specify the right host or port?\n");
}

TEST_CASE("troupe: required arguments", "[unit][cli]") {
  CHECK(run({"create"}).err == "error: must specify one of -f and -k\n");
  CHECK(run({"apply"}).err == "error: must specify one of -f and -k\n");
  CHECK(run({"scale", "deploy/x"}).err == "error: required flag(s) \"replicas\" not set\n");
  CHECK(run({"create", "-f", "-"}, {{"HOME", "/nonexistent"}}, "").err == "error: no objects passed to create\n");
}

TEST_CASE("troupe check still works through the dispatcher", "[unit][cli]") {
  auto r = run({"check", "-f", "-"}, {}, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: c, image: busybox}\n");
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.out.find("restartPolicy: Always") != std::string::npos);
}

TEST_CASE("troupe: global flags may come before the command", "[unit][cli]") {
  auto r = run({"--kubeconfig", "/nonexistent/config", "get", "pods"});
  CHECK(r.err == "error: stat /nonexistent/config: no such file or directory\n");
  r = run({"-n", "x", "--foo", "get"});
  CHECK(r.err == "Error: unknown flag: --foo\nSee 'troupe get --help' for usage.\n");
}
