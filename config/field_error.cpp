#include "config/field_error.hpp"

#include <cstdio>

namespace troupe::config {

field_path field_path::child(std::string_view name) const {
  field_path r;
  r.text_.reserve(text_.size() + name.size() + 1);
  r.text_ = text_;
  if (!r.text_.empty())
    r.text_ += '.';
  r.text_ += name;
  return r;
}

field_path field_path::index(size_t i) const {
  field_path r(text_);
  r.text_ += '[';
  r.text_ += std::to_string(i);
  r.text_ += ']';
  return r;
}

field_path field_path::key(std::string_view k) const {
  field_path r(text_);
  r.text_ += '[';
  r.text_ += k;
  r.text_ += ']';
  return r;
}

std::string quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

std::string field_error::to_string() const {
  std::string out = field;
  if (!out.empty())
    out += ": ";
  switch (type) {
    case kind::required:
      out += "Required value";
      break;
    case kind::invalid:
      out += "Invalid value: " + value;
      break;
    case kind::not_supported:
      out += "Unsupported value: " + value;
      break;
    case kind::duplicate:
      out += "Duplicate value: " + value;
      break;
    case kind::not_found:
      out += "Not found: " + value;
      break;
    case kind::forbidden:
      out += "Forbidden";
      break;
    case kind::too_long:
      out += "Too long";
      break;
    case kind::unknown_field:
      out += "unknown field";
      break;
    case kind::wrong_type:
      out += "wrong type";
      break;
  }
  if (!detail.empty())
    out += ": " + detail;
  return out;
}

field_error field_error::required(const field_path& p, std::string detail) {
  return {kind::required, p.str(), {}, std::move(detail)};
}

field_error field_error::invalid(const field_path& p, std::string value, std::string detail) {
  return {kind::invalid, p.str(), std::move(value), std::move(detail)};
}

field_error field_error::not_supported(const field_path& p, std::string value,
                                       const std::vector<std::string>& supported) {
  std::string detail = "supported values: ";
  for (size_t i = 0; i < supported.size(); ++i) {
    if (i > 0)
      detail += ", ";
    detail += quote(supported[i]);
  }
  return {kind::not_supported, p.str(), std::move(value), std::move(detail)};
}

field_error field_error::duplicate(const field_path& p, std::string value) {
  return {kind::duplicate, p.str(), std::move(value), {}};
}

field_error field_error::not_found(const field_path& p, std::string value) {
  return {kind::not_found, p.str(), std::move(value), {}};
}

field_error field_error::forbidden(const field_path& p, std::string detail) {
  return {kind::forbidden, p.str(), {}, std::move(detail)};
}

field_error field_error::too_long(const field_path& p, size_t max_len) {
  return {kind::too_long, p.str(), {}, "must have at most " + std::to_string(max_len) + " bytes"};
}

field_error field_error::unknown_field(const field_path& p) {
  return {kind::unknown_field, p.str(), {}, {}};
}

field_error field_error::wrong_type(const field_path& p, std::string detail) {
  return {kind::wrong_type, p.str(), {}, std::move(detail)};
}

std::string to_string(const field_errors& errs) {
  std::string out;
  for (size_t i = 0; i < errs.size(); ++i) {
    if (i > 0)
      out += ", ";
    out += errs[i].to_string();
  }
  return out;
}

} // namespace troupe::config
