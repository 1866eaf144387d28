#include "cli/table_printer.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace troupe::cli {

using nlohmann::json;

namespace {

constexpr size_t min_width = 6;
constexpr size_t padding = 3;

bool visible(const json& col, const table_options& o) {
  return o.wide || col.value("priority", 0) == 0;
}

std::string upper(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// fmt.Sprint of a JSON-decoded cell.
std::string cell_text(const json& v) {
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    auto br = s.find_first_of("\f\n\r");
    return br == std::string::npos ? s : s.substr(0, br) + "...";
  }
  if (v.is_null())
    return "<nil>";
  if (v.is_boolean())
    return v.get<bool>() ? "true" : "false";
  if (v.is_number_float()) {
    std::ostringstream s;
    s << v.get<double>();
    return s.str();
  }
  return v.dump();
}

} // namespace

size_t text_width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    n += (c & 0xC0) != 0x80;
  return n;
}

std::string format_labels(const json& labels) {
  if (!labels.is_object() || labels.empty())
    return "<none>";
  std::string out;
  for (auto it = labels.begin(); it != labels.end(); ++it) // nlohmann objects are key-sorted
    out += (out.empty() ? "" : ",") + it.key() + "=" + (it->is_string() ? it->get<std::string>() : it->dump());
  return out;
}

table_row table_header(const json& columns, const table_options& o) {
  table_row h;
  if (o.watch_events)
    h.push_back("EVENT");
  if (o.with_namespace)
    h.push_back("NAMESPACE");
  if (columns.is_array())
    for (const auto& c : columns)
      if (visible(c, o))
        h.push_back(upper(c.value("name", "")));
  if (o.show_labels)
    h.push_back("LABELS");
  return h;
}

std::vector<table_row> table_rows(const json& table, const json& fallback_columns,
                                  const table_options& o, const std::string& event) {
  const json& columns = table.contains("columnDefinitions") && !table["columnDefinitions"].empty()
                          ? table["columnDefinitions"]
                          : fallback_columns;
  std::vector<table_row> out;
  if (!table.contains("rows") || !table["rows"].is_array())
    return out;
  for (const auto& row : table["rows"]) {
    table_row r;
    json meta = row.contains("object") && row["object"].is_object()
                  ? row["object"].value("metadata", json::object())
                  : json::object();
    if (o.watch_events)
      r.push_back(event);
    if (o.with_namespace)
      r.push_back(meta.value("namespace", ""));
    const json& cells = row.contains("cells") ? row["cells"] : json::array();
    for (size_t i = 0; i < cells.size(); ++i) {
      if (columns.is_array() && i < columns.size() && !visible(columns[i], o))
        continue;
      std::string text = cell_text(cells[i]);
      if (i == 0 && !o.kind_prefix.empty())
        text = o.kind_prefix + "/" + text;
      r.push_back(text);
    }
    if (o.show_labels)
      r.push_back(format_labels(meta.value("labels", json::object())));
    out.push_back(std::move(r));
  }
  return out;
}

void tab_writer::set_min_width(size_t column, size_t width) {
  if (min_widths_.size() <= column)
    min_widths_.resize(column + 1, 0);
  min_widths_[column] = width;
}

std::string tab_writer::flush() {
  size_t columns = 0;
  for (const auto& r : pending_)
    columns = std::max(columns, r.size());
  // Every cell but a row's last is tab-terminated and belongs to a column.
  for (size_t c = widths_.size(); c + 1 < columns; ++c) {
    size_t w = std::max(min_width, c < min_widths_.size() ? min_widths_[c] : 0);
    for (const auto& r : pending_)
      if (c + 1 < r.size())
        w = std::max(w, text_width(r[c]) + padding);
    widths_.push_back(w);
  }
  std::string out;
  for (const auto& r : pending_) {
    for (size_t c = 0; c < r.size(); ++c) {
      out += r[c];
      if (c + 1 < r.size()) {
        size_t tw = text_width(r[c]);
        size_t w = c < widths_.size() ? widths_[c] : tw + padding;
        out.append(w > tw ? w - tw : 0, ' ');
      }
    }
    out += '\n';
  }
  pending_.clear();
  return out;
}

} // namespace troupe::cli
