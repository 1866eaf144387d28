#include "actors/apiserver/request_decoding.hpp"

#include <algorithm>

#include "config/field_selector.hpp"
#include "config/label_selector.hpp"
#include "config/pod_defaults.hpp"
#include "config/quantity.hpp"
#include "config/yaml_codec.hpp"
#include "proto/core_v1.pb.h"
#include "store/object_meta.hpp"

namespace troupe::apiserver {

using google::protobuf::Message;

namespace {

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

bool has_status_subresource(const config::kind_info& kind) {
  return std::find(kind.subresources.begin(), kind.subresources.end(), "status")
         != kind.subresources.end();
}

} // namespace

config::decoded_object decode_body(const config::kind_info& kind, const body_input& body) {
  const auto& ct = body.content_type;
  if (starts_with(ct, "application/vnd.kubernetes.protobuf"))
    return config::decode_protobuf(body.bytes, &kind);
  if (starts_with(ct, "application/yaml") || starts_with(ct, "application/x-yaml")) {
    auto docs = config::parse_yaml(body.bytes);
    if (!docs.ok() || docs.documents.size() != 1) {
      config::decoded_object out;
      out.error = docs.ok() ? "expected one YAML document" : "error converting YAML to JSON: " + docs.error;
      return out;
    }
    return config::decode_json_object(docs.documents[0], body.validation, &kind);
  }
  return config::decode_json_text(body.bytes, body.validation, &kind);
}

std::variant<store::list_options, api_response> list_options_for(const config::kind_info& kind,
                                                                 const std::string& ns,
                                                                 const list_input& in) {
  store::list_options o;
  o.ns = ns;
  if (!in.label_selector.empty()) {
    auto sel = config::parse_label_selector(in.label_selector);
    if (!sel)
      return api::bad_request("unable to parse requirement: " + sel.error);
    o.labels = *sel.value;
  }
  if (!in.field_selector.empty()) {
    auto sel = config::parse_field_selector(in.field_selector);
    if (!sel)
      return api::bad_request(sel.error);
    if (auto err = config::validate_field_selector(kind.kind, *sel.value))
      return api::bad_request(*err);
    o.fields = *sel.value;
  }
  if (in.limit < 0)
    return api::bad_request("limit must be a non-negative integer");
  o.limit = in.limit;
  o.continue_token = in.continue_token;
  return o;
}

std::string qos_class(const Message& msg) {
  const auto& pod = static_cast<const troupe::core::v1::Pod&>(msg);
  bool any = false;
  bool guaranteed = true;
  auto visit = [&](const troupe::core::v1::Container& c) {
    const auto& req = c.resources().requests();
    const auto& lim = c.resources().limits();
    for (const char* r : {"cpu", "memory"}) {
      auto rq = req.find(r);
      auto lm = lim.find(r);
      bool has_req = rq != req.end() && !rq->second.string().empty();
      bool has_lim = lm != lim.end() && !lm->second.string().empty();
      any = any || has_req || has_lim;
      if (!has_lim) {
        guaranteed = false;
        continue;
      }
      if (has_req) {
        auto a = config::parse_quantity(rq->second.string());
        auto b = config::parse_quantity(lm->second.string());
        if (!a || !b || *a != *b)
          guaranteed = false;
      }
    }
  };
  for (const auto& c : pod.spec().initcontainers())
    visit(c);
  for (const auto& c : pod.spec().containers())
    visit(c);
  if (!any)
    return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

void prepare_for_create(const config::kind_info& kind, Message& obj) {
  if (obj.GetDescriptor() == troupe::core::v1::Pod::descriptor()) {
    auto& pod = static_cast<troupe::core::v1::Pod&>(obj);
    pod.clear_status();
    pod.mutable_status()->set_phase("Pending");
    pod.mutable_status()->set_qosclass(qos_class(pod));
    config::merge_match_label_keys(pod);
    return;
  }
  if (obj.GetDescriptor() == troupe::core::v1::Namespace::descriptor())
    return; // defaulting sets status.phase Active
  if (obj.GetDescriptor() == troupe::core::v1::Node::descriptor())
    return; // Kubernetes' nodeStrategy keeps a created Node's status (capacity, allocatable)
  if (has_status_subresource(kind)) {
    if (const auto* f = obj.GetDescriptor()->FindFieldByName("status"))
      obj.GetReflection()->ClearField(&obj, f);
  }
}

void merge_for_subresource(const config::kind_info& kind, const std::string& subresource,
                           const Message& current, Message& incoming) {
  if (!has_status_subresource(kind))
    return;
  const auto* status_f = incoming.GetDescriptor()->FindFieldByName("status");
  if (status_f == nullptr || current.GetDescriptor() != incoming.GetDescriptor())
    return;
  const auto* r = incoming.GetReflection();
  if (subresource == "status") {
    // Everything but the status comes from the current object; metadata keeps the incoming
    // resourceVersion (the precondition) and labels/annotations stay as they are.
    std::unique_ptr<Message> merged(current.New());
    merged->CopyFrom(current);
    auto rv = store::object_meta(incoming).resourceversion();
    if (r->HasField(incoming, status_f))
      merged->GetReflection()->MutableMessage(merged.get(), status_f)->CopyFrom(r->GetMessage(incoming, status_f));
    else
      merged->GetReflection()->ClearField(merged.get(), status_f);
    store::mutable_object_meta(*merged)->set_resourceversion(rv);
    incoming.CopyFrom(*merged);
    return;
  }
  if (current.GetReflection()->HasField(current, status_f))
    r->MutableMessage(&incoming, status_f)->CopyFrom(current.GetReflection()->GetMessage(current, status_f));
  else
    r->ClearField(&incoming, status_f);
}

} // namespace troupe::apiserver
