#include "config/hpa_conversion.hpp"

#include <catch2/catch.hpp>
#include <functional>
#include <google/protobuf/util/message_differencer.h>
#include <string>
#include <vector>

using namespace troupe::config;
namespace v1 = troupe::autoscaling::v1;
namespace v2 = troupe::autoscaling::v2;
using google::protobuf::util::MessageDifferencer;

namespace {

const std::string metrics_key = "autoscaling.alpha.kubernetes.io/metrics";
const std::string current_metrics_key = "autoscaling.alpha.kubernetes.io/current-metrics";
const std::string conditions_key = "autoscaling.alpha.kubernetes.io/conditions";
const std::string behavior_key = "autoscaling.alpha.kubernetes.io/behavior";

// ---- factories: a valid object, mutated in one aspect per case ----

v1::HorizontalPodAutoscaler make_v1() {
  v1::HorizontalPodAutoscaler h;
  h.mutable_metadata()->set_name("web");
  h.mutable_metadata()->set_namespace_("default");
  auto* s = h.mutable_spec();
  s->mutable_scaletargetref()->set_kind("Deployment");
  s->mutable_scaletargetref()->set_name("web");
  s->mutable_scaletargetref()->set_apiversion("apps/v1");
  s->set_minreplicas(1);
  s->set_maxreplicas(10);
  return h;
}

v2::HorizontalPodAutoscaler make_v2() {
  v2::HorizontalPodAutoscaler h;
  h.mutable_metadata()->set_name("web");
  h.mutable_metadata()->set_namespace_("default");
  auto* s = h.mutable_spec();
  s->mutable_scaletargetref()->set_kind("Deployment");
  s->mutable_scaletargetref()->set_name("web");
  s->mutable_scaletargetref()->set_apiversion("apps/v1");
  s->set_minreplicas(1);
  s->set_maxreplicas(10);
  return h;
}

v2::MetricSpec resource_metric(const std::string& name, const std::string& type, int32_t util,
                               const std::string& avg) {
  v2::MetricSpec m;
  m.set_type("Resource");
  m.mutable_resource()->set_name(name);
  auto* t = m.mutable_resource()->mutable_target();
  t->set_type(type);
  if (type == "Utilization")
    t->set_averageutilization(util);
  else
    t->mutable_averagevalue()->set_string(avg);
  return m;
}

v2::MetricSpec cpu_util(int32_t pct) {
  return resource_metric("cpu", "Utilization", pct, "");
}

v2::MetricStatus resource_status(const std::string& name, int32_t util, const std::string& avg) {
  v2::MetricStatus m;
  m.set_type("Resource");
  m.mutable_resource()->set_name(name);
  auto* c = m.mutable_resource()->mutable_current();
  if (util >= 0) c->set_averageutilization(util);
  c->mutable_averagevalue()->set_string(avg);
  return m;
}

void add_pods_metric(v2::HorizontalPodAutoscaler& h) {
  auto* m = h.mutable_spec()->add_metrics();
  m->set_type("Pods");
  m->mutable_pods()->mutable_metric()->set_name("requests_per_second");
  (*m->mutable_pods()->mutable_metric()->mutable_selector()->mutable_matchlabels())["tier"] = "fe";
  m->mutable_pods()->mutable_target()->set_type("AverageValue");
  m->mutable_pods()->mutable_target()->mutable_averagevalue()->set_string("1k");
}

void add_object_metric(v2::HorizontalPodAutoscaler& h) {
  auto* m = h.mutable_spec()->add_metrics();
  m->set_type("Object");
  auto* o = m->mutable_object();
  o->mutable_describedobject()->set_kind("Ingress");
  o->mutable_describedobject()->set_name("main");
  o->mutable_describedobject()->set_apiversion("networking.k8s.io/v1");
  o->mutable_metric()->set_name("hits");
  o->mutable_target()->set_type("Value");
  o->mutable_target()->mutable_value()->set_string("10k");
}

void add_external_metric(v2::HorizontalPodAutoscaler& h) {
  auto* m = h.mutable_spec()->add_metrics();
  m->set_type("External");
  auto* e = m->mutable_external();
  e->mutable_metric()->set_name("queue_depth");
  auto* expr = e->mutable_metric()->mutable_selector()->add_matchexpressions();
  expr->set_key("queue");
  expr->set_operator_("In");
  expr->add_values("jobs");
  e->mutable_target()->set_type("AverageValue");
  e->mutable_target()->mutable_averagevalue()->set_string("30");
}

void add_container_metric(v2::HorizontalPodAutoscaler& h) {
  auto* m = h.mutable_spec()->add_metrics();
  m->set_type("ContainerResource");
  auto* c = m->mutable_containerresource();
  c->set_name("cpu");
  c->set_container("app");
  c->mutable_target()->set_type("Utilization");
  c->mutable_target()->set_averageutilization(60);
}

void add_behavior(v2::HorizontalPodAutoscaler& h) {
  auto* up = h.mutable_spec()->mutable_behavior()->mutable_scaleup();
  up->set_stabilizationwindowseconds(0);
  up->set_selectpolicy("Max");
  auto* p = up->add_policies();
  p->set_type("Pods");
  p->set_value(4);
  p->set_periodseconds(15);
  auto* down = h.mutable_spec()->mutable_behavior()->mutable_scaledown();
  down->set_selectpolicy("Min");
  down->mutable_tolerance()->set_string("50m");
  p = down->add_policies();
  p->set_type("Percent");
  p->set_value(10);
  p->set_periodseconds(60);
}

void add_condition(v2::HorizontalPodAutoscaler& h) {
  auto* c = h.mutable_status()->add_conditions();
  c->set_type("AbleToScale");
  c->set_status("True");
  c->mutable_lasttransitiontime()->set_seconds(1727085600); // 2024-09-23T10:00:00Z
  c->set_reason("SucceededRescale");
  c->set_message("the HPA controller was able to update the target scale to 3");
}

std::string annotation(const troupe::meta::ObjectMeta& m, const std::string& key) {
  auto it = m.annotations().find(key);
  return it == m.annotations().end() ? "<absent>" : it->second;
}

} // namespace

