#include <catch2/catch.hpp>

#include "actors/api/table.hpp"
#include "config/json_codec.hpp"
#include "config/kinds.hpp"

#include <memory>

using nlohmann::json;
namespace api = troupe::api;
namespace config = troupe::config;

namespace {

// 2024-05-01T10:00:00Z
const config::timestamp now{1714557600, 0};

struct made {
  const config::kind_info* kind;
  std::unique_ptr<google::protobuf::Message> object;
};

// An object of `api_version`/`kind` named "x", created 5h ago, with `body` merged in.
made make(const char* api_version, const char* kind, const json& body) {
  const auto* k = config::find_kind(api_version, kind);
  REQUIRE(k != nullptr);
  json j = {{"metadata", {{"name", "x"}, {"creationTimestamp", "2024-05-01T05:00:00Z"}}}};
  j.merge_patch(body);
  auto m = k->new_object();
  auto report = config::json_to_message(j, *m, config::decode_mode::strict);
  INFO(config::to_string(report.errors));
  REQUIRE(report.ok());
  return {k, std::move(m)};
}

std::vector<std::string> column_names(const config::kind_info& k) {
  std::vector<std::string> names;
  for (const auto& c : api::table_columns(k))
    names.push_back(c["name"]);
  return names;
}

std::vector<int> priorities(const config::kind_info& k) {
  std::vector<int> p;
  for (const auto& c : api::table_columns(k))
    p.push_back(c["priority"]);
  return p;
}

} // namespace

TEST_CASE("column sets of each kind", "[unit][api][table]") {
  using names = std::vector<std::string>;
  struct column_case { std::string api_version, kind; names columns; std::vector<int> priority; };
  const std::vector<column_case> cases{
      {"v1", "Node", {"Name", "Status", "Roles", "Age", "Version", "Internal-IP", "External-IP", "OS-Image", "Kernel-Version", "Container-Runtime"},
       {0, 0, 0, 0, 0, 1, 1, 1, 1, 1}},
      {"v1", "Namespace", {"Name", "Status", "Age"}, {0, 0, 0}},
      {"v1", "Service", {"Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector"}, {0, 0, 0, 0, 0, 0, 1}},
      {"v1", "Endpoints", {"Name", "Endpoints", "Age"}, {0, 0, 0}},
      {"v1", "Event", {"Last Seen", "Type", "Reason", "Object", "Subobject", "Source", "Message", "First Seen", "Count", "Name"},
       {0, 0, 0, 0, 1, 1, 0, 1, 1, 1}},
      {"v1", "ConfigMap", {"Name", "Data", "Age"}, {0, 0, 0}},
      {"v1", "Secret", {"Name", "Type", "Data", "Age"}, {0, 0, 0, 0}},
      {"v1", "PersistentVolumeClaim", {"Name", "Status", "Volume", "Capacity", "Access Modes", "StorageClass", "VolumeAttributesClass", "Age", "VolumeMode"},
       {0, 0, 0, 0, 0, 0, 0, 0, 1}},
      {"apps/v1", "ReplicaSet", {"Name", "Desired", "Current", "Ready", "Age", "Containers", "Images", "Selector"}, {0, 0, 0, 0, 0, 1, 1, 1}},
      {"apps/v1", "Deployment", {"Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"}, {0, 0, 0, 0, 0, 1, 1, 1}},
      {"apps/v1", "DaemonSet", {"Name", "Desired", "Current", "Ready", "Up-to-date", "Available", "Node Selector", "Age", "Containers", "Images", "Selector"},
       {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1}},
      {"apps/v1", "StatefulSet", {"Name", "Ready", "Age", "Containers", "Images"}, {0, 0, 0, 1, 1}},
      {"apps/v1", "ControllerRevision", {"Name", "Controller", "Revision", "Age"}, {0, 0, 0, 0}},
      {"batch/v1", "Job", {"Name", "Status", "Completions", "Duration", "Age", "Containers", "Images", "Selector"}, {0, 0, 0, 0, 0, 1, 1, 1}},
      {"batch/v1", "CronJob", {"Name", "Schedule", "Timezone", "Suspend", "Active", "Last Schedule", "Age", "Containers", "Images", "Selector"},
       {0, 0, 0, 0, 0, 0, 0, 1, 1, 1}},
      {"batch/v1beta1", "CronJob", {"Name", "Schedule", "Timezone", "Suspend", "Active", "Last Schedule", "Age", "Containers", "Images", "Selector"},
       {0, 0, 0, 0, 0, 0, 0, 1, 1, 1}},
      {"autoscaling/v2", "HorizontalPodAutoscaler", {"Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Age"}, {0, 0, 0, 0, 0, 0, 0}},
      {"autoscaling/v1", "HorizontalPodAutoscaler", {"Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Age"}, {0, 0, 0, 0, 0, 0, 0}},
      {"v1", "PodTemplate", {"Template", "Containers", "Images", "Pod Labels"}, {0, 0, 0, 0}},
      // kinds without a printer get the default columns
      {"metrics.k8s.io/v1beta1", "NodeMetrics", {"Name", "Created At"}, {0, 0}},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.api_version << " " << c.kind) {
      const auto* k = config::find_kind(c.api_version, c.kind);
      REQUIRE(k);
      CHECK(column_names(*k) == c.columns);
      CHECK(priorities(*k) == c.priority);
    }
  }
}

