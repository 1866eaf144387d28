#include "actors/server/root_children.hpp"

#include <caf/all.hpp>

#include "actors/apiserver/api_server_actor.hpp"
#include "actors/controllers/garbage_collector_actor.hpp"
#include "actors/controllers/namespace_controller_actor.hpp"
#include "actors/controllers/node_lifecycle_actor.hpp"
#include "actors/controllers/pod_gc_actor.hpp"
#include "actors/controllers/replicasets_actor.hpp"
#include "actors/store/store_actor.hpp"
#include "actors/metrics/metrics_actor.hpp"
#include "actors/nodes/node_registry_actor.hpp"
#include "actors/scheduler/scheduler_actor.hpp"
#include "actors/server/node_join_issuer.hpp"
#include "actors/server/node_log_source.hpp"

namespace troupe::server {

using supervision::actor_child_spec;
using supervision::restart_type;
using supervision::strategy;
using supervision::supervisor_options;

supervisor_options root_options() {
  supervisor_options opts;
  opts.name = "root";
  opts.how = strategy::rest_for_one;
  // Three restarts a minute; beyond that the server exits (non-zero) for systemd or scripts/up
  // to restart it whole.
  opts.limits = {3, std::chrono::seconds(60)};
  return opts;
}

namespace {

// The controllers supervisor: one child per kind, added by the controller issues. Its children
// talk to the store actor whose handle is in `slot` when they start (store_actor.hpp).
supervisor_options controllers_options() {
  supervisor_options opts;
  opts.name = "controllers";
  opts.how = strategy::one_for_one;
  opts.limits = {5, std::chrono::seconds(60)};
  return opts;
}

} // namespace

std::vector<actor_child_spec> root_children(const server_context& context) {
  std::vector<actor_child_spec> children;
  // The store first: the children after it borrow it (see store_slot in store_actor.hpp).
  auto slot = std::make_shared<store::store_slot>();
  store::store_actor_options so;
  so.data_dir = context.config.data_dir;
  so.store.observer = context.metrics ? context.metrics->store : nullptr;
  children.push_back({"store", restart_type::permanent, [slot, so](caf::actor_system& sys) {
                        auto h = store::spawn_store_actor(sys, so);
                        slot->set(h);
                        return caf::actor_cast<caf::actor>(h);
                      }});
  apiserver::api_server_options api;
  api.address = context.config.api_address.host;
  api.port = context.config.api_address.port;
  api.cert_file = context.paths.server_cert;
  api.key_file = context.paths.server_key;
  api.token = context.token;
  api.metrics = context.metrics;
  api.node_join.join_token = context.join_token;
  api.node_join.issue = make_node_join_issuer(context.paths, node_registry_address(context.config));
  const auto timings = resolve_node_lifecycle(context.config);
  api.admission.default_tolerations.not_ready_seconds = timings.default_not_ready_toleration_seconds;
  api.admission.default_tolerations.unreachable_seconds =
    timings.default_unreachable_toleration_seconds;
  children.push_back({"api_server", restart_type::permanent, [api, slot](caf::actor_system& sys) {
                        auto with_logs = api;
                        with_logs.pod_logs = make_node_log_source(sys);
                        return apiserver::spawn_api_server_actor(sys, with_logs, slot->get());
                      }});
  // The scheduler (before the node registry, so pods are placed as soon as nodes join). Its
  // metrics series are made once, on the hub's registry; a restarted scheduler keeps them.
  scheduler::scheduler_options sched;
  sched.schedule.percentage_of_nodes_to_score = context.config.percentage_of_nodes_to_score;
  if (context.metrics)
    sched.metrics = std::make_shared<scheduler::scheduler_metrics>(context.metrics->registry);
  children.push_back({"scheduler", restart_type::permanent, [sched, slot](caf::actor_system& sys) {
                        auto o = sched;
                        o.store = slot->get();
                        return caf::actor_cast<caf::actor>(scheduler::spawn_scheduler(sys, o));
                      }});
  // The node registry publishes itself with caf::openssl on the API host and the node port
  // (nodes dial what the join answered: node_registry_address).
  nodes::node_registry_options nodes;
  nodes.nodes_dir = context.paths.nodes_dir;
  nodes.host = context.config.api_address.host == "*" ? std::string("0.0.0.0")
                                                      : context.config.api_address.host;
  nodes.port = context.config.node_port;
  nodes.session.status_update_frequency = timings.node_status_update_frequency;
  children.push_back({"node_registry", restart_type::permanent, [nodes, slot](caf::actor_system& sys) {
                        auto o = nodes;
                        o.store = slot->get();
                        return caf::actor_cast<caf::actor>(nodes::spawn_node_registry(sys, o));
                      }});
  // Start order matters; children stop in reverse. Then "controllers" (below), then "metrics"
  // (context.config.metrics_address).
  std::vector<actor_child_spec> controllers;
  controllers.push_back({"namespaces", restart_type::permanent, [slot](caf::actor_system& sys) {
                           controllers::namespace_controller_options o;
                           o.store = slot->get();
                           return controllers::spawn_namespace_controller(sys, o);
                         }});
  controllers.push_back({"garbage_collector", restart_type::permanent, [slot](caf::actor_system& sys) {
                           controllers::garbage_collector_options o;
                           o.store = slot->get();
                           return controllers::spawn_garbage_collector(sys, o);
                         }});
  // The ReplicaSet controller creates pods as the API server admits them (default tolerations).
  controllers::replicasets_options replicasets;
  replicasets.admission = api.admission;
  controllers.push_back({"replicasets", restart_type::permanent, [slot, replicasets](caf::actor_system& sys) {
                           auto o = replicasets;
                           o.store = slot->get();
                           return caf::actor_cast<caf::actor>(controllers::spawn_replicasets(sys, o));
                         }});
  controllers::node_lifecycle_options lifecycle;
  lifecycle.health.grace = timings.node_monitor_grace_period;
  lifecycle.health.startup_grace = timings.node_startup_grace_period;
  lifecycle.zones.node_eviction_rate = context.config.node_eviction_rate;
  lifecycle.zones.secondary_node_eviction_rate = context.config.secondary_node_eviction_rate;
  lifecycle.zones.unhealthy_zone_threshold = context.config.unhealthy_zone_threshold;
  lifecycle.zones.large_cluster_size_threshold =
    static_cast<int>(context.config.large_cluster_size_threshold);
  controllers.push_back({"node_lifecycle", restart_type::permanent,
                         [slot, lifecycle](caf::actor_system& sys) {
                           auto o = lifecycle;
                           o.store = slot->get();
                           return caf::actor_cast<caf::actor>(controllers::spawn_node_lifecycle(sys, o));
                         }});
  controllers::pod_gc_actor_options gc;
  gc.gc.terminated_pod_threshold = static_cast<size_t>(context.config.terminated_pod_gc_threshold);
  gc.gc.period = std::chrono::duration_cast<std::chrono::seconds>(timings.pod_gc_period);
  gc.gc.quarantine = std::chrono::duration_cast<std::chrono::seconds>(timings.pod_gc_quarantine);
  if (context.metrics)
    gc.metrics = controllers::make_pod_gc_metrics(*context.metrics->registry);
  controllers.push_back({"pod_gc", restart_type::permanent, [slot, gc](caf::actor_system& sys) {
                           auto o = gc;
                           o.store = slot->get();
                           return controllers::spawn_pod_gc(sys, o);
                         }});
  children.push_back({"controllers", restart_type::permanent,
                      supervision::supervisor_factory(controllers_options(), std::move(controllers))});
  metrics::metrics_actor_options m;
  const auto& ma = context.config.metrics_address;
  m.address = (ma.host.find(':') != std::string::npos ? "[" + ma.host + "]" : ma.host) + ":" + std::to_string(ma.port);
  m.hub = context.metrics;
  children.push_back({"metrics", restart_type::permanent,
                      [m](caf::actor_system& sys) { return metrics::spawn_metrics_actor(sys, m); }});
  return children;
}

} // namespace troupe::server
