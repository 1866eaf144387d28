// matchLabelKeys / mismatchLabelKeys of pod (anti-)affinity terms merged into their selectors on
// create (config::merge_match_label_keys), and the merged pod admitted.
#include <catch2/catch.hpp>

#include "config/admission.hpp"
#include "config/kinds.hpp"
#include "config/pod_defaults.hpp"
#include "tests/config/object_factories.hpp"

TEST_CASE("defaults: matchLabelKeys and mismatchLabelKeys merge into the selector on create",
          "[unit][defaults]") {
  namespace core = troupe::core::v1;
  auto pod = troupe::testing::make_pod();
  (*pod.mutable_metadata()->mutable_labels())["app"] = "web";
  (*pod.mutable_metadata()->mutable_labels())["tenant"] = "blue";
  auto* anti = pod.mutable_spec()->mutable_affinity()->mutable_podantiaffinity();
  auto* term = anti->add_requiredduringschedulingignoredduringexecution();
  term->set_topologykey("kubernetes.io/hostname");
  (*term->mutable_labelselector()->mutable_matchlabels())["role"] = "cache";
  term->add_matchlabelkeys("app");
  term->add_matchlabelkeys("missing");  // the pod has no such label: skipped
  term->add_mismatchlabelkeys("tenant");
  auto* preferred = anti->add_preferredduringschedulingignoredduringexecution();
  preferred->set_weight(10);
  preferred->mutable_podaffinityterm()->set_topologykey("zone");
  preferred->mutable_podaffinityterm()->add_matchlabelkeys("app");  // no selector: left alone
  auto* affinity_term = pod.mutable_spec()->mutable_affinity()->mutable_podaffinity()->add_requiredduringschedulingignoredduringexecution();
  affinity_term->set_topologykey("zone");
  affinity_term->mutable_labelselector();
  affinity_term->add_matchlabelkeys("app");

  troupe::config::merge_match_label_keys(pod);
  troupe::config::merge_match_label_keys(pod);  // idempotent
  auto describe = [](const troupe::meta::LabelSelector& s) {
    std::vector<std::string> out;
    for (const auto& e : s.matchexpressions()) {
      std::string line = e.key() + " " + e.operator_();
      for (const auto& v : e.values()) line += " " + v;
      out.push_back(line);
    }
    return out;
  };
  const auto& a = pod.spec().affinity().podantiaffinity();
  CHECK(describe(a.requiredduringschedulingignoredduringexecution(0).labelselector()) ==
        std::vector<std::string>{"app In web", "tenant NotIn blue"});
  CHECK(a.requiredduringschedulingignoredduringexecution(0).labelselector().matchlabels().at("role") == "cache");
  CHECK_FALSE(a.preferredduringschedulingignoredduringexecution(0).podaffinityterm().has_labelselector());
  CHECK(describe(pod.spec().affinity().podaffinity().requiredduringschedulingignoredduringexecution(0).labelselector()) ==
        std::vector<std::string>{"app In web"});
  // The merged pod is valid: a key merged once is not "also given in the selector". (The term
  // without a selector is not: its keys are Forbidden.)
  pod.mutable_spec()->mutable_affinity()->mutable_podantiaffinity()->clear_preferredduringschedulingignoredduringexecution();
  const auto* k = troupe::config::find_kind("v1", "Pod");
  auto r = troupe::config::admit(*k, pod);
  INFO(r.message(*k, pod));
  CHECK(r.ok());
}
