#pragma once
// The object store: API objects under keys /<group>/<resource>/<namespace>/<name> (store/keys.hpp),
// one global revision, optimistic concurrency, graceful deletion, and watch with a history that
// survives restarts. Two backends with the same semantics: RocksDB (durable, the default) and
// memory (tests, hollow clusters).
//
// Contract:
// - Every write that changes something gets the next revision (1, 2, 3, ...: no gap, no reuse) and
//   returns only once durable (RocksDB: its WAL batch synced; concurrent writers share one sync).
//   The stored object's metadata.resourceVersion is that revision in decimal.
// - create assigns metadata.uid (random v4 UUID), creationTimestamp (= now), generation 1; it
//   ignores a resourceVersion in the object. update keeps uid, creationTimestamp,
//   deletionTimestamp and deletionGracePeriodSeconds, bumps generation when anything outside
//   metadata and status changed, and writes nothing when nothing changed (no new revision).
// - update with metadata.resourceVersion set is conditional (stale -> conflict); empty means
//   unconditional.
// - Deletion: remove() of an object with finalizers, or with a grace period > 0, marks it
//   (deletionTimestamp = now + grace, deletionGracePeriodSeconds = grace or 0, generation + 1, a
//   MODIFIED event); it is really removed (a DELETED event) when a later remove() finds no
//   finalizers and grace 0, or when an update removes the last finalizer of a marked object.
// - Objects are stored in their storage version: `kind` must be a storage kind
//   (config::storage_kind()); the object must be of kind.descriptor's type.
// - Every call is thread-safe. Writes block until durable, and wait_for() blocks: call them from
//   a thread that may block (a detached actor or a pool), never from a CAF worker.
// - Errors are values (store/status.hpp) worded as Kubernetes words them.

#include <google/protobuf/message.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/field_selector.hpp"
#include "config/kinds.hpp"
#include "config/label_selector.hpp"
#include "config/time_format.hpp"
#include "store/status.hpp"
#include "store/store_observer.hpp"

namespace troupe::store {

/// An object as stored. `object` is shared and immutable: copy it before changing it.
struct stored_object {
  std::string key;
  int64_t revision = 0;  // of the object's last write (= its metadata.resourceVersion)
  std::shared_ptr<const google::protobuf::Message> object;
};

struct write_result {
  stored_object object;  // the state written (for a real delete: the last state, at the
                         // revision of the deletion)
  bool deleted = false;  // the object is gone (remove, or update dropping the last finalizer)
  bool changed = true;   // false: nothing to write (no new revision; object is the current state)
};

struct list_options {
  std::string ns;  // "" = every namespace (and the only choice for cluster-scoped kinds)
  config::label_selector labels;
  config::field_selector fields;
  int64_t limit = 0;            // at most this many items per page; 0 = all
  std::string continue_token;   // from a previous page: continues at that page's revision
  int64_t at_revision = 0;      // list the state at this revision (within the history window);
                                // 0 = the latest
};

struct list_result {
  std::vector<stored_object> items;  // in key order
  int64_t revision = 0;              // the revision the whole list (every page) reflects
  std::string continue_token;        // empty on the last page
};

struct delete_options {
  std::optional<std::string> uid;               // precondition on metadata.uid
  std::optional<int64_t> resource_version;      // precondition on the current revision
  std::optional<int64_t> grace_period_seconds;  // > 0: mark only; absent or 0: delete now unless
                                                // finalizers remain
};

enum class watch_event_type { added, modified, deleted, bookmark, error };
/// "ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR".
const char* to_string(watch_event_type t);

struct watch_event {
  watch_event_type type = watch_event_type::added;
  int64_t revision = 0;
  // ADDED/MODIFIED: the new state. DELETED: the last state, its resourceVersion = this event's
  // revision. BOOKMARK: an empty object of the kind with only metadata.resourceVersion set.
  std::shared_ptr<const google::protobuf::Message> object;
  status error;  // ERROR only; the watcher is closed after it
};

struct watch_options {
  std::string ns;  // "" = every namespace
  config::label_selector labels;
  config::field_selector fields;
  // 0: first an ADDED event for every matching object at the latest revision, then changes.
  // N > 0: every change after revision N (gone() when N is older than the history window).
  int64_t since = 0;
  // Send bookmarks: after the initial ADDED events (annotated "k8s.io/initial-events-end"), and
  // on request_bookmark().
  bool bookmarks = false;
  // Called (from a writer's thread, without locks held) when events become available after a
  // poll() emptied the watcher, or when it is closed. Must not block. May be empty.
  std::function<void()> notify;
};

/// One watch. Events come in revision order; filtered by namespace and selectors; an object that
/// stops matching arrives as DELETED, one that starts matching as ADDED. A watcher that falls
/// more than store_options::watcher_max_lag revisions behind (or behind the history window) gets
/// an ERROR event (gone) and is closed: the client lists again and watches from the new revision.
class watcher {
public:
  virtual ~watcher() = default;
  /// Up to `max` events available now; never blocks. Empty once closed (after its ERROR event).
  virtual std::vector<watch_event> poll(size_t max = 1000) = 0;
  /// Waits up to `timeout` until poll() may have something (true: events arrived for this
  /// watcher's prefix, though its selectors may still filter them all out) or not (false). Blocks.
  virtual bool wait_for(std::chrono::milliseconds timeout) = 0;
  /// The next poll() that has drained what is available ends with a BOOKMARK (bookmarks only).
  virtual void request_bookmark() = 0;
  /// Stops the watch; poll() returns nothing afterwards. Also done by the destructor.
  virtual void stop() = 0;
  virtual bool closed() const = 0;
  /// The revision the watcher has seen up to.
  virtual int64_t revision() const = 0;
};

struct store_stats {
  int64_t revision = 0;             // the latest revision
  int64_t compacted_revision = 0;   // history holds the events after this one
  uint64_t writes = 0;              // acknowledged writes (new revisions)
  uint64_t rejected_writes = 0;     // conflict, not found, already exists, precondition
  uint64_t syncs = 0;               // group commits (one durable batch write each)
  uint64_t max_batch = 0;           // most writes in one group commit
  uint64_t pending_writes = 0;      // handed to the store, not yet durable (or refused)
  uint64_t history_events = 0;      // events retained for watch resume
  uint64_t compacted_events = 0;    // events dropped from history since open
  uint64_t open_watchers = 0;
  uint64_t dropped_watchers = 0;    // closed because they fell too far behind
};

struct store_options {
  // Events kept (in memory and, for RocksDB, on disk) for watch resume and continue tokens.
  size_t history_window = 10000;
  // A watcher further behind than this many revisions is closed; 0 = the history window.
  size_t watcher_max_lag = 0;
  // Most writes in one group commit.
  size_t max_batch = 1024;
  // Recently written objects the commit thread keeps decoded (with their bytes), so that a write
  // to one of them skips reading and decoding it. Memory: about one stored object each (the
  // decoded object is shared with the history).
  size_t recent_objects = 16384;
  // Sync the WAL before acknowledging (RocksDB). false only for measurements.
  bool sync = true;
  // Produces metadata.uid for created objects; empty = random v4 UUIDs. Tests inject a sequence.
  std::function<std::string()> new_uid;
  // Told about every write and group commit (metrics); may be null.
  std::shared_ptr<store_observer> observer;
};

/// One write of a batch (object_store::write_many, write_async): a create, an update or a
/// delete, as the single calls.
struct batch_write {
  enum class op { create, update, remove };
  op what = op::update;
  const config::kind_info* kind = nullptr;
  // create, update. write_async and write_many(&&) take the object over when the batch holds the
  // only reference (the caller moved it in): the store then changes it in place instead of
  // copying it, and the caller must not keep a weak_ptr to it.
  std::shared_ptr<const google::protobuf::Message> object;
  // remove: the object named, and the preconditions and grace period.
  std::string ns{}, name{};
  delete_options options{};
};

/// The outcomes of an asynchronous batch, in the order of its writes.
using batch_done = std::function<void(std::vector<result<write_result>>)>;

class object_store {
public:
  virtual ~object_store() = default;

