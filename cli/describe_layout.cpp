#include "cli/describe_layout.hpp"

#include "actors/api/human_duration.hpp"
#include "config/time_format.hpp"

namespace troupe::cli::describe_layout {

std::string str(const json& o, const char* key, const std::string& fallback) {
  if (!o.is_object() || !o.contains(key) || o[key].is_null())
    return fallback;
  return o[key].is_string() ? o[key].get<std::string>() : o[key].dump();
}

json obj(const json& o, const char* key) {
  return o.is_object() && o.contains(key) && o[key].is_object() ? o[key] : json::object();
}

json arr(const json& o, const char* key) {
  return o.is_object() && o.contains(key) && o[key].is_array() ? o[key] : json::array();
}



void write_map_multiline(prefix_writer& w, int level, const std::string& title, const json& m,
                         const std::string& sep, bool skip_last_applied) {
  std::string prefix = std::string(level * 2, ' ');
  bool first = true;
  if (m.is_object())
    for (auto it = m.begin(); it != m.end(); ++it) {
      if (skip_last_applied && it.key() == "kubectl.kubernetes.io/last-applied-configuration")
        continue;
      std::string v = it->is_string() ? it->get<std::string>() : it->dump();
      w.out << (first ? prefix + title + ":\t" : prefix + "\t") << it.key() << sep << v << "\n";
      first = false;
    }
  if (first)
    w.out << prefix << title << ":\t<none>\n";
}

std::string age(const std::string& ts, int64_t now) {
  auto t = config::parse_rfc3339(ts);
  if (!t)
    return "<unknown>";
  return api::human_duration((now - t->seconds) * 1000000000LL);
}

void write_events(prefix_writer& w, const json& events, int64_t now) {
  if (!events.is_array() || events.empty()) {
    w.out << "Events:\t<none>\n";
    return;
  }
  w.out << "Events:\n";
  w.write(1, "Type\tReason\tAge\tFrom\tMessage");
  w.write(1, "----\t------\t----\t----\t-------");
  for (const auto& e : events) {
    std::string last = str(e, "lastTimestamp", str(e, "eventTime"));
    std::string first = str(e, "firstTimestamp", last);
    int64_t count = e.value("count", 1);
    std::string interval = count > 1 ? age(last, now) + " (x" + std::to_string(count) + " over " + age(first, now) + ")"
                                     : age(last.empty() ? first : last, now);
    json src = obj(e, "source");
    // kubectl 1.32 shows the component only (source.host is not printed).
    std::string from = str(src, "component", str(e, "reportingComponent"));
    std::string msg = str(e, "message");
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' '))
      msg.pop_back();
    w.write(1, str(e, "type") + "\t" + str(e, "reason") + "\t" + interval + "\t" + from + "\t" + msg);
  }
}

void write_common_meta(prefix_writer& w, const json& o, bool with_ns) {
  json m = obj(o, "metadata");
  w.write(0, "Name:\t" + str(m, "name"));
  if (with_ns)
    w.write(0, "Namespace:\t" + str(m, "namespace"));
}

std::string controlled_by(const json& m) {
  for (const auto& ref : arr(m, "ownerReferences"))
    if (ref.value("controller", false))
      return str(ref, "kind") + "/" + str(ref, "name");
  return {};
}

