// Opening a RocksDB store that cannot be used: the status names the path and the cause, and
// nothing stays open (a later open after the cause is gone succeeds).
#include <catch2/catch.hpp>

#include <rocksdb/db.h>
#include <sys/stat.h>

#include <fstream>

#include "store/history.hpp"
#include "tests/store/child_process.hpp"
#include "tests/store/store_fixtures.hpp"

namespace troupe::testing {

using store::status;

namespace {

void make_store(const std::string& path, int writes) {
  auto s = store::open_rocksdb_store(path);
  REQUIRE(s.ok());
  for (int i = 0; i < writes; ++i) REQUIRE((*s)->create(pods(), pod("demo", "p" + std::to_string(i)), at(1)).ok());
}

void overwrite(const fs::path& file, const std::string& bytes) {
  std::ofstream f(file, std::ios::binary | std::ios::trunc);
  f << bytes;
}

fs::path manifest_of(const std::string& dir) {
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().rfind("MANIFEST-", 0) == 0) return e.path();
  }
  FAIL("no MANIFEST in " << dir);
  return {};
}

void check_error(const status& st, status::code code, const std::string& path, const std::string& cause) {
  INFO(st.to_string());
  CHECK(st.get_code() == code);
  CHECK(st.message().find(path) != std::string::npos);
  CHECK(st.message().find(cause) != std::string::npos);
}

} // namespace

TEST_CASE("store open: a path that is a regular file", "[unit][store]") {
  temp_dir dir;
  overwrite(dir.path() / "file", "x");
  auto r = store::open_rocksdb_store(dir.sub("file"));
  check_error(r.status(), status::code::io_error, dir.sub("file"), "not a directory");
}

TEST_CASE("store open: a corrupt CURRENT file", "[unit][store]") {
  temp_dir dir;
  make_store(dir.sub("db"), 3);
  overwrite(dir.path() / "db" / "CURRENT", "garbage-without-newline");
  auto r = store::open_rocksdb_store(dir.sub("db"));
  check_error(r.status(), status::code::corruption, dir.sub("db"), "corrupt");
  // Nothing stayed open: the same error again, not a lock error.
  r = store::open_rocksdb_store(dir.sub("db"));
  CHECK(r.status().is(status::code::corruption));
}

TEST_CASE("store open: a corrupt MANIFEST", "[unit][store]") {
  temp_dir dir;
  make_store(dir.sub("db"), 3);
  const auto manifest = manifest_of(dir.sub("db"));
  std::string junk(static_cast<size_t>(fs::file_size(manifest)), '\x5a');
  overwrite(manifest, junk);
  auto r = store::open_rocksdb_store(dir.sub("db"));
  check_error(r.status(), status::code::corruption, dir.sub("db"), "corrupt");
}

TEST_CASE("store open: a history with a hole is corruption, not silent loss", "[unit][store]") {
  temp_dir dir;
  make_store(dir.sub("db"), 4);
  {
    std::vector<rocksdb::ColumnFamilyDescriptor> families{
        {rocksdb::kDefaultColumnFamilyName, {}}, {"history", {}}, {"meta", {}}};
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    REQUIRE(rocksdb::DB::Open(rocksdb::DBOptions(), dir.sub("db"), families, &handles, &db).ok());
    REQUIRE(db->Delete(rocksdb::WriteOptions(), handles[1], store::encode_revision(2)).ok());
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    delete db;
  }
  auto r = store::open_rocksdb_store(dir.sub("db"));
  check_error(r.status(), status::code::corruption, dir.sub("db"),
              "history has revision 3 where 2 was expected");
}

TEST_CASE("store open: a database another store holds", "[unit][store]") {
  temp_dir dir;
  auto first = store::open_rocksdb_store(dir.sub("db"));
  REQUIRE(first.ok());
  auto second = store::open_rocksdb_store(dir.sub("db"));
  check_error(second.status(), status::code::locked, dir.sub("db"), "locked");
  first = store::status::closed("released");  // closes the first store
  CHECK(store::open_rocksdb_store(dir.sub("db")).ok());
}

TEST_CASE("store open: a database another process holds", "[unit][store]") {
  temp_dir dir;
  make_store(dir.sub("db"), 1);
  const std::string lock = dir.sub("db") + "/LOCK";
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // Holds the LOCK the way RocksDB does (an fcntl write lock) until killed.
    const int fd = ::open(lock.c_str(), O_RDWR);
    struct flock fl {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    const char ok = (fd >= 0 && ::fcntl(fd, F_SETLK, &fl) == 0) ? 'y' : 'n';
    [[maybe_unused]] auto n = ::write(fds[1], &ok, 1);
    for (;;) ::pause();
  }
  ::close(fds[1]);
  char ok = 0;
  REQUIRE(::read(fds[0], &ok, 1) == 1);
  ::close(fds[0]);
  REQUIRE(ok == 'y');
  auto r = store::open_rocksdb_store(dir.sub("db"));
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  check_error(r.status(), status::code::locked, dir.sub("db"), "locked");
  CHECK(store::open_rocksdb_store(dir.sub("db")).ok());
}

// Root reads every directory, so the open runs in a child that gave up root.
TEST_CASE("store open child: unreadable", "[.store_open_child]") {
  const int fd = child_report_fd();
  const char* path = std::getenv("TROUPE_STORE_OPEN_PATH");
  if (fd < 0 || path == nullptr) return;
  if (::geteuid() == 0 && ::setuid(65534) != 0) {
    report(fd, "setuid failed");
    ::_exit(1);
  }
  auto r = store::open_rocksdb_store(path);
  report(fd, std::string(store::to_string(r.status().get_code())) + "|" + r.status().message());
  ::_exit(0);
}

TEST_CASE("store open: an unreadable directory", "[unit][store]") {
  temp_dir dir;
  make_store(dir.sub("db"), 1);
  ::chmod(dir.path().c_str(), 0755);
  ::chmod(dir.sub("db").c_str(), 0);
  auto child = spawn_self("store open child: unreadable", {"TROUPE_STORE_OPEN_PATH=" + dir.sub("db")});
  std::string out;
  read_until(child.from_child, &out, std::chrono::steady_clock::now() + std::chrono::seconds(10));
  reap(child);
  ::chmod(dir.sub("db").c_str(), 0755);
  INFO(out);
  CHECK(out.rfind("io error|", 0) == 0);
  CHECK(out.find(dir.sub("db")) != std::string::npos);
  CHECK(out.find("permission denied") != std::string::npos);
  CHECK(store::open_rocksdb_store(dir.sub("db")).ok());
}

} // namespace troupe::testing
