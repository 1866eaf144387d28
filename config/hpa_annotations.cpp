// Over 400 lines because it is two mirror-image codecs (encode and decode) for the same five
// metric kinds in both spec and status form; splitting them would separate each rule from its
// inverse.
#include "config/hpa_annotations.hpp"

#include "config/time_format.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>

namespace troupe::config::hpa_annotations {
namespace {

using ojson = nlohmann::ordered_json; // Go writes struct fields in declaration order
using json = nlohmann::json;
namespace meta = ::troupe::meta;

// ---------------------------------------------------------------- encoding

ojson quantity(const meta::Quantity& q) {
  return q.string().empty() ? ojson("0") : ojson(q.string());
}

ojson selector(const meta::LabelSelector& s) {
  ojson out = ojson::object();
  if (s.matchlabels_size() > 0) {
    std::map<std::string, std::string> sorted(s.matchlabels().begin(), s.matchlabels().end());
    out["matchLabels"] = ojson(sorted);
  }
  if (s.matchexpressions_size() > 0) {
    ojson exprs = ojson::array();
    for (const auto& e : s.matchexpressions()) {
      ojson r = {{"key", e.key()}, {"operator", e.operator_()}};
      if (e.values_size() > 0)
        r["values"] = ojson(std::vector<std::string>(e.values().begin(), e.values().end()));
      exprs.push_back(std::move(r));
    }
    out["matchExpressions"] = std::move(exprs);
  }
  return out;
}

ojson reference(const v2::CrossVersionObjectReference& r) {
  ojson out = {{"kind", r.kind()}, {"name", r.name()}};
  if (!r.apiversion().empty()) out["apiVersion"] = r.apiversion();
  return out;
}

// autoscaling/v1 has no MetricTarget: each source carries the target fields its kind allows.
ojson v1_source(const v2::MetricSpec& m) {
  ojson out = {{"type", m.type()}};
  if (m.has_object()) {
    const auto& s = m.object();
    ojson o = {{"target", reference(s.describedobject())},
               {"metricName", s.metric().name()},
               {"targetValue", quantity(s.target().value())}};
    if (s.metric().has_selector()) o["selector"] = selector(s.metric().selector());
    if (s.target().has_averagevalue()) o["averageValue"] = quantity(s.target().averagevalue());
    out["object"] = std::move(o);
  }
  if (m.has_pods()) {
    const auto& s = m.pods();
    ojson o = {{"metricName", s.metric().name()},
               {"targetAverageValue", quantity(s.target().averagevalue())}};
    if (s.metric().has_selector()) o["selector"] = selector(s.metric().selector());
    out["pods"] = std::move(o);
  }
  auto resource_like = [](const std::string& name, const v2::MetricTarget& t) {
    ojson o = {{"name", name}};
    if (t.has_averageutilization()) o["targetAverageUtilization"] = t.averageutilization();
    if (t.has_averagevalue()) o["targetAverageValue"] = quantity(t.averagevalue());
    return o;
  };
  if (m.has_resource()) out["resource"] = resource_like(m.resource().name(), m.resource().target());
  if (m.has_containerresource()) {
    const auto& s = m.containerresource();
    ojson o = resource_like(s.name(), s.target());
    o["container"] = s.container();
    out["containerResource"] = std::move(o);
  }
  if (m.has_external()) {
    const auto& s = m.external();
    ojson o = {{"metricName", s.metric().name()}};
    if (s.metric().has_selector()) o["metricSelector"] = selector(s.metric().selector());
    if (s.target().has_value()) o["targetValue"] = quantity(s.target().value());
    if (s.target().has_averagevalue())
      o["targetAverageValue"] = quantity(s.target().averagevalue());
    out["external"] = std::move(o);
  }
  return out;
}

ojson v1_status(const v2::MetricStatus& m) {
  ojson out = {{"type", m.type()}};
  if (m.has_object()) {
    const auto& s = m.object();
    ojson o = {{"target", reference(s.describedobject())},
               {"metricName", s.metric().name()},
               {"currentValue", quantity(s.current().value())}};
    if (s.metric().has_selector()) o["selector"] = selector(s.metric().selector());
    if (s.current().has_averagevalue()) o["averageValue"] = quantity(s.current().averagevalue());
    out["object"] = std::move(o);
  }
  if (m.has_pods()) {
    const auto& s = m.pods();
    ojson o = {{"metricName", s.metric().name()},
               {"currentAverageValue", quantity(s.current().averagevalue())}};
    if (s.metric().has_selector()) o["selector"] = selector(s.metric().selector());
    out["pods"] = std::move(o);
  }
  auto resource_like = [](const std::string& name, const v2::MetricValueStatus& c) {
    ojson o = {{"name", name}};
    if (c.has_averageutilization()) o["currentAverageUtilization"] = c.averageutilization();
    o["currentAverageValue"] = quantity(c.averagevalue());
    return o;
  };
  if (m.has_resource())
    out["resource"] = resource_like(m.resource().name(), m.resource().current());
  if (m.has_containerresource()) {
    const auto& s = m.containerresource();
    ojson o = resource_like(s.name(), s.current());
    o["container"] = s.container();
    out["containerResource"] = std::move(o);
  }
  if (m.has_external()) {
    const auto& s = m.external();
    ojson o = {{"metricName", s.metric().name()}};
    if (s.metric().has_selector()) o["metricSelector"] = selector(s.metric().selector());
    o["currentValue"] = quantity(s.current().value());
    if (s.current().has_averagevalue())
      o["currentAverageValue"] = quantity(s.current().averagevalue());
    out["external"] = std::move(o);
  }
  return out;
}

// Go's internal type has no omitempty: every field is written, nil pointers as null.
ojson go_rules(const v2::HPAScalingRules& r) {
  ojson out;
  out["StabilizationWindowSeconds"] =
      r.has_stabilizationwindowseconds() ? ojson(r.stabilizationwindowseconds()) : ojson();
  out["SelectPolicy"] = r.has_selectpolicy() ? ojson(r.selectpolicy()) : ojson();
  ojson policies; // null when empty, as Go writes a nil slice
  for (const auto& p : r.policies())
    policies.push_back(
        {{"Type", p.type()}, {"Value", p.value()}, {"PeriodSeconds", p.periodseconds()}});
  out["Policies"] = std::move(policies);
  out["Tolerance"] = r.has_tolerance() ? quantity(r.tolerance()) : ojson();
  return out;
}

// ---------------------------------------------------------------- decoding

// Decoding errors unwind to the public decode_* functions, which turn them into a message.
struct bad_text : std::runtime_error {
  using std::runtime_error::runtime_error;
};

bool same_ci(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Go matches keys exactly first, then case-insensitively; null counts as absent.
const json* field(const json& obj, std::string_view key) {
  if (!obj.is_object()) throw bad_text("expected an object");
  auto exact = obj.find(std::string(key));
  if (exact != obj.end()) return exact->is_null() ? nullptr : &*exact;
  for (auto it = obj.begin(); it != obj.end(); ++it)
    if (same_ci(it.key(), key)) return it->is_null() ? nullptr : &*it;
  return nullptr;
}

std::string text(const json& obj, std::string_view key) {
  const json* v = field(obj, key);
  if (!v) return {};
  if (!v->is_string()) throw bad_text(std::string(key) + ": expected a string");
  return v->get<std::string>();
}

template <class Int>
std::optional<Int> integer(const json& obj, std::string_view key) {
  const json* v = field(obj, key);
  if (!v) return std::nullopt;
  if (!v->is_number_integer()) throw bad_text(std::string(key) + ": expected an integer");
  return v->get<Int>();
}

std::optional<meta::Quantity> quantity_at(const json& obj, std::string_view key) {
  const json* v = field(obj, key);
  if (!v) return std::nullopt;
  meta::Quantity q;
  if (v->is_string())
    q.set_string(v->get<std::string>());
  else if (v->is_number())
    q.set_string(v->dump());
  else
    throw bad_text(std::string(key) + ": expected a quantity");
  return q;
}

meta::Quantity quantity_or_zero(const json& obj, std::string_view key) {
  auto q = quantity_at(obj, key);
  if (q) return *q;
  meta::Quantity zero;
  zero.set_string("0");
  return zero;
}

std::optional<meta::LabelSelector> selector_at(const json& obj, std::string_view key) {
  const json* v = field(obj, key);
  if (!v) return std::nullopt;
  meta::LabelSelector out;
  if (const json* labels = field(*v, "matchLabels")) {
    if (!labels->is_object()) throw bad_text("matchLabels: expected an object");
    for (auto it = labels->begin(); it != labels->end(); ++it) {
      if (!it->is_string()) throw bad_text("matchLabels: expected string values");
      (*out.mutable_matchlabels())[it.key()] = it->get<std::string>();
    }
  }
  if (const json* exprs = field(*v, "matchExpressions")) {
    if (!exprs->is_array()) throw bad_text("matchExpressions: expected a list");
    for (const auto& e : *exprs) {
      auto* r = out.add_matchexpressions();
      r->set_key(text(e, "key"));
      r->set_operator_(text(e, "operator"));
      if (const json* vals = field(e, "values")) {
        if (!vals->is_array()) throw bad_text("values: expected a list");
        for (const auto& s : *vals) {
          if (!s.is_string()) throw bad_text("values: expected strings");
          r->add_values(s.get<std::string>());
        }
      }
    }
  }
  return out;
}

void read_reference(const json& obj, std::string_view key, v2::CrossVersionObjectReference* out) {
  const json* v = field(obj, key);
  if (!v) return;
  out->set_kind(text(*v, "kind"));
  out->set_name(text(*v, "name"));
  if (auto api = text(*v, "apiVersion"); !api.empty()) out->set_apiversion(api);
}

void read_identifier(const json& o, std::string_view selector_key, v2::MetricIdentifier* out) {
  out->set_name(text(o, "metricName"));
  if (auto sel = selector_at(o, selector_key)) *out->mutable_selector() = std::move(*sel);
}

// The target type each v1 source implies, as upstream's conversion infers it.
void v2_source(const json& j, v2::MetricSpec* m) {
  m->set_type(text(j, "type"));
  if (const json* o = field(j, "object")) {
    auto* s = m->mutable_object();
    read_reference(*o, "target", s->mutable_describedobject());
    read_identifier(*o, "selector", s->mutable_metric());
    auto* t = s->mutable_target();
    *t->mutable_value() = quantity_or_zero(*o, "targetValue");
    auto avg = quantity_at(*o, "averageValue");
    if (avg) *t->mutable_averagevalue() = *avg;
    t->set_type(avg ? "AverageValue" : "Value");
  }
  if (const json* o = field(j, "pods")) {
    auto* s = m->mutable_pods();
    read_identifier(*o, "selector", s->mutable_metric());
    s->mutable_target()->set_type("AverageValue");
    *s->mutable_target()->mutable_averagevalue() = quantity_or_zero(*o, "targetAverageValue");
  }
  auto resource_like = [](const json& o, std::string* name, v2::MetricTarget* t) {
    *name = text(o, "name");
    auto util = integer<int32_t>(o, "targetAverageUtilization");
    if (util) t->set_averageutilization(*util);
    if (auto avg = quantity_at(o, "targetAverageValue")) *t->mutable_averagevalue() = *avg;
    t->set_type(util ? "Utilization" : "AverageValue");
  };
  if (const json* o = field(j, "resource")) {
    auto* s = m->mutable_resource();
    resource_like(*o, s->mutable_name(), s->mutable_target());
  }
  if (const json* o = field(j, "containerResource")) {
    auto* s = m->mutable_containerresource();
    resource_like(*o, s->mutable_name(), s->mutable_target());
    s->set_container(text(*o, "container"));
  }
  if (const json* o = field(j, "external")) {
    auto* s = m->mutable_external();
    read_identifier(*o, "metricSelector", s->mutable_metric());
    auto* t = s->mutable_target();
    auto value = quantity_at(*o, "targetValue");
    if (value) *t->mutable_value() = *value;
    if (auto avg = quantity_at(*o, "targetAverageValue")) *t->mutable_averagevalue() = *avg;
    t->set_type(value ? "Value" : "AverageValue");
  }
}

void v2_status(const json& j, v2::MetricStatus* m) {
  m->set_type(text(j, "type"));
  if (const json* o = field(j, "object")) {
    auto* s = m->mutable_object();
    read_reference(*o, "target", s->mutable_describedobject());
    read_identifier(*o, "selector", s->mutable_metric());
    *s->mutable_current()->mutable_value() = quantity_or_zero(*o, "currentValue");
    if (auto avg = quantity_at(*o, "averageValue"))
      *s->mutable_current()->mutable_averagevalue() = *avg;
  }
  if (const json* o = field(j, "pods")) {
    auto* s = m->mutable_pods();
    read_identifier(*o, "selector", s->mutable_metric());
    *s->mutable_current()->mutable_averagevalue() = quantity_or_zero(*o, "currentAverageValue");
  }
  auto resource_like = [](const json& o, std::string* name, v2::MetricValueStatus* c) {
    *name = text(o, "name");
    if (auto util = integer<int32_t>(o, "currentAverageUtilization"))
      c->set_averageutilization(*util);
    *c->mutable_averagevalue() = quantity_or_zero(o, "currentAverageValue");
  };
  if (const json* o = field(j, "resource")) {
    auto* s = m->mutable_resource();
    resource_like(*o, s->mutable_name(), s->mutable_current());
  }
  if (const json* o = field(j, "containerResource")) {
    auto* s = m->mutable_containerresource();
    resource_like(*o, s->mutable_name(), s->mutable_current());
    s->set_container(text(*o, "container"));
  }
  if (const json* o = field(j, "external")) {
    auto* s = m->mutable_external();
    read_identifier(*o, "metricSelector", s->mutable_metric());
    *s->mutable_current()->mutable_value() = quantity_or_zero(*o, "currentValue");
    if (auto avg = quantity_at(*o, "currentAverageValue"))
      *s->mutable_current()->mutable_averagevalue() = *avg;
  }
}

void v2_condition(const json& j, v2::HorizontalPodAutoscalerCondition* c) {
  c->set_type(text(j, "type"));
  c->set_status(text(j, "status"));
  if (auto t = text(j, "lastTransitionTime"); !t.empty()) {
    auto ts = parse_rfc3339(t);
    if (!ts) throw bad_text("lastTransitionTime: not an RFC 3339 time");
    c->mutable_lasttransitiontime()->set_seconds(ts->seconds);
  }
  if (auto r = text(j, "reason"); !r.empty()) c->set_reason(r);
  if (auto m = text(j, "message"); !m.empty()) c->set_message(m);
  if (auto g = integer<int64_t>(j, "observedGeneration")) c->set_observedgeneration(*g);
}

void v2_rules(const json& j, v2::HPAScalingRules* r) {
  if (auto w = integer<int32_t>(j, "StabilizationWindowSeconds"))
    r->set_stabilizationwindowseconds(*w);
  if (const json* p = field(j, "SelectPolicy")) {
    if (!p->is_string()) throw bad_text("SelectPolicy: expected a string");
    r->set_selectpolicy(p->get<std::string>());
  }
  if (const json* ps = field(j, "Policies")) {
    if (!ps->is_array()) throw bad_text("Policies: expected a list");
    for (const auto& p : *ps) {
      auto* out = r->add_policies();
      out->set_type(text(p, "Type"));
      out->set_value(integer<int32_t>(p, "Value").value_or(0));
      out->set_periodseconds(integer<int32_t>(p, "PeriodSeconds").value_or(0));
    }
  }
  if (auto tol = quantity_at(j, "Tolerance")) *r->mutable_tolerance() = *tol;
}

template <class Message, class Decode>
std::string decode_list(std::string_view text, list<Message>& out, Decode decode_one) {
  try {
    json j = json::parse(text);
    if (!j.is_array()) return "expected a JSON list";
    list<Message> parsed;
    for (const auto& item : j)
      decode_one(item, parsed.Add());
    for (auto& m : parsed)
      *out.Add() = std::move(m);
    return {};
  } catch (const json::exception& e) {
    return e.what();
  } catch (const bad_text& e) {
    return e.what();
  }
}

template <class Message, class Encode>
std::string encode_list(const list<Message>& items, Encode encode_one) {
  ojson out = ojson::array();
  for (const auto& m : items)
    out.push_back(encode_one(m));
  return out.dump();
}

} // namespace

std::string encode_metric_specs(const list<v2::MetricSpec>& metrics) {
  return encode_list(metrics, v1_source);
}

std::string encode_metric_statuses(const list<v2::MetricStatus>& metrics) {
  return encode_list(metrics, v1_status);
}

std::string encode_conditions(const list<v2::HorizontalPodAutoscalerCondition>& conditions) {
  return encode_list(conditions, [](const v2::HorizontalPodAutoscalerCondition& c) {
    ojson o = {{"type", c.type()}, {"status", c.status()}};
    // Go's zero metav1.Time marshals as null even with omitempty.
    o["lastTransitionTime"] = c.has_lasttransitiontime()
                                  ? ojson(format_rfc3339(c.lasttransitiontime().seconds()))
                                  : ojson();
    if (!c.reason().empty()) o["reason"] = c.reason();
    if (!c.message().empty()) o["message"] = c.message();
    if (c.has_observedgeneration()) o["observedGeneration"] = c.observedgeneration();
    return o;
  });
}

std::string encode_behavior(const v2::HorizontalPodAutoscalerBehavior& behavior) {
  ojson out;
  out["ScaleUp"] = behavior.has_scaleup() ? go_rules(behavior.scaleup()) : ojson();
  out["ScaleDown"] = behavior.has_scaledown() ? go_rules(behavior.scaledown()) : ojson();
  return out.dump();
}

std::string decode_metric_specs(std::string_view text, list<v2::MetricSpec>& out) {
  return decode_list(text, out, v2_source);
}

std::string decode_metric_statuses(std::string_view text, list<v2::MetricStatus>& out) {
  return decode_list(text, out, v2_status);
}

std::string decode_conditions(std::string_view text,
                              list<v2::HorizontalPodAutoscalerCondition>& out) {
  return decode_list(text, out, v2_condition);
}

std::string decode_behavior(std::string_view text, v2::HorizontalPodAutoscalerBehavior& out) {
  try {
    json j = json::parse(text);
    v2::HorizontalPodAutoscalerBehavior parsed;
    if (const json* up = field(j, "ScaleUp")) v2_rules(*up, parsed.mutable_scaleup());
    if (const json* down = field(j, "ScaleDown")) v2_rules(*down, parsed.mutable_scaledown());
    out = std::move(parsed);
    return {};
  } catch (const json::exception& e) {
    return e.what();
  } catch (const bad_text& e) {
    return e.what();
  }
}

} // namespace troupe::config::hpa_annotations
