#pragma once
// The REST semantics of one resource request, between the HTTP front and the object store:
// decode (JSON, YAML, protobuf) -> namespace checks -> admission (defaults, validation) ->
// conversion to the storage version -> store -> conversion to the requested version -> JSON.
// Errors come back as meta.v1 Status bodies with Kubernetes' wording and codes.
//
// The calls that answer with an api_response block on durable store writes: run them on a
// request pool, never on CAF workers or on the HTTP io threads. create, update and patch also
// come without a waiting thread (taking a reply): their write is queued with the store's
// write_async and the rest runs on the executor once it is durable, so a request pool's threads
// never wait for a sync, and reads are not queued behind writes. Time comes from the injected
// clock.

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <variant>
#include <string>

#include "actors/apiserver/api_response.hpp"
#include "config/admission.hpp"
#include "config/json_codec.hpp"
#include "config/kinds.hpp"
#include "config/patch.hpp"
#include "config/time_format.hpp"
#include "store/object_store.hpp"

namespace troupe::meta {
class DeleteOptions;
}

namespace troupe::apiserver {

/// The resource a request addresses, as routed from its URL.
struct resource_target {
  const config::kind_info* kind = nullptr; // the served version in the URL (e.g. autoscaling/v1)
  std::string ns;                          // "" for cluster-scoped kinds or cross-namespace lists
  std::string name;                        // "" for collections
  std::string subresource;                 // "", "status", "scale"
};

struct body_input {
  std::string content_type; // "" means JSON
  std::string bytes;
  config::decode_mode validation = config::decode_mode::strict;
};

struct list_input {
  std::string label_selector;
  std::string field_selector;
  int64_t limit = 0;
  std::string continue_token;
  std::string resource_version; // "" or "0": latest
};

struct delete_input {
  std::string body;         // DeleteOptions as JSON or protobuf, may be empty
  std::string content_type;
  std::optional<int64_t> grace_period_seconds; // query parameter (wins over the body)
  std::string propagation_policy;              // query parameter (wins over the body)
};

/// An open watch: events already converted to the requested version's JSON.
struct watch_stream {
  std::unique_ptr<store::watcher> watcher;
  /// {"type": "ADDED", "object": {...}} for one store event.
  std::function<nlohmann::json(const store::watch_event&)> to_json;
};

/// One page of a list, as objects of the requested version (for server-side Tables).
struct object_page {
  std::vector<std::unique_ptr<google::protobuf::Message>> items;
  int64_t revision = 0;
  std::string continue_token;
};

class resource_service {
public:
  resource_service(store::object_store& store, std::function<config::timestamp()> clock,
                   config::admission_options admission = {});

  /// Runs a job elsewhere (the request pool's post).
  using executor = std::function<void(std::function<void()>)>;
  using reply_fn = std::function<void(api_response)>;

  /// Where the continuations of create, update and patch with a reply run once their write is
  /// durable: the request pool. Unset: on the store's commit thread (tests). Set before serving.
  void set_executor(executor e) { executor_ = std::move(e); }

  /// Without a waiting thread: decoding, checks and admission run in the caller's thread, the
  /// durable write is queued, and `reply` follows on the executor once it is durable; or at
  /// once, in the caller's thread, for a request refused before any write (and for the scale
  /// subresource, which still blocks).
  void create(const resource_target& t, const body_input& body, reply_fn reply);
  void update(const resource_target& t, const body_input& body, reply_fn reply);
  void patch(const resource_target& t, const body_input& body, reply_fn reply);
  /// A DELETE: one write without a waiting thread; one that adds a propagation finalizer first,
  /// or a namespace's, writes more than once and blocks.
  void remove(const resource_target& t, const delete_input& in, reply_fn reply);
  /// Blocks until no write of create, update or patch with a reply is in the store's hands any
  /// more (each has handed its continuation to the executor): before the executor goes.
  void drain();

  api_response create(const resource_target& t, const body_input& body);
  api_response get(const resource_target& t);
  api_response list(const resource_target& t, const list_input& in);
  api_response update(const resource_target& t, const body_input& body);
  api_response patch(const resource_target& t, const body_input& body);
  api_response remove(const resource_target& t, const delete_input& in);
  /// DELETE on a collection: every object the selectors pick, each deleted as remove() would;
  /// answers the List of the deleted (or marked) objects.
  api_response remove_collection(const resource_target& t, const delete_input& in,
                                 const list_input& selection);
  /// Either an open watch or the failure to answer instead.
  std::variant<watch_stream, api_response> watch(const resource_target& t, const list_input& in,
                                                 bool bookmarks);

  std::variant<object_page, api_response> list_objects(const resource_target& t, const list_input& in);
  std::variant<std::unique_ptr<google::protobuf::Message>, api_response> get_object(const resource_target& t);

  /// A stored object in the requested version (a copy; the stored object itself if no conversion).
  std::unique_ptr<google::protobuf::Message> served_object(const config::kind_info& served,
                                                           const google::protobuf::Message& stored);
  /// The requested-version JSON of a stored object (for tables and watch events).
  nlohmann::json to_json(const config::kind_info& served, const google::protobuf::Message& stored);

private:
  void create_with(const resource_target& t, const body_input& body, const executor& ex,
                   reply_fn reply);
  void update_with(const resource_target& t, const body_input& body, const executor& ex,
                   reply_fn reply);
  void patch_with(const resource_target& t, const body_input& body, const executor& ex,
                  reply_fn reply);
  void remove_with(const resource_target& t, const delete_input& in, const executor& ex,
                   reply_fn reply);
  /// Queues one durable write; `then` runs on `ex` (here when unset) with its outcome. Counted
  /// for drain() until then is handed over.
  void write_async(std::vector<store::batch_write> one, const executor& ex,
                   std::function<void(store::result<store::write_result>)> then);
  void patch_attempt(const resource_target& t, const body_input& body, config::patch_type type,
                     const nlohmann::json& patch_doc, int attempt, const executor& ex,
                     reply_fn reply);
  /// Admission, conversion, then the durable write; `reply` runs on `ex` after it.
  void write_object(const resource_target& t, google::protobuf::Message& obj,
                    const config::kind_info& decoded_kind, bool create,
                    std::vector<std::string> warnings, const executor& ex, reply_fn reply);
  /// Runs an asynchronous call and waits for its reply, running its continuations in this thread.
  api_response wait_for(const std::function<void(const executor&, reply_fn)>& start);
  api_response scale_get(const resource_target& t);
  api_response scale_write(const resource_target& t, const body_input& body, bool is_patch);
  std::optional<api_response> check_namespace(const resource_target& t);
  api_response remove_stored(const resource_target& t, const troupe::meta::DeleteOptions& opts,
                             const store::stored_object& current);

  store::object_store& store_;
  std::function<config::timestamp()> clock_;
  config::admission_options admission_;
  executor executor_;
  std::mutex inflight_mu_;
  std::condition_variable inflight_cv_;
  size_t inflight_ = 0;  // writes of calls with a reply in the store's hands
};

} // namespace troupe::apiserver