// A pod's containers: "Containers:" at `level`, each name one level deeper (plus one space inside
// a pod template, as kubectl writes it), their fields at level 2.
void write_containers(prefix_writer& w, int level, const char* title, const json& containers,
                      const json& statuses) {
  if (containers.empty())
    return;
  w.write(level, std::string(title) + ":");
  for (const auto& c : containers) {
    w.write(level > 0 ? level : 1, std::string(level > 0 ? " " : "") + str(c, "name") + ":");
    json st;
    for (const auto& s : statuses)
      if (str(s, "name") == str(c, "name"))
        st = s;
    int l = 2;
    if (!st.is_null())
      w.write(l, "Container ID:\t" + str(st, "containerID"));
    w.write(l, "Image:\t" + str(c, "image"));
    if (!st.is_null())
      w.write(l, "Image ID:\t" + str(st, "imageID"));
    auto ports = arr(c, "ports");
    if (ports.empty()) {
      w.write(l, "Port:\t<none>");
      w.write(l, "Host Port:\t<none>");
    } else {
      std::string p, hp;
      for (const auto& port : ports) {
        p += (p.empty() ? "" : ", ") + str(port, "containerPort") + "/" + str(port, "protocol", "TCP");
        hp += (hp.empty() ? "" : ", ") + str(port, "hostPort", "0") + "/" + str(port, "protocol", "TCP");
      }
      w.write(l, std::string(ports.size() > 1 ? "Ports" : "Port") + ":\t" + p);
      w.write(l, std::string(ports.size() > 1 ? "Host Ports" : "Host Port") + ":\t" + hp);
    }
    if (!arr(c, "command").empty()) {
      w.write(l, "Command:");
      for (const auto& a : c["command"])
        w.write(l + 1, a.get<std::string>());
    }
    if (!arr(c, "args").empty()) {
      w.write(l, "Args:");
      for (const auto& a : c["args"])
        w.write(l + 1, a.get<std::string>());
    }
    if (!st.is_null()) {
      json state = obj(st, "state");
      if (state.contains("running")) {
        w.write(l, "State:\tRunning");
        w.write(l + 1, "Started:\t" + describe_time(str(state["running"], "startedAt")));
      } else if (state.contains("waiting")) {
        w.write(l, "State:\tWaiting");
        w.write(l + 1, "Reason:\t" + str(state["waiting"], "reason"));
      } else if (state.contains("terminated")) {
        w.write(l, "State:\tTerminated");
        w.write(l + 1, "Reason:\t" + str(state["terminated"], "reason"));
        w.write(l + 1, "Exit Code:\t" + str(state["terminated"], "exitCode", "0"));
      }
      w.write(l, std::string("Ready:\t") + (st.value("ready", false) ? "True" : "False"));
      w.write(l, "Restart Count:\t" + str(st, "restartCount", "0"));
    }
    json res = obj(c, "resources");
    for (const char* kind : {"limits", "requests"}) {
      json r = obj(res, kind);
      if (r.empty())
        continue;
      w.write(l, std::string(kind[0] == 'l' ? "Limits" : "Requests") + ":");
      for (auto it = r.begin(); it != r.end(); ++it)
        w.write(l + 1, it.key() + ":\t" + it->get<std::string>());
    }
    auto env = arr(c, "env");
    if (env.empty()) {
      w.write(l, "Environment:\t<none>");
    } else {
      w.write(l, "Environment:");
      for (const auto& e : env)
        w.write(l + 1, str(e, "name") + ":\t" + (e.contains("value") ? str(e, "value") : "<set to a reference>"));
    }
    auto mounts = arr(c, "volumeMounts");
    if (mounts.empty()) {
      w.write(l, "Mounts:\t<none>");
    } else {
      w.write(l, "Mounts:");
      for (const auto& m : mounts)
        w.write(l + 1, str(m, "mountPath") + " from " + str(m, "name") + " ("
                         + (m.value("readOnly", false) ? "ro" : "rw") + ")");
    }
  }
}

void write_volumes(prefix_writer& w, int level, const json& volumes) {
  if (volumes.empty()) {
    w.write(level, "Volumes:\t<none>");
    return;
  }
  w.write(level, "Volumes:");
  for (const auto& v : volumes) {
    w.write(level + 1, str(v, "name") + ":");
    for (auto it = v.begin(); it != v.end(); ++it)
      if (it.key() != "name")
        w.write(level + 2, "Type:\t" + it.key());
  }
}

void write_tolerations(prefix_writer& w, int level, const std::string& title, const json& tolerations) {
  std::string prefix = std::string(level * 2, ' ');
  if (tolerations.empty()) {
    w.out << prefix << title << ":\t<none>\n";
    return;
  }
  bool first = true;
  for (const auto& t : tolerations) {
    std::string s = str(t, "key");
    if (!str(t, "value").empty())
      s += "=" + str(t, "value");
    if (!str(t, "effect").empty())
      s += ":" + str(t, "effect");
    if (str(t, "operator") == "Exists" && str(t, "value").empty())
      s += (s.empty() ? "" : " ") + std::string("op=Exists");
    if (t.contains("tolerationSeconds"))
      s += " for " + str(t, "tolerationSeconds") + "s";
    w.out << (first ? prefix + title + ":\t" : prefix + "\t") << s << "\n";
    first = false;
  }
}

void write_node_selector(prefix_writer& w, int level, const std::string& title, const json& sel) {
  std::string s;
  if (sel.is_object())
    for (auto it = sel.begin(); it != sel.end(); ++it)
      s += (s.empty() ? "" : ",") + it.key() + "=" + it->get<std::string>();
  w.write(level, title + ":\t" + (s.empty() ? "<none>" : s));
}

void write_pod_template(prefix_writer& w, const json& tmpl) {
  json m = obj(tmpl, "metadata"), spec = obj(tmpl, "spec");
  w.write(0, "Pod Template:");
  write_map_multiline(w, 1, "Labels", obj(m, "labels"), "=");
  if (!obj(m, "annotations").empty())
    write_map_multiline(w, 1, "Annotations", obj(m, "annotations"), ": ");
  if (!str(spec, "serviceAccountName").empty())
    w.write(1, "Service Account:\t" + str(spec, "serviceAccountName"));
  write_containers(w, 1, "Init Containers", arr(spec, "initContainers"), json::array());
  write_containers(w, 1, "Containers", arr(spec, "containers"), json::array());
  write_volumes(w, 1, arr(spec, "volumes"));
  write_node_selector(w, 1, "Node-Selectors", obj(spec, "nodeSelector"));
  write_tolerations(w, 1, "Tolerations", arr(spec, "tolerations"));
}

} // namespace troupe::cli::describe_layout
