#include "store/rocksdb_engine.hpp"

#include <mutex>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/options.h>
#include <rocksdb/utilities/options_util.h>
#include <rocksdb/write_batch.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "store/history.hpp"

namespace troupe::store {

namespace {

// Format 2: history records of creations and updates leave out the object (store/history.hpp).
// A format-1 database is upgraded at open (its records still decode); older binaries then refuse
// it instead of misreading the new records.
constexpr const char* format_value = "troupe-store-2";
constexpr const char* format_1 = "troupe-store-1";

// The cause RocksDB gives, classified, with the path in front.
status open_error(const std::string& path, const rocksdb::Status& s) {
  const std::string what = "open store " + path + ": ";
  const std::string text = s.ToString();
  if (s.IsCorruption()) return status::corruption(what + "database is corrupt: " + text);
  if (text.find("lock") != std::string::npos || text.find("LOCK") != std::string::npos) {
    return status::locked(what + "database is locked by another process or store (" + text + ")");
  }
  if (text.find("Permission denied") != std::string::npos) {
    return status::io_error(what + "permission denied (" + text + ")");
  }
  return status::io_error(what + text);
}

class rocksdb_reader : public kv_reader {
public:
  rocksdb_reader(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* objects,
                 rocksdb::ColumnFamilyHandle* meta)
      : db_(db), objects_(objects), snapshot_(db->GetSnapshot()) {
    options_.snapshot = snapshot_;
    std::string v;
    if (db_->Get(options_, meta, "revision", &v).ok()) revision_ = decode_revision(v).value_or(0);
  }
  ~rocksdb_reader() override { db_->ReleaseSnapshot(snapshot_); }

  int64_t revision() const override { return revision_; }

  result<std::optional<std::string>> get(const std::string& key) override {
    std::string v;
    auto s = db_->Get(options_, objects_, key, &v);
    if (s.IsNotFound()) return std::optional<std::string>();
    if (!s.ok()) return status::io_error("read " + key + ": " + s.ToString());
    return std::optional<std::string>(std::move(v));
  }

  status scan(const std::string& begin, const std::string& end,
              const std::function<bool(std::string_view, std::string_view)>& fn) override {
    rocksdb::ReadOptions ro = options_;
    rocksdb::Slice upper(end);
    ro.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, objects_));
    for (it->Seek(begin); it->Valid(); it->Next()) {
      const auto k = it->key();
      const auto v = it->value();
      if (!fn(std::string_view(k.data(), k.size()), std::string_view(v.data(), v.size()))) break;
    }
    if (!it->status().ok()) return status::io_error("scan from " + begin + ": " + it->status().ToString());
    return status::ok();
  }

private:
  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* objects_;
  const rocksdb::Snapshot* snapshot_;
  rocksdb::ReadOptions options_;
  int64_t revision_ = 0;
};

class rocksdb_engine : public kv_engine {
public:
  explicit rocksdb_engine(std::string path) : path_(std::move(path)) {}

  ~rocksdb_engine() override {
    if (db_ == nullptr) return;
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
    db_->Close();
  }

