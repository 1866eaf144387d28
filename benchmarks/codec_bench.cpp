// codec_bench: how fast the object model turns a realistic Deployment manifest into an admitted
// object (decode + default + validate, from YAML and from JSON) and writes it back (protobuf,
// JSON, YAML). Prints one JSON line per figure. Usage: codec_bench [seconds per figure, default 1]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

#include "config/admission.hpp"
#include "config/object_codec.hpp"
#include "config/yaml_codec.hpp"

using namespace troupe::config;
using clock_type = std::chrono::steady_clock;

namespace {

// A Deployment as people write them: probes, resources, env, volumes, affinity.
const char* manifest = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  namespace: shop
  labels: {app: checkout, tier: backend, team: payments}
  annotations:
    kubernetes.io/change-cause: "kubectl apply --filename=checkout.yaml"
spec:
  replicas: 6
  revisionHistoryLimit: 5
  selector:
    matchLabels: {app: checkout}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}
  template:
    metadata:
      labels: {app: checkout, tier: backend}
      annotations: {prometheus.io/scrape: "true", prometheus.io/port: "9090"}
    spec:
      terminationGracePeriodSeconds: 45
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 100
            podAffinityTerm:
              topologyKey: kubernetes.io/hostname
              labelSelector:
                matchLabels: {app: checkout}
      tolerations:
      - {key: dedicated, operator: Equal, value: payments, effect: NoSchedule}
      initContainers:
      - name: migrate
        image: registry.local/checkout:2.4.1
        command: ["/app/migrate", "--wait"]
      containers:
      - name: checkout
        image: registry.local/checkout:2.4.1
        args: ["--port=8080", "--metrics-port=9090"]
        ports:
        - {name: http, containerPort: 8080}
        - {name: metrics, containerPort: 9090}
        env:
        - {name: LOG_LEVEL, value: info}
        - name: POD_IP
          valueFrom: {fieldRef: {fieldPath: status.podIP}}
        - name: DB_PASSWORD
          valueFrom: {secretKeyRef: {name: checkout-db, key: password}}
        envFrom:
        - configMapRef: {name: checkout-config}
        resources:
          requests: {cpu: 250m, memory: 256Mi}
          limits: {cpu: "1", memory: 512Mi}
        readinessProbe:
          httpGet: {path: /ready, port: http}
          periodSeconds: 5
        livenessProbe:
          httpGet: {path: /healthz, port: http}
          initialDelaySeconds: 10
          failureThreshold: 5
        startupProbe:
          tcpSocket: {port: 8080}
          failureThreshold: 30
          periodSeconds: 2
        lifecycle:
          preStop:
            exec: {command: ["sh", "-c", "sleep 5"]}
        volumeMounts:
        - {name: cache, mountPath: /var/cache/checkout}
        - {name: config, mountPath: /etc/checkout, readOnly: true}
      - name: sidecar
        image: registry.local/log-shipper:1.2
        resources:
          requests: {cpu: 50m, memory: 64Mi}
      volumes:
      - name: cache
        emptyDir: {sizeLimit: 1Gi}
      - name: config
        configMap: {name: checkout-config}
)";

struct figure {
  double per_second;
  double ns_per_op;
};

// Runs `op` repeatedly for about `seconds`.
figure measure(double seconds, const std::function<void()>& op) {
  for (int i = 0; i < 50; ++i)
    op(); // warm up
  size_t n = 0;
  auto start = clock_type::now();
  auto deadline = start + std::chrono::duration<double>(seconds);
  clock_type::time_point now;
  do {
    for (int i = 0; i < 64; ++i)
      op();
    n += 64;
    now = clock_type::now();
  } while (now < deadline);
  double elapsed = std::chrono::duration<double>(now - start).count();
  return {n / elapsed, elapsed * 1e9 / n};
}

void print(const char* metric, figure f) {
  std::printf("{\"bench\":\"codec\",\"metric\":\"%s\",\"value\":%.0f,\"unit\":\"objects/s\","
              "\"ns_per_object\":%.0f}\n",
              metric, f.per_second, f.ns_per_op);
}

void fail(const std::string& why) {
  std::fprintf(stderr, "codec_bench: %s\n", why.c_str());
  std::exit(1);
}

} // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 1.0;
  if (seconds <= 0)
    fail("the argument is seconds per figure and must be positive");

  // Check the manifest is what we think before timing anything.
  auto first = decode_manifests(manifest, decode_mode::strict);
  if (first.size() != 1 || !first[0].ok())
    fail("manifest does not decode: " + (first.empty() ? std::string() : first[0].message()));
  auto admitted = admit(*first[0].kind, *first[0].object);
  if (!admitted.ok())
    fail("manifest is invalid: " + admitted.message(*first[0].kind, *first[0].object));
  const auto& kind = *first[0].kind;
  const auto& object = *first[0].object;
  const std::string json_text = encode_json(kind, object).dump();
  const std::string pb = encode_protobuf(kind, object);
  std::printf("{\"bench\":\"codec\",\"metric\":\"manifest_bytes\",\"value\":%zu,\"unit\":\"bytes\","
              "\"json_bytes\":%zu,\"protobuf_bytes\":%zu}\n",
              std::string(manifest).size(), json_text.size(), pb.size());

  print("yaml_decode_default_validate", measure(seconds, [&] {
          auto d = decode_manifests(manifest, decode_mode::strict);
          auto r = admit(*d[0].kind, *d[0].object);
          if (!r.ok())
            fail("admission failed");
        }));
  print("json_decode_default_validate", measure(seconds, [&] {
          auto d = decode_json_text(json_text, decode_mode::strict);
          auto r = admit(*d.kind, *d.object);
          if (!r.ok())
            fail("admission failed");
        }));
  print("protobuf_decode", measure(seconds, [&] {
          auto d = decode_protobuf(pb);
          if (!d.ok())
            fail("protobuf decode failed");
        }));
  print("protobuf_encode", measure(seconds, [&] {
          auto s = encode_protobuf(kind, object);
          if (s.size() != pb.size())
            fail("protobuf encode changed size");
        }));
  print("json_encode", measure(seconds, [&] {
          auto s = encode_json(kind, object).dump();
          if (s.size() != json_text.size())
            fail("json encode changed size");
        }));
  print("yaml_encode", measure(seconds, [&] {
          auto s = to_yaml(encode_json(kind, object));
          if (s.empty())
            fail("yaml encode failed");
        }));
  return 0;
}
