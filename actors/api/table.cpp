#include "actors/api/table.hpp"

#include "actors/api/table_printers.hpp"
#include "config/json_codec.hpp"
#include "config/object_codec.hpp"
#include "config/time_format.hpp"

namespace troupe::api {

namespace {

using nlohmann::json;
using google::protobuf::Message;

const troupe::meta::ObjectMeta* metadata_of(const Message& m) {
  const auto* f = m.GetDescriptor()->FindFieldByName("metadata");
  if (f == nullptr || f->message_type() != troupe::meta::ObjectMeta::descriptor())
    return nullptr;
  const Message& meta = m.GetReflection()->GetMessage(m, f);
  return dynamic_cast<const troupe::meta::ObjectMeta*>(&meta);
}

// Upstream's default table: the name and the creation time in RFC 3339.
const printer& default_printer() {
  static const printer p{
      {name_column(),
       {"Created At", "date", "", "The time the object was created.", 0}},
      [](const Message& m, config::timestamp) {
        printed_row row;
        const auto* meta = metadata_of(m);
        row.cells.push_back(meta ? meta->name() : "");
        if (meta && meta->has_creationtimestamp())
          row.cells.push_back(config::format_rfc3339(meta->creationtimestamp().seconds()));
        else
          row.cells.push_back(nullptr);
        return row;
      }};
  return p;
}

const printer& printer_of(const config::kind_info& kind) {
  const auto* p = kind.descriptor ? find_printer(kind.descriptor) : nullptr;
  return p ? *p : default_printer();
}

json row_object(const config::kind_info& kind, const Message& m, include_object include) {
  if (include == include_object::object)
    return config::encode_json(kind, m);
  json partial = {{"kind", "PartialObjectMetadata"}, {"apiVersion", "meta.k8s.io/v1"}};
  const auto* meta = metadata_of(m);
  partial["metadata"] = meta ? config::message_to_json(*meta) : json::object();
  return partial;
}

json table_row(const config::kind_info& kind, const printer& p, const Message& m,
               const table_options& options, config::timestamp now) {
  printed_row printed = p.print(m, now);
  json row = {{"cells", std::move(printed.cells)}};
  if (!printed.conditions.is_null())
    row["conditions"] = std::move(printed.conditions);
  if (options.include != include_object::none)
    row["object"] = row_object(kind, m, options.include);
  return row;
}

json columns_json(const printer& p) {
  json cols = json::array();
  for (const auto& c : p.columns)
    cols.push_back({{"name", c.name},
                    {"type", c.type},
                    {"format", c.format},
                    {"description", c.description},
                    {"priority", c.priority}});
  return cols;
}

} // namespace

std::optional<include_object> parse_include_object(std::string_view s) {
  if (s.empty() || s == "Metadata")
    return include_object::metadata;
  if (s == "None")
    return include_object::none;
  if (s == "Object")
    return include_object::object;
  return std::nullopt;
}

json table_columns(const config::kind_info& kind) { return columns_json(printer_of(kind)); }

json table_cells(const config::kind_info& kind, const Message& object, config::timestamp now) {
  return printer_of(kind).print(object, now).cells;
}

json make_table(const config::kind_info& kind, const std::vector<const Message*>& objects,
                const table_options& options, config::timestamp now) {
  const printer& p = printer_of(kind);
  json metadata = json::object();
  if (!options.resource_version.empty())
    metadata["resourceVersion"] = options.resource_version;
  if (!options.continue_token.empty())
    metadata["continue"] = options.continue_token;
  json rows = json::array();
  for (const auto* m : objects)
    rows.push_back(table_row(kind, p, *m, options, now));
  return {{"kind", "Table"},
          {"apiVersion", options.api_version},
          {"metadata", std::move(metadata)},
          {"columnDefinitions", options.include_columns ? columns_json(p) : json::array()},
          {"rows", std::move(rows)}};
}

json make_table_row_event(std::string_view type, const config::kind_info& kind,
                          const Message& object, table_options options, config::timestamp now) {
  if (const auto* meta = metadata_of(object))
    options.resource_version = meta->resourceversion();
  options.continue_token.clear();
  return {{"type", std::string(type)}, {"object", make_table(kind, {&object}, options, now)}};
}

} // namespace troupe::api