TEST_CASE("hpa v1 to v2", "[unit][conversion]") {
  struct test_case {
    std::string name;
    std::function<void(v1::HorizontalPodAutoscaler&)> input;
    std::function<void(v2::HorizontalPodAutoscaler&)> expected;
  };
  const std::vector<test_case> cases = {
      {"cpu target becomes a Resource/Utilization metric",
       [](auto& h) { h.mutable_spec()->set_targetcpuutilizationpercentage(50); },
       [](auto& h) { *h.mutable_spec()->add_metrics() = cpu_util(50); }},
      {"no target and no annotation gets the old implicit 80% cpu default", [](auto&) {},
       [](auto& h) { *h.mutable_spec()->add_metrics() = cpu_util(80); }},
      {"current cpu utilization becomes a Resource status",
       [](auto& h) {
         h.mutable_spec()->set_targetcpuutilizationpercentage(50);
         h.mutable_status()->set_currentreplicas(2);
         h.mutable_status()->set_desiredreplicas(3);
         h.mutable_status()->set_currentcpuutilizationpercentage(75);
       },
       [](auto& h) {
         *h.mutable_spec()->add_metrics() = cpu_util(50);
         h.mutable_status()->set_currentreplicas(2);
         h.mutable_status()->set_desiredreplicas(3);
         auto* m = h.mutable_status()->add_currentmetrics();
         m->set_type("Resource");
         m->mutable_resource()->set_name("cpu");
         m->mutable_resource()->mutable_current()->set_averageutilization(75);
       }},
      {"metrics annotation comes first, the cpu target last, annotation removed",
       [](auto& h) {
         h.mutable_spec()->set_targetcpuutilizationpercentage(70);
         (*h.mutable_metadata()->mutable_annotations())[metrics_key] =
             R"([{"type":"Resource","resource":{"name":"memory","targetAverageValue":"100Mi"}}])";
       },
       [](auto& h) {
         *h.mutable_spec()->add_metrics() = resource_metric("memory", "AverageValue", 0, "100Mi");
         *h.mutable_spec()->add_metrics() = cpu_util(70);
       }},
      {"v1 external metric: a targetValue means a Value target",
       [](auto& h) {
         (*h.mutable_metadata()->mutable_annotations())[metrics_key] =
             R"([{"type":"External","external":{"metricName":"q","targetValue":5}}])";
       },
       [](auto& h) {
         auto* m = h.mutable_spec()->add_metrics();
         m->set_type("External");
         m->mutable_external()->mutable_metric()->set_name("q");
         m->mutable_external()->mutable_target()->set_type("Value");
         m->mutable_external()->mutable_target()->mutable_value()->set_string("5");
       }},
      {"behavior annotation in Go field names, as the API server writes it",
       [](auto& h) {
         h.mutable_spec()->set_targetcpuutilizationpercentage(50);
         (*h.mutable_metadata()->mutable_annotations())[behavior_key] =
             R"({"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":4,"PeriodSeconds":15}]},)"
             R"("ScaleDown":{"StabilizationWindowSeconds":null,"SelectPolicy":"Min","Policies":[{"Type":"Percent","Value":10,"PeriodSeconds":60}],"Tolerance":"50m"}})";
       },
       [](auto& h) {
         *h.mutable_spec()->add_metrics() = cpu_util(50);
         add_behavior(h);
       }},
      {"conditions annotation",
       [](auto& h) {
         h.mutable_spec()->set_targetcpuutilizationpercentage(50);
         (*h.mutable_metadata()->mutable_annotations())[conditions_key] =
             R"([{"type":"AbleToScale","status":"True","lastTransitionTime":"2024-09-23T10:00:00Z",)"
             R"("reason":"SucceededRescale","message":"the HPA controller was able to update the target scale to 3"}])";
       },
       [](auto& h) {
         *h.mutable_spec()->add_metrics() = cpu_util(50);
         add_condition(h);
       }},
      {"unrelated annotations stay",
       [](auto& h) {
         h.mutable_spec()->set_targetcpuutilizationpercentage(50);
         (*h.mutable_metadata()->mutable_annotations())["team"] = "web";
       },
       [](auto& h) {
         *h.mutable_spec()->add_metrics() = cpu_util(50);
         (*h.mutable_metadata()->mutable_annotations())["team"] = "web";
       }},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      auto in = make_v1();
      c.input(in);
      auto want = make_v2();
      c.expected(want);
      v2::HorizontalPodAutoscaler got;
      auto errs = hpa_to_v2(in, got);
      INFO("input: " << in.DebugString());
      INFO("got: " << got.DebugString());
      INFO("want: " << want.DebugString());
      CHECK(to_string(errs).empty());
      CHECK(MessageDifferencer::Equals(got, want));
    }
  }
}