  /// already_exists when the key is taken; invalid when the name is empty.
  virtual result<write_result> create(const config::kind_info& kind,
                                      const google::protobuf::Message& object,
                                      config::timestamp now) = 0;

  virtual result<stored_object> get(const config::kind_info& kind, std::string_view ns,
                                    std::string_view name) = 0;

  /// One consistent revision for the whole list, also across pages (continue tokens).
  virtual result<list_result> list(const config::kind_info& kind, const list_options& options) = 0;

  /// Replaces the object named by object.metadata (namespace, name). not_found, conflict.
  virtual result<write_result> update(const config::kind_info& kind,
                                      const google::protobuf::Message& object) = 0;

  /// Deletes or marks for deletion (see the contract above). not_found, conflict (precondition).
  virtual result<write_result> remove(const config::kind_info& kind, std::string_view ns,
                                      std::string_view name, const delete_options& options,
                                      config::timestamp now) = 0;

  /// remove() on every object the list options select (limit and continue ignored), each its own
  /// revision. Objects that vanish meanwhile are skipped.
  virtual result<std::vector<write_result>> remove_collection(const config::kind_info& kind,
                                                              const list_options& selection,
                                                              const delete_options& options,
                                                              config::timestamp now) = 0;

  virtual result<std::unique_ptr<watcher>> watch(const config::kind_info& kind,
                                                 const watch_options& options) = 0;

  /// Several creates and updates submitted together: each has its own outcome, exactly as the
  /// single call gives it (its own revision, in order; a rejected one does not stop the others),
  /// but they share group commits and cost the caller one wait instead of one per write (a
  /// scheduler binding hundreds of pods, a controller writing Events). Not a transaction.
  virtual std::vector<result<write_result>> write_many(const std::vector<batch_write>& writes,
                                                       config::timestamp now) = 0;
  /// The same, taking over objects the batch alone references (see batch_write::object).
  virtual std::vector<result<write_result>> write_many(std::vector<batch_write>&& writes,
                                                       config::timestamp now) = 0;

  /// write_many without a waiting thread: queues the writes and returns; `done` gets their
  /// outcomes once they are durable (or rejected). `done` runs on the store's commit thread (or,
  /// when no write of the batch could be queued, in the caller's thread before this returns): it
  /// must be quick and must not wait for another write of this store. An actor hands its
  /// writes over this way instead of blocking a thread per write, so any number of them share a
  /// sync.
  virtual void write_async(std::vector<batch_write> writes, config::timestamp now,
                           batch_done done) = 0;

  /// The latest acknowledged revision.
  virtual int64_t revision() const = 0;
  virtual store_stats stats() const = 0;
};

/// Opens (creating if missing) a RocksDB store at `path`. A path that is not a directory, an
/// unreadable, locked or corrupt database gives a status naming the path and the cause; nothing
/// stays open then.
result<std::unique_ptr<object_store>> open_rocksdb_store(const std::string& path,
                                                         const store_options& options = {});

/// A store in memory: the same semantics, no durability.
std::unique_ptr<object_store> make_memory_store(const store_options& options = {});

} // namespace troupe::store
