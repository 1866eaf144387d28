#include "actors/server/pki.hpp"

#include "actors/http/openssl_handles.hpp"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <memory>

namespace troupe::server {

namespace {

using http::ossl::bio_ptr;
using http::ossl::drain;
using http::ossl::key_ptr;
using http::ossl::openssl_error;
using http::ossl::parse_cert;
using http::ossl::read_bio;
using http::ossl::req_ptr;
using http::ossl::store_ctx_ptr;
using http::ossl::store_ptr;
using http::ossl::x509_ptr;
using http::ossl::bn_ptr;
using http::ossl::ext_ptr;

key_ptr parse_key(const std::string& pem) {
  auto bio = read_bio(pem);
  return key_ptr{PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)};
}

std::string to_pem(X509* cert, EVP_PKEY* key, cert_and_key& out) {
  bio_ptr cert_bio{BIO_new(BIO_s_mem())};
  bio_ptr key_bio{BIO_new(BIO_s_mem())};
  if (!PEM_write_bio_X509(cert_bio.get(), cert) ||
      !PEM_write_bio_PrivateKey(key_bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr))
    return openssl_error("cannot encode PEM");
  out.cert = drain(cert_bio.get());
  out.key = drain(key_bio.get());
  return {};
}

std::string add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  ext_ptr ext{X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str())};
  if (!ext || !X509_add_ext(cert, ext.get(), -1))
    return openssl_error(std::string("cannot add extension ") + OBJ_nid2sn(nid) + "=" + value);
  return {};
}

// A certificate for `key` with a random serial, subject CN, validity [now - 5 min, now + days];
// the 5 minutes absorb small clock differences between server and clients.
std::string new_cert(EVP_PKEY* key, const std::string& common_name, int days, x509_ptr& out) {
  x509_ptr cert{X509_new()};
  bn_ptr serial{BN_new()};
  if (!cert || !serial || !X509_set_version(cert.get(), 2) ||
      !BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
      !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) ||
      !X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300) ||
      !X509_time_adj_ex(X509_getm_notAfter(cert.get()), days, 0, nullptr) ||
      !X509_set_pubkey(cert.get(), key))
    return openssl_error("cannot build certificate");
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                  reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                  -1, 0))
    return openssl_error("cannot set subject");
  out = std::move(cert);
  return {};
}

key_ptr new_key() {
  return key_ptr{EVP_EC_gen("P-256")};
}

} // namespace

