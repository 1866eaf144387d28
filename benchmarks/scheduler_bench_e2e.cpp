#include "benchmarks/scheduler_bench_e2e.hpp"

#include <caf/all.hpp>

#include <chrono>
#include <filesystem>
#include <thread>
#include <unistd.h>
#include <unordered_set>

#include "actors/scheduler/scheduler_actor.hpp"
#include "actors/store/store_actor.hpp"
#include "benchmarks/scheduler_bench_cluster.hpp"
#include "config/kinds.hpp"

namespace troupe::bench {

namespace {

config::timestamp wall_now() {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
              std::chrono::system_clock::now().time_since_epoch()).count();
  return config::timestamp{ns / 1000000000, static_cast<int32_t>(ns % 1000000000)};
}

} // namespace

end_to_end_result run_end_to_end(size_t nodes, size_t pods) {
  end_to_end_result out;
  out.pods = pods;
  auto dir = std::filesystem::temp_directory_path() /
             ("troupe-scheduler-bench-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    caf::actor_system_config cfg;
    caf::actor_system sys{cfg};
    store::store_actor_options so;
    so.data_dir = dir.string();
    so.store.history_window = 4 * pods + 1000;  // the watch below must not fall out of it
    so.threads = 64;  // concurrent binds share syncs (group commit)
    auto store_actor = store::spawn_store_actor(sys, so);
    protocol::shared_store db;
    caf::scoped_actor self{sys};
    self->request(store_actor, std::chrono::seconds(30), protocol::borrow_atom::value)
      .receive([&](protocol::shared_store& s) { db = s; },
               [&](caf::error& e) { out.error = "store: " + caf::to_string(e); });
    if (!db)
      return out;
    const auto& node_kind = *config::find_kind("v1", "Node");
    const auto& pod_kind = *config::find_kind("v1", "Pod");
    const auto& ns_kind = *config::find_kind("v1", "Namespace");
    core::v1::Namespace ns;
    ns.mutable_metadata()->set_name("bench");
    db->create(ns_kind, ns, wall_now());
    // Nodes and pods written from several threads so the setup shares syncs too.
    auto parallel = [&](size_t count, auto write) {
      std::vector<std::thread> threads;
      const size_t workers = 32;
      for (size_t w = 0; w < workers; ++w)
        threads.emplace_back([&, w] {
          for (size_t i = w; i < count; i += workers)
            write(i);
        });
      for (auto& t : threads)
        t.join();
    };
    parallel(nodes, [&](size_t i) { db->create(node_kind, *bench_node(i), wall_now()); });
    parallel(pods, [&](size_t i) {
      auto p = bench_pod(i, pod_shape::plain);
      p->mutable_metadata()->clear_uid();  // the store assigns it
      db->create(pod_kind, *p, wall_now());
    });

    // Count bindings on a watch from now on.
    store::watch_options wo;
    wo.since = db->revision();
    auto watch = db->watch(pod_kind, wo);
    if (!watch.ok()) {
      out.error = "watch: " + watch.status().to_string();
      return out;
    }
    auto before = db->stats();
    auto t0 = std::chrono::steady_clock::now();
    scheduler::scheduler_options opts;
    opts.store = store_actor;
    auto sched = scheduler::spawn_scheduler(sys, opts);
    std::unordered_set<std::string> bound_names;
    size_t bound = 0;
    auto first = t0;
    auto deadline = t0 + std::chrono::minutes(5);
    while (bound < pods && std::chrono::steady_clock::now() < deadline) {
      (*watch)->wait_for(std::chrono::milliseconds(100));
      for (const auto& e : (*watch)->poll(10000)) {
        if (e.type != store::watch_event_type::modified)
          continue;
        const auto& p = dynamic_cast<const core::v1::Pod&>(*e.object);
        if (!p.spec().nodename().empty() && bound_names.insert(p.metadata().name()).second) {
          if (++bound == 1)
            first = std::chrono::steady_clock::now();
        }
      }
    }
    const auto last = std::chrono::steady_clock::now();
    double s = std::chrono::duration<double>(last - t0).count();
    const double steady = std::chrono::duration<double>(last - first).count();
    if (bound > 1 && steady > 0)
      out.steady_pods_per_second = static_cast<double>(bound - 1) / steady;
    if (bound < pods)
      out.error = "only " + std::to_string(bound) + " of " + std::to_string(pods) + " pods bound in 5 minutes";
    out.pods_per_second = static_cast<double>(pods) / s;
    out.first_bind_seconds = std::chrono::duration<double>(first - t0).count();
    auto after = db->stats();
    out.syncs = after.syncs - before.syncs;
    out.max_batch = after.max_batch;
    self->send_exit(sched, caf::exit_reason::user_shutdown);
    self->send_exit(store_actor, caf::exit_reason::user_shutdown);
    db.reset();
  }
  std::filesystem::remove_all(dir);
  return out;
}

} // namespace troupe::bench
