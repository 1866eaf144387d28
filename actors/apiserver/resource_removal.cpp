// Delete (with DeleteOptions, graceful pod deletion, the namespace lifecycle's first step) and
// watch for resource_service.
#include "actors/apiserver/request_decoding.hpp"
#include "actors/apiserver/resource_service.hpp"
#include "config/object_codec.hpp"
#include "proto/core_v1.pb.h"
#include "proto/meta.pb.h"
#include "store/object_meta.hpp"

namespace troupe::apiserver {

using google::protobuf::Message;
using nlohmann::json;

namespace {

// DeleteOptions from a JSON or protobuf body; kubectl sends {"propagationPolicy":"Background"}.
std::variant<troupe::meta::DeleteOptions, api_response> delete_options_of(const delete_input& in) {
  troupe::meta::DeleteOptions opts;
  if (!in.body.empty()) {
    const auto* expected = config::find_kind("v1", "DeleteOptions");
    config::decoded_object d;
    if (in.content_type.rfind("application/vnd.kubernetes.protobuf", 0) == 0) {
      d = config::decode_protobuf(in.body, expected);
    } else {
      auto j = json::parse(in.body, nullptr, false);
      if (j.is_discarded())
        return api::bad_request("error decoding DeleteOptions: invalid JSON");
      d = config::decode_json_object(j, config::decode_mode::strict,
                                     j.contains("kind") ? nullptr : expected);
    }
    if (!d.ok() || d.object->GetDescriptor() != troupe::meta::DeleteOptions::descriptor())
      return api::bad_request(d.ok() ? "the body is not a DeleteOptions" : d.message());
    opts.CopyFrom(*d.object);
  }
  if (in.grace_period_seconds)
    opts.set_graceperiodseconds(*in.grace_period_seconds);
  if (!in.propagation_policy.empty())
    opts.set_propagationpolicy(in.propagation_policy);
  if (opts.has_propagationpolicy()) {
    const auto& p = opts.propagationpolicy();
    if (p != "Orphan" && p != "Background" && p != "Foreground")
      return api::failure(422, "Invalid",
                            "propagationPolicy: Unsupported value: \"" + p
                              + "\": supported values: \"Foreground\", \"Background\", \"Orphan\"");
  }
  return opts;
}

// Kubernetes' pod deletion: a pod on a node gets its grace period (the option, else the spec's);
// a pod never scheduled, or already finished, goes at once.
int64_t pod_grace(const troupe::core::v1::Pod& pod, const troupe::meta::DeleteOptions& opts) {
  if (pod.spec().nodename().empty())
    return 0;
  const auto& phase = pod.status().phase();
  if (phase == "Succeeded" || phase == "Failed")
    return 0;
  if (opts.has_graceperiodseconds())
    return opts.graceperiodseconds();
  return pod.spec().has_terminationgraceperiodseconds() ? pod.spec().terminationgraceperiodseconds() : 30;
}

// The store's delete options for a DELETE of `obj`: preconditions and grace period; or the
// answer refusing it.
std::variant<store::delete_options, api_response> store_delete_options(
  const troupe::meta::DeleteOptions& opts, const Message& obj) {
  store::delete_options d;
  if (opts.has_preconditions()) {
    if (opts.preconditions().has_uid())
      d.uid = opts.preconditions().uid();
    if (opts.preconditions().has_resourceversion()) {
      auto rv = store::parse_revision(opts.preconditions().resourceversion());
      if (!rv)
        return api_response(api::bad_request("invalid resourceVersion precondition"));
      d.resource_version = *rv;
    }
  }
  if (obj.GetDescriptor() == troupe::core::v1::Pod::descriptor()) {
    d.grace_period_seconds = pod_grace(static_cast<const troupe::core::v1::Pod&>(obj), opts);
  } else if (obj.GetDescriptor() == troupe::core::v1::Namespace::descriptor()) {
    // The namespace stays, Terminating, until the namespace controller has deleted its contents
    // and removes it for good.
    d.grace_period_seconds = 1;
  } else if (opts.has_graceperiodseconds()) {
    d.grace_period_seconds = opts.graceperiodseconds();
  }
  return d;
}

// Foreground (dependents first) and Orphan (dependents released) are finalizers the garbage
// collector acts on and removes: the finalizer a DELETE of `obj` adds first, if any.
std::optional<std::string> propagation_finalizer(const troupe::meta::DeleteOptions& opts,
                                                 const Message& obj) {
  const auto& policy = opts.propagationpolicy();
  if ((policy == "Foreground" || policy == "Orphan") && !store::object_meta(obj).has_deletiontimestamp())
    return std::string(policy == "Foreground" ? "foregroundDeletion" : "orphan");
  return std::nullopt;
}

} // namespace

api_response resource_service::remove(const resource_target& t, const delete_input& in) {
  return wait_for([&](const executor& ex, reply_fn reply) { remove_with(t, in, ex, std::move(reply)); });
}

void resource_service::remove(const resource_target& t, const delete_input& in, reply_fn reply) {
  remove_with(t, in, executor_, std::move(reply));
}

// A DELETE of one object. The usual one is a single write, queued without a waiting thread; one
// that first adds a propagation finalizer, or a namespace's (marked, then set Terminating), takes
// several and runs them in this thread.
void resource_service::remove_with(const resource_target& t, const delete_input& in,
                                   const executor& ex, reply_fn reply) {
  auto parsed = delete_options_of(in);
  if (auto* failure = std::get_if<api_response>(&parsed))
    return reply(std::move(*failure));
  const auto& opts = std::get<troupe::meta::DeleteOptions>(parsed);
  const auto& storage = config::storage_kind(*t.kind);
  auto current = store_.get(storage, t.ns, t.name);
  if (!current.ok())
    return reply(api::from_store(current.status(), *t.kind, t.name));
  const auto& obj = *current->object;
  if (propagation_finalizer(opts, obj) ||
      obj.GetDescriptor() == troupe::core::v1::Namespace::descriptor())
    return reply(remove_stored(t, opts, *current));
  auto d = store_delete_options(opts, obj);
  if (auto* failure = std::get_if<api_response>(&d))
    return reply(std::move(*failure));
  std::vector<store::batch_write> one(1);
  one[0].what = store::batch_write::op::remove;
  one[0].kind = &storage;
  one[0].ns = t.ns;
  one[0].name = t.name;
  one[0].options = std::get<store::delete_options>(d);
  write_async(std::move(one), ex, [this, t, reply = std::move(reply)](store::result<store::write_result> removed) {
    if (!removed.ok())
      return reply(api::from_store(removed.status(), *t.kind, t.name));
    api_response r;
    r.body = to_json(*t.kind, *removed->object.object);
    reply(std::move(r));
  });
}

// Kubernetes' DeleteCollection: list with the selectors, then delete each item as a DELETE of it
// would (pod grace, propagation finalizers), answering the List of what was deleted or marked.
// Items that vanish meanwhile are skipped; any other failure answers at once.
api_response resource_service::remove_collection(const resource_target& t, const delete_input& in,
                                                 const list_input& selection) {
  auto parsed = delete_options_of(in);
  if (auto* failure = std::get_if<api_response>(&parsed))
    return *failure;
  const auto& opts = std::get<troupe::meta::DeleteOptions>(parsed);
  auto lo = list_options_for(*t.kind, t.ns, selection);
  if (auto* failure = std::get_if<api_response>(&lo))
    return *failure;
  auto& options = std::get<store::list_options>(lo);
  options.limit = 0;
  options.continue_token.clear();
  const auto& storage = config::storage_kind(*t.kind);
  auto listed = store_.list(storage, options);
  if (!listed.ok())
    return api::from_store(listed.status(), *t.kind, "");
  json items = json::array();
  for (const auto& item : listed->items) {
    resource_target one = t;
    const auto& meta = store::object_meta(*item.object);
    one.ns = meta.namespace_();
    one.name = meta.name();
    auto r = remove_stored(one, opts, item);
    if (r.code == 404)
      continue;
    if (!r.ok())
      return r;
    items.push_back(std::move(r.body));
  }
  api_response r;
  r.body = {{"apiVersion", t.kind->api_version()},
            {"kind", t.kind->list_kind()},
            {"metadata", {{"resourceVersion", std::to_string(store_.revision())}}},
            {"items", std::move(items)}};
  return r;
}

api_response resource_service::remove_stored(const resource_target& t,
                                             const troupe::meta::DeleteOptions& opts,
                                             const store::stored_object& current) {
  const auto& storage = config::storage_kind(*t.kind);
  const auto* obj = current.object.get();
  auto planned = store_delete_options(opts, *obj);
  if (auto* failure = std::get_if<api_response>(&planned))
    return *failure;
  const auto& d = std::get<store::delete_options>(planned);
  if (auto finalizer = propagation_finalizer(opts, *obj)) {
    std::unique_ptr<Message> marked(obj->New());
    marked->CopyFrom(*obj);
    auto* meta = store::mutable_object_meta(*marked);
    bool present = false;
    for (const auto& f : meta->finalizers())
      present = present || f == *finalizer;
    if (!present)
      meta->add_finalizers(*finalizer);
    auto w = store_.update(storage, *marked);
    if (!w.ok())
      return api::from_store(w.status(), *t.kind, t.name);
  }
  auto removed = store_.remove(storage, t.ns, t.name, d, clock_());
  if (!removed.ok())
    return api::from_store(removed.status(), *t.kind, t.name);
  if (obj->GetDescriptor() == troupe::core::v1::Namespace::descriptor() && !removed->deleted) {
    auto ns = std::unique_ptr<Message>(removed->object.object->New());
    ns->CopyFrom(*removed->object.object);
    static_cast<troupe::core::v1::Namespace&>(*ns).mutable_status()->set_phase("Terminating");
    store::mutable_object_meta(*ns)->set_resourceversion(std::to_string(removed->object.revision));
    auto w = store_.update(storage, *ns);
    if (w.ok())
      removed->object = w->object;
  }
  api_response r;
  r.body = to_json(*t.kind, *removed->object.object);
  return r;
}

std::variant<watch_stream, api_response> resource_service::watch(const resource_target& t,
                                                                 const list_input& in,
                                                                 bool bookmarks) {
  auto opts = list_options_for(*t.kind, t.ns, in);
  if (auto* failure = std::get_if<api_response>(&opts))
    return *failure;
  const auto& lo = std::get<store::list_options>(opts);
  store::watch_options w;
  w.ns = lo.ns;
  w.labels = lo.labels;
  w.fields = lo.fields;
  w.bookmarks = bookmarks;
  if (!in.resource_version.empty()) {
    auto rv = store::parse_revision(in.resource_version);
    if (!rv)
      return api::bad_request("invalid resourceVersion: " + in.resource_version);
    w.since = *rv;
  }
  const auto& storage = config::storage_kind(*t.kind);
  auto watcher = store_.watch(storage, w);
  if (!watcher.ok())
    return api::from_store(watcher.status(), *t.kind, "");
  watch_stream s;
  s.watcher = std::move(*watcher);
  const config::kind_info* served = t.kind;
  s.to_json = [this, served](const store::watch_event& e) -> json {
    if (e.type == store::watch_event_type::error) {
      auto failure = api::from_store(e.error, *served, "");
      return {{"type", "ERROR"}, {"object", failure.body}};
    }
    if (e.type == store::watch_event_type::bookmark) {
      json obj = {{"apiVersion", served->api_version()},
                  {"kind", served->kind},
                  {"metadata", {{"resourceVersion", std::to_string(e.revision)}}}};
      const auto& meta = store::object_meta(*e.object);
      if (!meta.annotations().empty())
        obj["metadata"]["annotations"] = json(std::map<std::string, std::string>(
          meta.annotations().begin(), meta.annotations().end()));
      return {{"type", "BOOKMARK"}, {"object", std::move(obj)}};
    }
    return {{"type", store::to_string(e.type)}, {"object", to_json(*served, *e.object)}};
  };
  return s;
}

} // namespace troupe::apiserver