TEST_CASE("cells of each kind", "[unit][api][table]") {
  // body: merged into {"metadata":{"name":"x","creationTimestamp":<5h ago>}}; cells: the expected row
  struct cell_case { std::string name, api_version, kind, body, cells; };
  const std::vector<cell_case> cases{
      {"ready control-plane node", "v1", "Node",
       R"({"metadata":{"labels":{"node-role.kubernetes.io/control-plane":"","node-role.kubernetes.io/master":""}},
           "status":{"conditions":[{"type":"MemoryPressure","status":"False"},{"type":"Ready","status":"True"}],
                     "addresses":[{"type":"InternalIP","address":"10.0.0.2"},{"type":"Hostname","address":"n"}],
                     "nodeInfo":{"kubeletVersion":"v1.32.0","osImage":"Debian 12","kernelVersion":"6.1",
                                 "containerRuntimeVersion":"containerd://1.7","machineID":"","systemUUID":"","bootID":"",
                                 "kubeProxyVersion":"","operatingSystem":"linux","architecture":"amd64"}}})",
       R"(["x","Ready","control-plane,master","5h","v1.32.0","10.0.0.2","<none>","Debian 12","6.1","containerd://1.7"])"},
      {"cordoned node without conditions", "v1", "Node",
       R"({"metadata":{"labels":{"kubernetes.io/role":"worker"}},"spec":{"unschedulable":true}})",
       R"(["x","Unknown,SchedulingDisabled","worker","5h","","<none>","<none>","<unknown>","<unknown>","<unknown>"])"},
      {"not ready node", "v1", "Node", R"({"status":{"conditions":[{"type":"Ready","status":"Unknown"}]}})",
       R"(["x","NotReady","<none>","5h","","<none>","<none>","<unknown>","<unknown>","<unknown>"])"},
      {"namespace", "v1", "Namespace", R"({"status":{"phase":"Terminating"}})", R"(["x","Terminating","5h"])"},
      {"node port service", "v1", "Service",
       R"({"spec":{"type":"NodePort","clusterIP":"10.96.0.12","clusterIPs":["10.96.0.12"],"selector":{"tier":"fe","app":"nginx"},
                   "ports":[{"port":80,"nodePort":31384,"protocol":"TCP"},{"port":53,"protocol":"UDP"}]}})",
       R"(["x","NodePort","10.96.0.12","<none>","80:31384/TCP,53/UDP","5h","app=nginx,tier=fe"])"},
      {"pending load balancer", "v1", "Service",
       R"({"spec":{"type":"LoadBalancer","clusterIPs":["10.96.0.5"],"ports":[{"port":443,"protocol":"TCP"}]}})",
       R"(["x","LoadBalancer","10.96.0.5","<pending>","443/TCP","5h","<none>"])"},
      {"load balancer with ingress and external IPs", "v1", "Service",
       R"({"spec":{"type":"LoadBalancer","externalIPs":["1.2.3.4"]},"status":{"loadBalancer":{"ingress":[{"ip":"5.6.7.8"}]}}})",
       R"(["x","LoadBalancer","<none>","5.6.7.8,1.2.3.4","<none>","5h","<none>"])"},
      {"external name", "v1", "Service", R"({"spec":{"type":"ExternalName","externalName":"db.example.com"}})",
       R"(["x","ExternalName","<none>","db.example.com","<none>","5h","<none>"])"},
      {"endpoints", "v1", "Endpoints",
       R"({"subsets":[{"addresses":[{"ip":"10.0.0.1"},{"ip":"10.0.0.2"},{"ip":"fd00::3"}],"ports":[{"port":80},{"port":443}]}]})",
       R"(["x","10.0.0.1:80,10.0.0.2:80,[fd00::3]:80 + 3 more...","5h"])"},
      {"no endpoints", "v1", "Endpoints", "{}", R"(["x","<none>","5h"])"},
      {"event", "v1", "Event",
       R"({"metadata":{"namespace":"s"},"involvedObject":{"kind":"Pod","name":"web-0","fieldPath":"spec.containers{app}"},
           "reason":"Pulled","message":"  Pulled image \n","type":"Normal","source":{"component":"kubelet","host":"node1"},
           "firstTimestamp":"2024-05-01T09:50:00Z","lastTimestamp":"2024-05-01T09:59:00Z","count":3,
           "reportingComponent":"","reportingInstance":""})",
       R"(["60s","Normal","Pulled","pod/web-0","spec.containers{app}","kubelet, node1","Pulled image","10m",3,"x"])"},
      {"event without count or last time", "v1", "Event",
       R"({"involvedObject":{"kind":"Node"},"reason":"R","type":"Warning","eventTime":"2024-05-01T09:59:00.000000Z",
           "reportingComponent":"troupe-scheduler","reportingInstance":""})",
       R"(["60s","Warning","R","node","","troupe-scheduler","","60s",1,"x"])"},
      {"configmap", "v1", "ConfigMap", R"({"data":{"a":"1","b":"2"},"binaryData":{"c":"AA=="}})", R"(["x",3,"5h"])"},
      {"secret", "v1", "Secret", R"({"type":"Opaque","data":{"a":"AA=="}})", R"(["x","Opaque",1,"5h"])"},
      {"bound pvc", "v1", "PersistentVolumeClaim",
       R"({"spec":{"volumeName":"pv1","storageClassName":"standard","accessModes":["ReadWriteMany","ReadWriteOnce"]},
           "status":{"phase":"Bound","accessModes":["ReadWriteMany","ReadWriteOnce"],"capacity":{"storage":"1024Mi"}}})",
       R"(["x","Bound","pv1","1Gi","RWO,RWX","standard","<unset>","5h","<unset>"])"},
      {"pending pvc", "v1", "PersistentVolumeClaim", R"({"spec":{"volumeMode":"Filesystem"},"status":{"phase":"Pending"}})",
       R"(["x","Pending","","","","","<unset>","5h","Filesystem"])"},
      {"replicaset", "apps/v1", "ReplicaSet",
       R"({"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},
                   "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.17"},{"name":"side","image":"busybox"}]}}},
           "status":{"replicas":3,"readyReplicas":2}})",
       R"(["x",3,3,2,"5h","nginx,side","nginx:1.17,busybox","app=web"])"},
      {"replicaset without selector", "apps/v1", "ReplicaSet", R"({"spec":{"replicas":0}})",
       R"(["x",0,0,0,"5h","","","<none>"])"},
      {"deployment", "apps/v1", "Deployment",
       R"({"spec":{"replicas":6,"selector":{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"In","values":["fe","be"]}]},
                   "template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.17"},{"name":"side","image":"busybox"}]}}},
           "status":{"readyReplicas":4,"updatedReplicas":6,"availableReplicas":4}})",
       R"j(["x","4/6",6,4,"5h","nginx,side","nginx:1.17,busybox","app=web,tier in (be,fe)"])j"},
      {"daemonset", "apps/v1", "DaemonSet",
       R"({"spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"spec":{"nodeSelector":{"disk":"ssd"},"containers":[{"name":"agent","image":"a:1"}]}}},
           "status":{"desiredNumberScheduled":3,"currentNumberScheduled":3,"numberReady":2,"updatedNumberScheduled":1,
                     "numberAvailable":2,"numberMisscheduled":0}})",
       R"(["x",3,3,2,1,2,"disk=ssd","5h","agent","a:1","app=web"])"},
      {"statefulset", "apps/v1", "StatefulSet",
       R"({"spec":{"replicas":2,"serviceName":"db","template":{"spec":{"containers":[{"name":"db","image":"pg"}]}}},
           "status":{"replicas":2,"readyReplicas":1,"availableReplicas":1}})",
       R"(["x","1/2","5h","db","pg"])"},
      {"controller revision", "apps/v1", "ControllerRevision",
       R"({"metadata":{"ownerReferences":[{"apiVersion":"apps/v1","kind":"DaemonSet","name":"agent","uid":"u","controller":true}]},"revision":4})",
       R"(["x","daemonset.apps/agent",4,"5h"])"},
      {"orphan controller revision", "apps/v1", "ControllerRevision", R"({"revision":1})", R"(["x","<none>",1,"5h"])"},
      {"running job", "batch/v1", "Job",
       R"({"spec":{"completions":3,"template":{"spec":{"containers":[{"name":"pi","image":"perl"}]}}},
           "status":{"succeeded":1,"startTime":"2024-05-01T09:57:57Z"}})",
       R"(["x","Running","1/3","2m3s","5h","pi","perl","<none>"])"},
      {"complete job", "batch/v1", "Job",
       R"({"spec":{"parallelism":1},"status":{"succeeded":1,"startTime":"2024-05-01T09:00:00Z","completionTime":"2024-05-01T09:00:17Z",
           "conditions":[{"type":"Complete","status":"True"}]}})",
       R"(["x","Complete","1/1","17s","5h","","","<none>"])"},
      {"parallel job without completions", "batch/v1", "Job", R"({"spec":{"parallelism":4}})",
       R"(["x","Running","0/1 of 4","","5h","","","<none>"])"},
      {"failed job", "batch/v1", "Job", R"({"status":{"conditions":[{"type":"Failed","status":"True"}]}})",
       R"(["x","Failed","0/1","","5h","","","<none>"])"},
      {"suspended job", "batch/v1", "Job", R"({"status":{"conditions":[{"type":"Suspended","status":"True"}]}})",
       R"(["x","Suspended","0/1","","5h","","","<none>"])"},
      {"terminating job", "batch/v1", "Job", R"({"metadata":{"deletionTimestamp":"2024-05-01T10:00:00Z"}})",
       R"(["x","Terminating","0/1","","5h","","","<none>"])"},
      {"cronjob", "batch/v1", "CronJob",
       R"({"spec":{"schedule":"*/5 * * * *","suspend":false,"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"busybox"}]}}}}},
           "status":{"lastScheduleTime":"2024-05-01T09:55:00Z","active":[{"name":"j1"}]}})",
       R"(["x","*/5 * * * *","<none>","False",1,"5m","5h","c","busybox","<none>"])"},
      {"cronjob with time zone, never run", "batch/v1beta1", "CronJob",
       R"({"spec":{"schedule":"@daily","timeZone":"Europe/Berlin","jobTemplate":{}}})",
       R"(["x","@daily","Europe/Berlin","<unset>",0,"<none>","5h","","","<none>"])"},
      {"hpa before metrics", "autoscaling/v2", "HorizontalPodAutoscaler",
       R"({"spec":{"scaleTargetRef":{"kind":"Deployment","name":"nginx"},"minReplicas":1,"maxReplicas":10,
                   "metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":50}}}]}})",
       R"(["x","Deployment/nginx","cpu: <unknown>/50%","1",10,0,"5h"])"},
      {"hpa with metrics", "autoscaling/v2", "HorizontalPodAutoscaler",
       R"({"spec":{"scaleTargetRef":{"kind":"Deployment","name":"nginx"},"maxReplicas":5,
                   "metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":50}}},
                              {"type":"Resource","resource":{"name":"memory","target":{"type":"AverageValue","averageValue":"512Mi"}}},
                              {"type":"Pods","pods":{"metric":{"name":"qps"},"target":{"type":"AverageValue","averageValue":"1k"}}}]},
           "status":{"currentReplicas":2,"desiredReplicas":2,
                     "currentMetrics":[{"type":"Resource","resource":{"name":"cpu","current":{"averageUtilization":20}}},
                                       {"type":"Resource","resource":{"name":"memory","current":{"averageValue":"100Mi"}}}]}})",
       R"(["x","Deployment/nginx","cpu: 20%/50%, memory: 100Mi/512Mi + 1 more...","<unset>",5,2,"5h"])"},
      {"hpa without metrics", "autoscaling/v2", "HorizontalPodAutoscaler",
       R"({"spec":{"scaleTargetRef":{"kind":"ReplicaSet","name":"rs"},"maxReplicas":3}})",
       R"(["x","ReplicaSet/rs","<none>","<unset>",3,0,"5h"])"},
      {"hpa v1", "autoscaling/v1", "HorizontalPodAutoscaler",
       R"({"spec":{"scaleTargetRef":{"kind":"Deployment","name":"nginx"},"minReplicas":1,"maxReplicas":10,"targetCPUUtilizationPercentage":3},
           "status":{"currentReplicas":1,"desiredReplicas":1,"currentCPUUtilizationPercentage":0}})",
       R"(["x","Deployment/nginx","cpu: 0%/3%","1",10,1,"5h"])"},
      {"pod template", "v1", "PodTemplate",
       R"({"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.17"},{"name":"side","image":"busybox"}]}}})",
       R"(["x","nginx,side","nginx:1.17,busybox","app=web"])"},
      {"default table", "metrics.k8s.io/v1beta1", "NodeMetrics", "{}", R"(["x","2024-05-01T05:00:00Z"])"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      auto m = make(c.api_version.c_str(), c.kind.c_str(), json::parse(c.body));
      json cells = api::table_cells(*m.kind, *m.object, now);
      INFO(cells.dump());
      CHECK(cells == json::parse(c.cells));
      CHECK(cells.size() == api::table_columns(*m.kind).size());
    }
  }
}
