#pragma once
// OpenSSL objects as unique_ptrs, and the few helpers every PEM-handling file needs: the cluster's
// PKI (actors/server/pki.cpp, CSR signing) and the node's join (node-agent/join/node_csr.cpp).
// CAF-free and header-only.

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <memory>
#include <string>

namespace troupe::http::ossl {

template <class T, void (*Free)(T*)>
struct free_with {
  void operator()(T* p) const { Free(p); }
};
using bio_ptr = std::unique_ptr<BIO, free_with<BIO, BIO_free_all>>;
using key_ptr = std::unique_ptr<EVP_PKEY, free_with<EVP_PKEY, EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, free_with<X509, X509_free>>;
using req_ptr = std::unique_ptr<X509_REQ, free_with<X509_REQ, X509_REQ_free>>;
using bn_ptr = std::unique_ptr<BIGNUM, free_with<BIGNUM, BN_free>>;
using ext_ptr = std::unique_ptr<X509_EXTENSION, free_with<X509_EXTENSION, X509_EXTENSION_free>>;
using store_ptr = std::unique_ptr<X509_STORE, free_with<X509_STORE, X509_STORE_free>>;
using store_ctx_ptr =
  std::unique_ptr<X509_STORE_CTX, free_with<X509_STORE_CTX, X509_STORE_CTX_free>>;

/// `what`, then the last OpenSSL error queued on this thread; clears the queue.
inline std::string openssl_error(const std::string& what) {
  unsigned long code = ERR_get_error();
  std::string out = what;
  if (code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    out += ": ";
    out += buf;
  }
  ERR_clear_error();
  return out;
}

/// A read-only memory BIO over `pem` (which must outlive it).
inline bio_ptr read_bio(const std::string& pem) {
  return bio_ptr{BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))};
}

/// Everything written to a memory BIO.
inline std::string drain(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

/// The first certificate in `pem`, or null.
inline x509_ptr parse_cert(const std::string& pem) {
  auto bio = read_bio(pem);
  return x509_ptr{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)};
}

} // namespace troupe::http::ossl
