#include "actors/http/tls.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <fstream>
#include <sstream>

namespace troupe::http {

namespace ssl = boost::asio::ssl;

namespace {

constexpr unsigned char alpn_http11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};

// Picks http/1.1 from the client's list or declines ALPN; never h2.
int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                unsigned int inlen, void*) {
  for (unsigned i = 0; i < inlen;) {
    unsigned len = in[i];
    if (i + 1 + len > inlen)
      break;
    if (len == 8 && std::equal(in + i + 1, in + i + 9, alpn_http11 + 1)) {
      *out = in + i + 1;
      *outlen = 8;
      return SSL_TLSEXT_ERR_OK;
    }
    i += 1 + len;
  }
  return SSL_TLSEXT_ERR_NOACK;
}

std::string openssl_error(const std::string& what, const boost::system::error_code& ec) {
  std::string msg = what + ": " + ec.message();
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    msg += "; ";
    msg += buf;
  }
  return msg;
}

std::shared_ptr<ssl::context> base_context(ssl::context::method m) {
  auto ctx = std::make_shared<ssl::context>(m);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                   ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  return ctx;
}

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

} // namespace

tls_result make_server_tls_pem(std::string_view cert_pem, std::string_view key_pem) {
  auto ctx = base_context(ssl::context::tls_server);
  boost::system::error_code ec;
  ctx->use_certificate_chain(boost::asio::buffer(cert_pem.data(), cert_pem.size()), ec);
  if (ec)
    return {nullptr, openssl_error("server certificate", ec)};
  ctx->use_private_key(boost::asio::buffer(key_pem.data(), key_pem.size()), ssl::context::pem, ec);
  if (ec)
    return {nullptr, openssl_error("server private key", ec)};
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1)
    return {nullptr, "server private key does not match the certificate"};
  SSL_CTX_set_alpn_select_cb(ctx->native_handle(), select_alpn, nullptr);
  return {ctx, {}};
}

tls_result make_server_tls(const std::string& cert_file, const std::string& key_file) {
  std::string cert, key;
  if (!read_file(cert_file, cert))
    return {nullptr, "cannot read certificate file " + cert_file};
  if (!read_file(key_file, key))
    return {nullptr, "cannot read key file " + key_file};
  auto r = make_server_tls_pem(cert, key);
  if (!r)
    r.error += " (" + cert_file + ", " + key_file + ")";
  return r;
}

tls_result make_client_tls(std::string_view ca_pem) {
  auto ctx = base_context(ssl::context::tls_client);
  boost::system::error_code ec;
  if (ca_pem.empty())
    ctx->set_default_verify_paths(ec);
  else
    ctx->add_certificate_authority(boost::asio::buffer(ca_pem.data(), ca_pem.size()), ec);
  if (ec)
    return {nullptr, openssl_error("certificate authority", ec)};
  ctx->set_verify_mode(ssl::verify_peer);
  SSL_CTX_set_alpn_protos(ctx->native_handle(), alpn_http11, sizeof alpn_http11);
  return {ctx, {}};
}

tls_result make_client_tls_file(const std::string& ca_file) {
  std::string pem;
  if (!read_file(ca_file, pem))
    return {nullptr, "cannot read certificate authority file " + ca_file};
  auto r = make_client_tls(pem);
  if (!r)
    r.error += " (" + ca_file + ")";
  return r;
}

tls_result make_insecure_client_tls() {
  auto ctx = base_context(ssl::context::tls_client);
  ctx->set_verify_mode(ssl::verify_none);
  SSL_CTX_set_alpn_protos(ctx->native_handle(), alpn_http11, sizeof alpn_http11);
  return {ctx, {}};
}

} // namespace troupe::http
