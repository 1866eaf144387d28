// Create, get, list, update and patch. Delete and watch: resource_removal.cpp; the scale
// subresource: scale_subresource.cpp.
#include "actors/apiserver/resource_service.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <random>

#include "actors/apiserver/request_decoding.hpp"
#include "config/admission.hpp"
#include "config/object_codec.hpp"
#include "config/patch.hpp"
#include "config/version_conversion.hpp"
#include "config/yaml_codec.hpp"
#include "proto/core_v1.pb.h"
#include "store/object_meta.hpp"

namespace troupe::apiserver {

using google::protobuf::Message;
using nlohmann::json;

resource_service::resource_service(store::object_store& store,
                                   std::function<config::timestamp()> clock,
                                   config::admission_options admission)
  : store_(store), clock_(std::move(clock)), admission_(admission) {}

json resource_service::to_json(const config::kind_info& served, const Message& stored) {
  auto converted = config::from_storage_version(served, stored);
  if (!converted.ok())
    return config::encode_json(config::storage_kind(served), stored);
  return config::encode_json(served, *converted.object);
}

std::optional<api_response> resource_service::check_namespace(const resource_target& t) {
  if (!t.kind->namespaced || t.kind->kind == "Namespace")
    return std::nullopt;
  const auto* ns_kind = config::find_kind("v1", "Namespace");
  auto ns = store_.get(*ns_kind, "", t.ns);
  if (!ns.ok())
    return api::namespace_not_found(t.ns);
  if (store::object_meta(*ns->object).has_deletiontimestamp())
    return api::namespace_terminating(*t.kind, t.name, t.ns);
  return std::nullopt;
}

namespace {

std::string random_suffix() {
  static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string s(5, ' ');
  for (auto& c : s)
    c = alphabet[rng() % (sizeof(alphabet) - 1)];
  return s;
}

std::vector<std::string> warnings_of(const config::decoded_object& d) {
  std::vector<std::string> out;
  for (const auto& w : d.warnings)
    out.push_back("unknown field \"" + w.field + "\"");
  return out;
}

} // namespace

api_response resource_service::wait_for(const std::function<void(const executor&, reply_fn)>& start) {
  // The continuations come here (a patch retried after a conflict writes again, so there may be
  // several in turn) and run in this thread, not on the store's. Shared: the store's thread may
  // still hold the executor after this returns.
  struct queue {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<std::function<void()>> jobs;
  };
  auto q = std::make_shared<queue>();
  executor here = [q](std::function<void()> job) {
    std::lock_guard<std::mutex> lock(q->mu);
    q->jobs.push_back(std::move(job));
    q->cv.notify_one();
  };
  std::optional<api_response> out;  // set by the reply, always in this thread
  start(here, [&out](api_response r) { out = std::move(r); });
  while (!out) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(q->mu);
      q->cv.wait(lock, [&] { return !q->jobs.empty(); });
      job = std::move(q->jobs.front());
      q->jobs.pop_front();
    }
    job();
  }
  return std::move(*out);
}

api_response resource_service::create(const resource_target& t, const body_input& body) {
  return wait_for([&](const executor& ex, reply_fn reply) { create_with(t, body, ex, std::move(reply)); });
}

void resource_service::create(const resource_target& t, const body_input& body, reply_fn reply) {
  create_with(t, body, executor_, std::move(reply));
}

void resource_service::drain() {
  std::unique_lock<std::mutex> lock(inflight_mu_);
  inflight_cv_.wait(lock, [this] { return inflight_ == 0; });
}

