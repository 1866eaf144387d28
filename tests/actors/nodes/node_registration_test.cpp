// The pure decisions of node sessions (actors/nodes/node_registration.hpp) and node credentials
// (node_credential.hpp), as tables.
#include "actors/nodes/node_credential.hpp"
#include "actors/nodes/node_registration.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>

namespace nodes = troupe::nodes;
namespace v1 = troupe::core::v1;
using troupe::config::timestamp;

namespace {

v1::Node make_node(const std::string& name) {
  v1::Node n;
  n.mutable_metadata()->set_name(name);
  (*n.mutable_metadata()->mutable_labels())["kubernetes.io/hostname"] = name;
  (*n.mutable_metadata()->mutable_labels())["kubernetes.io/os"] = "linux";
  (*n.mutable_metadata()->mutable_labels())["kubernetes.io/arch"] = "amd64";
  auto* ready = n.mutable_status()->add_conditions();
  ready->set_type("Ready");
  ready->set_status("True");
  ready->set_reason("KubeletReady");
  (*n.mutable_status()->mutable_capacity())["cpu"].set_string("2");
  n.mutable_status()->mutable_nodeinfo()->set_containerruntimeversion("containerd://1.6.20");
  return n;
}

v1::Pod make_pod(const std::string& uid) {
  v1::Pod p;
  p.mutable_metadata()->set_name("web");
  p.mutable_metadata()->set_namespace_("default");
  p.mutable_metadata()->set_uid(uid);
  p.mutable_metadata()->set_resourceversion("7");
  (*p.mutable_metadata()->mutable_labels())["app"] = "web";
  p.mutable_spec()->set_nodename("node1");
  p.mutable_spec()->add_containers()->set_name("c");
  p.mutable_status()->set_phase("Pending");
  return p;
}

const v1::NodeCondition* condition(const v1::NodeStatus& s, const std::string& type) {
  for (const auto& c : s.conditions())
    if (c.type() == type)
      return &c;
  return nullptr;
}

} // namespace

TEST_CASE("merge_registered_node: the agent owns status and kubelet labels, the rest is kept", "[nodes]") {
  const timestamp now{1000, 0};
  auto reported = make_node("node1");
  (*reported.mutable_metadata()->mutable_labels())["kubernetes.io/arch"] = "arm64";
  (*reported.mutable_metadata()->mutable_labels())["team"] = "agent-says";  // not the agent's to set

  SECTION("a new Node is the agent's, stamped now") {
    auto out = nodes::merge_registered_node(nullptr, reported, now);
    CHECK(out.metadata().name() == "node1");
    CHECK(out.metadata().labels().at("kubernetes.io/arch") == "arm64");
    CHECK(out.metadata().labels().at("team") == "agent-says");
    REQUIRE(condition(out.status(), "Ready"));
    CHECK(condition(out.status(), "Ready")->lastheartbeattime().seconds() == 1000);
    CHECK(condition(out.status(), "Ready")->lasttransitiontime().seconds() == 1000);
    CHECK(out.metadata().resourceversion().empty());
  }

  struct row {
    const char* name;
    std::function<void(v1::Node&)> existing_change;
    std::function<void(const v1::Node&)> expect;
  } rows[] = {
    {"user labels stay, agent labels follow the agent",
     [](v1::Node& n) { (*n.mutable_metadata()->mutable_labels())["team"] = "infra"; },
     [](const v1::Node& out) {
       CHECK(out.metadata().labels().at("team") == "infra");
       CHECK(out.metadata().labels().at("kubernetes.io/arch") == "arm64");
     }},
    {"an agent label the agent no longer reports is dropped",
     [](v1::Node& n) { (*n.mutable_metadata()->mutable_labels())["beta.kubernetes.io/os"] = "linux"; },
     [](const v1::Node& out) { CHECK(out.metadata().labels().count("beta.kubernetes.io/os") == 0); }},
    {"taints and unschedulable stay",
     [](v1::Node& n) {
       n.mutable_spec()->set_unschedulable(true);
       auto* t = n.mutable_spec()->add_taints();
       t->set_key("dedicated");
       t->set_effect("NoSchedule");
     },
     [](const v1::Node& out) {
       CHECK(out.spec().unschedulable());
       REQUIRE(out.spec().taints_size() == 1);
       CHECK(out.spec().taints(0).key() == "dedicated");
     }},
    {"annotations and resourceVersion stay (a conditional update)",
     [](v1::Node& n) {
       (*n.mutable_metadata()->mutable_annotations())["note"] = "x";
       n.mutable_metadata()->set_resourceversion("42");
       n.mutable_metadata()->set_uid("u-1");
     },
     [](const v1::Node& out) {
       CHECK(out.metadata().annotations().at("note") == "x");
       CHECK(out.metadata().resourceversion() == "42");
       CHECK(out.metadata().uid() == "u-1");
     }},
    {"status is the agent's; an unchanged condition keeps its transition time",
     [](v1::Node& n) {
       n.mutable_status()->mutable_conditions(0)->mutable_lasttransitiontime()->set_seconds(10);
       (*n.mutable_status()->mutable_capacity())["cpu"].set_string("64");
     },
     [](const v1::Node& out) {
       CHECK(out.status().capacity().at("cpu").string() == "2");
       CHECK(condition(out.status(), "Ready")->lasttransitiontime().seconds() == 10);
       CHECK(condition(out.status(), "Ready")->lastheartbeattime().seconds() == 1000);
     }},
    {"a condition whose status changed moves its transition time to now",
     [](v1::Node& n) {
       n.mutable_status()->mutable_conditions(0)->set_status("False");
       n.mutable_status()->mutable_conditions(0)->mutable_lasttransitiontime()->set_seconds(10);
     },
     [](const v1::Node& out) {
       CHECK(condition(out.status(), "Ready")->status() == "True");
       CHECK(condition(out.status(), "Ready")->lasttransitiontime().seconds() == 1000);
     }},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    auto existing = make_node("node1");
    r.existing_change(existing);
    r.expect(nodes::merge_registered_node(&existing, reported, now));
  }
}

