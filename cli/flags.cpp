#include "cli/flags.hpp"

namespace troupe::cli {

std::string parsed_flags::get(const std::string& name, const std::string& fallback) const {
  auto it = values.find(name);
  return it == values.end() || it->second.empty() ? fallback : it->second.back();
}

std::vector<std::string> parsed_flags::all(const std::string& name) const {
  auto it = values.find(name);
  return it == values.end() ? std::vector<std::string>{} : it->second;
}

bool parsed_flags::is_set(const std::string& name, bool fallback) const {
  auto it = values.find(name);
  if (it == values.end() || it->second.empty())
    return fallback;
  return parse_bool(it->second.back()).value_or(fallback);
}

std::optional<bool> parse_bool(const std::string& s) {
  if (s == "1" || s == "t" || s == "T" || s == "true" || s == "TRUE" || s == "True")
    return true;
  if (s == "0" || s == "f" || s == "F" || s == "false" || s == "FALSE" || s == "False")
    return false;
  return std::nullopt;
}

std::vector<std::string> split_list(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      if (!cur.empty())
        out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty())
    out.push_back(cur);
  return out;
}

namespace {

const flag_spec* find_long(const std::vector<flag_spec>& specs, const std::string& name) {
  for (auto& s : specs)
    if (s.name == name)
      return &s;
  return nullptr;
}

const flag_spec* find_short(const std::vector<flag_spec>& specs, char c) {
  for (auto& s : specs)
    if (s.shorthand == c)
      return &s;
  return nullptr;
}

std::string bad_bool(const std::string& value, const std::string& flag) {
  return "invalid argument \"" + value + "\" for \"" + flag + "\" flag: strconv.ParseBool: parsing \""
         + value + "\": invalid syntax";
}

} // namespace

parsed_flags parse_flags(const std::vector<std::string>& args, const std::vector<flag_spec>& in_specs) {
  std::vector<flag_spec> specs = in_specs;
  specs.push_back({"help", 'h', false});
  parsed_flags r;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      r.after_dash.assign(args.begin() + static_cast<long>(i) + 1, args.end());
      break;
    }
    if (a.size() > 2 && a[0] == '-' && a[1] == '-') {
      auto eq = a.find('=');
      std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      const flag_spec* s = find_long(specs, name);
      if (!s) {
        r.error = "unknown flag: --" + name;
        return r;
      }
      if (eq != std::string::npos) {
        std::string v = a.substr(eq + 1);
        if (!s->takes_value && !parse_bool(v)) {
          r.error = bad_bool(v, "--" + name);
          return r;
        }
        r.values[name].push_back(v);
      } else if (!s->takes_value) {
        r.values[name].push_back("true");
      } else if (!s->no_value.empty()) {
        r.values[name].push_back(s->no_value);
      } else if (i + 1 < args.size()) {
        r.values[name].push_back(args[++i]);
      } else {
        r.error = "flag needs an argument: --" + name;
        return r;
      }
      continue;
    }
    if (a.size() > 1 && a[0] == '-') {
      // Short flags: booleans may be grouped (-Aw); a value flag takes the rest of the word
      // (-nfoo, -n=foo) or the next argument.
      for (size_t j = 1; j < a.size(); ++j) {
        const flag_spec* s = find_short(specs, a[j]);
        if (!s) {
          r.error = std::string("unknown shorthand flag: '") + a[j] + "' in " + a;
          return r;
        }
        if (!s->takes_value) {
          if (j + 1 < a.size() && a[j + 1] == '=') {
            std::string v = a.substr(j + 2);
            if (!parse_bool(v)) {
              r.error = bad_bool(v, std::string("-") + a[j]);
              return r;
            }
            r.values[s->name].push_back(v);
            break;
          }
          r.values[s->name].push_back("true");
          continue;
        }
        std::string rest = a.substr(j + 1);
        if (!rest.empty() && rest[0] == '=')
          rest = rest.substr(1);
        if (!rest.empty() || j + 1 < a.size()) {
          r.values[s->name].push_back(rest);
        } else if (i + 1 < args.size()) {
          r.values[s->name].push_back(args[++i]);
        } else {
          r.error = std::string("flag needs an argument: '") + a[j] + "' in " + a;
          return r;
        }
        break;
      }
      continue;
    }
    r.positional.push_back(a);
  }
  return r;
}

} // namespace troupe::cli
