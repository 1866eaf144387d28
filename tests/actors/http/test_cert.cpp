#include "test_cert.hpp"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace troupe::http::testing {

namespace {

struct key_free {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct cert_free {
  void operator()(X509* c) const { X509_free(c); }
};
using key_ptr = std::unique_ptr<EVP_PKEY, key_free>;
using cert_ptr = std::unique_ptr<X509, cert_free>;

void check(bool ok, const char* what) {
  if (!ok)
    throw std::runtime_error(std::string("test certificate: ") + what);
}

key_ptr make_key() {
  key_ptr key{EVP_EC_gen("P-256")};
  check(key != nullptr, "EVP_EC_gen");
  return key;
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  check(ext != nullptr, "extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

cert_ptr make_cert(EVP_PKEY* key, const char* cn, X509* issuer, EVP_PKEY* issuer_key, bool ca,
                   long serial, const char* san = "IP:127.0.0.1,IP:::1,DNS:localhost") {
  cert_ptr cert{X509_new()};
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                             -1, -1, 0);
  X509* signer = issuer ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  if (ca) {
    add_ext(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_ext(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    add_ext(cert.get(), signer, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    add_ext(cert.get(), signer, NID_ext_key_usage, "serverAuth");
    add_ext(cert.get(), signer, NID_subject_alt_name, san);
  }
  check(X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) > 0, "X509_sign");
  return cert;
}

std::string pem_of(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

std::string pem_of(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  check(out.good(), "write file");
}

struct ca_material {
  key_ptr key = make_key();
  cert_ptr cert = make_cert(key.get(), "troupe-test-ca", nullptr, nullptr, true, 1);
};

const ca_material& shared_ca() {
  static const ca_material ca;
  return ca;
}

test_pki make_pki() {
  test_pki pki;
  EVP_PKEY* ca_key = shared_ca().key.get();
  X509* ca = shared_ca().cert.get();
  key_ptr key = make_key();
  cert_ptr cert = make_cert(key.get(), "troupe-test-server", ca, ca_key, false, 2);
  pki.ca_pem = pem_of(ca);
  pki.cert_pem = pem_of(cert.get());
  pki.key_pem = pem_of(key.get());
  char dir[] = "/tmp/troupe-http-test-XXXXXX";
  check(mkdtemp(dir) != nullptr, "mkdtemp");
  pki.dir = dir;
  write_file(pki.ca_file(), pki.ca_pem);
  write_file(pki.cert_file(), pki.cert_pem);
  write_file(pki.key_file(), pki.key_pem);
  return pki;
}

} // namespace

const test_pki& shared_pki() {
  // The temp directory goes away with the process.
  struct holder {
    test_pki pki = make_pki();
    ~holder() {
      std::error_code ignored;
      std::filesystem::remove_all(pki.dir, ignored);
    }
  };
  static const holder h;
  return h.pki;
}

server_identity issue_server_cert(const char* san) {
  key_ptr key = make_key();
  cert_ptr cert = make_cert(key.get(), "troupe-test-other", shared_ca().cert.get(),
                            shared_ca().key.get(), false, 3, san);
  return {pem_of(cert.get()), pem_of(key.get())};
}

const std::string& other_ca_pem() {
  static const std::string pem = [] {
    key_ptr key = make_key();
    cert_ptr ca = make_cert(key.get(), "unrelated-ca", nullptr, nullptr, true, 7);
    return pem_of(ca.get());
  }();
  return pem;
}

} // namespace troupe::http::testing
