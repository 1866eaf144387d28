#include "config/label_selector.hpp"

#include <algorithm>
#include <set>

namespace troupe::config {

namespace {

// Upstream's aggregate error text: one message as is, several as "[a, b]" without repeats.
std::string aggregate(const field_errors& errs) {
  std::vector<std::string> seen;
  for (const auto& e : errs) {
    std::string m = e.to_string();
    if (std::find(seen.begin(), seen.end(), m) == seen.end())
      seen.push_back(std::move(m));
  }
  if (seen.size() == 1)
    return seen[0];
  std::string out = "[";
  for (size_t i = 0; i < seen.size(); ++i)
    out += (i ? ", " : "") + seen[i];
  return out + "]";
}

// ---- the string form: a lexer and a recursive-descent parser with upstream's grammar and messages

enum class token { end, close_par, comma, bang, double_equals, equals, greater, identifier, in,
                   less, not_equals, not_in, open_par };

struct lexeme {
  token tok;
  std::string text;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_special(char c) { return std::string_view("=!(),><").find(c) != std::string_view::npos; }

std::optional<token> special_token(std::string_view s) {
  static const std::pair<std::string_view, token> table[] = {
      {")", token::close_par}, {",", token::comma},        {"!", token::bang},
      {"==", token::double_equals}, {"=", token::equals},  {">", token::greater},
      {"<", token::less},      {"!=", token::not_equals},  {"(", token::open_par}};
  for (const auto& [text, tok] : table)
    if (text == s)
      return tok;
  return std::nullopt;
}

std::vector<lexeme> lex(std::string_view s) {
  std::vector<lexeme> out;
  size_t pos = 0;
  while (true) {
    while (pos < s.size() && is_space(s[pos]))
      ++pos;
    if (pos == s.size()) {
      out.push_back({token::end, ""});
      return out;
    }
    const size_t start = pos;
    if (is_special(s[pos])) {
      // Longest run of symbols that still forms an operator ("!=" rather than "!" then "=").
      lexeme best{token::end, ""};
      for (size_t n = 1; start + n <= s.size() && is_special(s[start + n - 1]); ++n) {
        const auto t = special_token(s.substr(start, n));
        if (!t)
          break;
        best = {*t, std::string(s.substr(start, n))};
      }
      pos = start + best.text.size();
      out.push_back(std::move(best));
      continue;
    }
    while (pos < s.size() && !is_special(s[pos]) && !is_space(s[pos]))
      ++pos;
    std::string word(s.substr(start, pos - start));
    const token t = word == "in" ? token::in : word == "notin" ? token::not_in : token::identifier;
    out.push_back({t, std::move(word)});
  }
}

class parser {
public:
  explicit parser(std::string_view text) : items_(lex(text)) {}

  std::optional<std::string> parse(label_selector& out) {
    while (true) {
      const lexeme& la = peek(true);
      if (la.tok == token::end)
        return std::nullopt;
      if (la.tok != token::identifier && la.tok != token::bang)
        return "found '" + la.text + "', expected: !, identifier, or 'end of string'";
      label_requirement r;
      if (auto err = requirement(r))
        return "unable to parse requirement: " + *err;
      out.add(std::move(r));
      const lexeme next = take(true);
      if (next.tok == token::end)
        return std::nullopt;
      if (next.tok != token::comma)
        return "found '" + next.text + "', expected: ',' or 'end of string'";
      const lexeme& after = peek(true);
      if (after.tok != token::identifier && after.tok != token::bang)
        return "found '" + after.text + "', expected: identifier after ','";
    }
  }

private:
  // In a value position the words "in" and "notin" are plain identifiers.
  lexeme as_value(lexeme l) const {
    if (l.tok == token::in || l.tok == token::not_in)
      l.tok = token::identifier;
    return l;
  }
  lexeme peek(bool value) const { return value ? as_value(items_[pos_]) : items_[pos_]; }
  lexeme take(bool value) {
    const lexeme l = peek(value);
    if (pos_ + 1 < items_.size())
      ++pos_;
    return l;
  }

