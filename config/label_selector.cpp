#include "config/label_selector.hpp"

#include <algorithm>

namespace troupe::config {

namespace {

// Go's strconv.ParseInt(s, 10, 64).
std::optional<int64_t> parse_int64(std::string_view s) {
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-'))
    negative = s[i++] == '-';
  if (i == s.size())
    return std::nullopt;
  __int128 v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9')
      return std::nullopt;
    v = v * 10 + (s[i] - '0');
    if (v > __int128(INT64_MAX) + 1)
      return std::nullopt;
  }
  v = negative ? -v : v;
  if (v > INT64_MAX)
    return std::nullopt;
  return static_cast<int64_t>(v);
}

std::string join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i)
    out += (i ? sep : "") + parts[i];
  return out;
}

bool has_value(const label_requirement& r, std::string_view v) {
  return std::find(r.values.begin(), r.values.end(), v) != r.values.end();
}

template <class Lookup>
bool requirement_matches(const label_requirement& r, Lookup lookup) {
  const std::optional<std::string_view> v = lookup(r.key);
  switch (r.op) {
    case selector_op::in:
    case selector_op::equals:
    case selector_op::double_equals:
      return v && has_value(r, *v);
    case selector_op::not_in:
    case selector_op::not_equals:
      return !v || !has_value(r, *v);
    case selector_op::exists:
      return v.has_value();
    case selector_op::does_not_exist:
      return !v;
    case selector_op::greater_than:
    case selector_op::less_than: {
      if (!v || r.values.size() != 1)
        return false;
      const auto have = parse_int64(*v), want = parse_int64(r.values[0]);
      if (!have || !want)
        return false;
      return r.op == selector_op::greater_than ? *have > *want : *have < *want;
    }
  }
  return false;
}

template <class Lookup>
bool all_match(const std::vector<label_requirement>& reqs, Lookup lookup) {
  return std::all_of(reqs.begin(), reqs.end(),
                     [&](const label_requirement& r) { return requirement_matches(r, lookup); });
}

// Go's json.Marshal of a []string, as upstream prints a bad value list.
std::string json_list(const std::vector<std::string>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i)
    out += (i ? "," : "") + quote(values[i]);
  return out + "]";
}

} // namespace

