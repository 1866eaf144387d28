#pragma once
// A running server for tests: plain or TLS (with the shared test PKI), a handler the test
// supplies, and a client configured to reach it.

#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "actors/http/client.hpp"
#include "actors/http/server.hpp"
#include "actors/http/tls.hpp"
#include "test_cert.hpp"

namespace troupe::http::testing {

struct running_server {
  std::unique_ptr<server> srv;
  std::string base; // "https://127.0.0.1:<port>"

  running_server(server_options opts, handler h, bool tls = true) {
    if (tls) {
      auto ctx = make_server_tls(shared_pki().cert_file(), shared_pki().key_file());
      REQUIRE(ctx.error == "");
      opts.tls = ctx.context;
    }
    srv = std::make_unique<server>(std::move(opts), std::move(h));
    REQUIRE(srv->start() == "");
    base = std::string(tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(srv->port());
  }

  client_options client_opts(std::string token = {}) const {
    client_options o;
    auto ctx = make_client_tls(shared_pki().ca_pem);
    REQUIRE(ctx.error == "");
    o.tls = ctx.context;
    o.bearer_token = std::move(token);
    o.timeout = std::chrono::seconds{10};
    return o;
  }
};

} // namespace troupe::http::testing
