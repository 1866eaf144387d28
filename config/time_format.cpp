#include "config/time_format.hpp"

#include <cstdio>

namespace troupe::config {

namespace {

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size())
    return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

std::string format_civil(int64_t seconds) {
  int64_t days = seconds / 86400;
  int64_t rem = seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02uT%02lld:%02lld:%02lld", static_cast<long long>(y),
                m, d, static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60),
                static_cast<long long>(rem % 60));
  return buf;
}

} // namespace

std::optional<timestamp> parse_rfc3339(std::string_view s) {
  int y, mo, d, h, mi, se;
  if (!digits(s, 0, 4, y) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-'
      || !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2, h)
      || s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, se))
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
    return std::nullopt;
  size_t pos = 19;
  int32_t nanos = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int n = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (n < 9) {
        nanos = nanos * 10 + (s[pos] - '0');
        ++n;
      }
      ++pos;
    }
    if (n == 0)
      return std::nullopt;
    for (; n < 9; ++n)
      nanos *= 10;
  }
  int64_t offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':'
        || !digits(s, pos + 4, 2, om))
      return std::nullopt;
    offset = (oh * 3600 + om * 60) * (s[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size())
    return std::nullopt;
  timestamp t;
  t.seconds = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400
              + h * 3600 + mi * 60 + se - offset;
  t.nanos = nanos;
  return t;
}

std::string format_rfc3339(int64_t seconds) {
  return format_civil(seconds) + "Z";
}

std::string format_rfc3339_micro(timestamp t) {
  char frac[16];
  std::snprintf(frac, sizeof(frac), ".%06d", t.nanos / 1000);
  return format_civil(t.seconds) + frac + "Z";
}

std::optional<int64_t> parse_go_duration(std::string_view s) {
  if (s.empty())
    return std::nullopt;
  bool neg = false;
  size_t pos = 0;
  if (s[0] == '-' || s[0] == '+') {
    neg = s[0] == '-';
    ++pos;
  }
  if (s.substr(pos) == "0")
    return 0;
  if (pos == s.size())
    return std::nullopt;
  long double total = 0;
  while (pos < s.size()) {
    size_t start = pos;
    long double value = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9')
      value = value * 10 + (s[pos++] - '0');
    bool had_int = pos > start;
    bool had_frac = false;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      long double scale = 0.1L;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        value += (s[pos++] - '0') * scale;
        scale /= 10;
        had_frac = true;
      }
    }
    if (!had_int && !had_frac)
      return std::nullopt;
    size_t ustart = pos;
    while (pos < s.size() && !(s[pos] >= '0' && s[pos] <= '9') && s[pos] != '.')
      ++pos;
    auto unit = s.substr(ustart, pos - ustart);
    long double mult;
    if (unit == "ns")
      mult = 1;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs")
      mult = 1e3L;
    else if (unit == "ms")
      mult = 1e6L;
    else if (unit == "s")
      mult = 1e9L;
    else if (unit == "m")
      mult = 60e9L;
    else if (unit == "h")
      mult = 3600e9L;
    else
      return std::nullopt;
    total += value * mult;
  }
  if (total > 9.2e18L)
    return std::nullopt;
  auto n = static_cast<int64_t>(total + 0.5L);
  return neg ? -n : n;
}

std::string format_go_duration(int64_t nanos) {
  if (nanos == 0)
    return "0s";
  bool neg = nanos < 0;
  uint64_t u = neg ? static_cast<uint64_t>(-(nanos + 1)) + 1 : static_cast<uint64_t>(nanos);
  std::string out;
  // Fraction of `v` in units of `unit` nanoseconds, trailing zeros trimmed.
  auto with_fraction = [](uint64_t v, uint64_t unit, int digits) {
    std::string s = std::to_string(v / unit);
    uint64_t frac = v % unit;
    if (frac != 0) {
      std::string f = std::to_string(frac);
      f.insert(0, static_cast<size_t>(digits) - f.size(), '0');
      while (!f.empty() && f.back() == '0')
        f.pop_back();
      s += "." + f;
    }
    return s;
  };
  if (u < 1000) {
    out = std::to_string(u) + "ns";
  } else if (u < 1000000) {
    out = with_fraction(u, 1000, 3) + "\xC2\xB5s";
  } else if (u < 1000000000) {
    out = with_fraction(u, 1000000, 6) + "ms";
  } else {
    uint64_t h = u / 3600000000000ULL;
    uint64_t rest = u % 3600000000000ULL;
    uint64_t m = rest / 60000000000ULL;
    uint64_t sec = rest % 60000000000ULL;
    if (h > 0)
      out += std::to_string(h) + "h";
    if (h > 0 || m > 0)
      out += std::to_string(m) + "m";
    out += with_fraction(sec, 1000000000, 9) + "s";
  }
  return neg ? "-" + out : out;
}

} // namespace troupe::config
