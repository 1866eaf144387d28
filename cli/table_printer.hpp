#pragma once
// kubectl's human-readable printer for server-side Tables (meta.k8s.io/v1 Table):
// - columns of priority 0, all of them with -o wide; names upper-cased;
// - EVENT first with --output-watch-events, then NAMESPACE with -A (from rows[].object.metadata);
// - "kind/name" in the name column when several kinds are printed (`deployment.apps/web`);
// - LABELS last with --show-labels ("k=v,k2=v2" sorted by key, "<none>" when there are none);
// - cells: strings up to the first line break (then "..."), numbers and booleans as Go prints them;
// - layout is Go's text/tabwriter with kubectl's settings: minimum cell width 6, padding 3, the
//   last column unpadded, and widths remembered across flushes (a watch keeps the first widths).

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace troupe::cli {

struct table_options {
  bool wide = false;
  bool show_labels = false;
  bool with_namespace = false;
  bool watch_events = false;
  bool no_headers = false;
  std::string kind_prefix; // "deployment.apps": names print as deployment.apps/<name>
};

using table_row = std::vector<std::string>;

/// The header row for a Table's columnDefinitions.
table_row table_header(const nlohmann::json& column_definitions, const table_options& o);

/// The printed rows of a Table (its own columnDefinitions if it has them, else `columns`).
/// `event` is the watch event type for the EVENT column.
std::vector<table_row> table_rows(const nlohmann::json& table, const nlohmann::json& columns,
                                  const table_options& o, const std::string& event = {});

/// "app=web,tier=front"; "<none>" for no labels.
std::string format_labels(const nlohmann::json& labels);

/// Go's tabwriter as kubectl configures it.
class tab_writer {
public:
  void add(table_row row) { pending_.push_back(std::move(row)); }
  /// The pending rows, laid out; widths of columns seen for the first time are computed from
  /// them and then remembered.
  std::string flush();
  /// Forgets the remembered widths (a new table starts).
  void reset() { widths_.clear(); }
  /// A floor for one column's width (kubectl's EVENT column is sized for "MODIFIED" up front).
  void set_min_width(size_t column, size_t width);

private:
  std::vector<table_row> pending_;
  std::vector<size_t> widths_;
  std::vector<size_t> min_widths_;
};

/// Display width of UTF-8 text (runes, as tabwriter counts).
size_t text_width(const std::string& s);

} // namespace troupe::cli
