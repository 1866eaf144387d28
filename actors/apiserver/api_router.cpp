#include "actors/apiserver/api_router.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "actors/api/discovery.hpp"
#include "actors/api/media_types.hpp"
#include "actors/api/openapi.hpp"
#include "actors/api/request_options.hpp"
#include "actors/api/request_path.hpp"
#include "actors/api/resource_verbs.hpp"
#include "actors/api/status_errors.hpp"
#include "actors/api/table.hpp"
#include "actors/http/stream.hpp"
#include "actors/protocol/node_join.hpp"
#include "proto/core_v1.pb.h"

namespace troupe::apiserver {

using nlohmann::json;

namespace {

http::response json_response(const api_response& r) {
  auto out = http::response::json(static_cast<unsigned>(r.code), r.body.dump());
  for (const auto& w : r.warnings)
    out.headers.add("Warning", "299 - \"" + w + "\"");
  return out;
}

http::response json_response(int code, const json& body, const std::string& content_type = {}) {
  auto out = http::response::json(static_cast<unsigned>(code), body.dump());
  if (!content_type.empty())
    out.headers.set("Content-Type", content_type);
  return out;
}

std::string header(const http::request& req, std::string_view name) {
  auto v = req.headers.get(name);
  return v ? std::string(*v) : std::string();
}

std::string query_string(const http::request& req) {
  auto q = req.raw_target.find('?');
  return q == std::string::npos ? std::string() : req.raw_target.substr(q + 1);
}

std::string param(const http::request& req, const char* name) {
  return req.query_param(name).value_or("");
}

bool is_table(api::response_form f) {
  return f == api::response_form::table_v1 || f == api::response_form::table_v1beta1;
}

} // namespace

api_router::api_router(resource_service& service, request_pool& pool,
                       std::function<config::timestamp()> clock, std::string server_address)
  : service_(service), pool_(pool), clock_(std::move(clock)), server_address_(std::move(server_address)) {}

api_router::~api_router() {
  stopping_->store(true);
}

void api_router::handle_node_join(http::request req, http::responder res) {
  if (req.method != "POST") {
    res.send(json_response(api_response(api::method_not_allowed())));
    return;
  }
  // Signing and the credential file block: on the pool.
  pool_.post([this, req = std::move(req), res]() {
    res.send(json_response(apiserver::handle_node_join(node_join_, header(req, "Authorization"),
                                                       req.body, req.remote_address)));
  });
}

void api_router::handle(http::request req, http::responder res) {
  if (node_join_.issue && req.path == protocol::node_join_path) {
    handle_node_join(std::move(req), std::move(res));
    return;
  }
  auto target = api::parse_request_path(req.path);
  const auto accept = header(req, "Accept");
  switch (target.type) {
    case api::target_type::version:
      res.send(json_response(200, api::version_info()));
      return;
    case api::target_type::health: {
      http::response ok;
      ok.status = 200;
      ok.body = "ok";
      ok.headers.set("Content-Type", "text/plain; charset=utf-8");
      res.send(std::move(ok));
      return;
    }
    case api::target_type::core_root:
    case api::target_type::groups_root: {
      const bool core = target.type == api::target_type::core_root;
      auto n = api::negotiate_response(accept, true);
      if (n.form == api::response_form::discovery_v2 || n.form == api::response_form::discovery_v2beta1) {
        auto v = n.form == api::response_form::discovery_v2 ? api::discovery_version::v2
                                                            : api::discovery_version::v2beta1;
        res.send(json_response(200, api::aggregated_discovery(core, v), api::aggregated_content_type(v)));
      } else {
        res.send(json_response(200, core ? api::api_versions(server_address_) : api::api_group_list()));
      }
      return;
    }
    case api::target_type::core_version:
    case api::target_type::group_version: {
      auto list = api::api_resource_list(target.group, target.version);
      res.send(list ? json_response(200, *list) : json_response(api_response(api::not_found_path())));
      return;
    }
    case api::target_type::group: {
      auto g = api::api_group(target.group);
      res.send(g ? json_response(200, *g) : json_response(api_response(api::not_found_path())));
      return;
    }
    case api::target_type::openapi_v2: {
      http::response r;
      r.status = 200;
      r.headers.set("Content-Type", std::string(api::openapi_v2_content_type));
      res.send(std::move(r));
      return;
    }
    case api::target_type::openapi_v3_index:
      res.send(json_response(200, api::openapi_v3_index()));
      return;
    case api::target_type::openapi_v3_doc: {
      auto doc = api::openapi_v3_document(target.openapi_path);
      res.send(doc ? json_response(200, *doc) : json_response(api_response(api::not_found_path())));
      return;
    }
    case api::target_type::metrics: {
      if (!metrics_text_ || req.method != "GET") {
        res.send(json_response(api_response(api::not_found_path())));
        return;
      }
      http::response r;
      r.status = 200;
      r.body = metrics_text_();
      r.headers.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      res.send(std::move(r));
      return;
    }
    case api::target_type::resource:
      handle_resource(std::move(req), std::move(res));
      return;
    default:
      res.send(json_response(api_response(api::not_found_path())));
      return;
  }
}

void api_router::handle_resource(http::request req, http::responder res) {
  auto target = api::parse_request_path(req.path);
  const auto watch_param = param(req, "watch");
  const bool watch = target.legacy_watch || watch_param == "true" || watch_param == "1";
  auto verb = api::request_verb(req.method, target, watch);
  if (pod_logs_ && verb && *verb == api::verb::get && target.subresource == "log" &&
      target.kind && target.kind->kind == "Pod") {
    resource_target pod_target{target.kind, target.ns, target.name, ""};
    pool_.post([this, req = std::move(req), res, pod_target]() {
      auto obj = service_.get_object(pod_target);
      if (auto* failure = std::get_if<api_response>(&obj)) {
        res.send(json_response(*failure));
        return;
      }
      const auto& pod = static_cast<const core::v1::Pod&>(*std::get<0>(obj));
      pod_log_options o;
      o.source = pod_logs_;
      o.stopping = stopping_;
      if (!serve_pod_log(o, pod, req, res)) {
        resource_target t{pod_target.kind, pod_target.ns, pod_target.name, "log"};
        res.send(json_response(service_.get(t)));
      }
    });
    return;
  }
  if (!verb || !api::verb_allowed(target, *verb)) {
    res.send(json_response(api_response(verb ? api::method_not_supported(*target.kind, api::to_string(*verb))
                                             : api::method_not_allowed())));
    return;
  }
  auto parsed = api::parse_request_options(query_string(req), *verb, target.kind);
  if (parsed.error) {
    res.send(json_response(api_response(*parsed.error)));
    return;
  }
  auto negotiated = api::negotiate_response(header(req, "Accept"), false);
  if (negotiated.form == api::response_form::not_acceptable) {
    res.send(json_response(api_response(api::not_acceptable("application/json, application/yaml, application/vnd.kubernetes.protobuf"))));
    return;
  }
  const auto content_type = header(req, "Content-Type");
  if (!req.body.empty() || *verb == api::verb::create || *verb == api::verb::update || *verb == api::verb::patch) {
    if (auto bad = api::check_body_format(*verb, api::parse_content_type(content_type))) {
      res.send(json_response(api_response(*bad)));
      return;
    }
  }
  resource_target t{target.kind, target.ns, target.name, target.subresource};
  list_input li;
  li.label_selector = param(req, "labelSelector");
  li.field_selector = param(req, "fieldSelector");
  li.limit = parsed.options.limit;
  li.continue_token = parsed.options.continue_token;
  li.resource_version = parsed.options.resource_version.value_or("");
  const auto opts = parsed.options;
  const auto form = negotiated.form;

  pool_.post([this, req = std::move(req), res, verb = *verb, t, li, opts, form, content_type]() mutable {
    body_input body{content_type, std::move(req.body), opts.field_validation};
    auto answer = [res](api_response r) { res.send(json_response(r)); };
    api::table_options topts;
    topts.include = opts.include;
    topts.api_version = form == api::response_form::table_v1beta1 ? "meta.k8s.io/v1beta1" : "meta.k8s.io/v1";
    switch (verb) {
      case api::verb::get:
        if (is_table(form) && t.subresource.empty()) {
          auto obj = service_.get_object(t);
          if (auto* failure = std::get_if<api_response>(&obj)) {
            res.send(json_response(*failure));
            return;
          }
          auto& o = std::get<std::unique_ptr<google::protobuf::Message>>(obj);
          res.send(json_response(200, api::make_table(*t.kind, {o.get()}, topts, clock_())));
          return;
        }
        res.send(json_response(service_.get(t)));
        return;
      case api::verb::list:
        if (is_table(form)) {
          auto page = service_.list_objects(t, li);
          if (auto* failure = std::get_if<api_response>(&page)) {
            res.send(json_response(*failure));
            return;
          }
          auto& p = std::get<object_page>(page);
          std::vector<const google::protobuf::Message*> objs;
          for (auto& o : p.items)
            objs.push_back(o.get());
          topts.resource_version = std::to_string(p.revision);
          topts.continue_token = p.continue_token;
          res.send(json_response(200, api::make_table(*t.kind, objs, topts, clock_())));
          return;
        }
        res.send(json_response(service_.list(t, li)));
        return;
      // Writes do not hold this thread while they wait for their sync: `answer` is called on
      // the pool once the write is durable (resource_service::set_executor).
      case api::verb::create:
        service_.create(t, body, answer);
        return;
      case api::verb::update:
        service_.update(t, body, answer);
        return;
      case api::verb::patch:
        service_.patch(t, body, answer);
        return;
      case api::verb::delete_: {
        delete_input d;
        d.body = body.bytes;
        d.content_type = content_type;
        d.grace_period_seconds = opts.grace_period_seconds;
        d.propagation_policy = opts.propagation_policy.value_or("");
        service_.remove(t, d, answer);
        return;
      }
      case api::verb::watch: {
        auto opened = service_.watch(t, li, opts.allow_watch_bookmarks);
        if (auto* failure = std::get_if<api_response>(&opened)) {
          res.send(json_response(*failure));
          return;
        }
        http::header_list headers;
        headers.set("Content-Type", "application/json");
        auto stream = res.open_stream(200, std::move(headers));
        if (!stream)
          return;
        auto ws = std::make_shared<watch_stream>(std::move(std::get<watch_stream>(opened)));
        auto deadline = std::chrono::steady_clock::now()
                        + std::chrono::seconds(opts.timeout_seconds.value_or(1800));
        auto counter = open_watches_;
        auto stopping = stopping_;
        counter->fetch_add(1);
        // One thread per open watch for now: simple, and it never blocks an io or CAF thread.
        std::thread([this, stream, ws, deadline, counter, stopping, t, form, topts]() mutable {
          bool first = true;
          while (stream->is_open() && !stopping->load() && std::chrono::steady_clock::now() < deadline) {
            ws->watcher->wait_for(std::chrono::milliseconds(250));
            for (const auto& e : ws->watcher->poll()) {
              json ev;
              const bool object_event = e.type == store::watch_event_type::added
                                        || e.type == store::watch_event_type::modified
                                        || e.type == store::watch_event_type::deleted;
              if (is_table(form) && object_event) {
                topts.include_columns = first;
                first = false;
                auto served = service_.served_object(*t.kind, *e.object);
                ev = api::make_table_row_event(store::to_string(e.type), *t.kind, *served, topts, clock_());
              } else {
                ev = ws->to_json(e);
              }
              stream->write_chunk(ev.dump() + "\n");
            }
            if (ws->watcher->closed())
              break;
          }
          ws->watcher->stop();
          stream->close();
          counter->fetch_sub(1);
        }).detach();
        return;
      }
      case api::verb::deletecollection: {
        const auto& verbs = api::resource_verbs(*t.kind);
        if (std::find(verbs.begin(), verbs.end(), "deletecollection") == verbs.end()) {
          res.send(json_response(api_response(api::method_not_supported(*t.kind, "deletecollection"))));
          return;
        }
        delete_input d;
        d.body = body.bytes;
        d.content_type = content_type;
        d.grace_period_seconds = opts.grace_period_seconds;
        d.propagation_policy = opts.propagation_policy.value_or("");
        res.send(json_response(service_.remove_collection(t, d, li)));
        return;
      }
    }
  });
}

} // namespace troupe::apiserver