void resource_service::create_with(const resource_target& t, const body_input& body,
                                   const executor& ex, reply_fn reply) {
  if (!t.name.empty() || !t.subresource.empty())
    return reply(api::method_not_allowed());
  auto decoded = decode_body(*t.kind, body);
  if (!decoded.ok())
    return reply(api::bad_request(decoded.message()));
  auto* meta = store::mutable_object_meta(*decoded.object);
  if (meta == nullptr)
    return reply(api::bad_request(t.kind->kind + " has no metadata"));
  if (t.kind->namespaced) {
    if (meta->namespace_().empty())
      meta->set_namespace_(t.ns);
    else if (meta->namespace_() != t.ns)
      return reply(api::bad_request("the namespace of the provided object does not match the namespace sent on the request"));
  } else {
    meta->clear_namespace_();
  }
  if (meta->name().empty() && !meta->generatename().empty())
    meta->set_name(meta->generatename() + random_suffix());
  resource_target named = t;
  named.name = meta->name();
  if (auto failure = check_namespace(named))
    return reply(std::move(*failure));
  prepare_for_create(*decoded.kind, *decoded.object);
  write_object(named, *decoded.object, *decoded.kind, true, warnings_of(decoded), ex, std::move(reply));
}

void resource_service::write_object(const resource_target& t, Message& obj,
                                    const config::kind_info& decoded_kind, bool create,
                                    std::vector<std::string> warnings, const executor& ex,
                                    reply_fn reply) {
  auto admitted = config::admit(decoded_kind, obj, admission_);
  if (!admitted.ok())
    return reply(api::invalid(decoded_kind, t.name, admitted.errors));
  auto stored = config::to_storage_version(decoded_kind, obj);
  if (!stored.ok())
    return reply(api::invalid(decoded_kind, t.name, stored.errors));
  const auto& storage = config::storage_kind(decoded_kind);
  // The converted object is ours alone: hand it over (a batch of one) instead of having the store
  // copy it.
  std::vector<store::batch_write> one(1);
  one[0].what = create ? store::batch_write::op::create : store::batch_write::op::update;
  one[0].kind = &storage;
  one[0].object = std::shared_ptr<const Message>(std::move(stored.object));
  write_async(std::move(one), ex,
              [this, t, create, warnings = std::move(warnings),
               reply = std::move(reply)](store::result<store::write_result> written) mutable {
                if (!written.ok())
                  return reply(api::from_store(written.status(), *t.kind, t.name));
                api_response out;
                out.code = create ? 201 : 200;
                out.body = to_json(*t.kind, *written->object.object);
                out.warnings = std::move(warnings);
                reply(std::move(out));
              });
}

void resource_service::write_async(std::vector<store::batch_write> one, const executor& ex,
                                   std::function<void(store::result<store::write_result>)> then) {
  {
    std::lock_guard<std::mutex> lock(inflight_mu_);
    ++inflight_;
  }
  // On the store's commit thread (or here, for a write it refused at once): only hand the outcome
  // on. The answer (conversion to the requested version, JSON) is built on the executor.
  store_.write_async(std::move(one), clock_(),
                     [this, ex, then = std::move(then)](std::vector<store::result<store::write_result>> r) mutable {
                       auto finish = [then = std::move(then), written = std::move(r[0])]() mutable {
                         then(std::move(written));
                       };
                       if (ex)
                         ex(std::move(finish));
                       else
                         finish();
                       bool last = false;
                       {
                         std::lock_guard<std::mutex> lock(inflight_mu_);
                         last = --inflight_ == 0;
                       }
                       if (last)
                         inflight_cv_.notify_all();
                     });
}

api_response resource_service::get(const resource_target& t) {
  if (t.subresource == "scale")
    return scale_get(t);
  const auto& storage = config::storage_kind(*t.kind);
  auto got = store_.get(storage, t.ns, t.name);
  if (!got.ok())
    return api::from_store(got.status(), *t.kind, t.name);
  if (t.subresource == "log") {
    // Logs come from the pod's node agent; until one runs the pod its containers have none, and
    // Kubernetes answers for a container that has not started like this.
    const auto& pod = static_cast<const troupe::core::v1::Pod&>(*got->object);
    const std::string container = pod.spec().containers_size() > 0 ? pod.spec().containers(0).name() : "";
    return api::bad_request("container \"" + container + "\" in pod \"" + t.name +
                            "\" is waiting to start: ContainerCreating");
  }
  api_response r;
  r.body = to_json(*t.kind, *got->object);
  return r;
}

