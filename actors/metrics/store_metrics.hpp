#pragma once
// The object store's metrics:
//   troupe_store_write_duration_seconds{operation, result}  one create/update/delete, call to answer
//   troupe_store_commit_duration_seconds                     one group commit (batch write + WAL sync)
//   troupe_store_commit_batch_size                           writes per group commit
//   troupe_store_revision                                    latest revision
// and, sampled at scrape time from store_stats (store_samplers): history size, compaction, watchers.
// store_metrics is the store's observer (store_options::observer). Thread-safe; no CAF.

#include <memory>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "actors/metrics/sampled_metrics.hpp"
#include "store/object_store.hpp"

namespace troupe::metrics {

class store_metrics : public store::store_observer {
public:
  explicit store_metrics(prometheus::Registry& registry);
  void write_done(std::string_view operation, double seconds, bool ok) override;
  void committed(size_t writes, double seconds, int64_t revision) override;

private:
  prometheus::Family<prometheus::Histogram>& writes_;
  prometheus::Histogram& commit_seconds_;
  prometheus::Histogram& batch_size_;
  prometheus::Gauge& revision_;
};

/// Samplers reading `store.stats()` (the store must outlive them: keep the sampler_set holding
/// them beside the store, declared after it).
std::vector<sampler> store_samplers(const store::object_store& store);

} // namespace troupe::metrics
