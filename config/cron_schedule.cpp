#include "config/cron_schedule.hpp"

#include <algorithm>
#include <cctype>
#include <climits>
#include <map>
#include <vector>

namespace troupe::config {

namespace {

struct bounds {
  int min;
  int max;
  const std::map<std::string, int>* names;
};

const std::map<std::string, int> month_names{
    {"jan", 1}, {"feb", 2}, {"mar", 3}, {"apr", 4},  {"may", 5},  {"jun", 6},
    {"jul", 7}, {"aug", 8}, {"sep", 9}, {"oct", 10}, {"nov", 11}, {"dec", 12}};
const std::map<std::string, int> day_names{{"sun", 0}, {"mon", 1}, {"tue", 2}, {"wed", 3},
                                           {"thu", 4}, {"fri", 5}, {"sat", 6}};

const bounds minute_bounds{0, 59, nullptr};
const bounds hour_bounds{0, 23, nullptr};
const bounds day_bounds{1, 31, nullptr};
const bounds month_bounds{1, 12, &month_names};
const bounds weekday_bounds{0, 6, &day_names};

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

std::vector<std::string> fields_of(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    size_t start = i;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i > start) out.emplace_back(s.substr(start, i - start));
  }
  return out;
}

// Go's strconv.Atoi, with its error text.
std::optional<long long> atoi(const std::string& s, std::string& error) {
  size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  bool ok = i < s.size();
  long long v = 0;
  bool overflow = false;
  for (size_t j = i; ok && j < s.size(); ++j) {
    if (!std::isdigit(static_cast<unsigned char>(s[j]))) ok = false;
    else if (v > (LLONG_MAX - 9) / 10) overflow = true;
    else v = v * 10 + (s[j] - '0');
  }
  if (!ok || overflow) {
    error = "strconv.Atoi: parsing \"" + s + "\": " + (ok ? "value out of range" : "invalid syntax");
    return std::nullopt;
  }
  return s[0] == '-' ? -v : v;
}

std::optional<int> parse_number(const std::string& expr, std::string& error) {
  std::string atoi_error;
  auto v = atoi(expr, atoi_error);
  if (!v) {
    error = "failed to parse int from " + expr + ": " + atoi_error;
    return std::nullopt;
  }
  if (*v < 0) {
    error = "negative number (" + std::to_string(*v) + ") not allowed: " + expr;
    return std::nullopt;
  }
  return static_cast<int>(std::min<long long>(*v, INT_MAX));
}

std::optional<int> parse_int_or_name(const std::string& expr, const bounds& b, std::string& error) {
  if (b.names) {
    std::string lower = expr;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto it = b.names->find(lower);
    if (it != b.names->end()) return it->second;
  }
  return parse_number(expr, error);
}

// One comma-separated part: "*", "5", "1-5", "*/15", "10/5" (= "10-max/5"), "mon-fri".
// Returns false with `error` set; sets `star` when the part is * or ? without a step above 1.
bool parse_range(const std::string& expr, const bounds& b, uint64_t& bits, bool& star,
                 std::string& error) {
  auto range_and_step = split(expr, '/');
  auto low_and_high = split(range_and_step[0], '-');
  int start = 0, end = 0, step = 1;
  bool is_star = false;
  if (low_and_high[0] == "*" || low_and_high[0] == "?") {
    start = b.min;
    end = b.max;
    is_star = true;
  } else {
    auto s = parse_int_or_name(low_and_high[0], b, error);
    if (!s) return false;
    start = end = *s;
    if (low_and_high.size() == 2) {
      auto e = parse_int_or_name(low_and_high[1], b, error);
      if (!e) return false;
      end = *e;
    } else if (low_and_high.size() > 2) {
      error = "too many hyphens: " + expr;
      return false;
    }
  }
  if (range_and_step.size() == 2) {
    auto s = parse_number(range_and_step[1], error);
    if (!s) return false;
    step = *s;
    if (low_and_high.size() == 1) end = b.max;
    if (step > 1) is_star = false;
  } else if (range_and_step.size() > 2) {
    error = "too many slashes: " + expr;
    return false;
  }
  auto fail = [&](std::string what) {
    error = std::move(what) + ": " + expr;
    return false;
  };
  if (start < b.min)
    return fail("beginning of range (" + std::to_string(start) + ") below minimum (" + std::to_string(b.min) + ")");
  if (end > b.max)
    return fail("end of range (" + std::to_string(end) + ") above maximum (" + std::to_string(b.max) + ")");
  if (start > end)
    return fail("beginning of range (" + std::to_string(start) + ") beyond end of range (" + std::to_string(end) + ")");
  if (step == 0) return fail("step of range should be a positive number");
  for (int i = start; i <= end; i += step) bits |= uint64_t{1} << i;
  star = star || is_star;
  return true;
}

