#include "store/object_meta.hpp"

#include <charconv>
#include <memory>
#include <utility>
#include <vector>

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

namespace {

// Reads a base-128 varint at `pos`; false when truncated or longer than 10 bytes.
bool read_varint(std::string_view b, size_t& pos, uint64_t& out) {
  out = 0;
  for (int shift = 0; shift < 70 && pos < b.size(); shift += 7) {
    const auto byte = static_cast<uint8_t>(b[pos++]);
    out |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

// The top-level fields of a serialized message, in order, as (field number, whole encoding),
// leaving out the fields numbered `skip_a` and `skip_b`.
bool wire_fields(std::string_view b, int skip_a, int skip_b,
                 std::vector<std::pair<uint32_t, std::string_view>>* out) {
  size_t pos = 0;
  while (pos < b.size()) {
    const size_t start = pos;
    uint64_t key = 0;
    if (!read_varint(b, pos, key)) return false;
    const auto number = static_cast<uint32_t>(key >> 3);
    switch (key & 7) {
      case 0: {
        uint64_t ignored = 0;
        if (!read_varint(b, pos, ignored)) return false;
        break;
      }
      case 1: pos += 8; break;
      case 2: {
        uint64_t len = 0;
        if (!read_varint(b, pos, len) || len > b.size() - pos) return false;
        pos += len;
        break;
      }
      case 5: pos += 4; break;
      default: return false;  // groups are not used by any stored kind
    }
    if (pos > b.size() || number == 0) return false;
    if (static_cast<int>(number) != skip_a && static_cast<int>(number) != skip_b)
      out->emplace_back(number, b.substr(start, pos - start));
  }
  return true;
}

} // namespace

std::optional<bool> spec_changed_bytes(const google::protobuf::Descriptor* descriptor,
                                       std::string_view before, std::string_view after) {
  const auto* status = descriptor->FindFieldByName("status");
  const int status_number = status ? status->number() : -1;
  const int metadata_number = metadata_field(descriptor) ? 1 : -1;
  std::vector<std::pair<uint32_t, std::string_view>> a, b;
  if (!wire_fields(before, metadata_number, status_number, &a) ||
      !wire_fields(after, metadata_number, status_number, &b))
    return std::nullopt;
  return a != b;
}

std::string qualified_resource(const config::kind_info& kind) {
  return kind.group.empty() ? kind.resource : kind.resource + "." + kind.group;
}

} // namespace troupe::store
