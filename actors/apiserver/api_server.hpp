#pragma once
// The Kubernetes API as one object: the object store (RocksDB under <data>/store), the request
// pool, the HTTPS server with bearer-token authentication and the router. No CAF: the
// api_server actor owns one of these and starts/stops it with its own lifetime.
//
// For now the API server opens the store itself; when the store actor exists it will own the
// store and the API server will borrow it.

#include <cstdint>
#include <memory>
#include <string>

namespace troupe::apiserver {

struct api_server_options {
  std::string data_dir;      // the store lives in <data_dir>/store
  std::string address = "127.0.0.1";
  uint16_t port = 6443;      // 0: any free port
  std::string cert_file;     // empty: plain HTTP (tests only)
  std::string key_file;
  std::string token;         // the accepted bearer token; empty: no authentication (tests only)
  unsigned request_threads = 32;
  unsigned io_threads = 2;
};

class api_server {
public:
  explicit api_server(api_server_options options);
  ~api_server();

  /// Opens the store and listens. "" on success, else why (the store's or the socket's error).
  std::string start();
  void stop();
  uint16_t port() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace troupe::apiserver
