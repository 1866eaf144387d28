// The scheduler cache (scheduler_cache.hpp): what each pod counts on its node as pods are bound,
// assumed, forgotten, finished and removed, pods that arrive before their node, and the view's
// node order.
#include <catch2/catch.hpp>

#include "actors/scheduler/scheduler_cache.hpp"

namespace v1 = troupe::core::v1;
using namespace troupe::scheduler;

namespace {

std::shared_ptr<v1::Node> make_node(const std::string& name, const std::string& zone = "z1") {
  auto n = std::make_shared<v1::Node>();
  n->mutable_metadata()->set_name(name);
  (*n->mutable_metadata()->mutable_labels())["zone"] = zone;
  auto& alloc = *n->mutable_status()->mutable_allocatable();
  alloc["cpu"].set_string("2");
  alloc["memory"].set_string("4Gi");
  alloc["pods"].set_string("10");
  return n;
}

std::shared_ptr<v1::Pod> make_pod(const std::string& name, const std::string& node = "",
                                  const std::string& cpu = "250m") {
  auto p = std::make_shared<v1::Pod>();
  p->mutable_metadata()->set_name(name);
  p->mutable_metadata()->set_namespace_("default");
  p->mutable_metadata()->set_uid("uid-" + name);
  p->mutable_spec()->set_nodename(node);
  auto* c = p->mutable_spec()->add_containers();
  c->set_name("app");
  if (!cpu.empty())
    (*c->mutable_resources()->mutable_requests())["cpu"].set_string(cpu);
  return p;
}

int64_t cpu_on(const scheduler_cache& c, const std::string& node) {
  return c.info(node)->requested.milli_cpu;
}

} // namespace

TEST_CASE("scheduler cache: bound pods count on their node, unbound and finished do not",
          "[scheduler]") {
  scheduler_cache c;
  c.upsert_node(make_node("n1"));
  auto info = c.info("n1");
  REQUIRE(info);
  CHECK(info->allocatable.milli_cpu == 2000);
  CHECK(info->allocatable.memory == 4LL << 30);
  CHECK(info->allowed_pods == 10);

  c.upsert_pod(make_pod("pending"));
  CHECK(c.info("n1")->pods == 0);
  c.upsert_pod(make_pod("a", "n1"));
  c.upsert_pod(make_pod("b", "n1", ""));  // requests nothing
  CHECK(c.info("n1")->pods == 2);
  CHECK(cpu_on(c, "n1") == 250);
  CHECK(c.info("n1")->non_zero_requested.milli_cpu == 350);  // 250 + the 100m default
  CHECK(c.info("n1")->non_zero_requested.memory == 2 * (200LL << 20));

  // The same pod again (a status update) is not counted twice.
  c.upsert_pod(make_pod("a", "n1"));
  CHECK(cpu_on(c, "n1") == 250);

  auto done = make_pod("a", "n1");
  done->mutable_status()->set_phase("Succeeded");
  c.upsert_pod(done);
  CHECK(cpu_on(c, "n1") == 0);
  CHECK(c.info("n1")->pods == 1);
  c.remove_pod("uid-b");
  CHECK(c.info("n1")->pods == 0);
  CHECK(c.info("n1")->non_zero_requested.milli_cpu == 0);
}

TEST_CASE("scheduler cache: assume counts at once, the watch confirms, forget undoes",
          "[scheduler]") {
  scheduler_cache c;
  c.upsert_node(make_node("n1"));
  c.upsert_node(make_node("n2"));
  auto pod = make_pod("web");
  c.assume(pod, "n2");
  CHECK(c.assumed("uid-web"));
  CHECK(cpu_on(c, "n2") == 250);
  c.forget("uid-web");
  CHECK_FALSE(c.assumed("uid-web"));
  CHECK(cpu_on(c, "n2") == 0);

  c.assume(pod, "n2");
  c.upsert_pod(make_pod("web", "n2"));  // the binding arrived through the watch
  CHECK_FALSE(c.assumed("uid-web"));
  CHECK(cpu_on(c, "n2") == 250);
  c.forget("uid-web");  // confirmed pods are not forgotten
  CHECK(cpu_on(c, "n2") == 250);
}

TEST_CASE("scheduler cache: pods before their node, node updates and removal keep the counts",
          "[scheduler]") {
  scheduler_cache c;
  c.upsert_pod(make_pod("early", "n1"));
  CHECK(c.info("n1") == nullptr);
  c.upsert_node(make_node("n1"));
  CHECK(cpu_on(c, "n1") == 250);

  // A heartbeat or relabel replaces the Node; what its pods take stays.
  c.upsert_node(make_node("n1", "z2"));
  CHECK(cpu_on(c, "n1") == 250);
  CHECK(c.node("n1")->metadata().labels().at("zone") == "z2");

  c.remove_node("n1");
  CHECK(c.node_count() == 0);
  c.upsert_node(make_node("n1"));
  CHECK(cpu_on(c, "n1") == 250);
  c.remove_pod("uid-early");
  CHECK(cpu_on(c, "n1") == 0);
}

TEST_CASE("scheduler cache: the view lists nodes in name order and follows changes",
          "[scheduler]") {
  scheduler_cache c;
  for (auto n : {"c", "a", "b"})
    c.upsert_node(make_node(n));
  auto names = [&] {
    std::vector<std::string> out;
    auto v = c.view();
    for (const auto* i : *v.nodes)
      out.push_back(i->node.metadata().name());
    return out;
  };
  CHECK(names() == std::vector<std::string>{"a", "b", "c"});
  c.upsert_node(make_node("b", "z9"));  // replaced in place
  auto v = c.view();
  CHECK((*v.nodes)[1]->node.metadata().labels().at("zone") == "z9");
  c.remove_node("a");
  CHECK(names() == std::vector<std::string>{"b", "c"});
  CHECK(c.view().topology != nullptr);
}
