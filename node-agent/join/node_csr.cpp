#include "node-agent/join/node_csr.hpp"

#include "actors/http/openssl_handles.hpp"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <memory>

#include "actors/protocol/node_join.hpp"
#include "config/time_format.hpp"

namespace troupe::node_agent::join {

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

std::string add_name_entry(X509_NAME* name, const char* field, const std::string& value) {
  if (!X509_NAME_add_entry_by_txt(name, field, MBSTRING_ASC,
                                  reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
                                  0))
    return openssl_error(std::string("cannot set ") + field + "=" + value);
  return {};
}

std::time_t asn1_to_time(const ASN1_TIME* t) {
  struct tm tm {};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
    return 0;
  return timegm(&tm);
}

std::string common_name_of(X509* cert) {
  X509_NAME* subject = X509_get_subject_name(cert);
  int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (index < 0)
    return {};
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                     static_cast<size_t>(ASN1_STRING_length(data)));
}

} // namespace

std::string make_node_csr(const std::string& node_name, key_and_csr& out) {
  key_ptr key{EVP_EC_gen("P-256")};
  if (!key)
    return openssl_error("cannot generate EC P-256 key");
  req_ptr req{X509_REQ_new()};
  if (!req || !X509_REQ_set_version(req.get(), 0) || !X509_REQ_set_pubkey(req.get(), key.get()))
    return openssl_error("cannot build certificate request");
  X509_NAME* name = X509_REQ_get_subject_name(req.get());
  if (auto err = add_name_entry(name, "O", protocol::node_cert_organization); !err.empty())
    return err;
  if (auto err = add_name_entry(name, "CN", protocol::node_cert_cn_prefix + node_name);
      !err.empty())
    return err;
  if (!X509_REQ_sign(req.get(), key.get(), EVP_sha256()))
    return openssl_error("cannot sign certificate request");
  bio_ptr req_bio{BIO_new(BIO_s_mem())};
  bio_ptr key_bio{BIO_new(BIO_s_mem())};
  if (!PEM_write_bio_X509_REQ(req_bio.get(), req.get()) ||
      !PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr))
    return openssl_error("cannot encode PEM");
  out.csr_pem = drain(req_bio.get());
  out.key_pem = drain(key_bio.get());
  return {};
}

std::string read_cert_facts(const std::string& cert_pem, cert_facts& out) {
  auto cert = parse_cert(cert_pem);
  if (!cert)
    return openssl_error("not a PEM certificate");
  out.common_name = common_name_of(cert.get());
  out.not_before = asn1_to_time(X509_get0_notBefore(cert.get()));
  out.not_after = asn1_to_time(X509_get0_notAfter(cert.get()));
  return {};
}

std::string check_node_cert(const std::string& cert_pem, const std::string& key_pem,
                            const std::string& ca_pem, const std::string& node_name,
                            std::time_t now) {
  auto cert = parse_cert(cert_pem);
  if (!cert)
    return openssl_error("node certificate is not a PEM certificate");
  auto key_bio = read_bio(key_pem);
  key_ptr key{PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr)};
  if (!key)
    return openssl_error("node key is not a PEM private key");
  if (X509_check_private_key(cert.get(), key.get()) != 1)
    return openssl_error("node key does not belong to the node certificate");
  auto expected = std::string(protocol::node_cert_cn_prefix) + node_name;
  if (auto cn = common_name_of(cert.get()); cn != expected)
    return "node certificate is for \"" + cn + "\", not \"" + expected + "\"";
  auto ca = parse_cert(ca_pem);
  if (!ca)
    return openssl_error("cluster CA is not a PEM certificate");
  store_ptr store{X509_STORE_new()};
  store_ctx_ptr ctx{X509_STORE_CTX_new()};
  if (!store || !ctx || !X509_STORE_add_cert(store.get(), ca.get()) ||
      !X509_STORE_CTX_init(ctx.get(), store.get(), cert.get(), nullptr))
    return openssl_error("cannot verify node certificate");
  X509_STORE_CTX_set_time(ctx.get(), 0, now);
  if (X509_verify_cert(ctx.get()) != 1) {
    int code = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    if (code == X509_V_ERR_CERT_HAS_EXPIRED)
      return "node certificate expired at " +
             config::format_rfc3339(asn1_to_time(X509_get0_notAfter(cert.get())));
    return std::string("node certificate does not verify against the cluster CA: ") +
           X509_verify_cert_error_string(code);
  }
  return {};
}

} // namespace troupe::node_agent::join
