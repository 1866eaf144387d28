// protobuf -> JSON half of config/json_codec.hpp.
#include <google/protobuf/reflection.h>

#include "config/base64.hpp"
#include "config/json_codec.hpp"
#include "config/schema_index.hpp"
#include "config/time_format.hpp"

namespace troupe::config {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using nlohmann::json;

namespace {

json encode_object(const Message& m);

// The JSON of a special-form message; nullopt means "write nothing" (Go's zero Time is null).
std::optional<json> encode_special(const Message& m, troupe::schema::json_form form) {
  const auto* d = m.GetDescriptor();
  const auto* r = m.GetReflection();
  switch (form) {
    case troupe::schema::TIME:
    case troupe::schema::MICRO_TIME: {
      timestamp t{r->GetInt64(m, d->FindFieldByNumber(1)), r->GetInt32(m, d->FindFieldByNumber(2))};
      if (t.seconds == 0 && t.nanos == 0)
        return std::nullopt;
      return form == troupe::schema::TIME ? format_rfc3339(t.seconds) : format_rfc3339_micro(t);
    }
    case troupe::schema::DURATION:
      return format_go_duration(r->GetInt64(m, d->FindFieldByNumber(1)));
    case troupe::schema::QUANTITY:
      return r->GetString(m, d->FindFieldByNumber(1));
    case troupe::schema::INT_OR_STRING:
      if (r->GetInt64(m, d->FindFieldByNumber(1)) == 1)
        return r->GetString(m, d->FindFieldByNumber(3));
      return r->GetInt32(m, d->FindFieldByNumber(2));
    case troupe::schema::RAW_JSON: {
      const auto raw = r->GetString(m, d->FindFieldByNumber(1));
      if (raw.empty())
        return std::nullopt;
      auto j = json::parse(raw, nullptr, false);
      if (j.is_discarded())
        return std::nullopt; // not JSON (e.g. a protobuf-encoded RawExtension): not representable
      return j;
    }
    default:
      return encode_object(m);
  }
}

std::optional<json> encode_message_value(const Message& m) {
  auto form = schema_of(m.GetDescriptor()).form;
  if (form == troupe::schema::OBJECT)
    return encode_object(m);
  return encode_special(m, form);
}

json scalar(const Message& m, const FieldDescriptor* f, int index) {
  const auto* r = m.GetReflection();
  const bool rep = index >= 0;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      auto s = rep ? r->GetRepeatedString(m, f, index) : r->GetString(m, f);
      return f->type() == FieldDescriptor::TYPE_BYTES ? json(base64_encode(s)) : json(std::move(s));
    }
    case FieldDescriptor::CPPTYPE_INT32: return rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f);
    case FieldDescriptor::CPPTYPE_INT64: return rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f);
    case FieldDescriptor::CPPTYPE_UINT32: return rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f);
    case FieldDescriptor::CPPTYPE_UINT64: return rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f);
    case FieldDescriptor::CPPTYPE_BOOL: return rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f);
    case FieldDescriptor::CPPTYPE_DOUBLE: return rep ? r->GetRepeatedDouble(m, f, index) : r->GetDouble(m, f);
    case FieldDescriptor::CPPTYPE_FLOAT: return rep ? r->GetRepeatedFloat(m, f, index) : r->GetFloat(m, f);
    default: return nullptr;
  }
}

bool is_zero(const json& j) {
  switch (j.type()) {
    case json::value_t::string: return j.get_ref<const std::string&>().empty();
    case json::value_t::boolean: return !j.get<bool>();
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return j.get<int64_t>() == 0;
    case json::value_t::number_float: return j.get<double>() == 0.0;
    case json::value_t::null: return true;
    default: return false;
  }
}

void encode_field(const Message& m, const field_info& fi, json& out) {
  const auto* f = fi.field;
  const auto* r = m.GetReflection();
  if (f->is_map()) {
    const int n = r->FieldSize(m, f);
    if (n == 0) {
      if (fi.always)
        out[f->name()] = json::object();
      return;
    }
    json obj = json::object();
    const auto* key_f = f->message_type()->map_key();
    const auto* val_f = f->message_type()->map_value();
    for (int i = 0; i < n; ++i) {
      const Message& entry = r->GetRepeatedMessage(m, f, i);
      auto key = entry.GetReflection()->GetString(entry, key_f);
      if (val_f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        auto v = encode_message_value(entry.GetReflection()->GetMessage(entry, val_f));
        obj[key] = v ? std::move(*v) : json(nullptr);
      } else {
        obj[key] = scalar(entry, val_f, -1);
      }
    }
    out[f->name()] = std::move(obj);
    return;
  }
  if (f->is_repeated()) {
    const int n = r->FieldSize(m, f);
    if (n == 0) {
      if (fi.always)
        out[f->name()] = json::array();
      return;
    }
    json arr = json::array();
    for (int i = 0; i < n; ++i) {
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        auto v = encode_message_value(r->GetRepeatedMessage(m, f, i));
        arr.push_back(v ? std::move(*v) : json(nullptr));
      } else {
        arr.push_back(scalar(m, f, i));
      }
    }
    out[f->name()] = std::move(arr);
    return;
  }
  if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    if (!r->HasField(m, f)) {
      if (fi.always)
        out[f->name()] = fi.form == troupe::schema::OBJECT ? json::object() : json(nullptr);
      return;
    }
    auto v = encode_message_value(r->GetMessage(m, f));
    if (v)
      out[f->name()] = std::move(*v);
    else if (fi.always)
      out[f->name()] = nullptr;
    return;
  }
  const bool has = r->HasField(m, f);
  if (!has && !fi.always)
    return;
  json v = scalar(m, f, -1);
  if (!fi.ptr && !fi.always && is_zero(v))
    return;
  out[f->name()] = std::move(v);
}

json encode_object(const Message& m) {
  const auto& info = schema_of(m.GetDescriptor());
  json out = json::object();
  for (const auto& fi : info.fields) {
    if (fi.inline_) {
      if (!m.GetReflection()->HasField(m, fi.field))
        continue;
      auto sub = encode_object(m.GetReflection()->GetMessage(m, fi.field));
      for (auto it = sub.begin(); it != sub.end(); ++it)
        out[it.key()] = std::move(it.value());
      continue;
    }
    encode_field(m, fi, out);
  }
  return out;
}

} // namespace

json message_to_json(const Message& msg) {
  auto v = encode_message_value(msg);
  return v ? std::move(*v) : json(nullptr);
}

} // namespace troupe::config
