// The scheduler actor's binds against a fake store actor (CONVENTIONS 20): the store's answer to
// each bind is scripted, so the three outcomes are tested one by one — conflict (retried after
// the backoff, then bound), not found (dropped, never retried), a failed request (every bind in
// it retried) — and binds travel many to a request, never one round trip per pod.
#include <catch2/catch.hpp>

#include <caf/all.hpp>

#include <deque>
#include <mutex>
#include <thread>

#include <prometheus/text_serializer.h>

#include "actors/scheduler/scheduler_actor.hpp"
#include "config/kinds.hpp"

namespace v1 = troupe::core::v1;
using namespace troupe;
using namespace troupe::protocol;
using namespace std::chrono_literals;

namespace {

// What the fake store was asked, and how it answers pod writes (shared with the test thread).
struct store_script {
  std::mutex mu;
  std::deque<store::status> pod_answers;  // one per pod write, in order; ok once empty
  bool fail_next_request = false;         // the next write_many fails as a whole
  std::vector<size_t> pod_requests;       // pod writes per write_many request
  std::vector<std::shared_ptr<const v1::Pod>> pod_writes;
  std::vector<std::string> event_reasons;

  size_t writes_of(const std::string& name) {
    std::lock_guard<std::mutex> g(mu);
    size_t n = 0;
    for (auto& p : pod_writes)
      n += p->metadata().name() == name;
    return n;
  }
  size_t events(const std::string& reason) {
    std::lock_guard<std::mutex> g(mu);
    return std::count(event_reasons.begin(), event_reasons.end(), reason);
  }
};

struct fake_store_state {
  static inline const char* name = "fake_store";
  std::shared_ptr<store_script> script;
  std::vector<std::shared_ptr<const google::protobuf::Message>> pods, nodes;
  std::map<uint64_t, store_subscribe> subs;
  uint64_t next_id = 1;
};

using fake_ptr = store_actor_type::stateful_pointer<fake_store_state>;

caf::error unsupported() { return to_error(store::status::invalid("not in the fake")); }

batch_results write_many(fake_ptr self, store_write_many& r) {
  auto& script = *self->state.script;
  std::lock_guard<std::mutex> g(script.mu);
  batch_results out;
  size_t pods = 0;
  for (const auto& w : r.writes) {
    if (w.kind->kind == "Event") {
      script.event_reasons.push_back(static_cast<const v1::Event&>(*w.object).reason());
      out.emplace_back(store::write_result{});
      continue;
    }
    ++pods;
    script.pod_writes.push_back(std::static_pointer_cast<const v1::Pod>(w.object));
    store::status answer;
    if (!script.pod_answers.empty()) {
      answer = script.pod_answers.front();
      script.pod_answers.pop_front();
    }
    if (answer.is_ok()) {
      store::write_result wr;
      wr.object.object = w.object;
      out.emplace_back(std::move(wr));
    } else {
      out.emplace_back(answer);
    }
  }
  if (pods)
    script.pod_requests.push_back(pods);
  return out;
}

store_actor_type::behavior_type fake_store(fake_ptr self, std::shared_ptr<store_script> script,
                                           std::vector<std::shared_ptr<const google::protobuf::Message>> pods,
                                           std::vector<std::shared_ptr<const google::protobuf::Message>> nodes) {
  self->state.script = std::move(script);
  self->state.pods = std::move(pods);
  self->state.nodes = std::move(nodes);
  return {
    [=](store_get&) -> caf::result<store::stored_object> { return unsupported(); },
    [=](store_list&) -> caf::result<store::list_result> { return unsupported(); },
    [=](store_create&) -> caf::result<store::write_result> { return unsupported(); },
    [=](store_update&) -> caf::result<store::write_result> { return unsupported(); },
    [=](store_remove&) -> caf::result<store::write_result> { return unsupported(); },
    [=](store_remove_collection&) -> caf::result<write_results> { return unsupported(); },
    [=](store_write_many& r) -> caf::result<batch_results> {
      {
        std::lock_guard<std::mutex> g(self->state.script->mu);
        if (self->state.script->fail_next_request) {
          self->state.script->fail_next_request = false;
          return to_error(store::status::timeout("the fake timed out"));
        }
      }
      return write_many(self, r);
    },
    [=](store_subscribe& r) -> uint64_t {
      auto id = self->state.next_id++;
      self->state.subs[id] = r;
      self->send(self, poll_atom::value, id);  // the initial list after the answer
      return id;
    },
    [=](unsubscribe_atom, uint64_t) {},
    [=](borrow_atom) -> shared_store { return nullptr; },
    [=](poll_atom, uint64_t id) {
      auto& sub = self->state.subs[id];
      watch_batch b;
      b.subscription = id;
      b.kind = sub.kind;
      const auto& objects = sub.kind->kind == "Pod"    ? self->state.pods
                            : sub.kind->kind == "Node" ? self->state.nodes
                                                       : decltype(self->state.pods){};
      for (const auto& o : objects)
        b.events.push_back({store::watch_event_type::added, 1, o, {}});
      auto mark = std::make_shared<v1::Pod>();  // the bookmark's object: only its metadata counts
      (*mark->mutable_metadata()->mutable_annotations())["k8s.io/initial-events-end"] = "true";
      b.events.push_back({store::watch_event_type::bookmark, 1, mark, {}});
      caf::anon_send(sub.subscriber, std::move(b));
    },
    [=](store_completion&) {},
  };
}

std::shared_ptr<const v1::Pod> pending(const std::string& name) {
  auto p = std::make_shared<v1::Pod>();
  p->mutable_metadata()->set_name(name);
  p->mutable_metadata()->set_namespace_("default");
  p->mutable_metadata()->set_uid("uid-" + name);
  p->mutable_metadata()->set_resourceversion("7");
  auto* c = p->mutable_spec()->add_containers();
  c->set_name("app");
  (*c->mutable_resources()->mutable_requests())["cpu"].set_string("10m");
  p->mutable_status()->set_phase("Pending");
  return p;
}

std::shared_ptr<const v1::Node> big_node(const std::string& name) {
  auto n = std::make_shared<v1::Node>();
  n->mutable_metadata()->set_name(name);
  (*n->mutable_status()->mutable_allocatable())["cpu"].set_string("64");
  (*n->mutable_status()->mutable_allocatable())["memory"].set_string("256Gi");
  (*n->mutable_status()->mutable_allocatable())["pods"].set_string("1000");
  return n;
}

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = 3s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred())
      return true;
    std::this_thread::sleep_for(5ms);
  }
  return pred();
}

