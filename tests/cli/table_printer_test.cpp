// kubectl's human printer over server-side Tables.
#include <catch2/catch.hpp>

#include "cli/table_printer.hpp"
#include "cli/tabwriter.hpp"

using namespace troupe::cli;
using nlohmann::json;

namespace {

json pod_table() {
  return json::parse(R"({"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"7"},
    "columnDefinitions":[{"name":"Name","priority":0},{"name":"Ready","priority":0},{"name":"Status","priority":0},
                         {"name":"Restarts","priority":0},{"name":"Age","priority":0},{"name":"IP","priority":1},
                         {"name":"Node","priority":1}],
    "rows":[{"cells":["web-0","1/1","Running",0,"5m","10.0.0.7","node1"],
             "object":{"metadata":{"name":"web-0","namespace":"demo","labels":{"tier":"a","app":"web"}}}},
            {"cells":["db","0/1","Pending",12,"17s",null,"<none>"],
             "object":{"metadata":{"name":"db","namespace":"prod"}}}]})");
}

std::string render(const json& t, const table_options& o) {
  tab_writer w;
  w.add(table_header(t["columnDefinitions"], o));
  for (auto& r : table_rows(t, t["columnDefinitions"], o))
    w.add(r);
  return w.flush();
}

} // namespace

TEST_CASE("table printer: kubectl's columns and layout", "[unit][cli]") {
  struct tc {
    const char* name;
    table_options o;
    std::string expected;
  };
  table_options wide;
  wide.wide = true;
  table_options labels;
  labels.show_labels = true;
  table_options all_ns;
  all_ns.with_namespace = true;
  table_options kinds;
  kinds.kind_prefix = "pod";
  std::vector<tc> cases = {
    {"priority 0 only", {},
     "NAME    READY   STATUS    RESTARTS   AGE\n"
     "web-0   1/1     Running   0          5m\n"
     "db      0/1     Pending   12         17s\n"},
    {"-o wide", wide,
     "NAME    READY   STATUS    RESTARTS   AGE   IP         NODE\n"
     "web-0   1/1     Running   0          5m    10.0.0.7   node1\n"
     "db      0/1     Pending   12         17s   <nil>      <none>\n"},
    {"--show-labels", labels,
     "NAME    READY   STATUS    RESTARTS   AGE   LABELS\n"
     "web-0   1/1     Running   0          5m    app=web,tier=a\n"
     "db      0/1     Pending   12         17s   <none>\n"},
    {"-A", all_ns,
     "NAMESPACE   NAME    READY   STATUS    RESTARTS   AGE\n"
     "demo        web-0   1/1     Running   0          5m\n"
     "prod        db      0/1     Pending   12         17s\n"},
    {"several kinds", kinds,
     "NAME        READY   STATUS    RESTARTS   AGE\n"
     "pod/web-0   1/1     Running   0          5m\n"
     "pod/db      0/1     Pending   12         17s\n"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(render(pod_table(), c.o) == c.expected);
  }
}

TEST_CASE("table printer: minimum width 6 and remembered widths across flushes (watch)", "[unit][cli]") {
  tab_writer w;
  w.add({"NAME", "IP"});
  w.add({"a", "1"});
  CHECK(w.flush() == "NAME   IP\na      1\n");
  w.add({"a-much-longer-name", "2"});
  CHECK(w.flush() == "a-much-longer-name2\n"); // Go's tabwriter keeps the first widths
  w.reset();
  w.add({"x", "y", "z"});
  CHECK(w.flush() == "x     y     z\n");
}

TEST_CASE("table printer: watch events column", "[unit][cli]") {
  table_options o;
  o.watch_events = true;
  auto t = pod_table();
  auto rows = table_rows(t, t["columnDefinitions"], o, "MODIFIED");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].front() == "MODIFIED");
  CHECK(table_header(t["columnDefinitions"], o).front() == "EVENT");
}

TEST_CASE("table printer: cells as Go prints them", "[unit][cli]") {
  json t = json::parse(R"({"columnDefinitions":[{"name":"A"},{"name":"B"},{"name":"C"}],
                           "rows":[{"cells":["two\nlines",true,1.5]}]})");
  auto rows = table_rows(t, t["columnDefinitions"], {});
  REQUIRE(rows.size() == 1);
  CHECK(rows[0] == table_row{"two...", "true", "1.5"});
  CHECK(format_labels(json::object()) == "<none>");
}

TEST_CASE("tabwriter: column blocks as Go's text/tabwriter", "[unit][cli]") {
  // A line without tabs ends a block ("Conditions:"); "Events:" joins the block of the lines
  // above it, so it is as wide as "  Ready " + 2.
  std::string in = "Name:\tweb\nNamespace:\tdemo\nConditions:\n  Type\tStatus\n  Ready \tTrue \nEvents:\t<none>\n";
  std::string want = "Name:       web\nNamespace:  demo\nConditions:\n  Type    Status\n  Ready   True \nEvents:   <none>\n";
  CHECK(tabwriter_format(in, 0, 2) == want);
  CHECK(tabwriter_format("a\tb\tc\nlong\tx\n", 0, 2) == "a     b  c\nlong  x\n");
}
