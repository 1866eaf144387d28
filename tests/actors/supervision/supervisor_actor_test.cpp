// The supervisor actor in a real caf::actor_system: restarts, escalation, stop order, shutdown.
#include "actors/supervision/supervisor_actor.hpp"

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <memory>
#include <mutex>
#include <thread>

namespace sup = troupe::supervision;
namespace proto = troupe::protocol;
using namespace std::chrono_literals;

namespace {

using crash_atom = caf::atom_constant<caf::atom("crash")>;
using ping_atom = caf::atom_constant<caf::atom("ping")>;

// What happened, in order, across the supervisor's and the children's threads.
struct event_log {
  std::mutex mu;
  std::vector<std::string> lines;
  void add(std::string line) {
    std::lock_guard<std::mutex> lock{mu};
    lines.push_back(std::move(line));
  }
  std::vector<std::string> snapshot() {
    std::lock_guard<std::mutex> lock{mu};
    return lines;
  }
};
using log_ptr = std::shared_ptr<event_log>;

// A child that answers ping, crashes on crash, and logs when asked to stop (before it stops, so
// the log order is the stop order). With `stubborn` it ignores requests to stop.
caf::behavior test_child(caf::event_based_actor* self, std::string id, log_ptr log, bool stubborn) {
  self->set_exit_handler([=](caf::exit_msg& em) {
    log->add("stop " + id);
    if (!stubborn)
      self->quit(em.reason);
  });
  return {
    [=](ping_atom) { return id; },
    [=](crash_atom) { self->quit(caf::sec::runtime_error); },
  };
}

sup::actor_child_spec make_child(const std::string& id, log_ptr log,
                                 sup::restart_type type = sup::restart_type::permanent,
                                 bool stubborn = false) {
  return {id, type, [=](caf::actor_system& sys) {
            log->add("start " + id);
            return sys.spawn(test_child, id, log, stubborn);
          }};
}

sup::supervisor_options make_options(sup::strategy how, unsigned intensity) {
  sup::supervisor_options opts;
  opts.name = "test";
  opts.how = how;
  opts.limits = {intensity, std::chrono::seconds(60)};
  opts.stop_timeout = 200ms;
  return opts;
}

caf::actor_system_config& test_config() {
  static caf::actor_system_config cfg = [] {
    caf::actor_system_config c;
    c.set("scheduler.max-threads", 2);
    c.add_error_category(proto::error_category, proto::render_error);
    return c;
  }();
  return cfg;
}

caf::actor child_of(caf::scoped_actor& self, const proto::supervisor_actor_type& s,
                    const std::string& id) {
  caf::actor out;
  self->request(s, 2s, caf::get_atom::value, proto::child_atom::value, id)
    .receive([&](caf::actor& h) { out = h; }, [&](caf::error&) {});
  return out;
}

// Polls until the supervisor reports a running child `id` other than `old`.
caf::actor wait_for_new_child(caf::scoped_actor& self, const proto::supervisor_actor_type& s,
                              const std::string& id, const caf::actor& old) {
  for (int i = 0; i < 200; ++i) {
    auto h = child_of(self, s, id);
    if (h && h != old)
      return h;
    std::this_thread::sleep_for(10ms);
  }
  return {};
}

// Polls until the supervisor no longer reports a child `id` (it handles the exit asynchronously).
bool wait_for_no_child(caf::scoped_actor& self, const proto::supervisor_actor_type& s,
                       const std::string& id) {
  for (int i = 0; i < 200; ++i) {
    if (!child_of(self, s, id))
      return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

proto::restart_counts restarts_of(caf::scoped_actor& self, const proto::supervisor_actor_type& s) {
  proto::restart_counts out;
  self->request(s, 2s, caf::get_atom::value, proto::restarts_atom::value)
    .receive([&](proto::restart_counts& xs) { out = std::move(xs); }, [&](caf::error&) {});
  return out;
}

// Waits for the down message of `who` (already monitored) and returns its reason.
caf::error wait_down(caf::scoped_actor& self, const caf::actor_addr& who) {
  caf::error reason = caf::make_error(caf::sec::request_timeout);
  bool done = false;
  while (!done)
    self->receive(
      [&](caf::down_msg& dm) {
        if (dm.source == who) {
          reason = dm.reason;
          done = true;
        }
      },
      caf::after(5s) >> [&] { done = true; });
  return reason;
}

std::string str(const std::vector<std::string>& xs) {
  std::string out;
  for (auto& x : xs)
    out += (out.empty() ? "" : ", ") + x;
  return out;
}

} // namespace

TEST_CASE("supervisor restarts a child that crashes", "[unit][supervision]") {
  caf::actor_system sys{test_config()};
  auto log = std::make_shared<event_log>();
  auto s = sup::spawn_supervisor(sys, make_options(sup::strategy::one_for_one, 3),
                                 {make_child("a", log), make_child("b", log)});
  caf::scoped_actor self{sys};
  auto a1 = child_of(self, s, "a");
  auto b1 = child_of(self, s, "b");
  REQUIRE(a1);
  REQUIRE(b1);
  self->send(a1, crash_atom::value);
  auto a2 = wait_for_new_child(self, s, "a", a1);
  REQUIRE(a2);
  CHECK(child_of(self, s, "b") == b1);  // one_for_one: the sibling is untouched
  std::string answer;
  self->request(a2, 2s, ping_atom::value)
    .receive([&](std::string& x) { answer = x; }, [&](caf::error&) {});
  CHECK(answer == "a");
  auto counts = restarts_of(self, s);
  CHECK(counts["a"] == 1);
  CHECK(counts.at("b") == 0);  // every child is listed, zeros included
  CHECK(str(log->snapshot()) == "start a, start b, start a");
  self->send_exit(s, caf::exit_reason::user_shutdown);
}

TEST_CASE("supervisor escalates when a child crashes too often", "[unit][supervision]") {
  caf::actor_system sys{test_config()};
  auto log = std::make_shared<event_log>();
  auto s = sup::spawn_supervisor(sys, make_options(sup::strategy::one_for_one, 1),
                                 {make_child("a", log), make_child("b", log)});
  caf::scoped_actor self{sys};
  self->monitor(s);
  auto b1 = child_of(self, s, "b");
  self->send(b1, crash_atom::value);
  auto b2 = wait_for_new_child(self, s, "b", b1);
  REQUIRE(b2);
  self->send(b2, crash_atom::value);  // the second crash within 60 s exceeds intensity 1
  auto reason = wait_down(self, s.address());
  INFO(sys.render(reason));
  CHECK(reason == proto::server_errc::child_failed_too_often);
  CHECK(sys.render(reason).find("child \"b\" exceeded 1 restart(s) in 60s") != std::string::npos);
  // The children's own exit reasons travel with the escalation (the root cause of a server exit).
  CHECK(sys.render(reason).find("; recent failures: b: ") != std::string::npos);
  // The surviving sibling was stopped before the supervisor exited.
  CHECK(str(log->snapshot()) == "start a, start b, start b, stop a");
}

TEST_CASE("one_for_all stops the others in reverse order and starts all in order",
          "[unit][supervision]") {
  caf::actor_system sys{test_config()};
  auto log = std::make_shared<event_log>();
  auto s = sup::spawn_supervisor(sys, make_options(sup::strategy::one_for_all, 3),
                                 {make_child("a", log), make_child("b", log), make_child("c", log)});
  caf::scoped_actor self{sys};
  auto c1 = child_of(self, s, "c");
  auto b1 = child_of(self, s, "b");
  self->send(b1, crash_atom::value);
  REQUIRE(wait_for_new_child(self, s, "c", c1));
  CHECK(str(log->snapshot()) ==
        "start a, start b, start c, stop c, stop a, start a, start b, start c");
  auto counts = restarts_of(self, s);
  CHECK(counts["a"] == 1);
  CHECK(counts["b"] == 1);
  CHECK(counts["c"] == 1);
  self->monitor(s);
  self->send_exit(s, caf::exit_reason::user_shutdown);
  CHECK(wait_down(self, s.address()) == caf::exit_reason::user_shutdown);
}

TEST_CASE("supervisor shutdown stops children in reverse order, killing stubborn ones",
          "[unit][supervision]") {
  caf::actor_system sys{test_config()};
  auto log = std::make_shared<event_log>();
  auto s = sup::spawn_supervisor(
    sys, make_options(sup::strategy::one_for_one, 3),
    {make_child("a", log), make_child("b", log, sup::restart_type::permanent, true),
     make_child("c", log)});
  caf::scoped_actor self{sys};
  self->monitor(s);
  auto b = child_of(self, s, "b");
  self->monitor(b);
  self->send_exit(s, caf::exit_reason::user_shutdown);
  CHECK(wait_down(self, b.address()) == caf::exit_reason::kill);  // after stop_timeout
  CHECK(wait_down(self, s.address()) == caf::exit_reason::user_shutdown);
  CHECK(str(log->snapshot()) == "start a, start b, start c, stop c, stop b, stop a");
}

TEST_CASE("a temporary child is not restarted", "[unit][supervision]") {
  caf::actor_system sys{test_config()};
  auto log = std::make_shared<event_log>();
  auto s = sup::spawn_supervisor(sys, make_options(sup::strategy::one_for_all, 3),
                                 {make_child("a", log), make_child("t", log,
                                                                   sup::restart_type::temporary)});
  caf::scoped_actor self{sys};
  auto t = child_of(self, s, "t");
  self->monitor(t);
  self->send(t, crash_atom::value);
  wait_down(self, t.address());
  CHECK(wait_for_no_child(self, s, "t"));
  CHECK(child_of(self, s, "a"));
  for (const auto& [id, n] : restarts_of(self, s)) {
    INFO(id);
    CHECK(n == 0);
  }
  self->send_exit(s, caf::exit_reason::user_shutdown);
}

TEST_CASE("a nested supervisor that escalates is restarted by its parent", "[unit][supervision]") {
  caf::actor_system sys{test_config()};
  auto log = std::make_shared<event_log>();
  auto inner = sup::supervisor_factory(make_options(sup::strategy::one_for_one, 0),
                                       {make_child("w", log)});
  auto root = sup::spawn_supervisor(sys, make_options(sup::strategy::one_for_one, 3),
                                    {{"inner", sup::restart_type::permanent, inner}});
  caf::scoped_actor self{sys};
  auto inner1 = caf::actor_cast<proto::supervisor_actor_type>(child_of(self, root, "inner"));
  REQUIRE(inner1);
  self->send(child_of(self, inner1, "w"), crash_atom::value);  // intensity 0: escalates at once
  auto inner2 = wait_for_new_child(self, root, "inner", caf::actor_cast<caf::actor>(inner1));
  REQUIRE(inner2);
  // Asking the new inner supervisor waits until it has initialised (and started w).
  CHECK(child_of(self, caf::actor_cast<proto::supervisor_actor_type>(inner2), "w"));
  CHECK(restarts_of(self, root)["inner"] == 1);
  CHECK(str(log->snapshot()) == "start w, start w");
  self->send_exit(root, caf::exit_reason::user_shutdown);
}

TEST_CASE("supervisor rejects a bad child list", "[unit][supervision]") {
  caf::actor_system sys{test_config()};
  auto log = std::make_shared<event_log>();
  auto s = sup::spawn_supervisor(sys, make_options(sup::strategy::one_for_one, 3),
                                 {make_child("a", log), make_child("a", log)});
  caf::scoped_actor self{sys};
  self->monitor(s);
  auto reason = wait_down(self, s.address());
  INFO(sys.render(reason));
  CHECK(reason == proto::server_errc::bad_child_list);
  CHECK(log->snapshot().empty());
}