  status open() {
    struct stat st {};
    if (::stat(path_.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) {
      return status::io_error("open store " + path_ + ": not a directory");
    }
    rocksdb::Options options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    options.paranoid_checks = true;
    options.keep_log_file_num = 4;
    options.max_background_jobs = 2;
    rocksdb::ColumnFamilyOptions cf;
    // Every create first reads its key, which is usually missing: Bloom filters answer that in
    // the memtable (whole keys) and in each table file without searching them.
    rocksdb::BlockBasedTableOptions table;
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    cf.memtable_whole_key_filtering = true;
    cf.memtable_prefix_bloom_size_ratio = 0.02;
    std::vector<rocksdb::ColumnFamilyDescriptor> families{
        {rocksdb::kDefaultColumnFamilyName, cf}, {"history", cf}, {"meta", cf}};
    rocksdb::DB* db = nullptr;
    auto s = rocksdb::DB::Open(options, path_, families, &handles_, &db);
    if (!s.ok()) return open_error(path_, s);
    db_.reset(db);
    return recover();
  }

  std::unique_ptr<kv_reader> snapshot() override {
    return std::make_unique<rocksdb_reader>(db_.get(), objects(), meta());
  }

  result<std::optional<std::string>> get(const std::string& key) override {
    std::string v;
    auto s = db_->Get(rocksdb::ReadOptions(), objects(), key, &v);
    if (s.IsNotFound()) return std::optional<std::string>();
    if (!s.ok()) return status::io_error("read " + key + " in " + path_ + ": " + s.ToString());
    return std::optional<std::string>(std::move(v));
  }

  status commit(const kv_batch& batch, bool sync) override {
    // One WriteBatch reused across commits: its buffer keeps its capacity, so a big group commit
    // does not regrow (and page-fault) a fresh buffer of hundreds of KB each time.
    std::lock_guard<std::mutex> lock(batch_mu_);
    rocksdb::WriteBatch& wb = batch_;
    wb.Clear();
    for (const auto& [key, value] : batch.objects) {
      if (value) {
        wb.Put(objects(), key, *value);
      } else {
        wb.Delete(objects(), key);
      }
    }
    for (const auto& [rev, record] : batch.history) wb.Put(history(), encode_revision(rev), record);
    if (batch.compact_to > batch.compact_from) {
      // One range tombstone instead of a deletion per revision: a group of N writes past the
      // window otherwise inserts N more entries into the memtable.
      wb.DeleteRange(history(), encode_revision(batch.compact_from + 1),
                     encode_revision(batch.compact_to + 1));
      wb.Put(meta(), "compacted", encode_revision(batch.compact_to));
    }
    wb.Put(meta(), "revision", encode_revision(batch.revision));
    rocksdb::WriteOptions wo;
    wo.sync = sync;
    auto s = db_->Write(wo, &wb);
    if (!s.ok()) return status::io_error("write to store " + path_ + ": " + s.ToString());
    return status::ok();
  }

  const kv_recovered& recovered() const override { return recovered_; }
  bool keeps_history() const override { return true; }
  const std::string& name() const override { return path_; }

private:
  struct db_closer {
    void operator()(rocksdb::DB* db) const { delete db; }
  };

  std::mutex batch_mu_;
  rocksdb::WriteBatch batch_;

  rocksdb::ColumnFamilyHandle* objects() const { return handles_[0]; }
  rocksdb::ColumnFamilyHandle* history() const { return handles_[1]; }
  rocksdb::ColumnFamilyHandle* meta() const { return handles_[2]; }

  status corrupt(const std::string& why) const {
    return status::corruption("open store " + path_ + ": database is corrupt: " + why);
  }

  // Reads the revision, the compacted revision and the history; checks they agree.
  status recover() {
    rocksdb::ReadOptions ro;
    std::string v;
    auto s = db_->Get(ro, meta(), "format", &v);
    if (s.IsNotFound() || (s.ok() && v == format_1)) {
      rocksdb::WriteOptions wo;
      wo.sync = true;
      s = db_->Put(wo, meta(), "format", format_value);
      if (!s.ok()) return open_error(path_, s);
    } else if (!s.ok()) {
      return open_error(path_, s);
    } else if (v != format_value) {
      return corrupt("unknown format \"" + v + "\"");
    }
    for (auto [name, out] : {std::pair<const char*, int64_t*>{"revision", &recovered_.revision},
                             {"compacted", &recovered_.compacted}}) {
      s = db_->Get(ro, meta(), name, &v);
      if (s.IsNotFound()) continue;
      if (!s.ok()) return open_error(path_, s);
      auto rev = decode_revision(v);
      if (!rev) return corrupt(std::string("bad ") + name + " record");
      *out = *rev;
    }
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, history()));
    int64_t expect = recovered_.compacted + 1;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto rev = decode_revision(std::string_view(it->key().data(), it->key().size()));
      if (!rev) return corrupt("bad history key");
      // Records at or below the compacted revision are deletions not yet applied; skip them.
      if (*rev <= recovered_.compacted) continue;
      if (*rev != expect) {
        return corrupt("history has revision " + std::to_string(*rev) + " where " +
                       std::to_string(expect) + " was expected");
      }
      recovered_.history.emplace_back(*rev, it->value().ToString());
      ++expect;
    }
    if (!it->status().ok()) return open_error(path_, it->status());
    if (expect - 1 != recovered_.revision && recovered_.revision > recovered_.compacted) {
      return corrupt("history ends at revision " + std::to_string(expect - 1) +
                     " but the store is at " + std::to_string(recovered_.revision));
    }
    return status::ok();
  }

  std::string path_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::unique_ptr<rocksdb::DB, db_closer> db_;
  kv_recovered recovered_;
};

} // namespace

result<std::unique_ptr<kv_engine>> open_rocksdb_engine(const std::string& path) {
  auto engine = std::make_unique<rocksdb_engine>(path);
  status s = engine->open();
  if (!s) return s;  // the destructor closes what was opened
  return std::unique_ptr<kv_engine>(std::move(engine));
}

} // namespace troupe::store