  std::optional<std::string> requirement(label_requirement& r) {
    lexeme l = take(true);
    const bool negated = l.tok == token::bang;
    if (negated)
      l = take(true);
    if (l.tok != token::identifier)
      return "found '" + l.text + "', expected: identifier";
    // Upstream reports a bad key here with a nil field path, which prints as "<nil>".
    if (auto e = label_key_error(l.text, field_path("<nil>")))
      return e->to_string();
    r.key = l.text;
    const token after = peek(true).tok;
    if (negated || after == token::end || after == token::comma) {
      r.op = negated ? selector_op::does_not_exist : selector_op::exists;
      return check(r);
    }
    const lexeme op = take(false);
    std::set<std::string> values;
    std::optional<std::string> err;
    switch (op.tok) {
      case token::in: r.op = selector_op::in; err = value_set(values); break;
      case token::not_in: r.op = selector_op::not_in; err = value_set(values); break;
      case token::equals: r.op = selector_op::equals; err = exact_value(values); break;
      case token::double_equals: r.op = selector_op::double_equals; err = exact_value(values); break;
      case token::not_equals: r.op = selector_op::not_equals; err = exact_value(values); break;
      case token::greater: r.op = selector_op::greater_than; err = exact_value(values); break;
      case token::less: r.op = selector_op::less_than; err = exact_value(values); break;
      default: return "found '" + op.text + "', expected: in, notin, =, ==, !=, gt, lt";
    }
    if (err)
      return err;
    r.values.assign(values.begin(), values.end());
    return check(r);
  }

  static std::optional<std::string> check(const label_requirement& r) {
    const field_errors errs = validate_requirement(r);
    return errs.empty() ? std::nullopt : std::optional<std::string>(aggregate(errs));
  }

  std::optional<std::string> value_set(std::set<std::string>& values) {
    const lexeme open = take(true);
    if (open.tok != token::open_par)
      return "found '" + open.text + "' expected: '('";
    const lexeme first = peek(true);
    if (first.tok == token::close_par) {  // "()" is the set holding the empty value
      take(true);
      values.insert("");
      return std::nullopt;
    }
    if (first.tok != token::identifier && first.tok != token::comma)
      return "found '" + first.text + "', expected: ',', ')' or identifier";
    if (auto err = identifier_list(values))
      return err;
    if (take(true).tok != token::close_par)
      return "found '" + first.text + "', expected: ')'";  // upstream names the first item
    return std::nullopt;
  }

  // Empty items between commas ("(a,,b)", "(,a)", "(a,)") stand for the empty value.
  std::optional<std::string> identifier_list(std::set<std::string>& values) {
    while (true) {
      const lexeme l = take(true);
      if (l.tok == token::identifier) {
        values.insert(l.text);
        const lexeme next = peek(true);
        if (next.tok == token::close_par)
          return std::nullopt;
        if (next.tok != token::comma)
          return "found '" + next.text + "', expected: ',' or ')'";
      } else if (l.tok == token::comma) {
        if (values.empty())
          values.insert("");
        const token next = peek(true).tok;
        if (next == token::close_par || next == token::comma)
          values.insert("");
        if (next == token::close_par)
          return std::nullopt;
      } else {
        return "found '" + l.text + "', expected: ',', or identifier";
      }
    }
  }

  std::optional<std::string> exact_value(std::set<std::string>& values) {
    const token next = peek(true).tok;
    if (next == token::end || next == token::comma) {  // "key=" selects the empty value
      values.insert("");
      return std::nullopt;
    }
    const lexeme l = take(true);
    if (l.tok != token::identifier)
      return "found '" + l.text + "', expected: identifier";
    values.insert(l.text);
    return std::nullopt;
  }

  std::vector<lexeme> items_;
  size_t pos_ = 0;
};

} // namespace

label_selector_result parse_label_selector(std::string_view text) {
  label_selector s;
  if (auto err = parser(text).parse(s))
    return {std::nullopt, std::move(*err)};
  return {std::move(s), {}};
}

} // namespace troupe::config
