// object_store::write_many (both backends): each write has the outcome the single call would
// give, in order, with consecutive revisions; a rejected write does not stop the others; the
// writes share group commits.
#include <thread>

#include "tests/store/store_fixtures.hpp"

using namespace troupe;
using namespace troupe::testing;

TEMPLATE_TEST_CASE("store: write_many gives each write its own outcome and revision",
                   "[unit][store]", memory_backend, rocksdb_backend) {
  TestType backend;
  auto s = backend.open();
  auto existing = s->create(pods(), pod("demo", "old"), at(1700000000));
  REQUIRE(existing.ok());
  const int64_t before = s->revision();

  auto bound = std::make_shared<core::v1::Pod>(
    dynamic_cast<const core::v1::Pod&>(*existing->object.object));
  bound->mutable_spec()->set_nodename("node2");
  auto stale = std::make_shared<core::v1::Pod>(*bound);
  stale->mutable_metadata()->set_resourceversion(std::to_string(before - 1 > 0 ? before - 1 : 999));
  stale->mutable_spec()->set_nodename("node3");

  std::vector<store::batch_write> writes;
  writes.push_back({store::batch_write::op::create, &pods(),
                    std::make_shared<core::v1::Pod>(pod("demo", "a"))});
  writes.push_back({store::batch_write::op::update, &pods(), bound});
  writes.push_back({store::batch_write::op::create, &pods(),
                    std::make_shared<core::v1::Pod>(pod("demo", "a"))});  // exists by then
  writes.push_back({store::batch_write::op::update, &pods(), stale});     // stale resourceVersion
  writes.push_back({store::batch_write::op::create, &deployments(),
                    std::make_shared<core::v1::Pod>(pod("demo", "wrong-kind"))});
  writes.push_back({store::batch_write::op::create, &pods(),
                    std::make_shared<core::v1::Pod>(pod("demo", "b"))});
  auto out = s->write_many(writes, at(1700000100));
  REQUIRE(out.size() == 6);
  REQUIRE(out[0].ok());
  CHECK(out[0]->object.revision == before + 1);
  REQUIRE(out[1].ok());
  CHECK(out[1]->object.revision == before + 2);
  CHECK(dynamic_cast<const core::v1::Pod&>(*out[1]->object.object).spec().nodename() == "node2");
  REQUIRE_FALSE(out[2].ok());
  CHECK(out[2].status().get_code() == store::status::code::already_exists);
  REQUIRE_FALSE(out[3].ok());
  CHECK(out[3].status().get_code() == store::status::code::conflict);
  REQUIRE_FALSE(out[4].ok());
  CHECK(out[4].status().get_code() == store::status::code::invalid);
  REQUIRE(out[5].ok());
  CHECK(out[5]->object.revision == before + 3);
  CHECK(s->revision() == before + 3);
  CHECK(s->get(pods(), "demo", "b").ok());
  CHECK(store::object_meta(*out[5]->object.object).uid().size() == 36);
  CHECK(store::object_meta(*out[5]->object.object).creationtimestamp().seconds() == 1700000100);
}

TEMPLATE_TEST_CASE("store: 500 writes in one write_many share a few group commits",
                   "[unit][store]", memory_backend, rocksdb_backend) {
  TestType backend;
  auto s = backend.open();
  std::vector<store::batch_write> writes;
  for (int i = 0; i < 500; ++i)
    writes.push_back({store::batch_write::op::create, &pods(),
                      std::make_shared<core::v1::Pod>(pod("demo", "p" + std::to_string(i)))});
  const auto syncs = s->stats().syncs;
  auto out = s->write_many(writes, at(1700000000));
  REQUIRE(out.size() == 500);
  for (const auto& r : out)
    CHECK(r.ok());
  CHECK(s->stats().syncs - syncs <= 2);  // max_batch 1024: one, or two if a commit was running
  CHECK(s->revision() == 500);
}

TEMPLATE_TEST_CASE("store: an object past the history window and the recent cache is freed",
                   "[unit][store]", memory_backend, rocksdb_backend) {
  // The reaper thread frees what the write path lets go of; nothing else holds the object.
  TestType backend;
  store::store_options o;
  o.history_window = 4;
  o.recent_objects = 4;
  auto s = backend.open(o);
  std::weak_ptr<const google::protobuf::Message> first;
  {
    auto w = s->create(pods(), pod("demo", "first"), at(1700000000));
    REQUIRE(w.ok());
    first = w->object.object;
  }
  CHECK_FALSE(first.expired());  // in the history and the recent cache
  for (int i = 0; i < 32; ++i)
    REQUIRE(s->create(pods(), pod("demo", "p" + std::to_string(i)), at(1700000001)).ok());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!first.expired() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(first.expired());
  CHECK(s->get(pods(), "demo", "first").ok());  // freed from memory, not from the store
}
