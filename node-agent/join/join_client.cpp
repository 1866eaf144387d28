#include "node-agent/join/join_client.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include "actors/http/client.hpp"
#include "actors/http/tls.hpp"
#include "actors/protocol/node_join.hpp"
#include "node-agent/join/node_csr.hpp"

namespace troupe::node_agent::join {

namespace {

namespace fs = std::filesystem;

bool read_text(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return false;
  std::ostringstream buf;
  buf << in.rdbuf();
  out = buf.str();
  return !in.bad();
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
    s.pop_back();
  return s;
}

// Writes through a temp file and a rename, so a crash never leaves half a key behind.
std::string write_file(const std::string& path, const std::string& text, mode_t mode) {
  auto tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out)
      return "cannot write " + tmp + ": " + std::strerror(errno);
    ::chmod(tmp.c_str(), mode);
    out << text;
    out.flush();
    if (!out)
      return "cannot write " + tmp + ": " + std::strerror(errno);
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec)
    return "cannot rename " + tmp + " to " + path + ": " + ec.message();
  return {};
}

node_credentials paths_in(const std::string& data_dir) {
  auto dir = pki_dir(data_dir);
  node_credentials c;
  c.cert_file = dir + "/node.crt";
  c.key_file = dir + "/node.key";
  c.ca_file = dir + "/ca.crt";
  return c;
}

std::string reason_phrase(unsigned status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return {};
  }
}

// "401 Unauthorized (wrong join token?)", "400 Bad Request: <the Status message>".
std::string refusal(const http::client_response& r) {
  std::string out = std::to_string(r.status);
  if (auto phrase = reason_phrase(r.status); !phrase.empty())
    out += " " + phrase;
  std::string message;
  try {
    auto body = nlohmann::json::parse(r.body);
    if (body.is_object() && body.contains("message") && body["message"].is_string())
      message = body["message"].get<std::string>();
  } catch (const nlohmann::json::exception&) {
  }
  if (r.status == 401)
    return out + " (wrong join token?)";
  if (r.status == 404)
    return out + " (does the server support joining at " + protocol::node_join_path + "?)";
  if (!message.empty())
    out += ": " + message;
  return out;
}

std::string field(const nlohmann::json& body, const char* name, std::string& out) {
  if (!body.contains(name) || !body[name].is_string() || body[name].get<std::string>().empty())
    return std::string("the answer has no \"") + name + "\"";
  out = body[name].get<std::string>();
  return {};
}

} // namespace

std::string pki_dir(const std::string& data_dir) {
  return data_dir + "/pki";
}

join_result load_credentials(const std::string& data_dir, const std::string& node_name,
                             std::time_t now) {
  join_result out;
  out.credentials = paths_in(data_dir);
  auto& c = out.credentials;
  auto dir = pki_dir(data_dir);
  std::string cert, key, ca;
  if (!read_text(c.cert_file, cert) || !read_text(c.key_file, key) ||
      !read_text(c.ca_file, ca) || !read_text(dir + "/credential", c.credential) ||
      !read_text(dir + "/node-address", c.node_address)) {
    out.error = "no saved credentials in " + dir;
    return out;
  }
  c.credential = trimmed(c.credential);
  c.node_address = trimmed(c.node_address);
  if (c.credential.empty() || c.node_address.empty()) {
    out.error = "saved credentials in " + dir + " are incomplete";
    return out;
  }
  if (auto problem = check_node_cert(cert, key, ca, node_name, now); !problem.empty()) {
    out.error = dir + ": " + problem;
    return out;
  }
  out.reused = true;
  return out;
}

join_result request_join(const join_options& options) {
  join_result out;
  auto where = "join refused by " + options.server_url + ": ";
  if (options.join_token.empty()) {
    out.error = "cannot join " + options.server_url + ": no join token (--join-token or "
                "--join-token-file)";
    return out;
  }
  auto tls = options.insecure_skip_tls_verify ? http::make_insecure_client_tls()
                                              : http::make_client_tls_file(options.ca_file);
  if (!tls) {
    out.error = "cannot join " + options.server_url + ": " + tls.error;
    return out;
  }
  key_and_csr csr;
  if (auto err = make_node_csr(options.node_name, csr); !err.empty()) {
    out.error = "cannot join " + options.server_url + ": " + err;
    return out;
  }
  http::client_options copts;
  copts.tls = tls.context;
  copts.bearer_token = options.join_token;
  copts.timeout = std::chrono::seconds(30);
  copts.user_agent = "troupe-node/0.1";
  http::client client(copts);
  nlohmann::json request{{"nodeName", options.node_name}, {"csr", csr.csr_pem}};
  auto response = client.request("POST", options.server_url + protocol::node_join_path, {},
                                 request.dump());
  if (!response.ok()) {
    out.error = "cannot join " + options.server_url + ": " + response.error;
    if (response.error.find("certificate verify failed") != std::string::npos)
      out.error += options.insecure_skip_tls_verify ? "" : " (is --ca-file the cluster's CA?)";
    return out;
  }
  if (response.status != 200) {
    out.error = where + refusal(response);
    return out;
  }
  nlohmann::json body;
  try {
    body = nlohmann::json::parse(response.body);
  } catch (const nlohmann::json::exception& e) {
    out.error = "cannot join " + options.server_url + ": the answer is not JSON: " + e.what();
    return out;
  }
  std::string cert, ca;
  auto& c = out.credentials = paths_in(options.data_dir);
  for (auto [name, target] : {std::pair{"certificate", &cert}, std::pair{"caCertificate", &ca},
                              std::pair{"credential", &c.credential},
                              std::pair{"nodeAddress", &c.node_address}})
    if (auto problem = field(body, name, *target); !problem.empty()) {
      out.error = "cannot join " + options.server_url + ": " + problem;
      return out;
    }
  if (auto problem = check_node_cert(cert, csr.key_pem, ca, options.node_name, std::time(nullptr));
      !problem.empty()) {
    out.error = "cannot join " + options.server_url + ": the server's answer: " + problem;
    return out;
  }
  auto dir = pki_dir(options.data_dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    out.error = "cannot create " + dir + ": " + ec.message();
    return out;
  }
  ::chmod(dir.c_str(), 0700);
  for (auto [path, text, mode] :
       {std::tuple{c.key_file, csr.key_pem, mode_t{0600}}, std::tuple{c.cert_file, cert, mode_t{0644}},
        std::tuple{c.ca_file, ca, mode_t{0644}},
        std::tuple{dir + "/credential", c.credential + "\n", mode_t{0600}},
        std::tuple{dir + "/node-address", c.node_address + "\n", mode_t{0644}}})
    if (auto err = write_file(path, text, mode); !err.empty()) {
      out.error = err;
      return out;
    }
  return out;
}

join_result join_cluster(const join_options& options, std::time_t now) {
  auto saved = load_credentials(options.data_dir, options.node_name, now);
  if (saved.ok())
    return saved;
  return request_join(options);
}

} // namespace troupe::node_agent::join