TEST_CASE("hpa v1 to v2 rejects malformed round-trip annotations", "[unit][conversion]") {
  struct test_case {
    std::string name;
    std::string key;
    std::string value;
  };
  const std::vector<test_case> cases = {
      {"metrics not JSON", metrics_key, "not json"},
      {"metrics not a list", metrics_key, R"({"type":"Resource"})"},
      {"utilization not an integer", metrics_key,
       R"([{"type":"Resource","resource":{"name":"cpu","targetAverageUtilization":"50"}}])"},
      {"current metrics quantity of the wrong type", current_metrics_key,
       R"([{"type":"Pods","pods":{"metricName":"x","currentAverageValue":true}}])"},
      {"condition time not RFC 3339", conditions_key,
       R"([{"type":"AbleToScale","status":"True","lastTransitionTime":"yesterday"}])"},
      {"behavior window not an integer", behavior_key,
       R"({"ScaleUp":{"StabilizationWindowSeconds":"x"}})"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      auto in = make_v1();
      (*in.mutable_metadata()->mutable_annotations())[c.key] = c.value;
      v2::HorizontalPodAutoscaler got;
      auto errs = hpa_to_v2(in, got);
      INFO("errors: " << to_string(errs));
      REQUIRE(errs.size() == 1);
      CHECK(errs[0].field == "metadata.annotations[" + c.key + "]");
    }
  }
}

