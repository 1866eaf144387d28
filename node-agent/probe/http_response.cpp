#include "node-agent/probe/http_response.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace troupe::node_agent::probe {

namespace {

bool iequals(const std::string& a, const std::string& b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string lower(std::string s) {
  for (auto& ch : s)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// Splits "scheme://host[:port]/rest" or "//host[:port]/rest" authority parts.
bool parse_authority(const std::string& auth, const std::string& scheme, http_url& out) {
  std::string host = auth, port;
  if (!host.empty() && host[0] == '[') {
    auto close = host.find(']');
    if (close == std::string::npos)
      return false;
    port = host.substr(close + 1);
    host = host.substr(1, close - 1);
    if (!port.empty()) {
      if (port[0] != ':')
        return false;
      port = port.substr(1);
    }
  } else if (auto colon = host.rfind(':'); colon != std::string::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  out.scheme = scheme;
  out.host = host;
  if (port.empty()) {
    out.port = scheme == "https" ? 443 : 80;
    out.explicit_port = false;
  } else {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), ::isdigit))
      return false;
    out.port = std::atoi(port.c_str());
    if (out.port <= 0 || out.port > 65535)
      return false;
    out.explicit_port = true;
  }
  return !host.empty();
}

} // namespace

std::optional<std::string> http_response::header(const std::string& name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name))
      return v;
  return std::nullopt;
}

read_state parse_response(const std::string& bytes, bool eof, http_response& out,
                          std::string& error) {
  size_t start = 0;
  for (;;) {
    size_t end = bytes.find("\r\n\r\n", start);
    size_t head_len = 4;
    if (end == std::string::npos) {
      end = bytes.find("\n\n", start);
      head_len = 2;
    }
    if (end == std::string::npos) {
      if (!eof)
        return read_state::need_more;
      error = bytes.size() == start ? "EOF" : "unexpected EOF";
      return read_state::malformed;
    }
    std::string head = bytes.substr(start, end - start);
    size_t body_start = end + head_len;
    size_t line_end = head.find('\n');
    std::string status_line = head.substr(0, line_end);
    if (!status_line.empty() && status_line.back() == '\r')
      status_line.pop_back();
    // "HTTP/1.1 200 OK"
    auto sp = status_line.find(' ');
    if (status_line.compare(0, 5, "HTTP/") != 0 || sp == std::string::npos) {
      error = "net/http: HTTP/1.x transport connection broken: malformed HTTP response " +
              go_quote(status_line);
      return read_state::malformed;
    }
    std::string code = status_line.substr(sp + 1, 3);
    if (code.size() != 3 || !std::all_of(code.begin(), code.end(), ::isdigit) ||
        (status_line.size() > sp + 4 && status_line[sp + 4] != ' ')) {
      error = "net/http: HTTP/1.x transport connection broken: malformed HTTP status code " +
              go_quote(status_line.substr(sp + 1, status_line.find(' ', sp + 1) - sp - 1));
      return read_state::malformed;
    }
    out = http_response{};
    out.status = std::atoi(code.c_str());
    size_t pos = line_end == std::string::npos ? head.size() : line_end + 1;
    while (pos < head.size()) {
      size_t nl = head.find('\n', pos);
      std::string line = head.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
      pos = nl == std::string::npos ? head.size() : nl + 1;
      if (!line.empty() && line.back() == '\r')
        line.pop_back();
      auto colon = line.find(':');
      if (colon == std::string::npos)
        continue;
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      value.erase(value.find_last_not_of(" \t") + 1);
      out.headers.emplace_back(line.substr(0, colon), value);
    }
    if (out.status >= 100 && out.status < 200 && out.status != 101) {
      start = body_start;  // an interim answer (100 Continue): the real one follows
      continue;
    }
    std::string rest = bytes.substr(body_start);
    if (out.status == 204 || out.status == 304)
      return read_state::complete;
    auto te = out.header("Transfer-Encoding");
    if (te && lower(*te).find("chunked") != std::string::npos) {
      size_t p = 0;
      for (;;) {
        if (out.body.size() >= max_body_bytes) {
          out.body.resize(max_body_bytes);
          return read_state::complete;
        }
        size_t nl = rest.find("\r\n", p);
        if (nl == std::string::npos)
          break;
        size_t size = std::strtoul(rest.substr(p, nl - p).c_str(), nullptr, 16);
        if (size == 0)
          return read_state::complete;
        if (rest.size() < nl + 2 + size + 2) {
          out.body += rest.substr(nl + 2, size);  // what has arrived of this chunk
          break;
        }
        out.body += rest.substr(nl + 2, size);
        p = nl + 2 + size + 2;
      }
      if (out.body.size() >= max_body_bytes) {
        out.body.resize(max_body_bytes);
        return read_state::complete;
      }
      if (eof) {
        error = "unexpected EOF";
        return read_state::malformed;
      }
      return read_state::need_more;
    }
    auto cl = out.header("Content-Length");
    if (cl) {
      size_t want = std::strtoull(cl->c_str(), nullptr, 10);
      size_t have = std::min(rest.size(), want);
      out.body = rest.substr(0, std::min(have, max_body_bytes));
      if (have >= want || out.body.size() >= max_body_bytes)
        return read_state::complete;
      if (eof) {
        error = "unexpected EOF";
        return read_state::malformed;
      }
      return read_state::need_more;
    }
    out.body = rest.substr(0, max_body_bytes);
    return eof || rest.size() >= max_body_bytes ? read_state::complete : read_state::need_more;
  }
}

