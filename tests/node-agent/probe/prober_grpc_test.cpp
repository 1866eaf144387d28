// The prober's grpc probes against a loopback grpc++ server with the default health service
// (fixtures: prober_fixtures.hpp).
#include <catch2/catch.hpp>

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include <string>
#include <vector>

#include "tests/node-agent/probe/loopback_server.hpp"
#include "tests/node-agent/probe/prober_fixtures.hpp"

namespace probe = troupe::node_agent::probe;
namespace rt = troupe::node_agent::runtime;
namespace v1 = troupe::core::v1;
using namespace std::chrono_literals;
using troupe::config::int_or_string_from_int;
using troupe::config::int_or_string_from_string;
using troupe::testing::closed_port;
using troupe::testing::exec_probe;
using troupe::testing::fake_pod;
using troupe::testing::http_answer;
using troupe::testing::http_probe;
using troupe::testing::outcomes;
using troupe::testing::target;
using troupe::testing::tcp_probe;
using troupe::testing::test_server;
using result = probe::probe_outcome::result;

TEST_CASE("prober: grpc probes against a loopback health service", "[probe]") {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder b;
  grpc::CallbackGenericService unimplemented;  // a server needs one service polled besides health
  b.RegisterCallbackGenericService(&unimplemented);
  int port = 0;
  b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  auto server = b.BuildAndStart();
  REQUIRE(server);
  REQUIRE(port > 0);
  server->GetHealthCheckService()->SetServingStatus("db", false);
  probe::prober pr(nullptr);
  outcomes out;
  auto grpc_probe = [](int p, const std::string& service) {
    v1::Probe pb;
    pb.mutable_handler()->mutable_grpc()->set_port(p);
    if (!service.empty())
      pb.mutable_handler()->mutable_grpc()->set_service(service);
    pb.set_timeoutseconds(1);
    return pb;
  };
  pr.run_probe(grpc_probe(port, ""), target(), out.slot(0));
  auto o = out.one(0);
  CHECK(o.what == result::success);
  CHECK(o.message == "service healthy");
  pr.run_probe(grpc_probe(port, "db"), target(), out.slot(1));
  o = out.one(1);
  CHECK(o.what == result::failure);
  CHECK(o.message == "service unhealthy (responded with \"NOT_SERVING\")");
  pr.run_probe(grpc_probe(port, "nope"), target(), out.slot(2));
  o = out.one(2);
  CHECK(o.what == result::failure);
  CHECK(o.message.find("error: health rpc probe failed: rpc error: code = NotFound desc = ") == 0);
  int closed = closed_port();
  pr.run_probe(grpc_probe(closed, ""), target(), out.slot(3));
  o = out.one(3);
  CHECK(o.what == result::failure);
  CHECK(o.message == "timeout: failed to connect service \"127.0.0.1:" + std::to_string(closed) +
                         "\" within 1s: context deadline exceeded");
  server->Shutdown();

  grpc::EnableDefaultHealthCheckService(false);
  grpc::ServerBuilder b2;
  grpc::CallbackGenericService other;
  b2.RegisterCallbackGenericService(&other);
  int port2 = 0;
  b2.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port2);
  auto no_health = b2.BuildAndStart();
  REQUIRE(no_health);
  pr.run_probe(grpc_probe(port2, ""), target(), out.slot(4));
  o = out.one(4);
  CHECK(o.what == result::failure);
  CHECK(o.message.find("this server does not implement the grpc health protocol "
                       "(grpc.health.v1.Health): ") == 0);
  no_health->Shutdown();
}

