#include "config/quantity.hpp"
// Slightly over 400 lines: parsing, arithmetic and printing all work on the private
// mantissa/exponent form, so they stay together rather than exposing it.

#include <algorithm>
#include <climits>
#include <vector>

namespace troupe::config {

namespace {

using i128 = __int128;

constexpr int max_digits = 38;
constexpr int32_t nano_exponent = -9;
constexpr int64_t max_int64 = INT64_MAX;

const char* const err_format =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const char* const err_numeric = "unable to parse numeric part of quantity";
const char* const err_suffix = "unable to parse quantity's suffix";

i128 pow10(int n) {
  i128 r = 1;
  for (int i = 0; i < n; ++i)
    r *= 10;
  return r;
}

i128 abs128(i128 v) { return v < 0 ? -v : v; }

int digit_count(i128 v) {
  v = abs128(v);
  int n = 1;
  while (v >= 10) {
    v /= 10;
    ++n;
  }
  return n;
}

std::string digits_of(i128 v) {
  v = abs128(v);
  std::string s;
  do {
    s += static_cast<char>('0' + static_cast<int>(v % 10));
    v /= 10;
  } while (v != 0);
  std::reverse(s.begin(), s.end());
  return s;
}

bool fits(i128 m) { return m == 0 || digit_count(m) <= max_digits; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

struct suffix_meaning {
  int base = 10;
  int64_t exponent = 0;
  quantity_format format = quantity_format::decimal_si;
};

std::optional<suffix_meaning> interpret_suffix(std::string_view s) {
  using f = quantity_format;
  static const struct {
    std::string_view text;
    suffix_meaning meaning;
  } table[] = {
      {"", {10, 0, f::decimal_si}},   {"n", {10, -9, f::decimal_si}}, {"u", {10, -6, f::decimal_si}},
      {"m", {10, -3, f::decimal_si}}, {"k", {10, 3, f::decimal_si}},  {"M", {10, 6, f::decimal_si}},
      {"G", {10, 9, f::decimal_si}},  {"T", {10, 12, f::decimal_si}}, {"P", {10, 15, f::decimal_si}},
      {"E", {10, 18, f::decimal_si}}, {"Ki", {2, 10, f::binary_si}},  {"Mi", {2, 20, f::binary_si}},
      {"Gi", {2, 30, f::binary_si}},  {"Ti", {2, 40, f::binary_si}},  {"Pi", {2, 50, f::binary_si}},
      {"Ei", {2, 60, f::binary_si}},
  };
  for (const auto& row : table)
    if (row.text == s)
      return row.meaning;
  if (s.size() < 2 || (s[0] != 'e' && s[0] != 'E'))
    return std::nullopt;
  // An exponent: an optional sign then digits, kept within int32 like upstream's field.
  size_t i = 1;
  bool negative = false;
  if (s[i] == '+' || s[i] == '-')
    negative = s[i++] == '-';
  if (i == s.size())
    return std::nullopt;
  int64_t e = 0;
  for (; i < s.size(); ++i) {
    if (!is_digit(s[i]))
      return std::nullopt;
    e = e * 10 + (s[i] - '0');
    if (e > INT32_MAX)
      return std::nullopt;
  }
  return suffix_meaning{10, negative ? -e : e, f::decimal_exponent};
}

struct scanned {
  bool negative = false;
  std::string_view num;    // integer digits without leading zeros, "0" when none
  std::string_view denom;  // fraction digits as written
  std::string_view suffix;
};

// Upstream's permissive scanner: [+-] digits [. digits] suffix-letters [+-] digits.
std::optional<scanned> scan(std::string_view s) {
  scanned out;
  size_t pos = 0;
  if (pos < s.size() && (s[pos] == '+' || s[pos] == '-'))
    out.negative = s[pos++] == '-';
  while (pos < s.size() && s[pos] == '0')
    ++pos;
  size_t start = pos;
  while (pos < s.size() && is_digit(s[pos]))
    ++pos;
  out.num = pos > start ? s.substr(start, pos - start) : std::string_view("0");
  if (pos < s.size() && s[pos] == '.') {
    start = ++pos;
    while (pos < s.size() && is_digit(s[pos]))
      ++pos;
    out.denom = s.substr(start, pos - start);
  }
  start = pos;
  while (pos < s.size() && std::string_view("eEinumkKMGTP").find(s[pos]) != std::string_view::npos)
    ++pos;
  if (pos < s.size() && (s[pos] == '+' || s[pos] == '-'))
    ++pos;
  while (pos < s.size() && is_digit(s[pos]))
    ++pos;
  if (pos != s.size())
    return std::nullopt;
  out.suffix = s.substr(start);
  return out;
}

// Whether upstream's int64 fast path keeps the input text as the printed form.
bool upstream_keeps_text(const scanned& sc, const suffix_meaning& sm) {
  const auto num_len = static_cast<int64_t>(sc.num.size());
  const auto denom_len = static_cast<int64_t>(sc.denom.size());
  if (sm.format == quantity_format::binary_si) {
    if (denom_len != 0)
      return false;
    const int64_t precision = 15 - num_len - sm.exponent * 3 / 10 - 1;
    if (precision < 0)
      return false;
    int64_t value = 0;
    for (char c : sc.num)
      value = value * 10 + (c - '0');
    return sm.exponent % 10 == 0 && (value & 0x07) != 0;
  }
  const int64_t precision = 18 - num_len - denom_len;
  const int64_t scale = sm.exponent - denom_len;
  if (precision < 0 || scale < nano_exponent)
    return false;
  const std::string shifted = std::string(sc.num) + std::string(sc.denom);
  const bool ends_000 = shifted.size() >= 3 && shifted.compare(shifted.size() - 3, 3, "000") == 0;
  return scale % 3 == 0 && !ends_000 && shifted[0] != '0';
}

// Multiplies a decimal digit string by 2^n in place.
void double_digits(std::string& digits, int64_t n) {
  for (int64_t k = 0; k < n; ++k) {
    int carry = 0;
    for (size_t i = digits.size(); i-- > 0;) {
      int d = (digits[i] - '0') * 2 + carry;
      digits[i] = static_cast<char>('0' + d % 10);
      carry = d / 10;
    }
    if (carry)
      digits.insert(digits.begin(), static_cast<char>('0' + carry));
  }
}

} // namespace

// Builds normalized values; the only way values are made.
struct quantity_access {
  static std::optional<quantity> make(i128 m, int64_t e, quantity_format f) {
    quantity q;
    q.format_ = f;
    if (m == 0)
      return q;
    while (m % 10 == 0) {
      m /= 10;
      ++e;
    }
    if (!fits(m) || e > INT32_MAX || e < nano_exponent)
      return std::nullopt;
    q.mantissa_ = m;
    q.exponent_ = static_cast<int32_t>(e);
    return q;
  }
  static void keep_text(quantity& q, std::string_view text) { q.text_ = std::string(text); }
  static i128 mantissa(const quantity& q) { return q.mantissa_; }
  static int32_t exponent(const quantity& q) { return q.exponent_; }
};

quantity_result parse_quantity_or_error(std::string_view text) {
  if (text.empty())
    return {std::nullopt, err_format};
  const auto sc = scan(text);
  if (!sc)
    return {std::nullopt, err_format};
  const auto sm = interpret_suffix(sc->suffix);
  if (!sm)
    return {std::nullopt, err_suffix};

  std::string digits = std::string(sc->num) + std::string(sc->denom);
  int64_t e = -static_cast<int64_t>(sc->denom.size());
  if (sm->base == 10)
    e += sm->exponent;
  const size_t first = digits.find_first_not_of('0');
  digits = first == std::string::npos ? std::string() : digits.substr(first);
  if (sm->base == 2)
    double_digits(digits, sm->exponent);
  while (!digits.empty() && digits.back() == '0') {
    digits.pop_back();
    ++e;
  }

  quantity_format format = sm->format;
  i128 m = 0;
  if (!digits.empty()) {
    // Finer than 1n: drop the digits below the nano place and round the magnitude up. Trailing
    // zeros are already gone, so whatever is dropped is non-zero.
    bool round_up = false;
    if (e < nano_exponent) {
      const int64_t drop = nano_exponent - e;
      digits = drop >= static_cast<int64_t>(digits.size()) ? std::string()
                                                           : digits.substr(0, digits.size() - drop);
      e = nano_exponent;
      round_up = true;
    }
    const bool too_long = static_cast<int>(digits.size()) > max_digits;
    const bool cap_binary =
        format == quantity_format::binary_si && static_cast<int64_t>(digits.size()) + e > 19;
    if (too_long && !cap_binary)
      return {std::nullopt, err_numeric};
    if (!cap_binary) {
      for (char c : digits)
        m = m * 10 + (c - '0');
      if (round_up)
        ++m;
    }
    if (format == quantity_format::binary_si) {
      const bool over = cap_binary || (e >= 0 ? m * pow10(static_cast<int>(e)) > max_int64
                                              : m > i128(max_int64) * pow10(static_cast<int>(-e)));
      if (over) {
        m = max_int64;
        e = 0;
      } else if (e < 0 && digit_count(m) <= -e) {
        format = quantity_format::decimal_si;  // below 1: BinarySI cannot print it
      }
    }
    if (sc->negative)
      m = -m;
  }
  auto q = quantity_access::make(m, e, format);
  if (!q)
    return {std::nullopt, err_numeric};
  if (text == "0" || upstream_keeps_text(*sc, *sm))
    quantity_access::keep_text(*q, text);
  return {std::move(q), {}};
}

std::optional<quantity> parse_quantity(std::string_view text) {
  return parse_quantity_or_error(text).value;
}

quantity quantity::from_scaled(int64_t value, int32_t scale, quantity_format format) {
  i128 m = value;
  // Normalizing strips up to 18 trailing zeros into the exponent, which must stay an int32.
  int64_t e = std::min<int64_t>(scale, INT32_MAX - 19);
  if (e < nano_exponent) {
    const int64_t shift = nano_exponent - e;
    const i128 p = shift > max_digits ? 0 : pow10(static_cast<int>(shift));
    const i128 q = p == 0 ? 0 : m / p;
    const bool rest = p == 0 ? m != 0 : m % p != 0;
    m = rest ? q + (value < 0 ? -1 : 1) : q;
    e = nano_exponent;
  }
  return *quantity_access::make(m, e, format);
}

int quantity::compare(const quantity& other) const {
  const int sa = sign(), sb = other.sign();
  if (sa != sb)
    return sa < sb ? -1 : 1;
  if (sa == 0)
    return 0;
  // Same sign: compare magnitudes by order of magnitude first, then aligned mantissas.
  const int64_t order_a = digit_count(mantissa_) + int64_t(exponent_);
  const int64_t order_b = digit_count(other.mantissa_) + int64_t(other.exponent_);
  int mag;
  if (order_a != order_b) {
    mag = order_a < order_b ? -1 : 1;
  } else {
    i128 a = abs128(mantissa_), b = abs128(other.mantissa_);
    if (exponent_ > other.exponent_)
      a *= pow10(exponent_ - other.exponent_);
    else
      b *= pow10(other.exponent_ - exponent_);
    mag = a < b ? -1 : (a > b ? 1 : 0);
  }
  return sa * mag;
}

int64_t quantity::scaled_value(int32_t scale) const {
  if (mantissa_ == 0)
    return 0;
  const int64_t shift = int64_t(exponent_) - scale;
  const int s = sign();
  i128 r;
  if (shift >= 0) {
    if (digit_count(mantissa_) + shift > 19)
      return s > 0 ? INT64_MAX : INT64_MIN;
    r = mantissa_ * pow10(static_cast<int>(shift));
  } else if (-shift > max_digits) {
    r = s;  // a non-zero magnitude below one unit rounds up to one unit
  } else {
    const i128 p = pow10(static_cast<int>(-shift));
    r = mantissa_ / p;
    if (mantissa_ % p != 0)
      r += s;
  }
  if (r > INT64_MAX)
    return INT64_MAX;
  if (r < INT64_MIN)
    return INT64_MIN;
  return static_cast<int64_t>(r);
}

quantity quantity::negated() const {
  quantity q = *this;
  q.mantissa_ = -q.mantissa_;
  q.text_.clear();
  return q;
}

namespace {

std::optional<quantity> add_signed(const quantity& a, const quantity& b) {
  const quantity_format f = a.is_zero() ? b.format() : a.format();
  i128 ma = quantity_access::mantissa(a), mb = quantity_access::mantissa(b);
  int32_t ea = quantity_access::exponent(a), eb = quantity_access::exponent(b);
  if (ma == 0)
    return quantity_access::make(mb, eb, f);
  if (mb == 0)
    return quantity_access::make(ma, ea, f);
  // Align on the smaller exponent; refuse when the shifted mantissa would leave the bounds.
  if (ea < eb) {
    std::swap(ma, mb);
    std::swap(ea, eb);
  }
  const int64_t shift = int64_t(ea) - eb;
  if (digit_count(ma) + shift > max_digits)
    return std::nullopt;
  ma *= pow10(static_cast<int>(shift));
  i128 sum;
  if (__builtin_add_overflow(ma, mb, &sum))
    return std::nullopt;
  return quantity_access::make(sum, eb, f);
}

} // namespace

std::optional<quantity> add(const quantity& a, const quantity& b) { return add_signed(a, b); }

std::optional<quantity> subtract(const quantity& a, const quantity& b) {
  return add_signed(a, b.negated());
}

std::string quantity::to_string() const {
  if (!text_.empty())
    return text_;
  if (mantissa_ == 0)
    return "0";
  const std::string sign_text = mantissa_ < 0 ? "-" : "";
  quantity_format f = format_;
  if (f == quantity_format::binary_si) {
    // Small values, and values that are not whole numbers, print as DecimalSI (as upstream).
    const bool small = compare(from_int(1024)) < 0 && compare(from_int(-1024)) > 0;
    const bool whole = exponent_ >= 0 && digit_count(mantissa_) + int64_t(exponent_) <= max_digits;
    if (small || !whole) {
      f = quantity_format::decimal_si;
    } else {
      i128 n = abs128(mantissa_) * pow10(exponent_);
      static const char* const binary_suffix[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
      int times = 0;
      while (times < 6 && n % 1024 == 0) {
        n /= 1024;
        ++times;
      }
      return sign_text + digits_of(n) + binary_suffix[times];
    }
  }
  // Decimal: lower the exponent to a multiple of three by appending zeros to the mantissa.
  std::string number = digits_of(mantissa_);
  int64_t e = exponent_;
  while (e % 3 != 0) {
    number += '0';
    --e;
  }
  if (f == quantity_format::decimal_si && e <= 18) {
    static const char* const decimal_suffix[] = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
    return sign_text + number + decimal_suffix[(e + 9) / 3];
  }
  return sign_text + number + (e == 0 ? "" : "e" + std::to_string(e));
}

} // namespace troupe::config
