// core_v1.proto must encode exactly as Kubernetes' generated.proto does, or kubectl's protobuf
// bodies would not decode. The expected bytes below are worked out by hand from the upstream field
// numbers (tag byte = field_number << 3 | wire_type), not taken from the code under test.
#include <catch2/catch.hpp>

#include <google/protobuf/util/message_differencer.h>

#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "proto/core_v1.pb.h"
#include "proto/meta.pb.h"

namespace {

using google::protobuf::Message;
using google::protobuf::util::MessageDifferencer;

std::string bytes(std::initializer_list<unsigned char> b) {
  return std::string(b.begin(), b.end());
}

std::string hex(const std::string& s) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    if (!out.empty()) out += ' ';
    out += digits[c >> 4];
    out += digits[c & 0xf];
  }
  return out;
}

// Field paths under msg that Troupe's schema does not know (kept as unknown fields).
void collect_unknown(const Message& msg, const std::string& path, std::vector<std::string>& out) {
  const auto* refl = msg.GetReflection();
  if (refl->GetUnknownFields(msg).field_count() > 0) out.push_back(path.empty() ? "<root>" : path);
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  refl->ListFields(msg, &fields);
  for (const auto* f : fields) {
    if (f->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    const auto sub = path + "." + f->name();
    if (!f->is_repeated()) {
      collect_unknown(refl->GetMessage(msg, f), sub, out);
      continue;
    }
    for (int i = 0; i < refl->FieldSize(msg, f); ++i)
      collect_unknown(refl->GetRepeatedMessage(msg, f, i), sub, out);
  }
}

troupe::core::v1::Pod make_pod() {
  troupe::core::v1::Pod pod;
  pod.mutable_metadata()->set_name("web-0");
  pod.mutable_metadata()->set_namespace_("default");
  (*pod.mutable_metadata()->mutable_labels())["app"] = "web";
  auto* spec = pod.mutable_spec();
  spec->set_restartpolicy("Always");
  spec->set_terminationgraceperiodseconds(0);  // a present zero must survive
  auto* c = spec->add_containers();
  c->set_name("nginx");
  c->set_image("nginx:1.25");
  auto* port = c->add_ports();
  port->set_containerport(80);
  port->set_protocol("TCP");
  (*c->mutable_resources()->mutable_limits())["cpu"].set_string("500m");
  auto* probe = c->mutable_livenessprobe();
  probe->mutable_handler()->mutable_httpget()->set_path("/healthz");
  probe->mutable_handler()->mutable_httpget()->mutable_port()->set_type(1);
  probe->mutable_handler()->mutable_httpget()->mutable_port()->set_strval("http");
  probe->set_periodseconds(10);
  auto* vol = spec->add_volumes();
  vol->set_name("data");
  vol->mutable_volumesource()->mutable_persistentvolumeclaim()->set_claimname("data-web-0");
  auto* tol = spec->add_tolerations();
  tol->set_key("node.kubernetes.io/not-ready");
  tol->set_operator_("Exists");
  tol->set_tolerationseconds(300);
  return pod;
}

}  // namespace

TEST_CASE("a pod with nested fields survives serialize and parse", "[unit][wire]") {
  const auto pod = make_pod();
  std::string wire;
  REQUIRE(pod.SerializeToString(&wire));

  troupe::core::v1::Pod back;
  REQUIRE(back.ParseFromString(wire));
  std::string diff;
  MessageDifferencer differ;
  differ.ReportDifferencesToString(&diff);
  INFO(diff);
  CHECK(differ.Compare(pod, back));
  CHECK(back.spec().has_terminationgraceperiodseconds());
  CHECK(back.spec().containers(0).livenessprobe().handler().httpget().port().strval() == "http");
}

