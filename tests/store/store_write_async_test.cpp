// object_store::write_async (both backends): `done` gets every write's outcome, in order, once
// durable; the callback may free what it captured (it runs after the store let go of the batch).
#include <future>

#include "tests/store/store_fixtures.hpp"

using namespace troupe;
using namespace troupe::testing;

TEMPLATE_TEST_CASE("store: write_async calls done once with each write's outcome in order",
                   "[unit][store]", memory_backend, rocksdb_backend) {
  TestType backend;
  auto s = backend.open();
  REQUIRE(s->create(pods(), pod("demo", "old"), at(1700000000)).ok());

  std::vector<store::batch_write> writes;
  writes.push_back({store::batch_write::op::create, &pods(), std::make_shared<core::v1::Pod>(pod("demo", "a"))});
  writes.push_back({store::batch_write::op::create, &pods(), std::make_shared<core::v1::Pod>(pod("demo", "old"))});
  store::batch_write drop;
  drop.what = store::batch_write::op::remove;
  drop.kind = &pods();
  drop.ns = "demo";
  drop.name = "old";
  writes.push_back(drop);

  // The promise lives in the callback only: freed with it after the call.
  auto outcome = std::make_shared<std::promise<std::vector<store::result<store::write_result>>>>();
  auto future = outcome->get_future();
  s->write_async(std::move(writes), at(1700000100),
                 [outcome](std::vector<store::result<store::write_result>> out) {
                   outcome->set_value(std::move(out));
                 });
  outcome.reset();
  REQUIRE(future.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  auto out = future.get();
  REQUIRE(out.size() == 3);
  REQUIRE(out[0].ok());
  CHECK(out[0]->object.revision == 2);
  REQUIRE_FALSE(out[1].ok());
  CHECK(out[1].status().get_code() == store::status::code::already_exists);
  REQUIRE(out[2].ok());
  CHECK(out[2]->deleted);
  CHECK(out[2]->object.revision == 3);
  CHECK(s->revision() == 3);
}
