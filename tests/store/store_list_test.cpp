// The shared store suite, part 2: lists (selectors, pages, consistent revisions) and
// delete-collection, on both backends.
#include <catch2/catch.hpp>

#include "proto/core_v1.pb.h"
#include "tests/store/store_fixtures.hpp"

namespace troupe::testing {

using store::status;

namespace {

std::vector<std::string> names(const store::list_result& r) {
  std::vector<std::string> out;
  for (const auto& i : r.items) out.push_back(name_of(*i.object));
  return out;
}

config::field_selector fields(const std::string& text) {
  auto r = config::parse_field_selector(text);
  REQUIRE(r);
  return *r.value;
}

// Pods a-0..a-2 (app=a) and b-0..b-1 (app=b) in "demo", c-0 in "other"; b-1 on node-1.
template <class Store>
void seed(Store& s) {
  for (int i = 0; i < 3; ++i) REQUIRE(s.create(pods(), pod("demo", "a-" + std::to_string(i), {{"app", "a"}}), at(1)).ok());
  for (int i = 0; i < 2; ++i) {
    auto p = pod("demo", "b-" + std::to_string(i), {{"app", "b"}});
    if (i == 1) p.mutable_spec()->set_nodename("node-1");
    REQUIRE(s.create(pods(), p, at(1)).ok());
  }
  REQUIRE(s.create(pods(), pod("other", "c-0", {{"app", "a"}}), at(1)).ok());
}

} // namespace

TEMPLATE_TEST_CASE("store: list by namespace and selectors", "[unit][store]", memory_backend,
                   rocksdb_backend) {
  TestType backend;
  auto s = backend.open();
  seed(*s);
  struct list_case {
    std::string name;
    store::list_options options;
    std::vector<std::string> expected;
  };
  auto opts = [](std::string ns, config::label_selector l = {}, config::field_selector f = {}) {
    store::list_options o;
    o.ns = std::move(ns);
    o.labels = std::move(l);
    o.fields = std::move(f);
    return o;
  };
  const std::vector<list_case> cases = {
      {"every namespace", opts(""), {"a-0", "a-1", "a-2", "b-0", "b-1", "c-0"}},
      {"one namespace", opts("demo"), {"a-0", "a-1", "a-2", "b-0", "b-1"}},
      {"an empty namespace", opts("nothing-here"), {}},
      {"label equality", opts("", labels("app=a")), {"a-0", "a-1", "a-2", "c-0"}},
      {"label set-based", opts("demo", labels("app in (b),app notin (a)")), {"b-0", "b-1"}},
      {"label that nothing has", opts("", labels("tier")), {}},
      {"field metadata.name", opts("", {}, fields("metadata.name=b-0")), {"b-0"}},
      {"field spec.nodeName", opts("", {}, fields("spec.nodeName=node-1")), {"b-1"}},
      {"unscheduled pods", opts("demo", labels("app=b"), fields("spec.nodeName=")), {"b-0"}},
      {"field metadata.namespace", opts("", {}, fields("metadata.namespace!=demo")), {"c-0"}},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      auto r = s->list(pods(), c.options);
      REQUIRE(r.ok());
      CHECK(names(*r) == c.expected);
      CHECK(r->revision == s->revision());
      CHECK(r->continue_token.empty());
      for (const auto& item : r->items) {
        CHECK(item.revision == std::stoll(store::object_meta(*item.object).resourceversion()));
      }
    }
  }
}