TEST_CASE("hpa v2 to v1", "[unit][conversion]") {
  struct test_case {
    std::string name;
    std::function<void(v2::HorizontalPodAutoscaler&)> input;
    std::function<void(v1::HorizontalPodAutoscaler&)> expected;
  };
  const std::vector<test_case> cases = {
      {"cpu utilization becomes the target percentage, nothing annotated",
       [](auto& h) { *h.mutable_spec()->add_metrics() = cpu_util(50); },
       [](auto& h) { h.mutable_spec()->set_targetcpuutilizationpercentage(50); }},
      {"memory only: no target percentage, the metric travels in the annotation",
       [](auto& h) {
         *h.mutable_spec()->add_metrics() = resource_metric("memory", "AverageValue", 0, "100Mi");
       },
       [](auto& h) {
         (*h.mutable_metadata()->mutable_annotations())[metrics_key] =
             R"([{"type":"Resource","resource":{"name":"memory","targetAverageValue":"100Mi"}}])";
       }},
      {"cpu by average value is not a utilization target",
       [](auto& h) {
         *h.mutable_spec()->add_metrics() = resource_metric("cpu", "AverageValue", 0, "500m");
       },
       [](auto& h) {
         (*h.mutable_metadata()->mutable_annotations())[metrics_key] =
             R"([{"type":"Resource","resource":{"name":"cpu","targetAverageValue":"500m"}}])";
       }},
      {"status: cpu utilization is copied and all current metrics are annotated",
       [](auto& h) {
         *h.mutable_spec()->add_metrics() = cpu_util(50);
         h.mutable_status()->set_currentreplicas(2);
         h.mutable_status()->set_desiredreplicas(2);
         *h.mutable_status()->add_currentmetrics() = resource_status("cpu", 40, "200m");
       },
       [](auto& h) {
         h.mutable_spec()->set_targetcpuutilizationpercentage(50);
         h.mutable_status()->set_currentreplicas(2);
         h.mutable_status()->set_desiredreplicas(2);
         h.mutable_status()->set_currentcpuutilizationpercentage(40);
         (*h.mutable_metadata()->mutable_annotations())[current_metrics_key] =
             R"([{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":40,"currentAverageValue":"200m"}}])";
       }},
      {"behavior is annotated with Go field names, nil as null",
       [](auto& h) {
         *h.mutable_spec()->add_metrics() = cpu_util(50);
         add_behavior(h);
       },
       [](auto& h) {
         h.mutable_spec()->set_targetcpuutilizationpercentage(50);
         (*h.mutable_metadata()->mutable_annotations())[behavior_key] =
             R"({"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":4,"PeriodSeconds":15}],"Tolerance":null},)"
             R"("ScaleDown":{"StabilizationWindowSeconds":null,"SelectPolicy":"Min","Policies":[{"Type":"Percent","Value":10,"PeriodSeconds":60}],"Tolerance":"50m"}})";
       }},
      {"conditions are annotated",
       [](auto& h) {
         *h.mutable_spec()->add_metrics() = cpu_util(50);
         add_condition(h);
       },
       [](auto& h) {
         h.mutable_spec()->set_targetcpuutilizationpercentage(50);
         h.mutable_status()->set_currentreplicas(0);
         h.mutable_status()->set_desiredreplicas(0);
         (*h.mutable_metadata()->mutable_annotations())[conditions_key] =
             R"([{"type":"AbleToScale","status":"True","lastTransitionTime":"2024-09-23T10:00:00Z",)"
             R"("reason":"SucceededRescale","message":"the HPA controller was able to update the target scale to 3"}])";
       }},
      {"stale round-trip annotations on the stored object are dropped",
       [](auto& h) {
         *h.mutable_spec()->add_metrics() = cpu_util(50);
         (*h.mutable_metadata()->mutable_annotations())[metrics_key] = "[stale]";
         (*h.mutable_metadata()->mutable_annotations())[behavior_key] = "{}";
       },
       [](auto& h) { h.mutable_spec()->set_targetcpuutilizationpercentage(50); }},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      auto in = make_v2();
      c.input(in);
      auto want = make_v1();
      c.expected(want);
      auto got = hpa_to_v1(in);
      INFO("input: " << in.DebugString());
      INFO("got: " << got.DebugString());
      INFO("want: " << want.DebugString());
      for (const auto& key : {metrics_key, current_metrics_key, conditions_key, behavior_key})
        CHECK(annotation(got.metadata(), key) == annotation(want.metadata(), key));
      CHECK(MessageDifferencer::Equals(got, want));
    }
  }
}

TEST_CASE("hpa v2 with only a memory metric has no v1 target percentage", "[unit][conversion]") {
  auto in = make_v2();
  *in.mutable_spec()->add_metrics() = resource_metric("memory", "Utilization", 70, "");
  auto got = hpa_to_v1(in);
  CHECK_FALSE(got.spec().has_targetcpuutilizationpercentage());
  // and coming back, the memory metric is restored instead of the 80% cpu default
  v2::HorizontalPodAutoscaler back;
  REQUIRE(to_string(hpa_to_v2(got, back)).empty());
  INFO("back: " << back.DebugString());
  CHECK(MessageDifferencer::Equals(back, in));
}

