#include "config/schema_index.hpp"

#include <memory>
#include <mutex>
#include <shared_mutex>

namespace troupe::config {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

std::vector<std::string> split_csv(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size() && !s.empty()) {
    auto end = s.find(',', start);
    if (end == std::string::npos)
      end = s.size();
    if (end > start)
      out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

field_info make_field_info(const FieldDescriptor* f) {
  field_info fi;
  fi.field = f;
  const auto& opts = f->options();
  fi.ptr = opts.GetExtension(troupe::schema::ptr);
  fi.always = opts.GetExtension(troupe::schema::always);
  fi.inline_ = opts.GetExtension(troupe::schema::inline_);
  fi.patch_strategy = opts.GetExtension(troupe::schema::patch_strategy);
  fi.merge_key = opts.GetExtension(troupe::schema::merge_key);
  fi.one_of = split_csv(opts.GetExtension(troupe::schema::one_of));
  if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !f->is_map())
    fi.form = f->message_type()->options().GetExtension(troupe::schema::form);
  return fi;
}

// Adds the JSON keys of `d`, reached through `via`, to `info.by_key`.
void index_keys(message_info& info, const Descriptor* d,
                std::vector<const FieldDescriptor*>& via) {
  for (int i = 0; i < d->field_count(); ++i) {
    auto fi = make_field_info(d->field(i));
    if (fi.inline_ && fi.field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      via.push_back(fi.field);
      index_keys(info, fi.field->message_type(), via);
      via.pop_back();
      continue;
    }
    fi.via = via;
    info.by_key.emplace(fi.field->name(), std::move(fi));
  }
}

std::unique_ptr<message_info> build(const Descriptor* d) {
  auto info = std::make_unique<message_info>();
  info->descriptor = d;
  info->form = d->options().GetExtension(troupe::schema::form);
  for (int i = 0; i < d->field_count(); ++i)
    info->fields.push_back(make_field_info(d->field(i)));
  std::vector<const FieldDescriptor*> via;
  index_keys(*info, d, via);
  // Kubernetes objects and lists embed TypeMeta; so do a few request/response types.
  if (auto* md = d->FindFieldByName("metadata");
      md && md->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    auto& name = md->message_type()->full_name();
    info->has_type_meta = name == "troupe.meta.ObjectMeta" || name == "troupe.meta.ListMeta";
  }
  auto& n = d->full_name();
  if (n == "troupe.meta.DeleteOptions" || n == "troupe.meta.WatchEvent")
    info->has_type_meta = true;
  return info;
}

} // namespace

const field_info* message_info::find(std::string_view key) const {
  auto i = by_key.find(std::string(key));
  return i == by_key.end() ? nullptr : &i->second;
}

const message_info& schema_of(const Descriptor* d) {
  static std::shared_mutex mtx;
  static std::unordered_map<const Descriptor*, std::unique_ptr<message_info>> cache;
  {
    std::shared_lock lock(mtx);
    if (auto i = cache.find(d); i != cache.end())
      return *i->second;
  }
  auto info = build(d);
  std::unique_lock lock(mtx);
  auto [i, _] = cache.emplace(d, std::move(info));
  return *i->second;
}

troupe::schema::json_form form_of(const Descriptor* d) {
  return d->options().GetExtension(troupe::schema::form);
}

} // namespace troupe::config
