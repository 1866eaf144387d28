// The /scale subresource (autoscaling/v1 Scale) of Deployments, ReplicaSets and StatefulSets:
// what `kubectl scale` patches and the HPA reads.
#include "actors/apiserver/request_decoding.hpp"
#include "actors/apiserver/resource_service.hpp"
#include "config/label_selector.hpp"
#include "config/object_codec.hpp"
#include "config/patch.hpp"
#include "proto/autoscaling_v1.pb.h"
#include "store/object_meta.hpp"

namespace troupe::apiserver {

using google::protobuf::Message;
using nlohmann::json;

namespace {

const Message* sub_message(const Message& m, const char* name) {
  const auto* f = m.GetDescriptor()->FindFieldByName(name);
  if (f == nullptr || f->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE)
    return nullptr;
  return &m.GetReflection()->GetMessage(m, f);
}

int32_t int_field(const Message* m, const char* name) {
  if (m == nullptr)
    return 0;
  const auto* f = m->GetDescriptor()->FindFieldByName(name);
  return f ? m->GetReflection()->GetInt32(*m, f) : 0;
}

troupe::autoscaling::v1::Scale scale_of(const Message& obj) {
  troupe::autoscaling::v1::Scale s;
  const auto& meta = store::object_meta(obj);
  auto* sm = s.mutable_metadata();
  sm->set_name(meta.name());
  sm->set_namespace_(meta.namespace_());
  sm->set_uid(meta.uid());
  sm->set_resourceversion(meta.resourceversion());
  *sm->mutable_creationtimestamp() = meta.creationtimestamp();
  const auto* spec = sub_message(obj, "spec");
  s.mutable_spec()->set_replicas(int_field(spec, "replicas"));
  s.mutable_status()->set_replicas(int_field(sub_message(obj, "status"), "replicas"));
  if (spec) {
    if (const auto* sel = sub_message(*spec, "selector")) {
      auto conv = config::label_selector_from_proto(static_cast<const troupe::meta::LabelSelector*>(sel));
      if (conv.errors.empty() && conv.value)
        s.mutable_status()->set_selector(conv.value->to_string());
    }
  }
  return s;
}

} // namespace

api_response resource_service::scale_get(const resource_target& t) {
  const auto& storage = config::storage_kind(*t.kind);
  auto got = store_.get(storage, t.ns, t.name);
  if (!got.ok())
    return api::from_store(got.status(), *t.kind, t.name);
  api_response r;
  r.body = config::encode_json(*config::find_kind("autoscaling/v1", "Scale"), scale_of(*got->object));
  return r;
}

api_response resource_service::scale_write(const resource_target& t, const body_input& body,
                                           bool is_patch) {
  const auto* scale_kind = config::find_kind("autoscaling/v1", "Scale");
  const auto& storage = config::storage_kind(*t.kind);
  auto current = store_.get(storage, t.ns, t.name);
  if (!current.ok())
    return api::from_store(current.status(), *t.kind, t.name);
  json scale_json;
  if (is_patch) {
    auto type = config::parse_patch_type(body.content_type);
    if (!type || *type == config::patch_type::apply)
      return api::failure(415, "UnsupportedMediaType", "unsupported patch type for scale: " + body.content_type);
    auto patch_doc = json::parse(body.bytes, nullptr, false);
    if (patch_doc.is_discarded())
      return api::bad_request("error decoding patch: invalid JSON");
    auto patched = config::apply_patch(*type, config::encode_json(*scale_kind, scale_of(*current->object)),
                                       patch_doc, scale_kind->descriptor);
    if (!patched.ok())
      return api::failure(patched.error().type == config::patch_error::kind::malformed ? 400 : 422,
                            patched.error().type == config::patch_error::kind::malformed ? "BadRequest" : "Invalid",
                            patched.error().message);
    scale_json = patched.value();
  } else {
    scale_json = json::parse(body.bytes, nullptr, false);
    if (scale_json.is_discarded())
      return api::bad_request("error decoding Scale: invalid JSON");
  }
  auto decoded = config::decode_json_object(scale_json, body.validation, scale_kind);
  if (!decoded.ok())
    return api::bad_request(decoded.message());
  const auto& scale = static_cast<const troupe::autoscaling::v1::Scale&>(*decoded.object);
  if (scale.spec().replicas() < 0)
    return api::invalid(*scale_kind, t.name,
                        {config::field_error::invalid(config::field_path("spec.replicas"),
                                                      std::to_string(scale.spec().replicas()),
                                                      "must be greater than or equal to 0")});
  std::unique_ptr<Message> updated(current->object->New());
  updated->CopyFrom(*current->object);
  auto* spec_f = updated->GetDescriptor()->FindFieldByName("spec");
  auto* spec = updated->GetReflection()->MutableMessage(updated.get(), spec_f);
  spec->GetReflection()->SetInt32(spec, spec->GetDescriptor()->FindFieldByName("replicas"),
                                  scale.spec().replicas());
  auto* meta = store::mutable_object_meta(*updated);
  meta->set_resourceversion(scale.metadata().resourceversion().empty()
                              ? std::to_string(current->revision)
                              : scale.metadata().resourceversion());
  auto w = store_.update(storage, *updated);
  if (!w.ok())
    return api::from_store(w.status(), *t.kind, t.name);
  api_response r;
  r.body = config::encode_json(*scale_kind, scale_of(*w->object.object));
  return r;
}

} // namespace troupe::apiserver
