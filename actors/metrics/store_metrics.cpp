#include "actors/metrics/store_metrics.hpp"

namespace troupe::metrics {

namespace {

const prometheus::Histogram::BucketBoundaries& latency_buckets() {
  static const prometheus::Histogram::BucketBoundaries b{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                         0.01,   0.025,   0.05,   0.1,   0.25,   0.5, 1, 2.5};
  return b;
}

const prometheus::Histogram::BucketBoundaries& batch_buckets() {
  static const prometheus::Histogram::BucketBoundaries b{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};
  return b;
}

} // namespace

store_metrics::store_metrics(prometheus::Registry& registry)
  : writes_(prometheus::BuildHistogram()
              .Name("troupe_store_write_duration_seconds")
              .Help("Object store writes from call to answer (durable or refused), by operation and result.")
              .Register(registry)),
    commit_seconds_(prometheus::BuildHistogram()
                      .Name("troupe_store_commit_duration_seconds")
                      .Help("Group commits: one batch write with its WAL sync.")
                      .Register(registry)
                      .Add({}, latency_buckets())),
    batch_size_(prometheus::BuildHistogram()
                  .Name("troupe_store_commit_batch_size")
                  .Help("Writes made durable together by one group commit.")
                  .Register(registry)
                  .Add({}, batch_buckets())),
    revision_(prometheus::BuildGauge()
                .Name("troupe_store_revision")
                .Help("The store's latest revision.")
                .Register(registry)
                .Add({})) {}

void store_metrics::write_done(std::string_view operation, double seconds, bool ok) {
  writes_.Add({{"operation", std::string(operation)}, {"result", ok ? "ok" : "refused"}}, latency_buckets())
    .Observe(seconds);
}

void store_metrics::committed(size_t writes, double seconds, int64_t revision) {
  commit_seconds_.Observe(seconds);
  batch_size_.Observe(static_cast<double>(writes));
  revision_.Set(static_cast<double>(revision));
}

std::vector<sampler> store_samplers(const store::object_store& store) {
  const auto* s = &store;
  auto stat = [s](auto field) { return [s, field] { return static_cast<double>(s->stats().*field); }; };
  using st = store::store_stats;
  return {
    {"troupe_store_history_events", "Events retained for watch resume.", sample_type::gauge, {},
     stat(&st::history_events)},
    {"troupe_store_compacted_revision", "History holds the events after this revision.", sample_type::gauge, {},
     stat(&st::compacted_revision)},
    {"troupe_store_compacted_events_total", "Events dropped from history since the store opened.",
     sample_type::counter, {}, stat(&st::compacted_events)},
    {"troupe_store_writes_total", "Acknowledged writes (new revisions) since the store opened.",
     sample_type::counter, {}, stat(&st::writes)},
    {"troupe_store_rejected_writes_total", "Writes refused (conflict, not found, exists, precondition).",
     sample_type::counter, {}, stat(&st::rejected_writes)},
    {"troupe_store_syncs_total", "Group commits since the store opened.", sample_type::counter, {},
     stat(&st::syncs)},
    {"troupe_store_pending_writes", "Writes handed to the store and not yet durable (or refused).",
     sample_type::gauge, {}, stat(&st::pending_writes)},
    {"troupe_store_open_watchers", "Watchers open on the store.", sample_type::gauge, {},
     stat(&st::open_watchers)},
    {"troupe_store_dropped_watchers_total", "Watchers closed because they fell too far behind.",
     sample_type::counter, {}, stat(&st::dropped_watchers)},
  };
}

} // namespace troupe::metrics
