// The store child restarting under rest_for_one with the API server borrowing its RocksDB store:
// the API server is restarted with the new store (the old one closed, its lock released), and what
// was written before is still there.
#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include "actors/apiserver/api_server_actor.hpp"
#include "actors/store/store_actor.hpp"
#include "actors/supervision/supervisor_actor.hpp"
#include "tests/store/store_fixtures.hpp"
#include "tests/support/server_process.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

// GET/POST on the plain-HTTP test API server.
testing::sh_result call_api(int port, const std::string& method, const std::string& path, const std::string& body = "") {
  std::string cmd = "curl -sS -X " + method + " http://127.0.0.1:" + std::to_string(port) + path;
  if (!body.empty())
    cmd += " -H 'Content-Type: application/json' -d '" + body + "'";
  return testing::sh(cmd);
}

template <class Pred>
bool eventually(Pred pred) {
  for (int i = 0; i < 200; ++i) {
    if (pred())
      return true;
    std::this_thread::sleep_for(50ms);
  }
  return pred();
}

caf::actor child_of(caf::scoped_actor& self, const protocol::supervisor_actor_type& sup, const std::string& id) {
  caf::actor out;
  self->request(sup, 5s, caf::get_atom::value, protocol::child_atom::value, id)
    .receive([&](caf::actor& a) { out = a; }, [&](caf::error&) {});
  return out;
}

} // namespace

TEST_CASE("store restart: rest_for_one restarts the API server on the reopened RocksDB store", "[store_actor][integration]") {
  testing::temp_dir dir;
  const int port = testing::free_port();
  auto slot = std::make_shared<store::store_slot>();
  store::store_actor_options so;
  so.data_dir = dir.sub("data");
  apiserver::api_server_options api;
  api.port = static_cast<uint16_t>(port);
  api.request_threads = 2;
  api.io_threads = 1;
  std::vector<supervision::actor_child_spec> children;
  children.push_back({"store", supervision::restart_type::permanent, [slot, so](caf::actor_system& sys) {
                        auto h = store::spawn_store_actor(sys, so);
                        slot->set(h);
                        return caf::actor_cast<caf::actor>(h);
                      }});
  children.push_back({"api_server", supervision::restart_type::permanent, [slot, api](caf::actor_system& sys) {
                        return apiserver::spawn_api_server_actor(sys, api, slot->get());
                      }});
  supervision::supervisor_options opts;
  opts.name = "test";
  opts.how = supervision::strategy::rest_for_one;
  opts.limits = {3, std::chrono::seconds(60)};

  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  auto sup = supervision::spawn_supervisor(sys, opts, std::move(children));
  auto answers = [&](const std::string& path) {
    return eventually([&] { return call_api(port, "GET", path).output.find("\"kind\"") != std::string::npos; });
  };
  REQUIRE(answers("/api/v1/namespaces"));
  auto created = call_api(port, "POST", "/api/v1/namespaces", R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"kept"}})");
  INFO(created.output);
  REQUIRE(created.output.find("\"name\":\"kept\"") != std::string::npos);

  auto first_store = child_of(self, sup, "store");
  auto first_api = child_of(self, sup, "api_server");
  REQUIRE(first_store);
  self->send_exit(first_store, caf::exit_reason::kill);
  // Both come back, new handles; the namespace written before is served again.
  CHECK(eventually([&] {
    auto s = child_of(self, sup, "store");
    auto a = child_of(self, sup, "api_server");
    return s && a && s != first_store && a != first_api;
  }));
  CHECK(eventually([&] { return call_api(port, "GET", "/api/v1/namespaces/kept").output.find("\"name\":\"kept\"") != std::string::npos; }));
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}
