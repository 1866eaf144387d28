// JSON -> protobuf half of config/json_codec.hpp.
#include <google/protobuf/reflection.h>

#include <limits>

#include "config/base64.hpp"
#include "config/json_codec.hpp"
#include "config/quantity.hpp"
#include "config/schema_index.hpp"
#include "config/time_format.hpp"

namespace troupe::config {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using nlohmann::json;
using troupe::schema::json_form;

std::optional<decode_mode> parse_decode_mode(std::string_view s) {
  if (s == "Strict")
    return decode_mode::strict;
  if (s == "Warn" || s.empty())
    return decode_mode::warn;
  if (s == "Ignore")
    return decode_mode::ignore;
  return std::nullopt;
}

namespace {

const char* json_type_name(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "boolean";
    case json::value_t::string: return "string";
    case json::value_t::array: return "array";
    case json::value_t::object: return "object";
    case json::value_t::number_float: return "number (not an integer)";
    default: return "number";
  }
}

class decoder {
public:
  decoder(decode_mode mode, decode_report& rep) : mode_(mode), rep_(rep) {}

  void message(const json& j, Message& m, const field_path& p) {
    if (!j.is_object()) {
      wrong_type(p, "object", j);
      return;
    }
    const auto& info = schema_of(m.GetDescriptor());
    for (auto it = j.begin(); it != j.end(); ++it) {
      const auto& key = it.key();
      const auto* fi = info.find(key);
      if (fi == nullptr) {
        if (info.has_type_meta && (key == "apiVersion" || key == "kind")) {
          if (!it->is_string() && !it->is_null())
            wrong_type(p.child(key), "string", *it);
          continue;
        }
        unknown(p.child(key));
        continue;
      }
      if (it->is_null())
        continue; // Go leaves a field alone on null
      Message* target = &m;
      for (auto* via : fi->via)
        target = target->GetReflection()->MutableMessage(target, via);
      field(*it, *target, *fi, p.child(key));
    }
  }

private:
  void field(const json& v, Message& m, const field_info& fi, const field_path& p) {
    const auto* f = fi.field;
    const auto* r = m.GetReflection();
    if (f->is_map()) {
      if (!v.is_object()) {
        wrong_type(p, "object", v);
        return;
      }
      const auto* entry_d = f->message_type();
      const auto* key_f = entry_d->map_key();
      const auto* val_f = entry_d->map_value();
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (it->is_null() && val_f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE)
          continue;
        Message* entry = r->AddMessage(&m, f);
        entry->GetReflection()->SetString(entry, key_f, it.key());
        singular(*it, *entry, val_f, p.key(it.key()));
      }
    } else if (f->is_repeated()) {
      if (!v.is_array()) {
        wrong_type(p, "array", v);
        return;
      }
      for (size_t i = 0; i < v.size(); ++i)
        repeated_element(v[i], m, f, p.index(i));
    } else {
      singular(v, m, f, p);
    }
  }

