// resource_service's calls with a reply: the durable write is queued, the answer is built on the
// executor after it; a request refused before any write answers at once; a patch that meets a
// concurrent write retries from its continuation. The store is the memory engine with commits
// that the test holds and releases (tests/store/scripted_engine.hpp).
#include <catch2/catch.hpp>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "actors/apiserver/resource_service.hpp"
#include "store/engine_store.hpp"
#include "tests/store/scripted_engine.hpp"
#include "tests/support/server_process.hpp"

using namespace troupe;
using namespace troupe::apiserver;
using nlohmann::json;

namespace {

// Holds the continuations until the test runs them, and says from which thread they came.
struct manual_executor {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::function<void()>> jobs;

  resource_service::executor get() {
    return [this](std::function<void()> job) {
      std::lock_guard<std::mutex> lock(mu);
      jobs.push_back(std::move(job));
      cv.notify_all();
    };
  }
  size_t size() {
    std::lock_guard<std::mutex> lock(mu);
    return jobs.size();
  }
  /// Waits (at most 20 s) for a job and runs it here; false if none came.
  bool run_one() {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(mu);
      if (!cv.wait_for(lock, std::chrono::seconds(20), [&] { return !jobs.empty(); }))
        return false;
      job = std::move(jobs.front());
      jobs.pop_front();
    }
    job();
    return true;
  }
};

struct fixture {
  std::shared_ptr<testing::scripted_engine::control> control =
    std::make_shared<testing::scripted_engine::control>();
  store::engine_store store{std::make_unique<testing::scripted_engine>(control), store::store_options{}};
  resource_service svc{store, [] { return config::timestamp{1795737600, 0}; }};
  manual_executor ex;

  fixture() {
    REQUIRE(store.start());
    svc.set_executor(ex.get());
    // The namespace and a ConfigMap, through the blocking calls (their continuations run in the
    // calling thread, not on the executor).
    REQUIRE(svc.create(target("Namespace", ""), {"application/json", R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"demo"}})"}).code == 201);
    REQUIRE(svc.create(target("ConfigMap", "demo"), {"application/json", R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"},"data":{"k":"v"}})"}).code == 201);
    REQUIRE(ex.size() == 0);
  }
  ~fixture() { control->paused = false; }

  static resource_target target(const char* kind, std::string ns, std::string name = {}) {
    resource_target t;
    t.kind = config::find_kind("v1", kind);
    REQUIRE(t.kind != nullptr);
    t.ns = std::move(ns);
    t.name = std::move(name);
    return t;
  }
};

// Records a reply and the thread it came on.
struct reply_slot {
  std::optional<api_response> r;
  std::thread::id thread;
  resource_service::reply_fn fn() {
    return [this](api_response got) {
      r = std::move(got);
      thread = std::this_thread::get_id();
    };
  }
};

} // namespace

TEST_CASE("resource_service: a create with a reply answers on the executor once durable",
          "[unit][apiserver]") {
  fixture f;
  f.control->paused = true;
  reply_slot created;
  f.svc.create(fixture::target("ConfigMap", "demo"),
               {"application/json", R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"new"}})"},
               created.fn());
  CHECK_FALSE(created.r);  // queued, not durable
  CHECK(f.ex.size() == 0);
  f.control->paused = false;
  REQUIRE(f.ex.run_one());
  REQUIRE(created.r);
  CHECK(created.r->code == 201);
  CHECK(created.r->body["metadata"]["name"] == "new");
  CHECK(created.thread == std::this_thread::get_id());  // the executor's, not the store's
  f.svc.drain();  // returns: nothing in the store's hands

  // A duplicate: the store refuses it, the answer still comes through the executor.
  reply_slot dup;
  f.svc.create(fixture::target("ConfigMap", "demo"),
               {"application/json", R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"new"}})"},
               dup.fn());
  REQUIRE(f.ex.run_one());
  REQUIRE(dup.r);
  CHECK(dup.r->code == 409);
  CHECK(dup.r->body["reason"] == "AlreadyExists");
}

TEST_CASE("resource_service: a request refused before any write answers at once, in the caller",
          "[unit][apiserver]") {
  fixture f;
  for (auto [kind, ns, body] : {std::tuple{"ConfigMap", "demo", "{not json"},
                                {"ConfigMap", "nowhere", R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}})"},
                                {"Pod", "demo", R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{}})"}}) {
    INFO(kind << " in " << ns << ": " << body);
    reply_slot s;
    f.svc.create(fixture::target(kind, ns), {"application/json", body}, s.fn());
    REQUIRE(s.r);
    CHECK(s.r->code >= 400);
    CHECK(s.thread == std::this_thread::get_id());
  }
  CHECK(f.ex.size() == 0);
}

