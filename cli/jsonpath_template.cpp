#include "cli/jsonpath_template.hpp"

#include <vector>

namespace troupe::cli {

using nlohmann::json;

namespace {

std::string evaluate(const std::string& path, const json& root, std::vector<json>& out);

// kubectl's filter ?(@.path OP literal) or ?(@.path) over one array element: OP is ==, !=, <, <=,
// >, >=; literals are quoted strings, numbers, true/false. Returns an error message or "".
std::string filter_matches(const std::string& expr, const json& element, bool& match) {
  static const char* ops[] = {"==", "!=", "<=", ">=", "<", ">"};
  std::string lhs = expr, op, rhs;
  for (const char* o : ops) {
    auto at = expr.find(o);
    if (at != std::string::npos) {
      lhs = expr.substr(0, at);
      op = o;
      rhs = expr.substr(at + op.size());
      break;
    }
  }
  auto trim = [](std::string v) {
    while (!v.empty() && v.front() == ' ') v.erase(v.begin());
    while (!v.empty() && v.back() == ' ') v.pop_back();
    return v;
  };
  lhs = trim(lhs);
  rhs = trim(rhs);
  if (lhs.empty() || lhs[0] != '@')
    return "unrecognized filter " + expr;
  std::vector<json> found;
  if (auto err = evaluate(lhs.substr(1), element, found); !err.empty())
    return err;
  if (op.empty()) {
    match = !found.empty();
    return {};
  }
  json literal;
  if (rhs.size() >= 2 && (rhs.front() == '"' || rhs.front() == '\'') && rhs.back() == rhs.front()) {
    literal = rhs.substr(1, rhs.size() - 2);
  } else if (rhs == "true" || rhs == "false") {
    literal = rhs == "true";
  } else {
    try {
      size_t used = 0;
      double d = std::stod(rhs, &used);
      if (used != rhs.size())
        return "unrecognized filter " + expr;
      literal = d;
    } catch (...) {
      return "unrecognized filter " + expr;
    }
  }
  match = false;
  for (const auto& v : found) {
    bool ok = false;
    if (v.is_number() && literal.is_number()) {
      double a = v.get<double>(), b = literal.get<double>();
      ok = op == "==" ? a == b : op == "!=" ? a != b : op == "<" ? a < b : op == "<=" ? a <= b
         : op == ">" ? a > b : a >= b;
    } else if (op == "==" || op == "!=") {
      ok = (v == literal) == (op == "==");
    } else if (v.is_string() && literal.is_string()) {
      auto a = v.get<std::string>(), b = literal.get<std::string>();
      ok = op == "<" ? a < b : op == "<=" ? a <= b : op == ">" ? a > b : a >= b;
    }
    if (ok) {
      match = true;
      break;
    }
  }
  return {};
}

// Evaluates one path; returns an error message or "".
std::string evaluate(const std::string& path, const json& root, std::vector<json>& out) {
  std::vector<const json*> cur{&root};
  size_t i = 0;
  if (!path.empty() && path[0] == '$')
    i = 1;
  while (i < path.size()) {
    std::vector<const json*> next;
    if (path[i] == '.') {
      size_t end = path.find_first_of(".[", i + 1);
      std::string key = path.substr(i + 1, end == std::string::npos ? std::string::npos : end - i - 1);
      for (const json* c : cur) {
        if (key == "*" && (c->is_object() || c->is_array())) {
          for (const auto& v : *c)
            next.push_back(&v);
        } else if (c->is_object() && c->contains(key)) {
          next.push_back(&(*c)[key]);
        }
      }
      i = end == std::string::npos ? path.size() : end;
    } else if (path[i] == '[') {
      size_t end = path.find(']', i);
      if (end == std::string::npos)
        return "unterminated array";
      std::string idx = path.substr(i + 1, end - i - 1);
      for (const json* c : cur) {
        if (!c->is_array())
          continue;
        if (idx.size() >= 3 && idx[0] == '?' && idx[1] == '(' && idx.back() == ')') {
          for (const auto& v : *c) {
            bool match = false;
            if (auto err = filter_matches(idx.substr(2, idx.size() - 3), v, match); !err.empty())
              return err;
            if (match)
              next.push_back(&v);
          }
          continue;
        }
        if (idx == "*") {
          for (const auto& v : *c)
            next.push_back(&v);
          continue;
        }
        try {
          long n = std::stol(idx);
          if (n < 0)
            n += static_cast<long>(c->size());
          if (n >= 0 && static_cast<size_t>(n) < c->size())
            next.push_back(&(*c)[static_cast<size_t>(n)]);
        } catch (...) {
          return "unsupported array index " + idx;
        }
      }
      i = end + 1;
    } else {
      return "unrecognized character in action: U+" + std::to_string(static_cast<int>(path[i]));
    }
    cur = std::move(next);
  }
  for (const json* c : cur)
    out.push_back(*c);
  return {};
}

} // namespace

jsonpath_result render_jsonpath(const std::string& tmpl, const json& obj) {
  jsonpath_result r;
  size_t i = 0;
  while (i < tmpl.size()) {
    size_t open = tmpl.find('{', i);
    if (open == std::string::npos) {
      r.text += tmpl.substr(i);
      break;
    }
    r.text += tmpl.substr(i, open - i);
    size_t close = tmpl.find('}', open);
    if (close == std::string::npos) {
      r.error = "error parsing jsonpath " + tmpl + ", unclosed action";
      return r;
    }
    std::string expr = tmpl.substr(open + 1, close - open - 1);
    if (!expr.empty() && expr.front() == '"' && expr.back() == '"' && expr.size() >= 2) {
      // a quoted literal such as {"\n"}
      std::string lit = expr.substr(1, expr.size() - 2);
      for (size_t k = 0; k < lit.size(); ++k)
        if (lit[k] == '\\' && k + 1 < lit.size() && lit[k + 1] == 'n')
          r.text += '\n', ++k;
        else if (lit[k] == '\\' && k + 1 < lit.size() && lit[k + 1] == 't')
          r.text += '\t', ++k;
        else
          r.text += lit[k];
    } else {
      std::vector<json> values;
      if (auto err = evaluate(expr, obj, values); !err.empty()) {
        r.error = "error parsing jsonpath " + tmpl + ", " + err;
        return r;
      }
      for (size_t k = 0; k < values.size(); ++k)
        r.text += (k ? " " : "") + (values[k].is_string() ? values[k].get<std::string>() : values[k].dump());
    }
    i = close + 1;
  }
  return r;
}

} // namespace troupe::cli