  void repeated_element(const json& v, Message& m, const FieldDescriptor* f, const field_path& p) {
    const auto* r = m.GetReflection();
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        Message* sub = r->AddMessage(&m, f);
        if (!v.is_null())
          value_message(v, *sub, p);
        return;
      }
      case FieldDescriptor::CPPTYPE_STRING:
        if (auto s = string_value(v, f, p))
          r->AddString(&m, f, std::move(*s));
        return;
      case FieldDescriptor::CPPTYPE_INT32:
        if (auto n = integer(v, p, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()))
          r->AddInt32(&m, f, static_cast<int32_t>(*n));
        return;
      case FieldDescriptor::CPPTYPE_INT64:
        if (auto n = integer(v, p, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()))
          r->AddInt64(&m, f, *n);
        return;
      case FieldDescriptor::CPPTYPE_BOOL:
        if (v.is_boolean())
          r->AddBool(&m, f, v.get<bool>());
        else
          wrong_type(p, "boolean", v);
        return;
      case FieldDescriptor::CPPTYPE_DOUBLE:
        if (v.is_number())
          r->AddDouble(&m, f, v.get<double>());
        else
          wrong_type(p, "number", v);
        return;
      default:
        wrong_type(p, "a supported type", v);
    }
  }

  void singular(const json& v, Message& m, const FieldDescriptor* f, const field_path& p) {
    const auto* r = m.GetReflection();
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_MESSAGE:
        if (!v.is_null())
          value_message(v, *r->MutableMessage(&m, f), p);
        return;
      case FieldDescriptor::CPPTYPE_STRING:
        if (auto s = string_value(v, f, p))
          r->SetString(&m, f, std::move(*s));
        return;
      case FieldDescriptor::CPPTYPE_INT32:
        if (auto n = integer(v, p, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()))
          r->SetInt32(&m, f, static_cast<int32_t>(*n));
        return;
      case FieldDescriptor::CPPTYPE_INT64:
        if (auto n = integer(v, p, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()))
          r->SetInt64(&m, f, *n);
        return;
      case FieldDescriptor::CPPTYPE_BOOL:
        if (v.is_boolean())
          r->SetBool(&m, f, v.get<bool>());
        else
          wrong_type(p, "boolean", v);
        return;
      case FieldDescriptor::CPPTYPE_DOUBLE:
        if (v.is_number())
          r->SetDouble(&m, f, v.get<double>());
        else
          wrong_type(p, "number", v);
        return;
      default:
        wrong_type(p, "a supported type", v);
    }
  }

  // A message-typed value: an ordinary object or one of the special forms.
  void value_message(const json& v, Message& m, const field_path& p) {
    auto form = schema_of(m.GetDescriptor()).form;
    if (form == troupe::schema::OBJECT) {
      message(v, m, p);
      return;
    }
    const auto* d = m.GetDescriptor();
    const auto* r = m.GetReflection();
    switch (form) {
      case troupe::schema::TIME:
      case troupe::schema::MICRO_TIME: {
        if (!v.is_string()) {
          wrong_type(p, "string (RFC 3339 time)", v);
          return;
        }
        auto t = parse_rfc3339(v.get_ref<const std::string&>());
        if (!t) {
          invalid(p, quote(v.get_ref<const std::string&>()), "must be an RFC 3339 time, e.g. \"2006-01-02T15:04:05Z\"");
          return;
        }
        r->SetInt64(&m, d->FindFieldByNumber(1), t->seconds);
        r->SetInt32(&m, d->FindFieldByNumber(2), t->nanos);
        return;
      }
      case troupe::schema::DURATION: {
        if (!v.is_string()) {
          wrong_type(p, "string (duration)", v);
          return;
        }
        auto n = parse_go_duration(v.get_ref<const std::string&>());
        if (!n) {
          invalid(p, quote(v.get_ref<const std::string&>()), "must be a duration, e.g. \"1m30s\"");
          return;
        }
        r->SetInt64(&m, d->FindFieldByNumber(1), *n);
        return;
      }
      case troupe::schema::QUANTITY: {
        std::string text;
        if (v.is_string())
          text = v.get<std::string>();
        else if (v.is_number_integer())
          text = v.dump();
        else if (v.is_number_float())
          text = v.dump();
        else {
          wrong_type(p, "string or number (quantity)", v);
          return;
        }
        auto q = parse_quantity_or_error(text);
        if (!q) {
          invalid(p, quote(text), q.error);
          return;
        }
        r->SetString(&m, d->FindFieldByNumber(1), q.value->to_string());
        return;
      }
      case troupe::schema::INT_OR_STRING:
        if (v.is_number_integer()) {
          auto n = integer(v, p, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max());
          if (!n)
            return;
          r->SetInt64(&m, d->FindFieldByNumber(1), 0);
          r->SetInt32(&m, d->FindFieldByNumber(2), static_cast<int32_t>(*n));
        } else if (v.is_string()) {
          r->SetInt64(&m, d->FindFieldByNumber(1), 1);
          r->SetString(&m, d->FindFieldByNumber(3), v.get<std::string>());
        } else {
          wrong_type(p, "integer or string", v);
        }
        return;
      case troupe::schema::RAW_JSON:
        r->SetString(&m, d->FindFieldByNumber(1), v.dump());
        return;
      default:
        message(v, m, p);
    }
  }

  std::optional<std::string> string_value(const json& v, const FieldDescriptor* f,
                                          const field_path& p) {
    if (!v.is_string()) {
      wrong_type(p, "string", v);
      return std::nullopt;
    }
    if (f->type() != FieldDescriptor::TYPE_BYTES)
      return v.get<std::string>();
    auto bytes = base64_decode(v.get_ref<const std::string&>());
    if (!bytes)
      invalid(p, quote(v.get_ref<const std::string&>()), "must be base64 encoded");
    return bytes;
  }

  std::optional<int64_t> integer(const json& v, const field_path& p, int64_t lo, int64_t hi) {
    if (v.is_number_unsigned()) {
      auto u = v.get<uint64_t>();
      if (u > static_cast<uint64_t>(hi)) {
        invalid(p, v.dump(), "out of range");
        return std::nullopt;
      }
      return static_cast<int64_t>(u);
    }
    if (v.is_number_integer()) {
      auto n = v.get<int64_t>();
      if (n < lo || n > hi) {
        invalid(p, v.dump(), "out of range");
        return std::nullopt;
      }
      return n;
    }
    wrong_type(p, "integer", v);
    return std::nullopt;
  }

  void wrong_type(const field_path& p, const char* expected, const json& got) {
    rep_.errors.push_back(field_error::wrong_type(
      p, std::string("expected ") + expected + ", got " + json_type_name(got)));
  }

  void invalid(const field_path& p, std::string value, std::string detail) {
    rep_.errors.push_back(field_error::invalid(p, std::move(value), std::move(detail)));
  }

  void unknown(const field_path& p) {
    if (mode_ == decode_mode::strict)
      rep_.errors.push_back(field_error::unknown_field(p));
    else if (mode_ == decode_mode::warn)
      rep_.warnings.push_back(field_error::unknown_field(p));
  }

  decode_mode mode_;
  decode_report& rep_;
};

} // namespace

decode_report json_to_message(const json& j, Message& msg, decode_mode mode, const field_path& root) {
  decode_report rep;
  decoder dec(mode, rep);
  dec.message(j, msg, root);
  return rep;
}

} // namespace troupe::config