TEST_CASE("heartbeat_due: at most every 10 s", "[nodes]") {
  struct row {
    timestamp last, now;
    bool due;
  } rows[] = {
    {{100, 0}, {100, 0}, false},
    {{100, 0}, {109, 999999999}, false},
    {{100, 0}, {110, 0}, true},
    {{100, 500}, {110, 499}, false},
    {{100, 0}, {500, 0}, true},
  };
  for (const auto& r : rows) {
    INFO(r.last.seconds << "." << r.last.nanos << " -> " << r.now.seconds << "." << r.now.nanos);
    CHECK(nodes::heartbeat_due(r.last, r.now) == r.due);
  }
  auto n = make_node("n");
  auto refreshed = nodes::refresh_heartbeat(n.status(), {77, 0});
  CHECK(condition(refreshed, "Ready")->lastheartbeattime().seconds() == 77);
  CHECK(refreshed.capacity().at("cpu").string() == "2");
}

TEST_CASE("last_heartbeat: the newest lastHeartbeatTime of the conditions", "[nodes]") {
  v1::NodeStatus none;
  CHECK_FALSE(nodes::last_heartbeat(none).has_value());
  none.add_conditions()->set_type("Ready");  // no heartbeat time
  CHECK_FALSE(nodes::last_heartbeat(none).has_value());
  v1::NodeStatus s;
  s.add_conditions()->mutable_lastheartbeattime()->set_seconds(40);
  s.add_conditions()->mutable_lastheartbeattime()->set_seconds(90);
  s.add_conditions()->mutable_lastheartbeattime()->set_seconds(70);
  REQUIRE(nodes::last_heartbeat(s).has_value());
  CHECK(nodes::last_heartbeat(s)->seconds == 90);
}

