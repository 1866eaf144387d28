#include "actors/api/table_printers.hpp"

#include <map>

#include "actors/api/human_duration.hpp"
#include "config/label_selector.hpp"

namespace troupe::api {

const printer* find_printer(const google::protobuf::Descriptor* d) {
  static const printer_map printers = [] {
    printer_map m;
    add_pod_printers(m);
    add_core_printers(m);
    add_workload_printers(m);
    return m;
  }();
  auto it = printers.find(d->full_name());
  return it == printers.end() ? nullptr : &it->second;
}

column name_column() {
  return {"Name", "string", "name", "The object's unique name within its namespace.", 0};
}

column age_column() {
  return {"Age", "string", "", "Time since the object was created.", 0};
}

std::string format_labels(const google::protobuf::Map<std::string, std::string>& labels) {
  std::map<std::string, std::string> sorted(labels.begin(), labels.end());
  std::string out;
  for (const auto& [k, v] : sorted) {
    if (!out.empty())
      out += ',';
    out += k + "=" + v;
  }
  return out.empty() ? "<none>" : out;
}

std::string format_label_selector(const troupe::meta::LabelSelector* selector) {
  auto s = config::label_selector_from_proto(selector);
  if (!s)
    return "<error>";
  return or_none(s.value->to_string());
}

std::string label_selector_string(const troupe::meta::LabelSelector* selector) {
  auto s = config::label_selector_from_proto(selector);
  if (!s)
    return "<invalid>";
  return s.value->to_string();
}

std::pair<std::string, std::string> container_cells(
    const google::protobuf::RepeatedPtrField<troupe::core::v1::Container>& containers) {
  std::string names, images;
  for (int i = 0; i < containers.size(); ++i) {
    if (i > 0) {
      names += ',';
      images += ',';
    }
    names += containers[i].name();
    images += containers[i].image();
  }
  return {names, images};
}

std::string object_age(const troupe::meta::ObjectMeta& m, config::timestamp now) {
  return age_since(m.has_creationtimestamp() ? &m.creationtimestamp() : nullptr, now);
}

std::string or_none(const std::string& s) { return s.empty() ? "<none>" : s; }

} // namespace troupe::api
