#include "config/yaml_codec.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdlib>
#include <cctype>
#include <cerrno>
#include <limits>
#include <regex>

namespace troupe::config {

using nlohmann::json;

namespace {

bool one_of(const std::string& s, std::initializer_list<const char*> options) {
  for (auto* o : options)
    if (s == o)
      return true;
  return false;
}

// go-yaml's resolution of a plain (unquoted) scalar.
json resolve_plain(const std::string& s) {
  if (s.empty() || one_of(s, {"~", "null", "Null", "NULL"}))
    return nullptr;
  if (one_of(s, {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"}))
    return true;
  if (one_of(s, {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"}))
    return false;
  // Numbers, matched by hand (std::regex costs microseconds per scalar).
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  auto all_of = [&](size_t from, auto pred) {
    if (from >= s.size())
      return false;
    for (size_t k = from; k < s.size(); ++k)
      if (!pred(s[k]) && s[k] != '_')
        return false;
    return true;
  };
  std::string digits;
  for (char c : s)
    if (c != '_')
      digits += c;
  errno = 0;
  if (i < s.size() && is_digit(s[i]) && (s[i] != '0' || s.size() == i + 1) && all_of(i, is_digit)) {
    long long v = std::strtoll(digits.c_str(), nullptr, 10);
    if (errno == 0)
      return v;
    return std::strtod(digits.c_str(), nullptr);
  }
  auto is_hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  auto is_oct = [](char c) { return c >= '0' && c <= '7'; };
  if ((s.compare(i, 2, "0x") == 0 && all_of(i + 2, is_hex)) || (s[i] == '0' && all_of(i + 1, is_oct))) {
    long long v = std::strtoll(digits.c_str(), nullptr, 0);
    if (errno == 0)
      return v;
  }
  // [-+]? ( .digits | digits[.digits*] ) ( [eE][-+]?digits )?
  {
    size_t k = i;
    bool mantissa = false;
    if (k < s.size() && s[k] == '.') {
      ++k;
      while (k < s.size() && is_digit(s[k]))
        ++k, mantissa = true;
    } else if (k < s.size() && is_digit(s[k])) {
      mantissa = true;
      while (k < s.size() && (is_digit(s[k]) || s[k] == '_'))
        ++k;
      if (k < s.size() && s[k] == '.') {
        ++k;
        while (k < s.size() && (is_digit(s[k]) || s[k] == '_'))
          ++k;
      }
    }
    if (mantissa && k < s.size() && (s[k] == 'e' || s[k] == 'E')) {
      size_t e = k + 1;
      if (e < s.size() && (s[e] == '-' || s[e] == '+'))
        ++e;
      size_t digits_start = e;
      while (e < s.size() && is_digit(s[e]))
        ++e;
      k = e > digits_start ? e : std::string::npos;
    }
    if (mantissa && k == s.size())
      return std::strtod(digits.c_str(), nullptr);
  }
  if (one_of(s, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"}))
    return std::numeric_limits<double>::infinity();
  if (one_of(s, {"-.inf", "-.Inf", "-.INF"}))
    return -std::numeric_limits<double>::infinity();
  return s;
}

json to_json(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar: {
      const auto& tag = n.Tag();
      const auto& s = n.Scalar();
      if (tag == "!" || tag == "tag:yaml.org,2002:str")
        return s; // quoted or explicitly a string
      if (tag == "?" || tag.empty())
        return resolve_plain(s);
      return resolve_plain(s);
    }
    case YAML::NodeType::Sequence: {
      json arr = json::array();
      for (const auto& item : n)
        arr.push_back(to_json(item));
      return arr;
    }
    case YAML::NodeType::Map: {
      json obj = json::object();
      for (const auto& kv : n) {
        const auto key = kv.first.IsScalar() ? kv.first.Scalar() : YAML::Dump(kv.first);
        obj[key] = to_json(kv.second);
      }
      return obj;
    }
  }
  return nullptr;
}

// ---- writing ----

enum class quoting { none, single, double_ };

// How go-yaml writes a string: double quotes when the plain text would read back as another type
// ("true", "80", ""), single quotes when it has YAML syntax in it ("*/5 * * * *", "a: b").
// A plain scalar go-yaml would read back as a timestamp (its formats: 2006-1-2, 2006-1-2T15:4:5Z,
// with t or a space instead of T, fractions, zones): kubectl prints such strings double-quoted,
// e.g. creationTimestamp: "2024-05-01T10:00:00Z".
bool looks_like_timestamp(const std::string& s) {
  static const std::regex timestamp(
    R"([0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]*)?(?:Z|[+-][0-9]{1,2}(?::[0-9]{2})?)?)?)");
  // Cheap checks first: the regex runs only for strings that start like a date.
  return s.size() >= 8 && s.size() <= 40 && s[4] == '-' && std::isdigit(static_cast<unsigned char>(s[0]))
         && std::regex_match(s, timestamp);
}

quoting quoting_of(const std::string& s) {
  if (s.empty() || !resolve_plain(s).is_string() || looks_like_timestamp(s))
    return quoting::double_;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f)
      return quoting::double_;
  static const std::string indicators = "?:,[]{}#&*!|>'\"%@`";
  const char c0 = s.front();
  if (indicators.find(c0) != std::string::npos || c0 == ' ' || s.back() == ' ')
    return quoting::single;
  // A dash (or ? or :) starts an indicator only when followed by a space or the end.
  if ((c0 == '-' || c0 == '?' || c0 == ':') && (s.size() == 1 || s[1] == ' '))
    return quoting::single;
  if (s.find(": ") != std::string::npos || s.find(" #") != std::string::npos || s.back() == ':')
    return quoting::single;
  if (s == "---" || s == "...")
    return quoting::single;
  return quoting::none;
}

bool needs_quotes(const std::string& s) { return quoting_of(s) != quoting::none; }

std::string scalar_text(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return j.get<bool>() ? "true" : "false";
    case json::value_t::string: {
      const auto& s = j.get_ref<const std::string&>();
      auto q = quoting_of(s);
      if (q == quoting::none)
        return s;
      if (q == quoting::single && s.find('\'') == std::string::npos)
        return "'" + s + "'";
      return json(s).dump(); // double-quoted with JSON escapes, which YAML accepts
    }
    case json::value_t::number_float: {
      double d = j.get<double>();
      if (std::isinf(d))
        return d > 0 ? ".inf" : "-.inf";
      if (std::isnan(d))
        return ".nan";
      return j.dump();
    }
    default: return j.dump();
  }
}

bool is_block(const json& j) {
  return (j.is_object() && !j.empty()) || (j.is_array() && !j.empty());
}

void write(const json& j, int indent, std::string& out);

void write_value_after_key(const json& v, int indent, std::string& out) {
  if (v.is_object() && !v.empty()) {
    out += '\n';
    write(v, indent + 2, out);
  } else if (v.is_array() && !v.empty()) {
    out += '\n';
    write(v, indent, out); // kubectl style: list items at the key's indent
  } else if (v.is_object()) {
    out += " {}\n";
  } else if (v.is_array()) {
    out += " []\n";
  } else if (v.is_string() && v.get_ref<const std::string&>().find('\n') != std::string::npos) {
    const auto& s = v.get_ref<const std::string&>();
    out += s.back() == '\n' ? " |\n" : " |-\n";
    size_t start = 0;
    while (start < s.size()) {
      auto end = s.find('\n', start);
      if (end == std::string::npos)
        end = s.size();
      auto line = s.substr(start, end - start);
      if (!line.empty())
        out += std::string(indent + 2, ' ') + line;
      out += '\n';
      start = end + 1;
    }
  } else {
    out += ' ' + scalar_text(v) + '\n';
  }
}

void write(const json& j, int indent, std::string& out) {
  const std::string pad(indent, ' ');
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      out += pad + (needs_quotes(it.key()) ? json(it.key()).dump() : it.key()) + ':';
      write_value_after_key(it.value(), indent, out);
    }
  } else if (j.is_array()) {
    for (const auto& item : j) {
      if (is_block(item)) {
        // "- " then the first line of the item inline, the rest indented by two more.
        std::string inner;
        write(item, indent + 2, inner);
        out += pad + "- " + inner.substr(indent + 2);
      } else {
        std::string line;
        write_value_after_key(item, indent, line);
        out += pad + "-" + line;
      }
    }
  } else {
    out += pad + scalar_text(j) + '\n';
  }
}

} // namespace

yaml_documents parse_yaml(std::string_view text) {
  yaml_documents out;
  try {
    for (const auto& doc : YAML::LoadAll(std::string(text))) {
      if (doc.IsNull() || !doc.IsDefined())
        continue;
      out.documents.push_back(to_json(doc));
    }
  } catch (const YAML::Exception& e) {
    out.documents.clear();
    out.error = "yaml: line " + std::to_string(e.mark.line + 1) + ": " + e.msg;
  }
  return out;
}

std::string to_yaml(const json& j) {
  if (!is_block(j))
    return (j.is_object() ? std::string("{}") : j.is_array() ? std::string("[]") : scalar_text(j)) + "\n";
  std::string out;
  write(j, 0, out);
  return out;
}

} // namespace troupe::config