struct bind_fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  std::shared_ptr<store_script> script = std::make_shared<store_script>();
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::vector<caf::actor> actors;

  void start(std::vector<std::shared_ptr<const google::protobuf::Message>> pods) {
    auto store = sys.spawn(fake_store, script, std::move(pods),
                           std::vector<std::shared_ptr<const google::protobuf::Message>>{big_node("n1")});
    scheduler::scheduler_options o;
    o.store = store;
    o.queue.initial_backoff = 50ms;
    o.queue.max_backoff = 100ms;
    o.request_timeout = 2s;
    o.metrics = std::make_shared<scheduler::scheduler_metrics>(registry);
    actors.push_back(caf::actor_cast<caf::actor>(scheduler::spawn_scheduler(sys, o)));
    actors.push_back(caf::actor_cast<caf::actor>(store));
  }
  ~bind_fixture() {
    caf::scoped_actor self{sys};
    for (auto& a : actors) {
      self->send_exit(a, caf::exit_reason::user_shutdown);
      self->wait_for(a);
    }
  }
  bool has_metric(const std::string& line) {
    return prometheus::TextSerializer().Serialize(registry->Collect()).find(line) != std::string::npos;
  }
};

const std::string scheduled_metric =
  R"(scheduler_schedule_attempts_total{profile="default-scheduler",result="scheduled"} )";
const std::string error_metric =
  R"(scheduler_schedule_attempts_total{profile="default-scheduler",result="error"} )";

} // namespace

TEST_CASE("scheduler binds: a conflict is retried after the backoff, then bound", "[scheduler]") {
  bind_fixture f;
  f.script->pod_answers = {store::status::conflict("the object has been modified")};
  f.start({pending("web")});
  REQUIRE(eventually([&] { return f.script->events("Scheduled") == 1; }));
  CHECK(f.script->writes_of("web") == 2);
  {
    std::lock_guard<std::mutex> g(f.script->mu);
    const auto& first = *f.script->pod_writes.front();
    CHECK(first.spec().nodename() == "n1");
    CHECK(first.metadata().resourceversion() == "7");  // the precondition
  }
  CHECK(eventually([&] { return f.has_metric(scheduled_metric + "1"); }));
  CHECK(f.has_metric(error_metric + "1"));
}

TEST_CASE("scheduler binds: a pod gone (not found) is dropped, never retried", "[scheduler]") {
  bind_fixture f;
  f.script->pod_answers = {store::status::not_found("pods \"web\" not found")};
  f.start({pending("web")});
  REQUIRE(eventually([&] { return f.has_metric(error_metric + "1"); }));
  std::this_thread::sleep_for(400ms);  // four backoffs' worth
  CHECK(f.script->writes_of("web") == 1);
  CHECK(f.script->events("Scheduled") == 0);
  CHECK(f.has_metric(R"(scheduler_pending_pods{queue="backoff"} 0)"));
  CHECK(f.has_metric(R"(scheduler_pending_pods{queue="active"} 0)"));
}

TEST_CASE("scheduler binds: a failed request retries every bind in it", "[scheduler]") {
  bind_fixture f;
  f.script->fail_next_request = true;
  f.start({pending("a"), pending("b"), pending("c")});
  REQUIRE(eventually([&] { return f.script->events("Scheduled") == 3; }));
  for (auto name : {"a", "b", "c"}) {
    INFO(name);
    CHECK(f.script->writes_of(name) == 1);  // the failed request wrote nothing the fake saw
  }
  CHECK(f.has_metric(error_metric + "3"));
  CHECK(f.has_metric(scheduled_metric + "3"));
}

TEST_CASE("scheduler binds: many binds share a request", "[scheduler]") {
  bind_fixture f;
  std::vector<std::shared_ptr<const google::protobuf::Message>> pods;
  for (int i = 0; i < 200; ++i)
    pods.push_back(pending("p" + std::to_string(i)));
  f.start(pods);
  REQUIRE(eventually([&] { return f.script->events("Scheduled") == 200; }));
  std::lock_guard<std::mutex> g(f.script->mu);
  CHECK(f.script->pod_writes.size() == 200);
  INFO("pod writes per request: " << ::Catch::Detail::stringify(f.script->pod_requests));
  CHECK(f.script->pod_requests.size() <= 20);
  for (auto n : f.script->pod_requests)
    CHECK(n <= 64);
}
