#include "node-agent/pod/var_expansion.hpp"

namespace troupe::node_agent::pod {

// A transcription of upstream's Expand/tryReadVariableName: at each '$' that has a following
// byte, read what follows and either substitute a variable or copy the bytes read.
std::string expand_vars(const std::string& input, const var_lookup& lookup) {
  std::string out;
  size_t checkpoint = 0;
  for (size_t cursor = 0; cursor < input.size(); ++cursor) {
    if (input[cursor] != '$' || cursor + 1 >= input.size())
      continue;
    out.append(input, checkpoint, cursor - checkpoint);
    char next = input[cursor + 1];
    size_t advance = 1;
    if (next == '$') {
      out += '$';  // "$$" -> "$"
    } else if (next == '(') {
      size_t close = input.find(')', cursor + 2);
      if (close == std::string::npos) {
        out += "$(";  // incomplete reference, kept; scanning goes on after "$("
      } else {
        std::string name = input.substr(cursor + 2, close - cursor - 2);
        auto value = lookup ? lookup(name) : std::nullopt;
        out += value ? *value : "$(" + name + ")";
        advance = close - cursor;
      }
    } else {
      out += '$';
      out += next;
    }
    cursor += advance;
    checkpoint = cursor + 1;
  }
  out.append(input, checkpoint, std::string::npos);
  return out;
}

} // namespace troupe::node_agent::pod
