#include "store/object_meta.hpp"

#include <charconv>
#include <memory>

#include "config/object_codec.hpp"

namespace troupe::store {

namespace {

const google::protobuf::FieldDescriptor* metadata_field(const google::protobuf::Descriptor* d) {
  const auto* f = d->FindFieldByNumber(1);
  if (f == nullptr || f->message_type() != meta::ObjectMeta::descriptor()) return nullptr;
  return f;
}

// A copy without metadata and status: what "the spec changed" compares.
std::string spec_bytes(const google::protobuf::Message& m) {
  std::unique_ptr<google::protobuf::Message> copy(m.New());
  copy->CopyFrom(m);
  const auto* d = copy->GetDescriptor();
  const auto* r = copy->GetReflection();
  if (const auto* f = metadata_field(d)) r->ClearField(copy.get(), f);
  if (const auto* f = d->FindFieldByName("status")) r->ClearField(copy.get(), f);
  return config::serialize_deterministic(*copy);
}

} // namespace

const meta::ObjectMeta& object_meta(const google::protobuf::Message& object) {
  const auto* f = metadata_field(object.GetDescriptor());
  if (f == nullptr) return meta::ObjectMeta::default_instance();
  return static_cast<const meta::ObjectMeta&>(object.GetReflection()->GetMessage(object, f));
}

meta::ObjectMeta* mutable_object_meta(google::protobuf::Message& object) {
  const auto* f = metadata_field(object.GetDescriptor());
  if (f == nullptr) return nullptr;
  return static_cast<meta::ObjectMeta*>(object.GetReflection()->MutableMessage(&object, f));
}

std::optional<int64_t> parse_revision(std::string_view rv) {
  if (rv.empty()) return 0;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(rv.data(), rv.data() + rv.size(), v);
  if (ec != std::errc() || end != rv.data() + rv.size() || v < 0) return std::nullopt;
  return v;
}

bool spec_changed(const google::protobuf::Message& before, const google::protobuf::Message& after) {
  return spec_bytes(before) != spec_bytes(after);
}

std::string qualified_resource(const config::kind_info& kind) {
  return kind.group.empty() ? kind.resource : kind.resource + "." + kind.group;
}

} // namespace troupe::store
