#include "cli/session.hpp"

#include <ostream>

namespace troupe::cli {

std::vector<flag_spec> global_flags() {
  return {{"kubeconfig"}, {"context"}, {"cluster"}, {"user"}, {"server", 's'}, {"token"},
          {"certificate-authority"}, {"insecure-skip-tls-verify", 0, false}, {"namespace", 'n'},
          {"request-timeout"}, {"v", 'v'}};
}

session::session(cli_io& io_, std::string command_, parsed_flags flags_)
  : io(io_), command(std::move(command_)), flags(std::move(flags_)) {}

const connection* session::load() {
  if (!loaded_) {
    loaded_ = true;
    kubeconfig_overrides o;
    o.kubeconfig = flags.get("kubeconfig");
    o.context = flags.get("context");
    o.cluster = flags.get("cluster");
    o.user = flags.get("user");
    o.server = flags.get("server");
    o.token = flags.get("token");
    o.certificate_authority = flags.get("certificate-authority");
    o.namespace_ = flags.get("namespace");
    o.insecure = flags.is_set("insecure-skip-tls-verify");
    auto r = load_connection(o, io.getenv);
    conn_ = r.value;
    conn_error_ = r.error;
  }
  return conn_ ? &*conn_ : nullptr;
}

api_client* session::api() {
  if (api_)
    return api_.get();
  const connection* c = load();
  if (!c) {
    // A connection failure is printed bare, as kubectl does; config problems get "error: ".
    if (conn_error_.rfind("The connection", 0) == 0)
      io.err << conn_error_ << "\n";
    else
      io.err << "error: " << conn_error_ << "\n";
    return nullptr;
  }
  api_ = std::make_unique<api_client>(*c);
  return api_.get();
}

api_client* session::discovered_api() {
  api_client* a = api();
  if (!a)
    return nullptr;
  a->resources();
  if (!a->discovery_error().empty() && !a->discovery_response().ok()) {
    fail(a->discovery_response());
    return nullptr;
  }
  return a;
}

std::string session::namespace_() {
  if (flags.has("namespace") && !flags.get("namespace").empty())
    return flags.get("namespace");
  const connection* c = load();
  return c ? c->namespace_ : "default";
}

bool session::namespace_explicit() { return flags.has("namespace"); }

int session::fail(const std::string& message) {
  io.err << "error: " << message << "\n";
  return 1;
}

int session::fail(const api_response& r, std::string_view context) {
  io.err << error_line(r, api_ ? api_->conn().server : std::string{}, context) << "\n";
  return 1;
}

int session::usage_error(const std::string& message) {
  io.err << "Error: " << message << "\nSee 'troupe " << command << " --help' for usage.\n";
  return 1;
}

} // namespace troupe::cli
