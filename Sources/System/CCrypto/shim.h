#ifndef CCRYPTO_SHIM_H
#define CCRYPTO_SHIM_H
// OpenSSL's libcrypto (3.x): HMAC, digests and signature verification through the EVP APIs.
// The helpers below only bundle EVP calls whose macros and OSSL_PARAMs Swift cannot call directly;
// no cryptography is implemented here.
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stddef.h>
#include <stdint.h>

/// HMAC with the named digest ("SHA1", "SHA256"); returns the MAC length, or 0 on failure.
static inline size_t ccrypto_hmac(const char *digest, const uint8_t *key, size_t key_length,
                                  const uint8_t *message, size_t message_length,
                                  uint8_t *out, size_t out_capacity) {
  size_t written = 0;
  if (EVP_Q_mac(NULL, "HMAC", NULL, digest, NULL, key, key_length, message, message_length,
                out, out_capacity, &written) == NULL) {
    return 0;
  }
  return written;
}

/// SHA-256 of `data` into `out` (32 bytes); 1 on success.
static inline int ccrypto_sha256(const uint8_t *data, size_t length, uint8_t *out) {
  unsigned int written = 0;
  return EVP_Digest(data, length, out, &written, EVP_sha256(), NULL) == 1 && written == 32;
}

/// Verifies `signature` over `message` with a DER SubjectPublicKeyInfo key. `sha256` selects
/// hash-then-sign (ECDSA with SHA-256, DER signature); 0 is for Ed25519 (signs the message itself).
/// Returns 1 when valid, 0 when not (or the key cannot be read).
static inline int ccrypto_verify(const uint8_t *spki, size_t spki_length, int sha256,
                                 const uint8_t *signature, size_t signature_length,
                                 const uint8_t *message, size_t message_length) {
  const unsigned char *cursor = spki;
  EVP_PKEY *key = d2i_PUBKEY(NULL, &cursor, (long)spki_length);
  if (key == NULL) return 0;
  int valid = 0;
  EVP_MD_CTX *context = EVP_MD_CTX_new();
  if (context != NULL &&
      EVP_DigestVerifyInit(context, NULL, sha256 ? EVP_sha256() : NULL, NULL, key) == 1 &&
      EVP_DigestVerify(context, signature, signature_length, message, message_length) == 1) {
    valid = 1;
  }
  EVP_MD_CTX_free(context);
  EVP_PKEY_free(key);
  return valid;
}
#endif
