#include "config/field_selector.hpp"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <map>

namespace troupe::config {

struct field_selector_builder {
  static void add(field_selector& s, field_requirement r) { s.requirements_.push_back(std::move(r)); }
  static void set_nothing(field_selector& s) { s.nothing_ = true; }
};

namespace {

// Splits on commas that are not escaped.
std::vector<std::string> split_terms(std::string_view s) {
  std::vector<std::string> terms;
  if (s.empty())
    return terms;
  size_t start = 0;
  bool escaped = false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (escaped)
      escaped = false;
    else if (s[i] == '\\')
      escaped = true;
    else if (s[i] == ',') {
      terms.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  terms.emplace_back(s.substr(start));
  return terms;
}

// Length of the UTF-8 sequence starting with byte c (1 for anything malformed).
size_t utf8_length(unsigned char c) {
  if (c >= 0xF0)
    return 4;
  if (c >= 0xE0)
    return 3;
  if (c >= 0xC0)
    return 2;
  return 1;
}

std::optional<std::string> unescape(std::string_view s, std::string& error) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ',' || c == '=') {
      error = "invalid field selector: unescaped character in value: " + std::to_string(int(c));
      return std::nullopt;
    }
    if (c != '\\') {
      out += c;
      continue;
    }
    if (i + 1 == s.size()) {
      error = "invalid field selector: invalid escape sequence: \\";
      return std::nullopt;
    }
    const char next = s[++i];
    if (next != '\\' && next != ',' && next != '=') {
      const size_t n = std::min(utf8_length(static_cast<unsigned char>(next)), s.size() - i);
      error = "invalid field selector: invalid escape sequence: \\" + std::string(s.substr(i, n));
      return std::nullopt;
    }
    out += next;
  }
  return out;
}

} // namespace

field_selector field_selector::nothing() {
  field_selector s;
  field_selector_builder::set_nothing(s);
  return s;
}

bool field_selector::matches(const field_getter& get) const {
  if (nothing_)
    return false;
  return std::all_of(requirements_.begin(), requirements_.end(), [&](const field_requirement& r) {
    const std::string have = get(r.field).value_or("");
    return (have == r.value) == (r.op == field_op::equals);
  });
}

std::string field_selector::to_string() const {
  std::string out;
  if (nothing_)
    return out;
  for (const auto& r : requirements_) {
    if (!out.empty())
      out += ',';
    out += r.field + (r.op == field_op::equals ? "=" : "!=") + escape_field_value(r.value);
  }
  return out;
}

std::optional<std::string> field_selector::requires_exact_match(std::string_view field) const {
  for (const auto& r : requirements_)
    if (r.op == field_op::equals && r.field == field)
      return r.value;
  return std::nullopt;
}

std::string escape_field_value(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == ',' || c == '=')
      out += '\\';
    out += c;
  }
  return out;
}

field_selector_result parse_field_selector(std::string_view text) {
  std::vector<std::string> terms = split_terms(text);
  std::sort(terms.begin(), terms.end());
  field_selector s;
  for (const auto& term : terms) {
    if (term.empty())
      continue;
    // The first operator from the left wins; at one position "!=" and "==" beat "=".
    size_t at = std::string::npos, len = 0;
    for (size_t i = 0; i < term.size() && at == std::string::npos; ++i) {
      for (std::string_view op : {"!=", "==", "="}) {
        if (term.compare(i, op.size(), op) == 0) {
          at = i;
          len = op.size();
          break;
        }
      }
    }
    if (at == std::string::npos)
      return {std::nullopt,
              "invalid selector: '" + std::string(text) + "'; can't understand '" + term + "'"};
    std::string error;
    auto value = unescape(std::string_view(term).substr(at + len), error);
    if (!value)
      return {std::nullopt, std::move(error)};
    std::string field = term.substr(0, at);
    if (field.empty() && value->empty())
      continue;  // "=" alone selects everything, as upstream's transform drops it
    const field_op op = term.compare(at, 2, "!=") == 0 ? field_op::not_equals : field_op::equals;
    field_selector_builder::add(s, {std::move(field), op, std::move(*value)});
  }
  return {std::move(s), {}};
}

std::optional<std::string> message_field_value(const google::protobuf::Message& object,
                                               std::string_view path) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Message* m = &object;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    const std::string name(path.substr(start, dot == std::string_view::npos ? path.npos : dot - start));
    const FieldDescriptor* f = m->GetDescriptor()->FindFieldByName(name);
    if (f == nullptr || f->is_repeated())
      return std::nullopt;
    const auto* r = m->GetReflection();
    if (dot != std::string_view::npos) {
      if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE)
        return std::nullopt;
      m = &r->GetMessage(*m, f);
      start = dot + 1;
      continue;
    }
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING: return r->GetString(*m, f);
      case FieldDescriptor::CPPTYPE_BOOL: return std::string(r->GetBool(*m, f) ? "true" : "false");
      case FieldDescriptor::CPPTYPE_INT32: return std::to_string(r->GetInt32(*m, f));
      case FieldDescriptor::CPPTYPE_INT64: return std::to_string(r->GetInt64(*m, f));
      case FieldDescriptor::CPPTYPE_UINT32: return std::to_string(r->GetUInt32(*m, f));
      case FieldDescriptor::CPPTYPE_UINT64: return std::to_string(r->GetUInt64(*m, f));
      case FieldDescriptor::CPPTYPE_ENUM: return r->GetEnum(*m, f)->name();
      default: return std::nullopt;  // messages, floating point
    }
  }
}

field_getter selectable_fields(std::string_view kind, const google::protobuf::Message& object) {
  if (kind == "Event") {
    return [&object](std::string_view field) -> std::optional<std::string> {
      if (field == "source") {
        auto component = message_field_value(object, "source.component");
        if (component && !component->empty())
          return component;
        return message_field_value(object, "reportingComponent");
      }
      return message_field_value(object, field);
    };
  }
  return [&object](std::string_view field) { return message_field_value(object, field); };
}

const std::vector<std::string>& supported_field_labels(std::string_view kind) {
  static const std::vector<std::string> common{"metadata.name", "metadata.namespace"};
  static const std::map<std::string, std::vector<std::string>, std::less<>> by_kind = [] {
    std::map<std::string, std::vector<std::string>, std::less<>> m{
        {"Pod",
         {"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
          "status.phase", "status.podIP", "status.nominatedNodeName"}},
        {"Event",
         {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
          "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
          "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"}},
        {"Node", {"spec.unschedulable"}},
        {"Namespace", {"status.phase"}},
        {"Secret", {"type"}},
        {"ReplicaSet", {"status.replicas"}},
        {"Job", {"status.successful"}},
    };
    for (auto& [k, fields] : m)
      fields.insert(fields.begin(), common.begin(), common.end());
    return m;
  }();
  const auto it = by_kind.find(kind);
  return it == by_kind.end() ? common : it->second;
}

std::optional<std::string> validate_field_selector(std::string_view kind,
                                                   const field_selector& selector) {
  const auto& supported = supported_field_labels(kind);
  for (const auto& r : selector.requirements())
    if (std::find(supported.begin(), supported.end(), r.field) == supported.end())
      return "field label not supported: " + r.field;
  return std::nullopt;
}

} // namespace troupe::config
