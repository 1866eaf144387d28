#pragma once
// troupe-server's protocol in one place (CONVENTIONS 11): the atoms, error codes and typed actor
// interfaces that the server's actors exchange. Includes CAF, so pure code must not include it;
// this folder is header-only because non-actor .cpp files here would build into the CAF-free
// troupe_api library.
//
// Add new actors' interfaces here, next to the ones they talk to.

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/make_message.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "store/object_store.hpp"

namespace troupe::protocol {

// --- atoms (at most 10 characters)
using restarts_atom = caf::atom_constant<caf::atom("restarts")>;
using child_atom = caf::atom_constant<caf::atom("child")>;
using stop_timeout_atom = caf::atom_constant<caf::atom("stop_tmo")>;

// --- errors: caf::error values in the "troupe" category (render with render_error below)
enum class server_errc : uint8_t {
  child_failed_too_often = 1,  // a supervisor's restart window was exceeded: it escalates
  child_start_failed,          // a child factory returned no actor
  bad_child_list,              // duplicate/empty child ids or unusable restart limits
  no_such_child,               // lookup of a child id that is not running
};

constexpr caf::atom_value error_category = caf::atom("troupe");

inline const char* to_string(server_errc x) {
  switch (x) {
    case server_errc::child_failed_too_often: return "child_failed_too_often";
    case server_errc::child_start_failed: return "child_start_failed";
    case server_errc::bad_child_list: return "bad_child_list";
    case server_errc::no_such_child: return "no_such_child";
  }
  return "unknown";
}

/// Found by ADL, so `err == server_errc::x` works.
inline caf::error make_error(server_errc x, std::string context = {}) {
  return caf::error{static_cast<uint8_t>(x), error_category, caf::make_message(std::move(context))};
}

/// For actor_system_config::add_error_category(error_category, render_error): prints
/// "troupe_error(child_failed_too_often, store)".
inline std::string render_error(uint8_t code, caf::atom_value, const caf::message& context) {
  std::string out = "troupe_error(";
  out += to_string(static_cast<server_errc>(code));
  if (context.match_elements<std::string>() && !context.get_as<std::string>(0).empty()) {
    out += ", ";
    out += context.get_as<std::string>(0);
  }
  out += ')';
  return out;
}

// --- supervisors (actors/supervision/supervisor_actor.hpp)

/// The name under which troupe-server's root supervisor is in the actor registry
/// (sys.registry().get<supervisor_actor_type>(root_supervisor_name)); children look their
/// siblings up through it, since a sibling's handle changes when it restarts.
constexpr caf::atom_value root_supervisor_name = caf::atom("root_sup");

/// Restarts per child id since the supervisor started (children it restarted, not first starts).
using restart_counts = std::map<std::string, uint64_t>;

using supervisor_actor_type = caf::typed_actor<
  // restart counts for /metrics
  caf::replies_to<caf::get_atom, restarts_atom>::with<restart_counts>,
  // the current handle of a running child; handles change on restart, so look them up here
  caf::replies_to<caf::get_atom, child_atom, std::string>::with<caf::actor>,
  // internal: a child asked to stop did not stop in time (child id, stop generation)
  caf::reacts_to<stop_timeout_atom, std::string, uint64_t>>;

// --- the store actor (actors/store/store_actor.hpp)
//
// Local messages only: they carry pointers into config::all_kinds() and shared immutable protobuf
// objects, so they are CAF "unsafe" message types (never serialized, never sent to another node).
// `kind` is always a storage kind (config::storage_kind()). Failures arrive as a caf::error in the
// "store" category (code = store::status::code, context = the store's message): to_status() gives
// the store::status back.

using borrow_atom = caf::atom_constant<caf::atom("borrow")>;
using unsubscribe_atom = caf::atom_constant<caf::atom("unsub")>;
using poll_atom = caf::atom_constant<caf::atom("poll")>;

using object_ptr = std::shared_ptr<const google::protobuf::Message>;
using shared_store = std::shared_ptr<store::object_store>;

struct store_get {
  const config::kind_info* kind = nullptr;
  std::string ns;
  std::string name;
};
struct store_list {
  const config::kind_info* kind = nullptr;
  store::list_options options;
};
struct store_create {
  const config::kind_info* kind = nullptr;
  object_ptr object;
};
struct store_update {
  const config::kind_info* kind = nullptr;
  object_ptr object;  // conditional when its metadata.resourceVersion is set
};
struct store_remove {
  const config::kind_info* kind = nullptr;
  std::string ns;
  std::string name;
  store::delete_options options;
};
struct store_remove_collection {
  const config::kind_info* kind = nullptr;
  store::list_options selection;
  store::delete_options options;
};
/// Watch `kind` in `ns` ("" = all) from `since` (0: ADDED for every object first, then changes);
/// the events go to `subscriber` as watch_batch messages until it unsubscribes or goes down.
/// `initial_end` (with since 0): after the initial ADDED events comes a BOOKMARK annotated
/// "k8s.io/initial-events-end" (the subscriber has seen every object that existed then).
struct store_subscribe {
  const config::kind_info* kind = nullptr;
  std::string ns;
  int64_t since = 0;
  caf::actor subscriber;
  bool initial_end = false;
};
/// Events of one subscription, in revision order. `closed`: the watch ended (its last event is
/// an ERROR, e.g. gone: the subscriber lists again and subscribes anew).
struct watch_batch {
  uint64_t subscription = 0;
  const config::kind_info* kind = nullptr;
  std::vector<store::watch_event> events;
  bool closed = false;
};
/// Several creates/updates in one request (object_store::write_many): they share group commits
/// and cost one message each way. The answer has one outcome per write, in order.
struct store_write_many {
  std::vector<store::batch_write> writes;
};
using batch_results = std::vector<store::result<store::write_result>>;

/// Internal to the store actor: work finished on its pool, to run on the actor's own thread.
struct store_completion {
  std::function<void()> run;
};

using write_results = std::vector<store::write_result>;

using store_actor_type = caf::typed_actor<
  caf::replies_to<store_get>::with<store::stored_object>,
  caf::replies_to<store_list>::with<store::list_result>,
  caf::replies_to<store_create>::with<store::write_result>,
  caf::replies_to<store_update>::with<store::write_result>,
  caf::replies_to<store_remove>::with<store::write_result>,
  caf::replies_to<store_remove_collection>::with<write_results>,
  caf::replies_to<store_write_many>::with<batch_results>,
  caf::replies_to<store_subscribe>::with<uint64_t>,  // the subscription id
  caf::reacts_to<unsubscribe_atom, uint64_t>,
  // the object store itself, for the API server (it runs its own blocking pool)
  caf::replies_to<borrow_atom>::with<shared_store>,
  caf::reacts_to<poll_atom, uint64_t>,  // internal: a watcher has events
  caf::reacts_to<store_completion>>;    // internal

constexpr caf::atom_value store_error_category = caf::atom("store");

inline caf::error to_error(const store::status& s) {
  return caf::error{static_cast<uint8_t>(s.get_code()), store_error_category,
                    caf::make_message(s.message())};
}

/// The store status a caf::error stands for; errors of other categories (a timeout, a dead store
/// actor) become `closed` with CAF's rendering of the error.
inline store::status to_status(const caf::error& e) {
  using code = store::status::code;
  std::string msg;
  if (e.category() == store_error_category && e.context().match_elements<std::string>())
    msg = e.context().get_as<std::string>(0);
  else
    msg = "store unavailable: " + caf::to_string(e);
  if (e.category() != store_error_category)
    return store::status::closed(std::move(msg));
  switch (static_cast<code>(e.code())) {
    case code::not_found: return store::status::not_found(std::move(msg));
    case code::already_exists: return store::status::already_exists(std::move(msg));
    case code::conflict: return store::status::conflict(std::move(msg));
    case code::gone: return store::status::gone(std::move(msg));
    case code::invalid: return store::status::invalid(std::move(msg));
    case code::timeout: return store::status::timeout(std::move(msg));
    case code::io_error: return store::status::io_error(std::move(msg));
    case code::corruption: return store::status::corruption(std::move(msg));
    case code::locked: return store::status::locked(std::move(msg));
    case code::ok:
    case code::closed: break;
  }
  return store::status::closed(std::move(msg));
}

/// For actor_system_config::add_error_category(store_error_category, render_store_error).
inline std::string render_store_error(uint8_t code, caf::atom_value, const caf::message& context) {
  std::string out = "store_error(";
  out += store::to_string(static_cast<store::status::code>(code));
  if (context.match_elements<std::string>()) {
    out += ", ";
    out += context.get_as<std::string>(0);
  }
  out += ')';
  return out;
}

} // namespace troupe::protocol

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::protocol::store_get)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::protocol::store_list)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::protocol::store_create)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::protocol::store_update)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::protocol::store_remove)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::protocol::store_remove_collection)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::protocol::store_subscribe)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::protocol::watch_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::protocol::store_completion)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::protocol::store_write_many)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::protocol::batch_results)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::protocol::shared_store)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::protocol::write_results)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::store::stored_object)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::store::list_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::store::write_result)
