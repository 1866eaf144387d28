#include "actors/api/human_duration.hpp"

namespace troupe::api {

namespace {
constexpr int64_t second = 1000000000;
constexpr int64_t minute = 60 * second;
constexpr int64_t hour = 60 * minute;

std::string n(int64_t v) { return std::to_string(v); }
} // namespace

std::string human_duration(int64_t d) {
  // Go's int(d.Seconds()) truncates towards zero, so -1.9s counts as -1s: within the tolerance.
  int64_t seconds = d / second;
  if (seconds < -1)
    return "<invalid>";
  if (seconds < 0)
    return "0s";
  if (seconds < 60 * 2)
    return n(seconds) + "s";
  int64_t minutes = d / minute;
  if (minutes < 10) {
    int64_t s = (d / second) % 60;
    return s == 0 ? n(minutes) + "m" : n(minutes) + "m" + n(s) + "s";
  }
  if (minutes < 60 * 3)
    return n(minutes) + "m";
  int64_t hours = d / hour;
  if (hours < 8) {
    int64_t m = minutes % 60;
    return m == 0 ? n(hours) + "h" : n(hours) + "h" + n(m) + "m";
  }
  if (hours < 48)
    return n(hours) + "h";
  if (hours < 24 * 8) {
    int64_t h = hours % 24;
    return h == 0 ? n(hours / 24) + "d" : n(hours / 24) + "d" + n(h) + "h";
  }
  if (hours < 24 * 365 * 2)
    return n(hours / 24) + "d";
  if (hours < 24 * 365 * 8) {
    int64_t days = (hours / 24) % 365;
    return days == 0 ? n(hours / 24 / 365) + "y" : n(hours / 24 / 365) + "y" + n(days) + "d";
  }
  return n(hours / 24 / 365) + "y";
}

int64_t nanos_between(config::timestamp since, config::timestamp now) {
  return (now.seconds - since.seconds) * second + (now.nanos - since.nanos);
}

std::string age_since(const troupe::meta::Time* t, config::timestamp now) {
  if (t == nullptr)
    return "<unknown>";
  return human_duration(nanos_between({t->seconds(), t->nanos()}, now));
}

std::string age_since(const troupe::meta::MicroTime* t, config::timestamp now) {
  if (t == nullptr)
    return "<unknown>";
  return human_duration(nanos_between({t->seconds(), t->nanos()}, now));
}

} // namespace troupe::api