bool is_ip_literal(const std::string& name) {
  unsigned char buf[16];
  return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

std::string make_ca(const std::string& common_name, int days, cert_and_key& out) {
  auto key = new_key();
  if (!key)
    return openssl_error("cannot generate EC P-256 key");
  x509_ptr cert;
  if (auto err = new_cert(key.get(), common_name, days, cert); !err.empty())
    return err;
  X509* c = cert.get();
  if (!X509_set_issuer_name(c, X509_get_subject_name(c)))
    return openssl_error("cannot set issuer");
  // The subject key identifier must exist before the authority key identifier refers to it.
  for (auto [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:TRUE"},
                            std::pair{NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature"},
                            std::pair{NID_subject_key_identifier, "hash"},
                            std::pair{NID_authority_key_identifier, "keyid:always"}})
    if (auto err = add_ext(c, c, nid, value); !err.empty())
      return err;
  if (!X509_sign(c, key.get(), EVP_sha256()))
    return openssl_error("cannot sign CA certificate");
  return to_pem(c, key.get(), out);
}

std::string make_server_cert(const cert_and_key& ca, const std::string& common_name,
                             const std::vector<std::string>& sans, int days, cert_and_key& out) {
  auto ca_cert = parse_cert(ca.cert);
  auto ca_key = parse_key(ca.key);
  if (!ca_cert || !ca_key)
    return openssl_error("cannot parse CA");
  if (sans.empty())
    return "a server certificate needs at least one subjectAltName";
  auto key = new_key();
  if (!key)
    return openssl_error("cannot generate EC P-256 key");
  x509_ptr cert;
  if (auto err = new_cert(key.get(), common_name, days, cert); !err.empty())
    return err;
  X509* c = cert.get();
  if (!X509_set_issuer_name(c, X509_get_subject_name(ca_cert.get())))
    return openssl_error("cannot set issuer");
  std::string alt_names;
  for (const auto& san : sans)
    alt_names += (alt_names.empty() ? "" : ",") + std::string(is_ip_literal(san) ? "IP:" : "DNS:") +
                 san;
  for (auto [nid, value] : {std::pair{NID_basic_constraints, std::string("critical,CA:FALSE")},
                            std::pair{NID_key_usage, std::string("critical,digitalSignature")},
                            std::pair{NID_ext_key_usage, std::string("serverAuth")},
                            std::pair{NID_subject_key_identifier, std::string("hash")},
                            std::pair{NID_authority_key_identifier, std::string("keyid:always")},
                            std::pair{NID_subject_alt_name, alt_names}})
    if (auto err = add_ext(c, ca_cert.get(), nid, value); !err.empty())
      return err;
  if (!X509_sign(c, ca_key.get(), EVP_sha256()))
    return openssl_error("cannot sign server certificate");
  return to_pem(c, key.get(), out);
}

namespace {

// The key's kind, if it is one a node may use: EC on P-256/P-384, or RSA of 2048 bits or more.
bool usable_node_key(EVP_PKEY* key, bool& rsa) {
  rsa = false;
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_EC: {
      char curve[64] = {0};
      size_t len = 0;
      if (!EVP_PKEY_get_utf8_string_param(key, "group", curve, sizeof curve, &len))
        return false;
      const std::string name(curve, len);
      return name == "prime256v1" || name == "P-256" || name == "secp384r1" || name == "P-384";
    }
    case EVP_PKEY_RSA:
      rsa = true;
      return EVP_PKEY_get_bits(key) >= 2048;
    default:
      return false;
  }
}

std::string subject_cn(X509_REQ* req) {
  X509_NAME* name = X509_REQ_get_subject_name(req);
  int i = name ? X509_NAME_get_index_by_NID(name, NID_commonName, -1) : -1;
  if (i < 0)
    return {};
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
  unsigned char* utf8 = nullptr;
  int n = ASN1_STRING_to_UTF8(&utf8, data);
  if (n < 0)
    return {};
  std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(n));
  OPENSSL_free(utf8);
  return out;
}

} // namespace

std::string sign_node_csr(const cert_and_key& ca, const std::string& csr_pem,
                          const std::string& node_name, int days, std::string& cert_out) {
  auto ca_cert = parse_cert(ca.cert);
  auto ca_key = parse_key(ca.key);
  if (!ca_cert || !ca_key)
    return openssl_error("cannot parse CA");
  auto bio = read_bio(csr_pem);
  req_ptr req{PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr)};
  if (!req) {
    ERR_clear_error();
    return "not a PEM certificate request (-----BEGIN CERTIFICATE REQUEST-----)";
  }
  EVP_PKEY* key = X509_REQ_get0_pubkey(req.get());  // owned by the request
  bool rsa = false;
  if (!key || !usable_node_key(key, rsa)) {
    ERR_clear_error();
    return "the request's key is unusable: an EC P-256/P-384 or an RSA (2048 bits or more) key "
           "is required";
  }
  if (X509_REQ_verify(req.get(), key) != 1) {
    ERR_clear_error();
    return "the request's signature does not verify with its key";
  }
  const std::string want = std::string("system:node:") + node_name;
  const std::string cn = subject_cn(req.get());
  if (cn != want)
    return "the request's subject CN is \"" + cn + "\", expected \"" + want + "\"";
  x509_ptr cert;
  if (auto err = new_cert(key, want, days, cert); !err.empty())
    return err;
  X509* c = cert.get();
  X509_NAME* subject = X509_get_subject_name(c);
  if (!X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_ASC,
                                  reinterpret_cast<const unsigned char*>("system:nodes"), -1, -1, 0) ||
      !X509_set_issuer_name(c, X509_get_subject_name(ca_cert.get())))
    return openssl_error("cannot set subject");
  const std::string usage =
    rsa ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature";
  for (auto [nid, value] : {std::pair{NID_basic_constraints, std::string("critical,CA:FALSE")},
                            std::pair{NID_key_usage, usage},
                            std::pair{NID_ext_key_usage, std::string("clientAuth,serverAuth")},
                            std::pair{NID_subject_key_identifier, std::string("hash")},
                            std::pair{NID_authority_key_identifier, std::string("keyid:always")},
                            std::pair{NID_subject_alt_name, "DNS:" + node_name}})
    if (auto err = add_ext(c, ca_cert.get(), nid, value); !err.empty())
      return err;
  if (!X509_sign(c, ca_key.get(), EVP_sha256()))
    return openssl_error("cannot sign the node certificate");
  bio_ptr out{BIO_new(BIO_s_mem())};
  if (!PEM_write_bio_X509(out.get(), c))
    return openssl_error("cannot encode PEM");
  cert_out = drain(out.get());
  return {};
}

