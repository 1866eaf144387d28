#include <catch2/catch.hpp>

#include "config/object_codec.hpp"
#include "config/version_conversion.hpp"
#include "proto/autoscaling_v2.pb.h"
#include "proto/batch_v1.pb.h"

using namespace troupe::config;

TEST_CASE("served versions convert to the stored version and back", "[unit][conversion]") {
  SECTION("autoscaling/v1 HPA is stored as v2") {
    auto d = decode_manifests(R"(apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: demo}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 5
  targetCPUUtilizationPercentage: 70
)",
                              decode_mode::strict);
    REQUIRE(d[0].ok());
    CHECK(storage_kind(*d[0].kind).api_version() == "autoscaling/v2");
    auto stored = to_storage_version(*d[0].kind, *d[0].object);
    REQUIRE(stored.ok());
    const auto& v2 = static_cast<const troupe::autoscaling::v2::HorizontalPodAutoscaler&>(*stored.object);
    REQUIRE(v2.spec().metrics_size() == 1);
    CHECK(v2.spec().metrics(0).resource().name() == "cpu");
    CHECK(v2.spec().metrics(0).resource().target().averageutilization() == 70);
    auto back = from_storage_version(*d[0].kind, *stored.object);
    REQUIRE(back.ok());
    CHECK(encode_json(*d[0].kind, *back.object)["spec"]["targetCPUUtilizationPercentage"] == 70);
  }
  SECTION("batch/v1beta1 CronJob is stored as v1 unchanged") {
    auto d = decode_manifests(R"(apiVersion: batch/v1beta1
kind: CronJob
metadata: {name: tick}
spec:
  schedule: "@hourly"
  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: i}]}}}}
)",
                              decode_mode::strict);
    REQUIRE(d[0].ok());
    const auto& target = storage_kind(*d[0].kind);
    CHECK(target.api_version() == "batch/v1");
    auto stored = to_storage_version(*d[0].kind, *d[0].object);
    REQUIRE(stored.ok());
    CHECK(static_cast<const troupe::batch::v1::CronJob&>(*stored.object).spec().schedule() == "@hourly");
    CHECK(encode_json(target, *stored.object)["apiVersion"] == "batch/v1");
  }
  SECTION("a storage version converts to itself") {
    const auto* k = find_kind("apps/v1", "Deployment");
    REQUIRE(k);
    auto obj = k->new_object();
    auto r = to_storage_version(*k, *obj);
    CHECK(r.ok());
  }
}