bool parse_field(const std::string& field, const bounds& b, uint64_t& bits, bool& star,
                 std::string& error) {
  for (const auto& part : split(field, ','))
    if (!parse_range(part, b, bits, star, error)) return false;
  return true;
}

// Go's time.ParseDuration for the forms a schedule uses ("90s", "1h30m", "1.5h"); errors as Go's.
std::optional<std::chrono::nanoseconds> parse_go_duration(const std::string& s, std::string& error) {
  static const std::map<std::string, double> units{
      {"ns", 1}, {"us", 1e3}, {"\xC2\xB5s", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}};
  const std::string quoted = "\"" + s + "\"";
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  if (s.substr(i) == "0") return std::chrono::nanoseconds(0);
  if (i == s.size()) {
    error = "time: invalid duration " + quoted;
    return std::nullopt;
  }
  double total = 0;
  while (i < s.size()) {
    size_t start = i;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    std::string number = s.substr(start, i - start);
    if (number.empty() || number == "." || std::count(number.begin(), number.end(), '.') > 1) {
      error = "time: invalid duration " + quoted;
      return std::nullopt;
    }
    size_t unit_start = i;
    while (i < s.size() && !std::isdigit(static_cast<unsigned char>(s[i])) && s[i] != '.') ++i;
    std::string unit = s.substr(unit_start, i - unit_start);
    if (unit.empty()) {
      error = "time: missing unit in duration " + quoted;
      return std::nullopt;
    }
    auto u = units.find(unit);
    if (u == units.end()) {
      error = "time: unknown unit \"" + unit + "\" in duration " + quoted;
      return std::nullopt;
    }
    total += std::stod(number) * u->second;
  }
  if (total > 9.2e18) {
    error = "time: invalid duration " + quoted;
    return std::nullopt;
  }
  return std::chrono::nanoseconds(static_cast<int64_t>(negative ? -total : total));
}

// Days since 1970-01-01 for a proleptic Gregorian date, and back (Howard Hinnant's algorithms).
int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct civil {
  int64_t year;
  int month;
  int day;
};

civil civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2), m, d};
}

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

} // namespace

struct cron_parser {
  static cron_parse_result parse(std::string_view spec) {
    cron_parse_result r;
    if (spec.empty()) {
      r.error = "empty spec string";
      return r;
    }
    cron_schedule s;
    if (spec[0] == '@') return descriptor(std::string(spec));
    auto fields = fields_of(spec);
    if (fields.size() != 5) {
      std::string list;
      for (const auto& f : fields) list += (list.empty() ? "" : " ") + f;
      r.error = "expected exactly 5 fields, found " + std::to_string(fields.size()) + ": [" + list + "]";
      return r;
    }
    uint64_t minutes = 0, hours = 0, days = 0, months = 0, weekdays = 0;
    bool ignored = false;
    if (!parse_field(fields[0], minute_bounds, minutes, ignored, r.error) ||
        !parse_field(fields[1], hour_bounds, hours, ignored, r.error) ||
        !parse_field(fields[2], day_bounds, days, s.days_star_, r.error) ||
        !parse_field(fields[3], month_bounds, months, ignored, r.error) ||
        !parse_field(fields[4], weekday_bounds, weekdays, s.weekdays_star_, r.error))
      return r;
    s.minutes_ = minutes;
    s.hours_ = static_cast<uint32_t>(hours);
    s.days_ = static_cast<uint32_t>(days);
    s.months_ = static_cast<uint32_t>(months);
    s.weekdays_ = static_cast<uint32_t>(weekdays);
    r.value = s;
    return r;
  }

