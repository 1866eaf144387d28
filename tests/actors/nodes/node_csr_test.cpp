// Signing a node's certificate request at join (pki.hpp sign_node_csr): good requests get a
// certificate that chains to the cluster CA with the node's identity and both EKUs; bad ones are
// refused with a reason.
#include "actors/server/pki.hpp"

#include <catch2/catch.hpp>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <memory>

namespace srv = troupe::server;

namespace {

std::string pem_of(X509_REQ* req) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509_REQ(bio, req);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

// A CSR for `key` with subject CN=cn, signed by `signer` (a different key: bad signature).
std::string csr_with(EVP_PKEY* key, const std::string& cn, EVP_PKEY* signer = nullptr) {
  X509_REQ* req = X509_REQ_new();
  X509_REQ_set_pubkey(req, key);
  X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(req), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_REQ_sign(req, signer ? signer : key, EVP_sha256());
  auto out = pem_of(req);
  X509_REQ_free(req);
  return out;
}

struct cert_view {
  std::string cn, o, eku;
  bool chains = false;
  long days = 0;
};

cert_view inspect(const std::string& ca_pem, const std::string& cert_pem) {
  cert_view v;
  BIO* b1 = BIO_new_mem_buf(ca_pem.data(), static_cast<int>(ca_pem.size()));
  BIO* b2 = BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size()));
  X509* ca = PEM_read_bio_X509(b1, nullptr, nullptr, nullptr);
  X509* cert = PEM_read_bio_X509(b2, nullptr, nullptr, nullptr);
  BIO_free(b1);
  BIO_free(b2);
  if (!ca || !cert)
    return v;
  char buf[256];
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof buf);
  v.cn = buf;
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_organizationName, buf, sizeof buf);
  v.o = buf;
  uint32_t xku = X509_get_extended_key_usage(cert);
  if (xku & XKU_SSL_CLIENT)
    v.eku += "clientAuth ";
  if (xku & XKU_SSL_SERVER)
    v.eku += "serverAuth";
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca);
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, cert, nullptr);
  X509_VERIFY_PARAM_set_purpose(X509_STORE_CTX_get0_param(ctx), X509_PURPOSE_SSL_CLIENT);
  v.chains = X509_verify_cert(ctx) == 1;
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  int pday = 0, psec = 0;
  ASN1_TIME_diff(&pday, &psec, X509_get0_notBefore(cert), X509_get0_notAfter(cert));
  v.days = pday;
  X509_free(ca);
  X509_free(cert);
  return v;
}

} // namespace

TEST_CASE("sign_node_csr: good and bad certificate requests", "[nodes]") {
  srv::cert_and_key ca;
  REQUIRE(srv::make_ca("troupe-ca", 30, ca).empty());
  std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> ec{EVP_EC_gen("P-256"), EVP_PKEY_free};
  std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> other{EVP_EC_gen("P-256"), EVP_PKEY_free};
  std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> rsa2048{EVP_RSA_gen(2048), EVP_PKEY_free};
  std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> rsa1024{EVP_RSA_gen(1024), EVP_PKEY_free};
  std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> p224{EVP_EC_gen("P-224"), EVP_PKEY_free};
  std::string made_csr, made_key;
  REQUIRE(srv::make_csr("system:node:node1", "system:nodes", made_csr, made_key).empty());

  struct row {
    const char* name;
    std::string csr;
    const char* node;
    const char* error;  // "" = signed
  } rows[] = {
    {"make_csr's request", made_csr, "node1", ""},
    {"EC P-256", csr_with(ec.get(), "system:node:node1"), "node1", ""},
    {"RSA 2048", csr_with(rsa2048.get(), "system:node:n-2.example"), "n-2.example", ""},
    {"RSA 1024 is too weak", csr_with(rsa1024.get(), "system:node:node1"), "node1", "unusable"},
    {"EC P-224 is not accepted", csr_with(p224.get(), "system:node:node1"), "node1", "unusable"},
    {"CN of another node", csr_with(ec.get(), "system:node:node2"), "node1",
     "subject CN is \"system:node:node2\", expected \"system:node:node1\""},
    {"CN without the prefix", csr_with(ec.get(), "node1"), "node1", "expected \"system:node:node1\""},
    {"signed by another key", csr_with(ec.get(), "system:node:node1", other.get()), "node1",
     "signature does not verify"},
    {"not PEM", "hello", "node1", "not a PEM certificate request"},
    {"a certificate, not a request", ca.cert, "node1", "not a PEM certificate request"},
    {"empty", "", "node1", "not a PEM certificate request"},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    std::string cert;
    auto err = srv::sign_node_csr(ca, r.csr, r.node, 365, cert);
    if (std::string(r.error).empty()) {
      REQUIRE(err.empty());
      auto v = inspect(ca.cert, cert);
      CHECK(v.cn == std::string("system:node:") + r.node);
      CHECK(v.o == "system:nodes");
      CHECK(v.eku == "clientAuth serverAuth");
      CHECK(v.chains);
      CHECK(v.days == 365);
    } else {
      CHECK(err.find(r.error) != std::string::npos);
      CHECK(cert.empty());
    }
  }
}

TEST_CASE("sign_node_csr: a node certificate does not chain to another cluster's CA", "[nodes]") {
  srv::cert_and_key ca, other_ca;
  REQUIRE(srv::make_ca("troupe-ca", 30, ca).empty());
  REQUIRE(srv::make_ca("troupe-ca", 30, other_ca).empty());
  std::string csr, key, cert;
  REQUIRE(srv::make_csr("system:node:node1", "system:nodes", csr, key).empty());
  REQUIRE(srv::sign_node_csr(ca, csr, "node1", 365, cert).empty());
  CHECK(inspect(ca.cert, cert).chains);
  CHECK_FALSE(inspect(other_ca.cert, cert).chains);
  CHECK(srv::check_cert_and_key({cert, key}).empty());
}
