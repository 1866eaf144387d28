#pragma once
// The printers behind table.hpp: for each object type, its columns and a function computing one
// row. Families live in their own files (pod_table.cpp, core_tables.cpp, workload_tables.cpp)
// and register here. Also the cell formatting those printers share, as Kubernetes formats it.

#include <google/protobuf/map.h>
#include <google/protobuf/message.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "config/time_format.hpp"
#include "proto/core_v1.pb.h"
#include "proto/meta.pb.h"

namespace troupe::api {

struct column {
  std::string name;
  std::string type;  // "string", "integer", "date", ...
  std::string format;  // "name" for the Name column
  std::string description;
  int priority = 0;  // 1: shown only with -o wide
};

struct printed_row {
  nlohmann::json cells = nlohmann::json::array();
  nlohmann::json conditions;  // null or [{type, status, reason, message}]
};

using row_printer = std::function<printed_row(const google::protobuf::Message&, config::timestamp)>;

struct printer {
  std::vector<column> columns;
  row_printer print;
};

/// Printers by protobuf message full name ("troupe.core.v1.Pod"); built once.
using printer_map = std::map<std::string, printer>;
void add_pod_printers(printer_map& m);
void add_core_printers(printer_map& m);
void add_workload_printers(printer_map& m);

/// The printer of a message type; nullptr when it has none (the default columns apply).
const printer* find_printer(const google::protobuf::Descriptor* d);

/// Adapts a typed printing function: the message is used as T when it is one (generated code),
/// else copied into a T.
template <class T>
row_printer typed(printed_row (*f)(const T&, config::timestamp)) {
  return [f](const google::protobuf::Message& m, config::timestamp now) {
    if (const auto* t = dynamic_cast<const T*>(&m))
      return f(*t, now);
    T copy;
    copy.CopyFrom(m);
    return f(copy, now);
  };
}

/// A column of the name, format "name".
column name_column();
/// The Age column (creationTimestamp).
column age_column();

// ---- shared cell formatting ----

/// "k=v,k2=v2" sorted by key; "<none>" when empty (labels.FormatLabels).
std::string format_labels(const google::protobuf::Map<std::string, std::string>& labels);
/// The selector in string form; "<none>" when it selects everything or nothing
/// (metav1.FormatLabelSelector); "<error>" when invalid.
std::string format_label_selector(const troupe::meta::LabelSelector* selector);
/// The selector in string form with no "<none>" substitution; "<invalid>" when invalid.
std::string label_selector_string(const troupe::meta::LabelSelector* selector);
/// Container names and images, each joined by ",".
std::pair<std::string, std::string> container_cells(
    const google::protobuf::RepeatedPtrField<troupe::core::v1::Container>& containers);
/// The creationTimestamp's age.
std::string object_age(const troupe::meta::ObjectMeta& m, config::timestamp now);
/// s, or "<none>" when empty.
std::string or_none(const std::string& s);

} // namespace troupe::api
