#include "config/strategic_patch_schema.hpp"

#include "proto/options.pb.h"

#include <google/protobuf/descriptor.pb.h>

namespace troupe::config {
namespace {

namespace pb = google::protobuf;

bool is_object_message(const pb::Descriptor* m) {
  return m && m->options().GetExtension(troupe::schema::form) == troupe::schema::OBJECT;
}

// The inline option may or may not exist in options.proto (and protoc may name it inline_), so it
// is found by name through reflection rather than through a generated accessor.
const pb::FieldDescriptor* inline_option() {
  static const pb::FieldDescriptor* ext = [] {
    auto* pool = pb::DescriptorPool::generated_pool();
    const pb::FieldDescriptor* e = pool->FindExtensionByName("troupe.schema.inline");
    return e ? e : pool->FindExtensionByName("troupe.schema.inline_");
  }();
  return ext;
}

bool is_inline(const pb::FieldDescriptor* f) {
  const pb::FieldDescriptor* ext = inline_option();
  if (!ext || ext->cpp_type() != pb::FieldDescriptor::CPPTYPE_BOOL || f->is_repeated() ||
      f->type() != pb::FieldDescriptor::TYPE_MESSAGE)
    return false;
  const pb::FieldOptions& opts = f->options();
  return opts.GetReflection()->GetBool(opts, ext);
}

const pb::FieldDescriptor* find_field(const pb::Descriptor* m, const std::string& name, int depth = 0) {
  if (const pb::FieldDescriptor* f = m->FindFieldByName(name)) return f;
  if (depth > 8) return nullptr;  // guards against a (mis)declared inline cycle
  for (int i = 0; i < m->field_count(); ++i) {
    const pb::FieldDescriptor* f = m->field(i);
    if (!is_inline(f)) continue;
    if (const pb::FieldDescriptor* inner = find_field(f->message_type(), name, depth + 1)) return inner;
  }
  return nullptr;
}

// "merge,retainKeys" -> "merge"
std::string merge_strategy(const std::string& tag) {
  std::string out;
  size_t start = 0;
  while (start <= tag.size()) {
    size_t comma = tag.find(',', start);
    std::string part = tag.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!part.empty() && part != "retainKeys") out = part;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

smp_field classify(const pb::FieldDescriptor* f) {
  smp_field out;
  const pb::FieldOptions& opts = f->options();
  out.strategy = merge_strategy(opts.GetExtension(troupe::schema::patch_strategy));
  out.merge_key = opts.GetExtension(troupe::schema::merge_key);
  const pb::Descriptor* msg = f->type() == pb::FieldDescriptor::TYPE_MESSAGE ? f->message_type() : nullptr;
  if (f->is_map()) {
    out.kind = smp_field::shape::object;
    out.object.map_value = msg->map_value();
  } else if (f->is_repeated()) {
    out.kind = smp_field::shape::list;
    if (is_object_message(msg)) out.object.message = msg;
  } else if (is_object_message(msg)) {
    out.kind = smp_field::shape::object;
    out.object.message = msg;
  } else {
    out.kind = smp_field::shape::scalar;
  }
  return out;
}

} // namespace

smp_object_schema smp_root(const pb::Descriptor* message) {
  smp_object_schema s;
  if (is_object_message(message)) s.message = message;
  return s;
}

smp_field smp_lookup(const smp_object_schema& parent, std::string_view key) {
  if (parent.map_value) return classify(parent.map_value);
  if (!parent.message) return {};
  const pb::FieldDescriptor* f = find_field(parent.message, std::string(key));
  return f ? classify(f) : smp_field{};
}

} // namespace troupe::config