TEST_CASE("resource_service: a patch that meets a concurrent write retries from its continuation",
          "[unit][apiserver]") {
  fixture f;
  auto cm = fixture::target("ConfigMap", "demo", "cm");
  const auto rejected_before = f.store.stats().rejected_writes;
  // A's write is held in the engine; B reads the object as durable (without A's change), so its
  // write, planned after A's, fails its resourceVersion precondition.
  f.control->paused = true;
  reply_slot a, b;
  f.svc.patch(cm, {"application/merge-patch+json", R"({"metadata":{"labels":{"a":"1"}}})"}, a.fn());
  REQUIRE(testing::eventually([&] { return f.store.stats().pending_writes == 1; }, std::chrono::seconds(20)));
  f.svc.patch(cm, {"application/merge-patch+json", R"({"metadata":{"labels":{"b":"1"}}})"}, b.fn());
  REQUIRE(testing::eventually([&] { return f.store.stats().pending_writes == 2; }, std::chrono::seconds(20)));
  f.control->paused = false;

  // A's answer and B's conflict come to the executor; B's continuation tries again (a new write,
  // whose answer comes later).
  REQUIRE(f.ex.run_one());
  REQUIRE(f.ex.run_one());
  CHECK(f.store.stats().rejected_writes == rejected_before + 1);
  REQUIRE(a.r);
  CHECK(a.r->code == 200);
  CHECK_FALSE(b.r);
  REQUIRE(f.ex.run_one());
  REQUIRE(b.r);
  INFO(b.r->body.dump());
  CHECK(b.r->code == 200);
  CHECK(b.r->body["metadata"]["labels"]["a"] == "1");
  CHECK(b.r->body["metadata"]["labels"]["b"] == "1");
  auto now = f.svc.get(cm);
  CHECK(now.body["metadata"]["labels"] == json{{"a", "1"}, {"b", "1"}});

  // With a resourceVersion of its own, a patch does not retry: the conflict is the answer.
  reply_slot stale;
  f.svc.patch(cm, {"application/merge-patch+json", R"({"metadata":{"resourceVersion":"1","labels":{"c":"1"}}})"},
              stale.fn());
  REQUIRE(f.ex.run_one());
  REQUIRE(stale.r);
  CHECK(stale.r->code == 409);
  CHECK(stale.r->body["reason"] == "Conflict");
}

TEST_CASE("resource_service: a delete with a reply answers on the executor once durable",
          "[unit][apiserver]") {
  fixture f;
  auto cm = fixture::target("ConfigMap", "demo", "cm");
  f.control->paused = true;
  reply_slot deleted;
  f.svc.remove(cm, {}, deleted.fn());
  CHECK_FALSE(deleted.r);  // queued, not durable
  f.control->paused = false;
  REQUIRE(f.ex.run_one());
  REQUIRE(deleted.r);
  CHECK(deleted.r->code == 200);
  CHECK(deleted.r->body["metadata"]["name"] == "cm");
  CHECK(deleted.thread == std::this_thread::get_id());
  CHECK(f.svc.get(cm).code == 404);

  // A precondition the object does not meet: the store refuses, the answer still comes through
  // the executor.
  REQUIRE(f.svc.create(fixture::target("ConfigMap", "demo"), {"application/json", R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm2"}})"}).code == 201);
  reply_slot stale;
  delete_input in;
  in.body = R"({"kind":"DeleteOptions","apiVersion":"v1","preconditions":{"resourceVersion":"1"}})";
  in.content_type = "application/json";
  f.svc.remove(fixture::target("ConfigMap", "demo", "cm2"), in, stale.fn());
  REQUIRE(f.ex.run_one());
  REQUIRE(stale.r);
  CHECK(stale.r->code == 409);

  // Missing: refused before any write, at once.
  reply_slot missing;
  f.svc.remove(cm, {}, missing.fn());
  REQUIRE(missing.r);
  CHECK(missing.r->code == 404);
  CHECK(missing.thread == std::this_thread::get_id());

  // A namespace's delete (marked, then Terminating) writes twice and answers in the caller.
  reply_slot ns;
  f.svc.remove(fixture::target("Namespace", "", "demo"), {}, ns.fn());
  REQUIRE(ns.r);
  CHECK(ns.r->code == 200);
  CHECK(ns.r->body["status"]["phase"] == "Terminating");
  CHECK(f.ex.size() == 0);
}
