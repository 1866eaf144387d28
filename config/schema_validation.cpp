#include "config/schema_validation.hpp"

#include <algorithm>

#include "config/schema_index.hpp"

namespace troupe::config {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

namespace {

void check_one_of(const field_info& fi, const std::string& value, const field_path& p,
                  field_errors& out) {
  if (fi.one_of.empty() || value.empty())
    return; // an empty value is "not set"; Required is the kind validation's call
  if (std::find(fi.one_of.begin(), fi.one_of.end(), value) == fi.one_of.end())
    out.push_back(field_error::not_supported(p, quote(value), fi.one_of));
}

void walk(const Message& m, const field_path& p, field_errors& out) {
  const auto& info = schema_of(m.GetDescriptor());
  if (info.form != troupe::schema::OBJECT)
    return;
  const auto* r = m.GetReflection();
  for (const auto& fi : info.fields) {
    const auto* f = fi.field;
    // Embedded structs share their parent's path.
    const field_path fp = fi.inline_ ? p : p.child(f->name());
    if (f->is_map()) {
      if (f->message_type()->map_value()->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE)
        continue;
      const auto* key_f = f->message_type()->map_key();
      const auto* val_f = f->message_type()->map_value();
      for (int i = 0; i < r->FieldSize(m, f); ++i) {
        const auto& e = r->GetRepeatedMessage(m, f, i);
        walk(e.GetReflection()->GetMessage(e, val_f),
             fp.key(e.GetReflection()->GetString(e, key_f)), out);
      }
    } else if (f->is_repeated()) {
      for (int i = 0; i < r->FieldSize(m, f); ++i) {
        if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE)
          walk(r->GetRepeatedMessage(m, f, i), fp.index(static_cast<size_t>(i)), out);
        else if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING)
          check_one_of(fi, r->GetRepeatedString(m, f, i), fp.index(static_cast<size_t>(i)), out);
      }
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (r->HasField(m, f))
        walk(r->GetMessage(m, f), fp, out);
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING && r->HasField(m, f)) {
      check_one_of(fi, r->GetString(m, f), fp, out);
    }
  }
}

} // namespace

field_errors validate_schema(const Message& obj, const field_path& root) {
  field_errors out;
  walk(obj, root, out);
  return out;
}

} // namespace troupe::config