probe_verdict judge_http_response(const http_response& r) {
  if (r.status >= 200 && r.status < 400) {
    if (r.status >= 300)
      return {probe_verdict::kind::warning, "Probe terminated redirects, Response body: " + r.body};
    return {probe_verdict::kind::success, r.body};
  }
  return {probe_verdict::kind::failure,
          "HTTP probe failed with statuscode: " + std::to_string(r.status)};
}

std::optional<http_url> redirect_target(const http_url& current, const http_response& r) {
  static const int follows[] = {301, 302, 303, 307, 308};
  if (std::find(std::begin(follows), std::end(follows), r.status) == std::end(follows))
    return std::nullopt;
  auto loc = r.header("Location");
  if (!loc || loc->empty())
    return std::nullopt;
  http_url next = current;
  const std::string& l = *loc;
  auto scheme_end = l.find("://");
  auto first_special = l.find_first_of("/?#");
  if (scheme_end != std::string::npos && (first_special == std::string::npos || scheme_end < first_special)) {
    std::string scheme = lower(l.substr(0, scheme_end));
    std::string rest = l.substr(scheme_end + 3);
    auto slash = rest.find_first_of("/?#");
    if (scheme != "http" && scheme != "https")
      return std::nullopt;
    if (!parse_authority(rest.substr(0, slash), scheme, next))
      return std::nullopt;
    next.path = slash == std::string::npos ? "" : rest.substr(slash);
  } else if (l.compare(0, 2, "//") == 0) {
    std::string rest = l.substr(2);
    auto slash = rest.find_first_of("/?#");
    if (!parse_authority(rest.substr(0, slash), current.scheme, next))
      return std::nullopt;
    next.path = slash == std::string::npos ? "" : rest.substr(slash);
  } else if (l[0] == '/') {
    next.path = l;
  } else if (l[0] == '?') {
    next.path = current.target().substr(0, current.target().find('?')) + l;
  } else {
    std::string base = current.target().substr(0, current.target().find('?'));
    next.path = base.substr(0, base.rfind('/') + 1) + l;
  }
  // The kubelet's CheckRedirect: another host (port aside) ends the chain with this response.
  if (next.host != current.host)
    return std::nullopt;
  return next;
}

} // namespace troupe::node_agent::probe