std::unique_ptr<Message> resource_service::served_object(const config::kind_info& served,
                                                         const Message& stored) {
  auto converted = config::from_storage_version(served, stored);
  if (converted.ok())
    return std::move(converted.object);
  std::unique_ptr<Message> copy(stored.New());
  copy->CopyFrom(stored);
  return copy;
}

std::variant<object_page, api_response> resource_service::list_objects(const resource_target& t,
                                                                       const list_input& in) {
  auto opts = list_options_for(*t.kind, t.ns, in);
  if (auto* failure = std::get_if<api_response>(&opts))
    return *failure;
  const auto& storage = config::storage_kind(*t.kind);
  auto listed = store_.list(storage, std::get<store::list_options>(opts));
  if (!listed.ok())
    return api_response(api::from_store(listed.status(), *t.kind, ""));
  object_page page;
  page.revision = listed->revision;
  page.continue_token = listed->continue_token;
  for (const auto& item : listed->items)
    page.items.push_back(served_object(*t.kind, *item.object));
  return page;
}

std::variant<std::unique_ptr<Message>, api_response> resource_service::get_object(const resource_target& t) {
  const auto& storage = config::storage_kind(*t.kind);
  auto got = store_.get(storage, t.ns, t.name);
  if (!got.ok())
    return api_response(api::from_store(got.status(), *t.kind, t.name));
  return served_object(*t.kind, *got->object);
}

api_response resource_service::list(const resource_target& t, const list_input& in) {
  auto page = list_objects(t, in);
  if (auto* failure = std::get_if<api_response>(&page))
    return *failure;
  auto& p = std::get<object_page>(page);
  json items = json::array();
  for (const auto& item : p.items)
    items.push_back(config::encode_json(*t.kind, *item));
  json meta = {{"resourceVersion", std::to_string(p.revision)}};
  if (!p.continue_token.empty())
    meta["continue"] = p.continue_token;
  api_response r;
  r.body = {{"apiVersion", t.kind->api_version()},
            {"kind", t.kind->list_kind()},
            {"metadata", std::move(meta)},
            {"items", std::move(items)}};
  return r;
}

api_response resource_service::update(const resource_target& t, const body_input& body) {
  return wait_for([&](const executor& ex, reply_fn reply) { update_with(t, body, ex, std::move(reply)); });
}

void resource_service::update(const resource_target& t, const body_input& body, reply_fn reply) {
  update_with(t, body, executor_, std::move(reply));
}

void resource_service::update_with(const resource_target& t, const body_input& body,
                                   const executor& ex, reply_fn reply) {
  if (t.subresource == "scale")
    return reply(scale_write(t, body, false));
  auto decoded = decode_body(*t.kind, body);
  if (!decoded.ok())
    return reply(api::bad_request(decoded.message()));
  auto* meta = store::mutable_object_meta(*decoded.object);
  if (meta == nullptr)
    return reply(api::bad_request(t.kind->kind + " has no metadata"));
  if (meta->name() != t.name)
    return reply(api::bad_request("the name of the object (" + meta->name()
                                  + ") does not match the name on the URL (" + t.name + ")"));
  if (t.kind->namespaced) {
    if (meta->namespace_().empty())
      meta->set_namespace_(t.ns);
    else if (meta->namespace_() != t.ns)
      return reply(api::bad_request("the namespace of the provided object does not match the namespace sent on the request"));
  }
  const auto& storage = config::storage_kind(*t.kind);
  auto current = store_.get(storage, t.ns, t.name);
  if (!current.ok())
    return reply(api::from_store(current.status(), *t.kind, t.name));
  auto current_served = config::from_storage_version(*decoded.kind, *current->object);
  if (!current_served.ok())
    return reply(api::bad_request(config::to_string(current_served.errors)));
  merge_for_subresource(*decoded.kind, t.subresource, *current_served.object, *decoded.object);
  write_object(t, *decoded.object, *decoded.kind, false, warnings_of(decoded), ex, std::move(reply));
}

api_response resource_service::patch(const resource_target& t, const body_input& body) {
  return wait_for([&](const executor& ex, reply_fn reply) { patch_with(t, body, ex, std::move(reply)); });
}

