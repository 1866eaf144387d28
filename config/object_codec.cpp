#include "config/object_codec.hpp"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "config/yaml_codec.hpp"
#include "proto/meta.pb.h"

namespace troupe::config {

using nlohmann::json;

std::string decoded_object::message() const {
  if (!error.empty())
    return error;
  if (errors.empty())
    return {};
  std::string head = kind ? kind->kind + " in version " + quote(kind->version)
                              + " cannot be handled as a " + kind->kind + ": "
                          : std::string();
  std::string unknown, other;
  for (const auto& e : errors) {
    if (e.type == field_error::kind::unknown_field) {
      unknown += unknown.empty() ? "strict decoding error: " : ", ";
      unknown += "unknown field " + quote(e.field);
    } else {
      other += other.empty() ? "" : ", ";
      other += e.to_string();
    }
  }
  if (!other.empty() && !unknown.empty())
    return head + other + ", " + unknown;
  return head + (other.empty() ? unknown : other);
}

decoded_object decode_json_object(const json& j, decode_mode mode, const kind_info* expected) {
  decoded_object out;
  if (!j.is_object()) {
    out.error = "the object must be a JSON/YAML map, not " + std::string(j.type_name());
    return out;
  }
  auto api_it = j.find("apiVersion");
  auto kind_it = j.find("kind");
  const bool has_api = api_it != j.end() && api_it->is_string() && !api_it->get_ref<const std::string&>().empty();
  const bool has_kind = kind_it != j.end() && kind_it->is_string() && !kind_it->get_ref<const std::string&>().empty();
  const kind_info* k = expected;
  if (has_api && has_kind) {
    const auto& api = api_it->get_ref<const std::string&>();
    const auto& kind = kind_it->get_ref<const std::string&>();
    k = find_kind(api, kind);
    if (k == nullptr) {
      out.error = "no matches for kind " + quote(kind) + " in version " + quote(api);
      return out;
    }
    if (expected && (k->kind != expected->kind || k->group != expected->group)) {
      out.error = "the API version in the data (" + api + ") does not match the expected API version ("
                  + expected->api_version() + ")";
      if (k->kind != expected->kind)
        out.error = "the kind in the data (" + kind + ") does not match the expected kind ("
                    + expected->kind + ")";
      return out;
    }
  } else if (k == nullptr) {
    out.error = has_api ? "Object 'Kind' is missing in '" + j.dump() + "'"
                        : "Object 'apiVersion' is missing in '" + j.dump() + "'";
    return out;
  }
  out.kind = k;
  out.object = k->new_object();
  auto rep = json_to_message(j, *out.object, mode);
  out.errors = std::move(rep.errors);
  out.warnings = std::move(rep.warnings);
  return out;
}

decoded_object decode_json_text(std::string_view text, decode_mode mode, const kind_info* expected) {
  json j;
  try {
    j = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    decoded_object out;
    out.kind = expected;
    out.error = std::string("invalid JSON: ") + e.what();
    return out;
  }
  return decode_json_object(j, mode, expected);
}

std::vector<decoded_object> decode_manifests(std::string_view text, decode_mode mode) {
  std::vector<decoded_object> out;
  auto docs = parse_yaml(text);
  if (!docs.ok()) {
    decoded_object failed;
    failed.error = "error converting YAML to JSON: " + docs.error;
    out.push_back(std::move(failed));
    return out;
  }
  for (auto& doc : docs.documents) {
    if (doc.is_object() && doc.value("kind", "") == "List" && doc.contains("items")) {
      const auto& items = doc["items"];
      if (!items.is_array()) {
        decoded_object failed;
        failed.error = "List.items must be an array";
        out.push_back(std::move(failed));
        continue;
      }
      for (const auto& item : items)
        out.push_back(decode_json_object(item, mode));
      continue;
    }
    out.push_back(decode_json_object(doc, mode));
  }
  return out;
}

decoded_object decode_protobuf(std::string_view bytes, const kind_info* expected) {
  decoded_object out;
  if (bytes.substr(0, protobuf_magic.size()) != protobuf_magic) {
    out.error = "protobuf body does not start with the k8s\\0 magic";
    return out;
  }
  bytes.remove_prefix(protobuf_magic.size());
  troupe::meta::Unknown envelope;
  if (!envelope.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    out.error = "malformed protobuf envelope (runtime.Unknown)";
    return out;
  }
  const auto& tm = envelope.typemeta();
  const kind_info* k = expected;
  if (!tm.kind().empty()) {
    k = find_kind(tm.apiversion(), tm.kind());
    if (k == nullptr) {
      out.error = "no matches for kind " + quote(tm.kind()) + " in version " + quote(tm.apiversion());
      return out;
    }
  }
  if (k == nullptr) {
    out.error = "protobuf envelope names no kind";
    return out;
  }
  if (!envelope.contentencoding().empty()) {
    out.error = "unsupported protobuf content encoding " + quote(envelope.contentencoding());
    return out;
  }
  out.kind = k;
  out.object = k->new_object();
  if (!out.object->ParseFromString(envelope.raw())) {
    out.error = k->kind + " in version " + quote(k->version) + " cannot be handled as a " + k->kind
                + ": malformed protobuf";
    out.object.reset();
  }
  return out;
}

std::string serialize_deterministic(const google::protobuf::Message& m) {
  // Sized once: a growing string (StringOutputStream) would reallocate and copy its way up.
  const size_t size = m.ByteSizeLong();
  std::string bytes(size, '\0');
  {
    google::protobuf::io::ArrayOutputStream out(bytes.data(), static_cast<int>(size));
    google::protobuf::io::CodedOutputStream cos(&out);
    cos.SetSerializationDeterministic(true);
    m.SerializeWithCachedSizes(&cos);
  }
  return bytes;
}

std::string encode_protobuf(const kind_info& k, const google::protobuf::Message& m) {
  troupe::meta::Unknown envelope;
  envelope.mutable_typemeta()->set_apiversion(k.api_version());
  envelope.mutable_typemeta()->set_kind(k.kind);
  envelope.set_raw(serialize_deterministic(m));
  // Go writes its empty strings too; so do we, to give byte-identical bodies.
  envelope.set_contentencoding("");
  envelope.set_contenttype("");
  std::string out(protobuf_magic);
  out += serialize_deterministic(envelope);
  return out;
}

json encode_json(const kind_info& k, const google::protobuf::Message& m) {
  json j = message_to_json(m);
  if (!j.is_object())
    j = json::object();
  j["apiVersion"] = k.api_version();
  j["kind"] = k.kind;
  return j;
}

} // namespace troupe::config
