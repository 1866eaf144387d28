// The DefaultTolerationSeconds admission values (kube-apiserver
// --default-not-ready-toleration-seconds / --default-unreachable-toleration-seconds): admission
// adds the configured seconds, keeps a pod's own tolerations, and defaults to 300 s.
#include "config/admission.hpp"

#include <catch2/catch.hpp>

#include "tests/config/object_factories.hpp"

using namespace troupe;

namespace {

const config::kind_info& pods() { return *config::find_kind("v1", "Pod"); }

// "key=seconds" of every NoExecute toleration ("key=-" without seconds).
std::string no_execute(const core::v1::Pod& p) {
  std::string out;
  for (const auto& t : p.spec().tolerations())
    if (t.effect() == "NoExecute")
      out += t.key() + "=" +
             (t.has_tolerationseconds() ? std::to_string(t.tolerationseconds()) : "-") + " ";
  return out;
}

} // namespace

TEST_CASE("admission: default not-ready/unreachable tolerations", "[lifecycle][admission]") {
  SECTION("Kubernetes' 300 s without options") {
    auto pod = testing::make_pod();
    REQUIRE(config::admit(pods(), pod).ok());
    CHECK(no_execute(pod) ==
          "node.kubernetes.io/not-ready=300 node.kubernetes.io/unreachable=300 ");
  }
  SECTION("the configured seconds (fast profile: 5)") {
    config::admission_options o;
    o.default_tolerations.not_ready_seconds = 5;
    o.default_tolerations.unreachable_seconds = 7;
    auto pod = testing::make_pod();
    REQUIRE(config::admit(pods(), pod, o).ok());
    CHECK(no_execute(pod) == "node.kubernetes.io/not-ready=5 node.kubernetes.io/unreachable=7 ");
    // Admitting again (an update) adds nothing.
    REQUIRE(config::admit(pods(), pod, o).ok());
    CHECK(pod.spec().tolerations_size() == 2);
  }
  SECTION("a pod's own toleration of the taint wins (a DaemonSet's forever)") {
    config::admission_options o;
    o.default_tolerations.unreachable_seconds = 5;
    auto pod = testing::make_pod();
    auto* t = pod.mutable_spec()->add_tolerations();
    t->set_key("node.kubernetes.io/unreachable");
    t->set_operator_("Exists");
    t->set_effect("NoExecute");
    REQUIRE(config::admit(pods(), pod, o).ok());
    CHECK(no_execute(pod) == "node.kubernetes.io/unreachable=- node.kubernetes.io/not-ready=300 ");
  }
}