field_errors validate_requirement(const label_requirement& r) {
  field_errors errs;
  if (auto e = label_key_error(r.key, field_path("key")))
    errs.push_back(std::move(*e));
  const field_path values("values");
  const size_t n = r.values.size();
  switch (r.op) {
    case selector_op::in:
    case selector_op::not_in:
      if (n == 0)
        errs.push_back(field_error::invalid(values, json_list(r.values),
                                            "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case selector_op::equals:
    case selector_op::double_equals:
    case selector_op::not_equals:
      if (n != 1)
        errs.push_back(field_error::invalid(values, json_list(r.values),
                                            "exact-match compatibility requires one single value"));
      break;
    case selector_op::exists:
    case selector_op::does_not_exist:
      if (n != 0)
        errs.push_back(field_error::invalid(
            values, json_list(r.values), "values set must be empty for exists and does not exist"));
      break;
    case selector_op::greater_than:
    case selector_op::less_than:
      if (n != 1)
        errs.push_back(field_error::invalid(
            values, json_list(r.values), "for 'Gt', 'Lt' operators, exactly one value is required"));
      for (size_t i = 0; i < n; ++i)
        if (!parse_int64(r.values[i]))
          errs.push_back(field_error::invalid(values.index(i), quote(r.values[i]),
                                              "for 'Gt', 'Lt' operators, the value must be an integer"));
      break;
  }
  for (size_t i = 0; i < n; ++i) {
    if (auto e = label_value_error(r.values[i], values.index(i).key(r.key)))
      errs.push_back(std::move(*e));
  }
  return errs;
}

std::string label_requirement::to_string() const {
  std::string out = op == selector_op::does_not_exist ? "!" + key : key;
  const char* sep = "";
  switch (op) {
    case selector_op::exists:
    case selector_op::does_not_exist: return out;
    case selector_op::equals: sep = "="; break;
    case selector_op::double_equals: sep = "=="; break;
    case selector_op::not_equals: sep = "!="; break;
    case selector_op::in: sep = " in "; break;
    case selector_op::not_in: sep = " notin "; break;
    case selector_op::greater_than: sep = ">"; break;
    case selector_op::less_than: sep = "<"; break;
  }
  std::vector<std::string> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  const bool set = op == selector_op::in || op == selector_op::not_in;
  return out + sep + (set ? "(" : "") + join(sorted, ",") + (set ? ")" : "");
}

label_selector label_selector::nothing() {
  label_selector s;
  s.nothing_ = true;
  return s;
}

label_selector label_selector::from_set(const std::map<std::string, std::string>& labels) {
  label_selector s;
  for (const auto& [k, v] : labels)
    s.requirements_.push_back({k, selector_op::equals, {v}});
  return s;
}

void label_selector::add(label_requirement r) {
  if (nothing_)
    return;
  auto at = std::upper_bound(
      requirements_.begin(), requirements_.end(), r.key,
      [](const std::string& key, const label_requirement& x) { return key < x.key; });
  requirements_.insert(at, std::move(r));
}

bool label_selector::matches(const google::protobuf::Map<std::string, std::string>& labels) const {
  return !nothing_ && all_match(requirements_, [&](const std::string& k) {
    const auto it = labels.find(k);
    return it == labels.end() ? std::nullopt : std::optional<std::string_view>(it->second);
  });
}

bool label_selector::matches(const std::map<std::string, std::string>& labels) const {
  return !nothing_ && all_match(requirements_, [&](const std::string& k) {
    const auto it = labels.find(k);
    return it == labels.end() ? std::nullopt : std::optional<std::string_view>(it->second);
  });
}

std::string label_selector::to_string() const {
  std::vector<std::string> parts;
  if (!nothing_)
    for (const auto& r : requirements_)
      parts.push_back(r.to_string());
  return join(parts, ",");
}

std::optional<std::string> label_selector::requires_exact_match(std::string_view key) const {
  for (const auto& r : requirements_) {
    if (r.key != key)
      continue;
    const bool exact = r.op == selector_op::equals || r.op == selector_op::double_equals ||
                       r.op == selector_op::in;
    if (exact && r.values.size() == 1)
      return r.values[0];
    return std::nullopt;
  }
  return std::nullopt;
}

field_errors validate_label_selector(const troupe::meta::LabelSelector& selector,
                                     const field_path& path) {
  field_errors errs = validate_labels(selector.matchlabels(), path.child("matchLabels"));
  for (int i = 0; i < selector.matchexpressions_size(); ++i) {
    const auto& expr = selector.matchexpressions(i);
    const field_path at = path.child("matchExpressions").index(static_cast<size_t>(i));
    const std::string& op = expr.operator_();
    if (op == "In" || op == "NotIn") {
      if (expr.values_size() == 0)
        errs.push_back(field_error::required(at.child("values"),
                                             "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (op == "Exists" || op == "DoesNotExist") {
      if (expr.values_size() > 0)
        errs.push_back(field_error::forbidden(
            at.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else {
      errs.push_back(field_error::invalid(at.child("operator"), quote(op), "not a valid selector operator"));
    }
    for (auto& e : validate_label_key(expr.key(), at.child("key")))
      errs.push_back(std::move(e));
    for (int v = 0; v < expr.values_size(); ++v)
      for (auto& e : validate_label_value(expr.values(v), at.child("values").index(static_cast<size_t>(v))))
        errs.push_back(std::move(e));
  }
  return errs;
}

label_selector_conversion label_selector_from_proto(const troupe::meta::LabelSelector* selector,
                                                    const field_path& path) {
  if (selector == nullptr)
    return {label_selector::nothing(), {}};
  field_errors errs = validate_label_selector(*selector, path);
  if (!errs.empty())
    return {std::nullopt, std::move(errs)};
  label_selector s;
  std::vector<std::pair<std::string, std::string>> labels(selector->matchlabels().begin(),
                                                           selector->matchlabels().end());
  std::sort(labels.begin(), labels.end());
  for (const auto& [k, v] : labels)
    s.add({k, selector_op::equals, {v}});
  for (const auto& expr : selector->matchexpressions()) {
    const std::string& op = expr.operator_();
    const selector_op sop = op == "In"       ? selector_op::in
                            : op == "NotIn"  ? selector_op::not_in
                            : op == "Exists" ? selector_op::exists
                                             : selector_op::does_not_exist;
    s.add({expr.key(), sop, {expr.values().begin(), expr.values().end()}});
  }
  return {std::move(s), {}};
}

} // namespace troupe::config
