#include "config/validation_values.hpp"

#include <algorithm>
#include <vector>

#include "config/field_error.hpp"

namespace troupe::config {

std::string go_string_map(const google::protobuf::Map<std::string, std::string>& m) {
  if (m.empty()) return "map[string]string(nil)";
  std::vector<std::pair<std::string, std::string>> sorted(m.begin(), m.end());
  std::sort(sorted.begin(), sorted.end());
  std::string out = "map[string]string{";
  for (size_t i = 0; i < sorted.size(); ++i)
    out += (i ? ", " : "") + quote(sorted[i].first) + ":" + quote(sorted[i].second);
  return out + "}";
}

std::string go_label_selector(const troupe::meta::LabelSelector& s) {
  std::string out = "v1.LabelSelector{MatchLabels:" + go_string_map(s.matchlabels()) + ", MatchExpressions:";
  if (s.matchexpressions().empty()) return out + "[]v1.LabelSelectorRequirement(nil)}";
  out += "[]v1.LabelSelectorRequirement{";
  for (int i = 0; i < s.matchexpressions_size(); ++i) {
    const auto& r = s.matchexpressions(i);
    out += std::string(i ? ", " : "") + "v1.LabelSelectorRequirement{Key:" + quote(r.key()) +
           ", Operator:" + quote(r.operator_()) + ", Values:";
    if (r.values().empty()) {
      out += "[]string(nil)}";
    } else {
      out += "[]string{";
      for (int j = 0; j < r.values_size(); ++j) out += (j ? ", " : "") + quote(r.values(j));
      out += "}}";
    }
  }
  return out + "}}";
}

std::string int_or_string_value(const troupe::meta::IntOrString& v) {
  return v.type() == 1 ? quote(v.strval()) : std::to_string(v.intval());
}

std::string go_toleration(const troupe::core::v1::Toleration& t) {
  // Go prints a set pointer as its address; the value is the useful part, so show that.
  std::string seconds = t.has_tolerationseconds()
                            ? "(*int64)(" + std::to_string(t.tolerationseconds()) + ")"
                            : "(*int64)(nil)";
  return "core.Toleration{Key:" + quote(t.key()) + ", Operator:" + quote(t.operator_()) +
         ", Value:" + quote(t.value()) + ", Effect:" + quote(t.effect()) +
         ", TolerationSeconds:" + seconds + "}";
}

std::string go_service_port_key(const std::string& protocol, int32_t port) {
  return "core.ServicePort{Name:\"\", Protocol:" + quote(protocol) +
         ", AppProtocol:(*string)(nil), Port:" + std::to_string(port) +
         ", TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}";
}

} // namespace troupe::config
