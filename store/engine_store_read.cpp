// Reads of engine_store: get, list (consistent across pages) and watch.
#include <map>

#include "store/continue_token.hpp"
#include "store/engine_store.hpp"
#include "store/keys.hpp"
#include "store/object_meta.hpp"
#include "store/selection.hpp"
#include "store/watch_channel.hpp"
#include "store/write_plan.hpp"

namespace troupe::store {

using google::protobuf::Message;

namespace {

int64_t revision_of(const Message& m) {
  return parse_revision(object_meta(m).resourceversion()).value_or(0);
}

status continue_too_old() {
  return status::gone(
      "The provided continue parameter is too old to display a consistent list result. You can "
      "start a new list without the continue parameter.");
}

} // namespace

result<stored_object> engine_store::get(const config::kind_info& kind, std::string_view ns,
                                        std::string_view name) {
  if (auto s = check_kind(kind); !s) return s;
  std::string key = key_for(kind, ns, name);
  auto r = engine_->get(key);
  if (!r.ok()) return r.status();
  if (!r->has_value()) return not_found_error(kind, name);
  auto obj = decode(kind, **r);
  if (!obj.ok()) return obj.status();
  const int64_t rev = revision_of(**obj);
  return stored_object{std::move(key), rev, std::move(*obj)};
}

// The list reads the latest snapshot (revision C). For an older revision R (a continue token or
// at_revision), keys changed in (R, C] take their state before the first such change, from the
// history: the earliest event after R carries the state at R as its `prev`.
result<list_result> engine_store::list(const config::kind_info& kind, const list_options& options) {
  if (auto s = check_kind(kind); !s) return s;
  if (options.limit < 0) return status::invalid("limit: Invalid value: must not be negative");
  if (options.at_revision < 0) return status::invalid("resourceVersion: Invalid value: must not be negative");
  selection sel(kind, options.ns, options.labels, options.fields);
  std::string begin = sel.prefix();
  int64_t at = options.at_revision;
  const bool continuing = !options.continue_token.empty();
  if (continuing) {
    auto pos = decode_continue(options.continue_token);
    if (!pos.ok()) return pos.status();
    at = pos->revision;
    begin += pos->start;
  }
  auto snap = engine_->snapshot();
  const int64_t latest = snap->revision();
  if (at == 0) at = latest;
  if (at > latest) {
    return status::timeout("Too large resource version: " + std::to_string(at) +
                           ", current: " + std::to_string(latest));
  }
  std::map<std::string, std::shared_ptr<const Message>, std::less<>> past;
  if (at < latest) {
    log_->wait_until(latest);
    std::vector<event_log::event_ptr> changes;
    if (auto s = log_->read(at, latest, SIZE_MAX, &changes); !s) {
      return continuing ? continue_too_old() : s;
    }
    for (const auto& e : changes) {
      if (e->key >= begin && e->key < sel.end()) past.emplace(e->key, e->prev);
    }
  }

  list_result out;
  out.revision = at;
  bool more = false;
  status failed;
  // Returns false to stop the scan.
  auto consider = [&](const std::string_view key, const std::shared_ptr<const Message>& obj) {
    if (!obj) return true;
    if (options.limit > 0 && static_cast<int64_t>(out.items.size()) >= options.limit) {
      more = true;
      return false;
    }
    if (sel.matches(*obj)) out.items.push_back({std::string(key), revision_of(*obj), obj});
    return true;
  };
  auto next_past = past.begin();
  bool stopped = false;
  status s = snap->scan(begin, sel.end(), [&](std::string_view key, std::string_view value) {
    for (; next_past != past.end() && next_past->first < key; ++next_past) {
      if (!consider(next_past->first, next_past->second)) return !(stopped = true);
    }
    if (next_past != past.end() && next_past->first == key) {
      const auto& then = next_past->second;
      ++next_past;
      if (!consider(key, then)) return !(stopped = true);
      return true;
    }
    auto obj = decode(kind, value);
    if (!obj.ok()) {
      failed = obj.status();
      return !(stopped = true);
    }
    if (!consider(key, *obj)) return !(stopped = true);
    return true;
  });
  if (!s) return s;
  if (!failed) return failed;
  for (; !stopped && next_past != past.end(); ++next_past) {
    if (!consider(next_past->first, next_past->second)) break;
  }
  if (more && !out.items.empty()) {
    const std::string& last = out.items.back().key;
    out.continue_token = encode_continue({at, last.substr(sel.prefix().size()) + '\0'});
  }
  return out;
}

result<std::unique_ptr<watcher>> engine_store::watch(const config::kind_info& kind,
                                                     const watch_options& options) {
  if (auto s = check_kind(kind); !s) return s;
  if (options.since < 0) return status::invalid("resourceVersion: Invalid value: must not be negative");
  selection sel(kind, options.ns, options.labels, options.fields);
  std::shared_ptr<watch_channel> channel;
  if (options.since == 0) {
    std::vector<watch_event> initial;
    int64_t start = 0;
    {
      auto snap = engine_->snapshot();
      start = snap->revision();
      status failed;
      status s = snap->scan(sel.prefix(), sel.end(), [&](std::string_view, std::string_view value) {
        auto obj = decode(kind, value);
        if (!obj.ok()) {
          failed = obj.status();
          return false;
        }
        if (sel.matches(**obj)) {
          watch_event e;
          e.type = watch_event_type::added;
          e.revision = revision_of(**obj);
          e.object = std::move(*obj);
          initial.push_back(std::move(e));
        }
        return true;
      });
      if (!s) return s;
      if (!failed) return failed;
    }
    channel = std::make_shared<watch_channel>(log_, kind, std::move(sel), start, options.bookmarks,
                                              options.notify);
    channel->set_initial(std::move(initial));
  } else {
    const int64_t compacted = log_->compacted();
    if (options.since < compacted) return event_log::too_old(options.since, compacted);
    channel = std::make_shared<watch_channel>(log_, kind, std::move(sel), options.since,
                                              options.bookmarks, options.notify);
  }
  log_->add_watcher(channel);
  return std::unique_ptr<watcher>(std::make_unique<watch_handle>(std::move(channel)));
}

} // namespace troupe::store