  static cron_parse_result descriptor(const std::string& d) {
    cron_parse_result r;
    cron_schedule s;
    s.minutes_ = 1;  // minute 0
    s.hours_ = 1;    // hour 0
    s.days_ = 0xFFFFFFFEu;
    s.months_ = 0x1FFEu;
    s.weekdays_ = 0x7Fu;
    s.days_star_ = s.weekdays_star_ = true;
    if (d == "@yearly" || d == "@annually") {
      s.days_ = 1u << 1;
      s.months_ = 1u << 1;
      s.days_star_ = false;
    } else if (d == "@monthly") {
      s.days_ = 1u << 1;
      s.days_star_ = false;
    } else if (d == "@weekly") {
      s.weekdays_ = 1u;
      s.weekdays_star_ = false;
    } else if (d == "@daily" || d == "@midnight") {
    } else if (d == "@hourly") {
      s.hours_ = 0xFFFFFFu;
    } else if (d.rfind("@every ", 0) == 0) {
      std::string error;
      auto dur = parse_go_duration(d.substr(7), error);
      if (!dur) {
        r.error = "failed to parse duration " + d + ": " + error;
        return r;
      }
      // As robfig/cron: at least a second, whole seconds.
      s.every_ = std::max(std::chrono::seconds(1), std::chrono::duration_cast<std::chrono::seconds>(*dur));
    } else {
      r.error = "unrecognized descriptor: " + d;
      return r;
    }
    r.value = s;
    return r;
  }
};

cron_parse_result parse_cron_schedule(std::string_view spec) { return cron_parser::parse(spec); }

bool cron_schedule::day_matches(int day, int weekday) const {
  bool dom = days_ & (1u << day);
  bool dow = weekdays_ & (1u << weekday);
  if (days_star_ || weekdays_star_) return dom && dow;
  return dom || dow;
}

std::optional<cron_schedule::time_point> cron_schedule::next_after(time_point after) const {
  using namespace std::chrono;
  const int64_t secs = floor_div(duration_cast<nanoseconds>(after.time_since_epoch()).count(), 1000000000);
  if (every_.count() > 0) return time_point(seconds(secs) + every_);

  // Walk forward field by field from the next whole minute, coarsest first, as cron does.
  int64_t minute_index = floor_div(secs, 60) + 1;
  int64_t day = floor_div(minute_index, 1440);
  int minute_of_day = static_cast<int>(minute_index - day * 1440);
  const int64_t last_day = day + 5 * 366;
  while (day <= last_day) {
    civil c = civil_from_days(day);
    if (!(months_ & (1u << c.month))) {
      // First day of the next month.
      int64_t y = c.year + (c.month == 12);
      int m = c.month == 12 ? 1 : c.month + 1;
      day = days_from_civil(y, m, 1);
      minute_of_day = 0;
      continue;
    }
    int weekday = static_cast<int>(((day % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4)
    if (!day_matches(c.day, weekday)) {
      ++day;
      minute_of_day = 0;
      continue;
    }
    for (int m = minute_of_day; m < 1440; ++m) {
      if ((hours_ & (1u << (m / 60))) && (minutes_ & (uint64_t{1} << (m % 60))))
        return time_point(seconds((day * 1440 + m) * 60));
    }
    ++day;
    minute_of_day = 0;
  }
  return std::nullopt;
}

} // namespace troupe::config
