// The cluster's join token (node_join.hpp): made at first start in <data-dir>/join-token, kept
// across starts, kubeadm's form, mode 0600; a damaged file is an error, never replaced.
#include "actors/server/cluster_init.hpp"

#include <catch2/catch.hpp>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace srv = troupe::server;
namespace fs = std::filesystem;

namespace {

struct temp_dir {
  std::string path;
  temp_dir() {
    std::string templ = (fs::temp_directory_path() / "troupe-jointoken-XXXXXX").string();
    path = ::mkdtemp(templ.data());
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

srv::server_config config_in(const std::string& dir) {
  srv::server_config c;
  c.data_dir = dir + "/data";
  srv::resolve_defaults(c);
  return c;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

} // namespace

TEST_CASE("is_join_token accepts only [a-z0-9]{6}.[a-z0-9]{16}", "[nodes]") {
  struct row {
    const char* token;
    bool ok;
  } rows[] = {
    {"abcdef.0123456789abcdef", true},
    {"a1b2c3.zzzzzzzzzzzzzzzz", true},
    {"abcdef0123456789abcdef", false},    // no dot
    {"abcde.0123456789abcdefg", false},   // dot in the wrong place
    {"ABCDEF.0123456789abcdef", false},   // upper case
    {"abcdef.0123456789abcde", false},    // short secret
    {"abcdef.0123456789abcdef0", false},  // long secret
    {"abc-ef.0123456789abcdef", false},
    {"", false},
  };
  for (const auto& r : rows) {
    INFO(r.token);
    CHECK(srv::is_join_token(r.token) == r.ok);
  }
}

TEST_CASE("init_cluster makes the join token once, mode 0600, and keeps it", "[nodes]") {
  temp_dir tmp;
  auto c = config_in(tmp.path);
  auto first = srv::init_cluster(c, std::time(nullptr));
  REQUIRE(first.ok());
  CHECK(first.created_join_token);
  CHECK(srv::is_join_token(first.join_token));
  CHECK(first.paths.join_token_file == c.data_dir + "/join-token");
  CHECK(slurp(first.paths.join_token_file) == first.join_token + "\n");
  struct stat st{};
  REQUIRE(::stat(first.paths.join_token_file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat(first.paths.nodes_dir.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);

  auto second = srv::init_cluster(c, std::time(nullptr));
  REQUIRE(second.ok());
  CHECK_FALSE(second.created_join_token);
  CHECK(second.join_token == first.join_token);

  // Two clusters do not share a token.
  temp_dir other;
  auto third = srv::init_cluster(config_in(other.path), std::time(nullptr));
  REQUIRE(third.ok());
  CHECK(third.join_token != first.join_token);
}

TEST_CASE("init_cluster refuses a damaged join-token file and leaves it alone", "[nodes]") {
  temp_dir tmp;
  auto c = config_in(tmp.path);
  fs::create_directories(c.data_dir);
  std::ofstream(c.data_dir + "/join-token") << "not-a-token\n";
  auto r = srv::init_cluster(c, std::time(nullptr));
  CHECK_FALSE(r.ok());
  CHECK(r.error.find("join-token: not a join token") != std::string::npos);
  CHECK(slurp(c.data_dir + "/join-token") == "not-a-token\n");
}

TEST_CASE("troupe-server --print-join-token parses as its own action", "[nodes]") {
  auto out = srv::parse_server_args({"--print-join-token", "--data-dir", "/tmp/x"});
  CHECK(out.what == srv::parse_outcome::action::print_join_token);
  CHECK(out.config.data_dir == "/tmp/x");
  CHECK(srv::help_text().find("--print-join-token") != std::string::npos);
}
