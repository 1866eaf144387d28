#include "actors/supervision/exit_plan.hpp"

#include <catch2/catch.hpp>

#include <sstream>
#include <vector>

namespace sup = troupe::supervision;
using sup::exit_kind;
using sup::restart_type;
using sup::strategy;
using strings = std::vector<std::string>;

namespace {

constexpr auto P = restart_type::permanent;
constexpr auto T = restart_type::transient;
constexpr auto X = restart_type::temporary;

std::vector<sup::child_entry> make_children(std::vector<std::pair<const char*, restart_type>> xs) {
  std::vector<sup::child_entry> out;
  for (auto& [id, type] : xs)
    out.push_back({id, type});
  return out;
}

const auto abc = make_children({{"a", P}, {"b", P}, {"c", P}});

std::string join(const strings& xs) {
  std::ostringstream out;
  out << '[';
  for (size_t i = 0; i < xs.size(); ++i)
    out << (i ? " " : "") << xs[i];
  out << ']';
  return out.str();
}

struct plan_case {
  const char* name;
  strategy how;
  std::vector<sup::child_entry> children;
  std::string exited;
  exit_kind why;
  // expected
  bool escalate;
  strings stop, start, remove;
};

} // namespace

TEST_CASE("plan_on_exit follows the strategy and the restart type", "[unit][supervision]") {
  const auto one = strategy::one_for_one;
  const auto all = strategy::one_for_all;
  const auto rest = strategy::rest_for_one;
  const auto crash = exit_kind::abnormal;
  const auto normal = exit_kind::normal;
  const auto shutdown = exit_kind::shutdown;
  const std::vector<plan_case> cases = {
    {"one_for_one restarts only the child", one, abc, "b", crash, false, {}, {"b"}, {}},
    {"one_for_all stops the others in reverse, starts all in order", all, abc, "b", crash, false,
     {"c", "a"}, {"a", "b", "c"}, {}},
    {"one_for_all, first child", all, abc, "a", crash, false, {"c", "b"}, {"a", "b", "c"}, {}},
    {"rest_for_one restarts the child and those after it", rest, abc, "b", crash, false, {"c"},
     {"b", "c"}, {}},
    {"rest_for_one, last child", rest, abc, "c", crash, false, {}, {"c"}, {}},
    {"rest_for_one, first child", rest, abc, "a", crash, false, {"c", "b"}, {"a", "b", "c"}, {}},
    {"permanent restarts after a normal exit too", one, abc, "a", normal, false, {}, {"a"}, {}},
    {"transient restarts after a crash", one, make_children({{"a", T}}), "a", crash, false, {},
     {"a"}, {}},
    {"transient leaves after a normal exit", one, make_children({{"a", T}}), "a", normal, false,
     {}, {}, {"a"}},
    {"transient leaves after a shutdown", all, make_children({{"a", T}, {"b", P}}), "a", shutdown,
     false, {}, {}, {"a"}},
    {"temporary never restarts, siblings untouched", all,
     make_children({{"a", P}, {"b", X}, {"c", P}}), "b", crash, false, {}, {}, {"b"}},
    {"a temporary sibling stopped by one_for_all is gone", all,
     make_children({{"a", P}, {"b", X}, {"c", P}}), "c", crash, false, {"b", "a"}, {"a", "c"},
     {"b"}},
    {"rest_for_one leaves earlier temporary siblings alone", rest,
     make_children({{"a", X}, {"b", P}, {"c", X}}), "b", crash, false, {"c"}, {"b"}, {"c"}},
    {"an exit already dealt with is ignored", all, abc, "zz", crash, false, {}, {}, {}},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      auto plan = sup::plan_on_exit(c.how, c.children, c.exited, c.why, sup::restart_window{{5,
                                    std::chrono::seconds(5)}}, sup::time_point{});
      INFO("strategy " << sup::to_string(c.how) << ", " << c.exited << " exited "
                       << sup::to_string(c.why));
      CHECK(plan.escalate == c.escalate);
      CHECK(join(plan.stop) == join(c.stop));
      CHECK(join(plan.start) == join(c.start));
      CHECK(join(plan.remove) == join(c.remove));
    }
  }
}

TEST_CASE("plan_on_exit escalates when the restart window is exceeded", "[unit][supervision]") {
  using std::chrono::seconds;
  sup::restart_window window{{2, seconds(10)}};
  const auto t0 = sup::time_point{};
  struct step {
    double at;
    bool escalate;
    strings stop, start;
  };
  // rest_for_one over [a b c]; b crashes three times within 10 s.
  const std::vector<step> steps = {
    {0, false, {"c"}, {"b", "c"}},
    {1, false, {"c"}, {"b", "c"}},
    {2, true, {"c", "a"}, {}},  // everything stops, the supervisor exits
  };
  for (size_t i = 0; i < steps.size(); ++i) {
    INFO("crash " << i);
    auto now = t0 + std::chrono::duration_cast<sup::clock::duration>(
                      std::chrono::duration<double>(steps[i].at));
    auto plan = sup::plan_on_exit(strategy::rest_for_one, abc, "b", exit_kind::abnormal, window,
                                  now);
    CHECK(plan.escalate == steps[i].escalate);
    CHECK(join(plan.stop) == join(steps[i].stop));
    CHECK(join(plan.start) == join(steps[i].start));
    window = plan.window;
  }
}

TEST_CASE("plan_on_exit does not count exits that restart nothing", "[unit][supervision]") {
  sup::restart_window window{{1, std::chrono::seconds(60)}};
  auto children = make_children({{"a", X}, {"b", T}, {"c", P}});
  auto p1 = sup::plan_on_exit(strategy::one_for_one, children, "a", exit_kind::abnormal, window,
                              sup::time_point{});
  auto p2 = sup::plan_on_exit(strategy::one_for_one, children, "b", exit_kind::normal, p1.window,
                              sup::time_point{});
  CHECK(p2.window.recent() == 0);
  auto p3 = sup::plan_on_exit(strategy::one_for_one, children, "c", exit_kind::abnormal, p2.window,
                              sup::time_point{});
  CHECK_FALSE(p3.escalate);
  CHECK(p3.window.recent() == 1);
}

TEST_CASE("child list validation", "[unit][supervision]") {
  struct list_case {
    const char* name;
    std::vector<sup::child_entry> children;
    std::string error_part;  // empty: accepted
  };
  const std::vector<list_case> cases = {
    {"empty list", {}, ""},
    {"distinct ids", abc, ""},
    {"empty id", make_children({{"a", P}, {"", P}}), "child 1: id must not be empty"},
    {"duplicate id", make_children({{"a", P}, {"b", P}, {"a", T}}), "child 2: duplicate id \"a\""},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      auto err = sup::validate(c.children);
      CHECK(err == c.error_part);
    }
  }
}