TEST_CASE("core/v1 messages encode with Kubernetes' field numbers", "[unit][wire]") {
  struct wire_case {
    std::string name;
    std::function<std::unique_ptr<Message>()> build;
    std::string expected;
  };
  const std::vector<wire_case> cases = {
      // Namespace.metadata = 1 (len 3) { ObjectMeta.name = 1 (len 1) "a" }
      {"namespace name",
       [] {
         auto ns = std::make_unique<troupe::core::v1::Namespace>();
         ns->mutable_metadata()->set_name("a");
         return ns;
       },
       bytes({0x0a, 0x03, 0x0a, 0x01, 0x61})},
      // Toleration.tolerationSeconds = 5, varint 0: a Go *int64 pointing at zero is still sent.
      {"toleration with zero seconds",
       [] {
         auto t = std::make_unique<troupe::core::v1::Toleration>();
         t->set_tolerationseconds(0);
         return t;
       },
       bytes({0x28, 0x00})},
      // Probe.handler = 1 { ProbeHandler.exec = 1 { ExecAction.command = 1 "x" } },
      // Probe.initialDelaySeconds = 2 varint 5. The Go-embedded handler is a nested message.
      {"probe with embedded handler",
       [] {
         auto p = std::make_unique<troupe::core::v1::Probe>();
         p->mutable_handler()->mutable_exec()->add_command("x");
         p->set_initialdelayseconds(5);
         return p;
       },
       bytes({0x0a, 0x05, 0x0a, 0x03, 0x0a, 0x01, 0x78, 0x10, 0x05})},
      // Volume.name = 1 "v", Volume.volumeSource = 2 { VolumeSource.emptyDir = 2 {} }
      {"volume with embedded source",
       [] {
         auto v = std::make_unique<troupe::core::v1::Volume>();
         v->set_name("v");
         v->mutable_volumesource()->mutable_emptydir();
         return v;
       },
       bytes({0x0a, 0x01, 0x76, 0x12, 0x02, 0x12, 0x00})},
      // ServicePort.port = 3 varint 80, targetPort = 4 { type = 1 varint 0, intVal = 2 varint 8080 }
      // (8080 = 0x1f90 -> varint 90 3f).
      {"service port with int target",
       [] {
         auto p = std::make_unique<troupe::core::v1::ServicePort>();
         p->set_port(80);
         p->mutable_targetport()->set_type(0);
         p->mutable_targetport()->set_intval(8080);
         return p;
       },
       bytes({0x18, 0x50, 0x22, 0x05, 0x08, 0x00, 0x10, 0x90, 0x3f})},
      // Binding.target = 2 { ObjectReference.kind = 1 "Node", name = 3 "n" }
      {"binding target",
       [] {
         auto b = std::make_unique<troupe::core::v1::Binding>();
         b->mutable_target()->set_kind("Node");
         b->mutable_target()->set_name("n");
         return b;
       },
       bytes({0x12, 0x09, 0x0a, 0x04, 'N', 'o', 'd', 'e', 0x1a, 0x01, 'n'})},
  };

  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      const auto msg = c.build();
      std::string wire;
      REQUIRE(msg->SerializeToString(&wire));
      CHECK(hex(wire) == hex(c.expected));

      std::unique_ptr<Message> parsed(msg->New());
      REQUIRE(parsed->ParseFromString(c.expected));
      CHECK(MessageDifferencer::Equals(*msg, *parsed));
    }
  }
}

TEST_CASE("fields Troupe leaves out pass through unchanged", "[unit][wire]") {
  // PodSpec.ephemeralContainers = 34, length-delimited: tag 34 << 3 | 2 = 274 -> varint 92 02,
  // followed by an empty EphemeralContainer (length 0). Troupe has no such field, yet a
  // read-modify-write must not drop it.
  const std::string upstream = bytes({0x92, 0x02, 0x00});
  troupe::core::v1::PodSpec spec;
  REQUIRE(spec.ParseFromString(upstream));
  std::vector<std::string> unknown;
  collect_unknown(spec, "", unknown);
  CHECK(unknown == std::vector<std::string>{"<root>"});
  std::string wire;
  REQUIRE(spec.SerializeToString(&wire));
  CHECK(hex(wire) == hex(upstream));
}

TEST_CASE("malformed bytes are rejected, not half-parsed silently", "[unit][wire]") {
  // Namespace.metadata claims 5 bytes but only 2 follow.
  troupe::core::v1::Namespace ns;
  CHECK_FALSE(ns.ParseFromString(bytes({0x0a, 0x05, 0x0a, 0x01})));
}

TEST_CASE("kubectl's core/v1 bodies use no field Troupe left out", "[unit][wire]") {
  struct body_case {
    std::string file;
    std::function<std::unique_ptr<Message>()> make;
  };
  const std::vector<body_case> cases = {
      {"create_namespace.pb", [] { return std::make_unique<troupe::core::v1::Namespace>(); }},
      {"create_configmap.pb", [] { return std::make_unique<troupe::core::v1::ConfigMap>(); }},
      {"create_secret.pb", [] { return std::make_unique<troupe::core::v1::Secret>(); }},
      {"create_service_nodeport.pb", [] { return std::make_unique<troupe::core::v1::Service>(); }},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.file) {
      std::ifstream in(std::string(TROUPE_TEST_DATA) + "/kubectl/" + c.file, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      const std::string body = ss.str();
      // The body is "k8s\0" followed by a runtime.Unknown whose raw field holds the object.
      REQUIRE(body.size() > 4);
      REQUIRE(body.compare(0, 4, std::string("k8s\0", 4)) == 0);
      troupe::meta::Unknown envelope;
      REQUIRE(envelope.ParseFromString(body.substr(4)));
      const auto obj = c.make();
      REQUIRE(obj->ParseFromString(envelope.raw()));
      std::vector<std::string> unknown;
      collect_unknown(*obj, "", unknown);
      std::string where;
      for (const auto& u : unknown) where += " " + u;
      INFO("unknown fields under:" << where);
      CHECK(unknown.empty());
    }
  }
}
