#pragma once
// Which objects a list or a watch selects: a key prefix (the kind, or one namespace of it) plus
// label and field selectors.

#include <google/protobuf/message.h>

#include <string>
#include <string_view>

#include "config/field_selector.hpp"
#include "config/kinds.hpp"
#include "config/label_selector.hpp"

namespace troupe::store {

class selection {
public:
  selection(const config::kind_info& kind, std::string_view ns, config::label_selector labels,
            config::field_selector fields);

  const std::string& prefix() const { return prefix_; }
  const std::string& end() const { return end_; }
  bool matches_key(std::string_view key) const {
    return key.size() >= prefix_.size() && key.compare(0, prefix_.size(), prefix_) == 0;
  }
  /// Labels and fields; the key is not looked at.
  bool matches(const google::protobuf::Message& object) const;
  /// Both selectors select everything.
  bool selects_all() const { return all_; }

private:
  std::string kind_;
  std::string prefix_;
  std::string end_;
  config::label_selector labels_;
  config::field_selector fields_;
  bool all_ = true;
};

} // namespace troupe::store