TEST_CASE("pod_status_write: sets .status of the pod with that uid, keeps the rest", "[nodes]") {
  auto current = make_pod("uid-1");
  auto reported = make_pod("uid-1");
  reported.mutable_status()->set_phase("Running");
  reported.mutable_status()->set_podip("10.0.0.5");
  (*reported.mutable_metadata()->mutable_labels())["app"] = "agent-must-not-change-this";
  reported.mutable_spec()->set_nodename("elsewhere");
  reported.mutable_metadata()->set_resourceversion("3");

  auto out = nodes::pod_status_write(current, reported, "node1");
  REQUIRE(out);
  CHECK(out->status().phase() == "Running");
  CHECK(out->status().podip() == "10.0.0.5");
  CHECK(out->metadata().labels().at("app") == "web");
  CHECK(out->spec().nodename() == "node1");
  CHECK(out->metadata().resourceversion() == "7");  // the current one: a conditional write

  auto other = make_pod("uid-2");
  CHECK_FALSE(nodes::pod_status_write(other, reported, "node1"));  // recreated under the same name
  CHECK_FALSE(nodes::pod_status_write(current, reported, "node2"));  // another node's pod
  auto unbound = current;
  unbound.mutable_spec()->clear_nodename();
  CHECK_FALSE(nodes::pod_status_write(unbound, reported, "node1"));
  reported.mutable_metadata()->clear_uid();
  CHECK_FALSE(nodes::pod_status_write(current, reported, "node1"));
}

TEST_CASE("prepare_event: names and namespaces events as client-go's recorder does", "[nodes]") {
  v1::Event e;
  e.mutable_involvedobject()->set_name("web");
  e.mutable_involvedobject()->set_namespace_("shop");
  e.set_reason("Pulled");
  auto out = nodes::prepare_event(e, {1700000000, 5});
  CHECK(out.metadata().namespace_() == "shop");
  CHECK(out.metadata().name() == "web.17979cfe362a0005");  // 1700000000000000005 in hex

  e.mutable_metadata()->set_name("given");
  e.mutable_metadata()->set_namespace_("other");
  out = nodes::prepare_event(e, {1, 0});
  CHECK(out.metadata().name() == "given");
  CHECK(out.metadata().namespace_() == "other");

  v1::Event node_event;
  node_event.mutable_involvedobject()->set_kind("Node");
  node_event.mutable_involvedobject()->set_name("node1");
  CHECK(nodes::prepare_event(node_event, {1, 0}).metadata().namespace_() == "default");
}

TEST_CASE("node credentials: only the digest is stored, checks as a table", "[nodes]") {
  std::string templ = (std::filesystem::temp_directory_path() / "troupe-cred-XXXXXX").string();
  const std::string dir = ::mkdtemp(templ.data());
  const auto cred = nodes::new_node_credential();
  REQUIRE(cred.size() == 64);
  CHECK(nodes::new_node_credential() != cred);
  REQUIRE(nodes::store_node_credential(dir, "node1", cred).empty());
  std::ifstream in(nodes::credential_path(dir, "node1"));
  std::string stored;
  std::getline(in, stored);
  CHECK(stored == nodes::credential_digest(cred));
  CHECK(stored != cred);
  struct stat st{};
  REQUIRE(::stat(nodes::credential_path(dir, "node1").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  struct row {
    const char* name;
    std::string node, presented, why;
  } rows[] = {
    {"right", "node1", cred, ""},
    {"wrong", "node1", nodes::new_node_credential(), "wrong credential"},
    {"empty", "node1", "", "wrong credential"},
    {"the digest itself", "node1", stored, "wrong credential"},
    {"never joined", "node2", cred, "unknown node (it has not joined)"},
    {"path traversal", "../node1", cred, "invalid node name"},
    {"upper case", "Node1", cred, "invalid node name"},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    CHECK(nodes::check_node_credential(dir, r.node, r.presented) == r.why);
  }
  // A new join replaces the credential: the old one stops working.
  const auto again = nodes::new_node_credential();
  REQUIRE(nodes::store_node_credential(dir, "node1", again).empty());
  CHECK(nodes::check_node_credential(dir, "node1", again).empty());
  CHECK(nodes::check_node_credential(dir, "node1", cred) == "wrong credential");
  CHECK_FALSE(nodes::store_node_credential(dir, "../x", cred).empty());
  std::filesystem::remove_all(dir);
}