void resource_service::patch(const resource_target& t, const body_input& body, reply_fn reply) {
  patch_with(t, body, executor_, std::move(reply));
}

void resource_service::patch_with(const resource_target& t, const body_input& body,
                                  const executor& ex, reply_fn reply) {
  if (t.subresource == "scale")
    return reply(scale_write(t, body, true));
  auto type = config::parse_patch_type(body.content_type);
  if (!type)
    return reply(api::failure(415, "UnsupportedMediaType",
                              "the body of the request was in an unknown format - accepted media types include: "
                              "application/json-patch+json, application/merge-patch+json, "
                              "application/apply-patch+yaml, application/strategic-merge-patch+json"));
  json patch_doc;
  if (*type == config::patch_type::apply) {
    auto docs = config::parse_yaml(body.bytes);
    if (!docs.ok() || docs.documents.size() != 1)
      return reply(api::bad_request("error decoding YAML: " + (docs.ok() ? std::string("expected one document") : docs.error)));
    patch_doc = docs.documents[0];
  } else {
    patch_doc = json::parse(body.bytes, nullptr, false);
    if (patch_doc.is_discarded())
      return reply(api::bad_request("error decoding patch: invalid JSON"));
  }
  patch_attempt(t, body, *type, patch_doc, 0, ex, std::move(reply));
}

// One try of a patch on the object as it is now. Kubernetes retries a patch on a conflicting
// concurrent write (GuaranteedUpdate): up to 5 more tries, from the continuation of the one that
// met the conflict.
void resource_service::patch_attempt(const resource_target& t, const body_input& body,
                                     config::patch_type type, const json& patch_doc, int attempt,
                                     const executor& ex, reply_fn reply) {
  const auto& storage = config::storage_kind(*t.kind);
  auto current = store_.get(storage, t.ns, t.name);
  if (!current.ok()) {
    if (type == config::patch_type::apply && current.status().is(store::status::code::not_found)) {
      body_input as_create{"application/json", patch_doc.dump(), body.validation};
      resource_target collection = t;
      collection.name.clear();
      return create_with(collection, as_create, ex, std::move(reply));
    }
    return reply(api::from_store(current.status(), *t.kind, t.name));
  }
  auto doc = to_json(*t.kind, *current->object);
  auto patched = config::apply_patch(type, doc, patch_doc, t.kind->descriptor);
  if (!patched.ok()) {
    const auto& e = patched.error();
    return reply(e.type == config::patch_error::kind::malformed
                   ? api_response(api::bad_request(e.message))
                   : api_response(api::failure(422, "Invalid", e.message)));
  }
  auto decoded = config::decode_json_object(patched.value(), body.validation, t.kind);
  if (!decoded.ok())
    return reply(api::bad_request(decoded.message()));
  auto* meta = store::mutable_object_meta(*decoded.object);
  if (meta->name() != t.name)
    return reply(api::bad_request("the name of the object (" + meta->name()
                                  + ") does not match the name on the URL (" + t.name + ")"));
  if (meta->resourceversion().empty())
    meta->set_resourceversion(std::to_string(current->revision));
  auto current_served = config::from_storage_version(*decoded.kind, *current->object);
  if (current_served.ok())
    merge_for_subresource(*decoded.kind, t.subresource, *current_served.object, *decoded.object);
  const bool retry_on_conflict =
    attempt < 5 && patch_doc.is_object() &&
    !patch_doc.value("metadata", json::object()).contains("resourceVersion");
  if (!retry_on_conflict)
    return write_object(t, *decoded.object, *decoded.kind, false, warnings_of(decoded), ex,
                        std::move(reply));
  write_object(t, *decoded.object, *decoded.kind, false, warnings_of(decoded), ex,
               [this, t, body, type, patch_doc, attempt, ex, reply = std::move(reply)](api_response r) mutable {
                 if (r.code == 409)
                   return patch_attempt(t, body, type, patch_doc, attempt + 1, ex, std::move(reply));
                 reply(std::move(r));
               });
}

} // namespace troupe::apiserver