TEMPLATE_TEST_CASE("store: list pages with limit and continue reflect the first page's revision",
                   "[unit][store]", memory_backend, rocksdb_backend) {
  TestType backend;
  auto s = backend.open();
  for (int i = 0; i < 7; ++i) REQUIRE(s->create(pods(), pod("demo", "p" + std::to_string(i)), at(1)).ok());
  store::list_options o;
  o.ns = "demo";
  o.limit = 3;
  auto first = s->list(pods(), o);
  REQUIRE(first.ok());
  CHECK(names(*first) == std::vector<std::string>{"p0", "p1", "p2"});
  REQUIRE_FALSE(first->continue_token.empty());
  const int64_t listed_at = first->revision;

  // Changes after the first page: none of them may show on the next pages.
  REQUIRE(s->remove(pods(), "demo", "p3", {}, at(2)).ok());
  REQUIRE(s->create(pods(), pod("demo", "p35"), at(2)).ok());
  auto p4 = as<core::v1::Pod>(*s->get(pods(), "demo", "p4"));
  (*p4.mutable_metadata()->mutable_labels())["changed"] = "yes";
  REQUIRE(s->update(pods(), p4).ok());

  o.continue_token = first->continue_token;
  auto second = s->list(pods(), o);
  REQUIRE(second.ok());
  CHECK(second->revision == listed_at);
  CHECK(names(*second) == std::vector<std::string>{"p3", "p4", "p5"});
  CHECK(store::object_meta(*second->items[1].object).labels().count("changed") == 0);
  CHECK(second->items[0].revision <= listed_at);
  o.continue_token = second->continue_token;
  auto third = s->list(pods(), o);
  REQUIRE(third.ok());
  CHECK(names(*third) == std::vector<std::string>{"p6"});
  CHECK(third->continue_token.empty());

  SECTION("a fresh list sees the changes") {
    store::list_options all;
    all.ns = "demo";
    auto now = s->list(pods(), all);
    REQUIRE(now.ok());
    CHECK(names(*now) == std::vector<std::string>{"p0", "p1", "p2", "p35", "p4", "p5", "p6"});
  }
  SECTION("a list at an older revision") {
    store::list_options old;
    old.ns = "demo";
    old.at_revision = listed_at;
    auto r = s->list(pods(), old);
    REQUIRE(r.ok());
    CHECK(names(*r) == std::vector<std::string>{"p0", "p1", "p2", "p3", "p4", "p5", "p6"});
    old.at_revision = 2;
    r = s->list(pods(), old);
    REQUIRE(r.ok());
    CHECK(names(*r) == std::vector<std::string>{"p0", "p1"});
  }
  SECTION("a revision ahead of the store") {
    store::list_options ahead;
    ahead.at_revision = s->revision() + 10;
    auto r = s->list(pods(), ahead);
    CHECK(r.status().is(status::code::timeout));
    CHECK(r.status().message() == "Too large resource version: " + std::to_string(s->revision() + 10) +
                                      ", current: " + std::to_string(s->revision()));
  }
  SECTION("a malformed continue token") {
    store::list_options bad;
    bad.continue_token = "not-a-token";
    auto r = s->list(pods(), bad);
    CHECK(r.status().is(status::code::invalid));
    CHECK(r.status().message().rfind("continue key is not valid", 0) == 0);
  }
}

TEMPLATE_TEST_CASE("store: limit with a selector fills pages with matching items", "[unit][store]",
                   memory_backend, rocksdb_backend) {
  TestType backend;
  auto s = backend.open();
  for (int i = 0; i < 10; ++i) {
    REQUIRE(s->create(pods(), pod("demo", "p" + std::to_string(i), {{"even", i % 2 == 0 ? "y" : "n"}}), at(1)).ok());
  }
  store::list_options o;
  o.labels = labels("even=y");
  o.limit = 2;
  std::vector<std::string> seen;
  for (int page = 0; page < 10; ++page) {
    auto r = s->list(pods(), o);
    REQUIRE(r.ok());
    CHECK(r->items.size() <= 2);
    for (auto& n : names(*r)) seen.push_back(n);
    if (r->continue_token.empty()) break;
    o.continue_token = r->continue_token;
  }
  CHECK(seen == std::vector<std::string>{"p0", "p2", "p4", "p6", "p8"});
}

TEMPLATE_TEST_CASE("store: a continue token older than the history window is gone",
                   "[unit][store]", memory_backend, rocksdb_backend) {
  TestType backend;
  store::store_options small;
  small.history_window = 4;
  auto s = backend.open(small);
  for (int i = 0; i < 4; ++i) REQUIRE(s->create(pods(), pod("demo", "p" + std::to_string(i)), at(1)).ok());
  store::list_options o;
  o.limit = 2;
  auto first = s->list(pods(), o);
  REQUIRE(first.ok());
  for (int i = 0; i < 6; ++i) REQUIRE(s->create(pods(), pod("demo", "q" + std::to_string(i)), at(1)).ok());
  o.continue_token = first->continue_token;
  auto r = s->list(pods(), o);
  CHECK(r.status().is(status::code::gone));
  CHECK(r.status().http_code() == 410);
  store::list_options old;
  old.at_revision = 1;
  r = s->list(pods(), old);
  CHECK(r.status().is(status::code::gone));
  CHECK(r.status().message() == "too old resource version: 1 (" + std::to_string(s->stats().compacted_revision) + ")");
}

TEMPLATE_TEST_CASE("store: delete-collection removes what the selection selects", "[unit][store]",
                   memory_backend, rocksdb_backend) {
  TestType backend;
  auto s = backend.open();
  seed(*s);
  auto fin = as<core::v1::Pod>(*s->get(pods(), "demo", "a-2"));
  fin.mutable_metadata()->add_finalizers("example.com/hold");
  REQUIRE(s->update(pods(), fin).ok());
  const int64_t before = s->revision();
  store::list_options sel;
  sel.labels = labels("app=a");
  sel.ns = "demo";
  auto r = s->remove_collection(pods(), sel, {}, at(5));
  REQUIRE(r.ok());
  REQUIRE(r->size() == 3);
  CHECK((*r)[0].deleted);
  CHECK((*r)[1].deleted);
  CHECK_FALSE((*r)[2].deleted);  // a-2 waits on its finalizer
  CHECK(s->revision() == before + 3);
  store::list_options all;
  auto left = s->list(pods(), all);
  REQUIRE(left.ok());
  CHECK(names(*left) == std::vector<std::string>{"a-2", "b-0", "b-1", "c-0"});
}

} // namespace troupe::testing