TEST_CASE("hpa v2 -> v1 -> v2 keeps every field", "[unit][conversion]") {
  struct test_case {
    std::string name;
    std::function<void(v2::HorizontalPodAutoscaler&)> input;
  };
  const std::vector<test_case> cases = {
      {"cpu utilization only", [](auto& h) { *h.mutable_spec()->add_metrics() = cpu_util(50); }},
      {"pods, object, external and container metrics, cpu last",
       [](auto& h) {
         add_pods_metric(h);
         add_object_metric(h);
         add_external_metric(h);
         add_container_metric(h);
         *h.mutable_spec()->add_metrics() = cpu_util(65);
       }},
      {"object metric with an average value",
       [](auto& h) {
         add_object_metric(h);
         auto* t = h.mutable_spec()->mutable_metrics(0)->mutable_object()->mutable_target();
         t->set_type("AverageValue");
         t->mutable_averagevalue()->set_string("2");
       }},
      {"behavior",
       [](auto& h) {
         *h.mutable_spec()->add_metrics() = cpu_util(50);
         add_behavior(h);
       }},
      {"full status",
       [](auto& h) {
         add_pods_metric(h);
         *h.mutable_spec()->add_metrics() = cpu_util(50);
         auto* st = h.mutable_status();
         st->set_observedgeneration(4);
         st->mutable_lastscaletime()->set_seconds(1727085600);
         st->set_currentreplicas(3);
         st->set_desiredreplicas(4);
         *st->add_currentmetrics() = resource_status("cpu", 72, "360m");
         auto* pods = st->add_currentmetrics();
         pods->set_type("Pods");
         pods->mutable_pods()->mutable_metric()->set_name("requests_per_second");
         pods->mutable_pods()->mutable_current()->mutable_averagevalue()->set_string("1200");
         add_condition(h);
       }},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      auto in = make_v2();
      c.input(in);
      auto mid = hpa_to_v1(in);
      v2::HorizontalPodAutoscaler back;
      auto errs = hpa_to_v2(mid, back);
      INFO("v2: " << in.DebugString());
      INFO("v1: " << mid.DebugString());
      INFO("back: " << back.DebugString());
      CHECK(to_string(errs).empty());
      CHECK(MessageDifferencer::Equals(back, in));
    }
  }
}

TEST_CASE("hpa v1 -> v2 -> v1 keeps every field", "[unit][conversion]") {
  auto in = make_v1();
  in.mutable_spec()->set_targetcpuutilizationpercentage(60);
  in.mutable_status()->set_observedgeneration(2);
  in.mutable_status()->set_currentreplicas(3);
  in.mutable_status()->set_desiredreplicas(3);
  in.mutable_status()->set_currentcpuutilizationpercentage(55);
  (*in.mutable_metadata()->mutable_annotations())["team"] = "web";
  v2::HorizontalPodAutoscaler mid;
  REQUIRE(to_string(hpa_to_v2(in, mid)).empty());
  auto back = hpa_to_v1(mid);
  INFO("v2: " << mid.DebugString());
  INFO("back: " << back.DebugString());
  // The cpu status without a raw value comes back as a current-metrics annotation (v2 knows more
  // than v1 can show); everything v1 itself holds is unchanged.
  auto expected = in;
  (*expected.mutable_metadata()->mutable_annotations())[current_metrics_key] =
      R"([{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":55,"currentAverageValue":"0"}}])";
  CHECK(MessageDifferencer::Equals(back, expected));
}

TEST_CASE("hpa v2 -> v1 -> v2 moves the cpu utilization metric to the end", "[unit][conversion]") {
  auto in = make_v2();
  *in.mutable_spec()->add_metrics() = cpu_util(50);
  *in.mutable_spec()->add_metrics() = resource_metric("memory", "AverageValue", 0, "1Gi");
  v2::HorizontalPodAutoscaler back;
  REQUIRE(to_string(hpa_to_v2(hpa_to_v1(in), back)).empty());
  INFO("back: " << back.DebugString());
  REQUIRE(back.spec().metrics_size() == 2);
  CHECK(MessageDifferencer::Equals(back.spec().metrics(0), in.spec().metrics(1)));
  CHECK(MessageDifferencer::Equals(back.spec().metrics(1), in.spec().metrics(0)));
}