std::string make_csr(const std::string& common_name, const std::string& organization,
                     std::string& csr_pem, std::string& key_pem) {
  auto key = new_key();
  req_ptr req{X509_REQ_new()};
  if (!key || !req || !X509_REQ_set_pubkey(req.get(), key.get()))
    return openssl_error("cannot build certificate request");
  X509_NAME* name = X509_REQ_get_subject_name(req.get());
  for (auto [field, value] : {std::pair{"O", organization}, std::pair{"CN", common_name}})
    if (!value.empty() &&
        !X509_NAME_add_entry_by_txt(name, field, MBSTRING_ASC,
                                    reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0))
      return openssl_error("cannot set subject");
  if (!X509_REQ_sign(req.get(), key.get(), EVP_sha256()))
    return openssl_error("cannot sign certificate request");
  bio_ptr req_bio{BIO_new(BIO_s_mem())};
  bio_ptr key_bio{BIO_new(BIO_s_mem())};
  if (!PEM_write_bio_X509_REQ(req_bio.get(), req.get()) ||
      !PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr))
    return openssl_error("cannot encode PEM");
  csr_pem = drain(req_bio.get());
  key_pem = drain(key_bio.get());
  return {};
}

std::string check_cert(const std::string& cert_pem) {
  if (!parse_cert(cert_pem))
    return openssl_error("not a PEM certificate");
  return {};
}

std::string check_cert_and_key(const cert_and_key& pair) {
  auto cert = parse_cert(pair.cert);
  if (!cert)
    return openssl_error("not a PEM certificate");
  auto key = parse_key(pair.key);
  if (!key)
    return openssl_error("not a PEM private key");
  if (X509_check_private_key(cert.get(), key.get()) != 1)
    return openssl_error("the private key does not belong to the certificate");
  return {};
}

std::string verify_server_cert(const std::string& ca_pem, const std::string& cert_pem,
                               const std::string& host, std::time_t at) {
  auto ca = parse_cert(ca_pem);
  auto cert = parse_cert(cert_pem);
  if (!ca || !cert)
    return openssl_error("cannot parse certificate");
  store_ptr store{X509_STORE_new()};
  store_ctx_ptr ctx{X509_STORE_CTX_new()};
  if (!store || !ctx || !X509_STORE_add_cert(store.get(), ca.get()) ||
      !X509_STORE_CTX_init(ctx.get(), store.get(), cert.get(), nullptr))
    return openssl_error("cannot set up verification");
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, at);
  X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
  int named = is_ip_literal(host) ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                                  : X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  if (!named)
    return openssl_error("cannot verify for \"" + host + "\"");
  if (X509_verify_cert(ctx.get()) != 1) {
    int code = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    return std::string("certificate verification failed for \"") + host +
           "\": " + X509_verify_cert_error_string(code);
  }
  return {};
}

} // namespace troupe::server
