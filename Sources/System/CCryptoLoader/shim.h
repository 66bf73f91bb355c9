#ifndef CCRYPTOLOADER_SHIM_H
#define CCRYPTOLOADER_SHIM_H
// OpenSSL's libcrypto (3.x) for ModalJOSE, opened with dlopen on first use instead of linked: the
// SDK (and so `modal`) depends on ModalJOSE, and linking libcrypto would load it at every start of
// `modal` although only OAuth client assertions need it. The headers give the types and the
// function signatures; each function is reached through `jose_fn_<name>()`, resolved once with
// dlsym and cached. The `jose_*` helpers below only bundle EVP calls that Swift cannot make
// directly (OSSL_PARAM builders, BIO macros, variadic key generation, ECDSA_SIG conversion) or that
// keep OpenSSL contexts for reuse (RS256 verification); no cryptography is implemented here.
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <stdlib.h>

/// The handle of libcrypto, or NULL when it cannot be loaded.
static inline void *jose_crypto_library(void) {
  static void *handle;
  void *current = __atomic_load_n(&handle, __ATOMIC_ACQUIRE);
  if (current) return current;
  const char *names[] = {"libcrypto.so.3", "libcrypto.so", "libcrypto.3.dylib",
                         "/opt/homebrew/opt/openssl@3/lib/libcrypto.3.dylib",
                         "/usr/local/opt/openssl@3/lib/libcrypto.3.dylib"};
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    current = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (current) break;
  }
  if (current) __atomic_store_n(&handle, current, __ATOMIC_RELEASE);
  return current;
}

#define JOSE_LAZY(name)                                                                         \
  static inline __typeof__(&name) jose_fn_##name(void) {                                       \
    static __typeof__(&name) cached;                                                            \
    __typeof__(&name) fn = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);                          \
    if (!fn) {                                                                                  \
      void *library = jose_crypto_library();                                                    \
      fn = library ? (__typeof__(&name))dlsym(library, #name) : NULL;                           \
      __atomic_store_n(&cached, fn, __ATOMIC_RELEASE);                                          \
    }                                                                                           \
    return fn;                                                                                  \
  }

JOSE_LAZY(BIO_ctrl)
JOSE_LAZY(BIO_free)
JOSE_LAZY(BIO_new)
JOSE_LAZY(BIO_new_mem_buf)
JOSE_LAZY(BIO_s_mem)
JOSE_LAZY(BN_bin2bn)
JOSE_LAZY(BN_bn2binpad)
JOSE_LAZY(BN_free)
JOSE_LAZY(BN_num_bits)
JOSE_LAZY(ECDSA_SIG_free)
JOSE_LAZY(ECDSA_SIG_get0)
JOSE_LAZY(ECDSA_SIG_new)
JOSE_LAZY(ECDSA_SIG_set0)
JOSE_LAZY(ERR_clear_error)
JOSE_LAZY(EVP_Digest)
JOSE_LAZY(EVP_DigestFinal_ex)
JOSE_LAZY(EVP_DigestInit_ex)
JOSE_LAZY(EVP_DigestUpdate)
JOSE_LAZY(EVP_DigestSign)
JOSE_LAZY(EVP_DigestSignInit)
JOSE_LAZY(EVP_DigestVerify)
JOSE_LAZY(EVP_DigestVerifyInit)
JOSE_LAZY(EVP_MD_CTX_free)
JOSE_LAZY(EVP_MD_CTX_new)
JOSE_LAZY(EVP_MD_fetch)
JOSE_LAZY(EVP_MD_free)
JOSE_LAZY(EVP_PKEY_CTX_dup)
JOSE_LAZY(EVP_PKEY_CTX_free)
JOSE_LAZY(EVP_PKEY_CTX_new_from_pkey)
JOSE_LAZY(EVP_PKEY_CTX_set_rsa_padding)
JOSE_LAZY(EVP_PKEY_CTX_set_signature_md)
JOSE_LAZY(EVP_PKEY_CTX_new_from_name)
JOSE_LAZY(EVP_PKEY_Q_keygen)
JOSE_LAZY(EVP_PKEY_free)
JOSE_LAZY(EVP_PKEY_fromdata)
JOSE_LAZY(EVP_PKEY_fromdata_init)
JOSE_LAZY(EVP_PKEY_get_bits)
JOSE_LAZY(EVP_PKEY_get_bn_param)
JOSE_LAZY(EVP_PKEY_get_group_name)
JOSE_LAZY(EVP_PKEY_get_raw_public_key)
JOSE_LAZY(EVP_PKEY_is_a)
JOSE_LAZY(EVP_PKEY_new_raw_public_key)
JOSE_LAZY(EVP_PKEY_verify)
JOSE_LAZY(EVP_PKEY_verify_init)
JOSE_LAZY(EVP_sha256)
JOSE_LAZY(OSSL_PARAM_BLD_free)
JOSE_LAZY(OSSL_PARAM_BLD_new)
JOSE_LAZY(OSSL_PARAM_BLD_push_BN)
JOSE_LAZY(OSSL_PARAM_BLD_push_octet_string)
JOSE_LAZY(OSSL_PARAM_BLD_push_utf8_string)
JOSE_LAZY(OSSL_PARAM_BLD_to_param)
JOSE_LAZY(OSSL_PARAM_free)
JOSE_LAZY(PEM_read_bio_PUBKEY)
JOSE_LAZY(PEM_read_bio_PrivateKey)
JOSE_LAZY(PEM_write_bio_PrivateKey)
JOSE_LAZY(d2i_ECDSA_SIG)
JOSE_LAZY(i2d_ECDSA_SIG)

/// Whether libcrypto loads and every function ModalJOSE uses resolves.
static inline int jose_crypto_is_available(void) {
  return jose_fn_BIO_ctrl() && jose_fn_BIO_free() && jose_fn_BIO_new() && jose_fn_BIO_new_mem_buf() &&
         jose_fn_BIO_s_mem() && jose_fn_BN_bin2bn() && jose_fn_BN_bn2binpad() && jose_fn_BN_free() &&
         jose_fn_BN_num_bits() && jose_fn_ECDSA_SIG_free() && jose_fn_ECDSA_SIG_get0() && jose_fn_ECDSA_SIG_new() &&
         jose_fn_ECDSA_SIG_set0() && jose_fn_ERR_clear_error() && jose_fn_EVP_Digest() && jose_fn_EVP_DigestSign() &&
         jose_fn_EVP_DigestSignInit() && jose_fn_EVP_DigestVerify() && jose_fn_EVP_DigestVerifyInit() &&
         jose_fn_EVP_MD_CTX_free() && jose_fn_EVP_MD_CTX_new() && jose_fn_EVP_PKEY_CTX_free() &&
         jose_fn_EVP_PKEY_CTX_new_from_name() && jose_fn_EVP_PKEY_Q_keygen() && jose_fn_EVP_PKEY_free() &&
         jose_fn_EVP_PKEY_fromdata() && jose_fn_EVP_PKEY_fromdata_init() && jose_fn_EVP_PKEY_get_bits() &&
         jose_fn_EVP_PKEY_get_bn_param() && jose_fn_EVP_PKEY_get_group_name() &&
         jose_fn_EVP_PKEY_get_raw_public_key() && jose_fn_EVP_PKEY_is_a() && jose_fn_EVP_PKEY_new_raw_public_key() &&
         jose_fn_EVP_sha256() && jose_fn_OSSL_PARAM_BLD_free() && jose_fn_OSSL_PARAM_BLD_new() &&
         jose_fn_OSSL_PARAM_BLD_push_BN() && jose_fn_OSSL_PARAM_BLD_push_octet_string() &&
         jose_fn_OSSL_PARAM_BLD_push_utf8_string() && jose_fn_OSSL_PARAM_BLD_to_param() &&
         jose_fn_OSSL_PARAM_free() && jose_fn_PEM_read_bio_PUBKEY() && jose_fn_PEM_read_bio_PrivateKey() &&
         jose_fn_PEM_write_bio_PrivateKey() && jose_fn_d2i_ECDSA_SIG() && jose_fn_i2d_ECDSA_SIG() &&
         jose_fn_EVP_MD_fetch() && jose_fn_EVP_MD_free() && jose_fn_EVP_PKEY_CTX_dup() && jose_fn_EVP_PKEY_CTX_new_from_pkey() &&
         jose_fn_EVP_PKEY_CTX_set_rsa_padding() && jose_fn_EVP_PKEY_CTX_set_signature_md() &&
         jose_fn_EVP_PKEY_verify() && jose_fn_EVP_PKEY_verify_init() && jose_fn_EVP_DigestFinal_ex() &&
         jose_fn_EVP_DigestInit_ex() && jose_fn_EVP_DigestUpdate();
}

/// The kinds of key ModalJOSE handles.
enum { JOSE_KEY_RSA = 0, JOSE_KEY_P256 = 1, JOSE_KEY_ED25519 = 2, JOSE_KEY_OTHER = -1 };

/// The components `jose_key_component` reads.
enum { JOSE_RSA_N = 0, JOSE_RSA_E = 1, JOSE_EC_X = 2, JOSE_EC_Y = 3, JOSE_OKP_X = 4 };

/// Frees a key (NULL is fine).
static inline void jose_key_free(EVP_PKEY *key) {
  if (key) jose_fn_EVP_PKEY_free()(key);
}

/// A key from OSSL_PARAMs of `type` ("RSA", "EC"), made with EVP_PKEY_fromdata; NULL on failure.
static inline EVP_PKEY *jose_key_from_params(const char *type, OSSL_PARAM_BLD *builder, int selection) {
  EVP_PKEY *key = NULL;
  OSSL_PARAM *params = jose_fn_OSSL_PARAM_BLD_to_param()(builder);
  EVP_PKEY_CTX *context = jose_fn_EVP_PKEY_CTX_new_from_name()(NULL, type, NULL);
  if (params && context && jose_fn_EVP_PKEY_fromdata_init()(context) == 1) {
    if (jose_fn_EVP_PKEY_fromdata()(context, &key, selection, params) != 1) key = NULL;
  }
  jose_fn_EVP_PKEY_CTX_free()(context);
  jose_fn_OSSL_PARAM_free()(params);
  return key;
}

/// An RSA public key from its big-endian modulus and exponent; NULL when invalid.
static inline EVP_PKEY *jose_key_rsa_public(const uint8_t *n, size_t n_length, const uint8_t *e, size_t e_length) {
  if (!jose_crypto_is_available()) return NULL;
  BIGNUM *modulus = jose_fn_BN_bin2bn()(n, (int)n_length, NULL);
  BIGNUM *exponent = jose_fn_BN_bin2bn()(e, (int)e_length, NULL);
  OSSL_PARAM_BLD *builder = jose_fn_OSSL_PARAM_BLD_new()();
  EVP_PKEY *key = NULL;
  if (modulus && exponent && builder && jose_fn_OSSL_PARAM_BLD_push_BN()(builder, OSSL_PKEY_PARAM_RSA_N, modulus) &&
      jose_fn_OSSL_PARAM_BLD_push_BN()(builder, OSSL_PKEY_PARAM_RSA_E, exponent)) {
    key = jose_key_from_params("RSA", builder, EVP_PKEY_PUBLIC_KEY);
  }
  jose_fn_OSSL_PARAM_BLD_free()(builder);
  jose_fn_BN_free()(modulus);
  jose_fn_BN_free()(exponent);
  return key;
}

/// A P-256 public key from its uncompressed point (0x04 || x || y, 65 bytes); NULL when the point
/// is not on the curve.
static inline EVP_PKEY *jose_key_p256_public(const uint8_t *point, size_t length) {
  if (!jose_crypto_is_available()) return NULL;
  OSSL_PARAM_BLD *builder = jose_fn_OSSL_PARAM_BLD_new()();
  EVP_PKEY *key = NULL;
  if (builder && jose_fn_OSSL_PARAM_BLD_push_utf8_string()(builder, OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0) &&
      jose_fn_OSSL_PARAM_BLD_push_octet_string()(builder, OSSL_PKEY_PARAM_PUB_KEY, point, length)) {
    key = jose_key_from_params("EC", builder, EVP_PKEY_PUBLIC_KEY);
  }
  jose_fn_OSSL_PARAM_BLD_free()(builder);
  return key;
}

/// An Ed25519 public key from its 32 raw bytes; NULL when invalid.
static inline EVP_PKEY *jose_key_ed25519_public(const uint8_t *x, size_t length) {
  if (!jose_crypto_is_available()) return NULL;
  return jose_fn_EVP_PKEY_new_raw_public_key()(EVP_PKEY_ED25519, NULL, x, length);
}

/// A key read from PEM text: a private key (PKCS#8 or traditional, unencrypted) when `private_key`
/// is 1, else a SubjectPublicKeyInfo public key. NULL when the text holds no such key.
static inline EVP_PKEY *jose_key_from_pem(const char *pem, size_t length, int private_key) {
  if (!jose_crypto_is_available() || length > INT32_MAX) return NULL;
  BIO *bio = jose_fn_BIO_new_mem_buf()(pem, (int)length);
  if (!bio) return NULL;
  /* An empty passphrase callback result: an encrypted key fails instead of prompting on the terminal. */
  EVP_PKEY *key = private_key ? jose_fn_PEM_read_bio_PrivateKey()(bio, NULL, NULL, (void *)"")
                              : jose_fn_PEM_read_bio_PUBKEY()(bio, NULL, NULL, (void *)"");
  jose_fn_BIO_free()(bio);
  jose_fn_ERR_clear_error()();
  return key;
}

/// Writes `key`'s private key as unencrypted PKCS#8 PEM into `out`; the length written, or 0 when it
/// does not fit or fails.
static inline size_t jose_key_private_pem(EVP_PKEY *key, char *out, size_t capacity) {
  BIO *bio = jose_fn_BIO_new()(jose_fn_BIO_s_mem()());
  if (!bio) return 0;
  size_t written = 0;
  if (jose_fn_PEM_write_bio_PrivateKey()(bio, key, NULL, NULL, 0, NULL, NULL) == 1) {
    char *data = NULL;
    long length = jose_fn_BIO_ctrl()(bio, BIO_CTRL_INFO, 0, (char *)&data); /* BIO_get_mem_data */
    if (length > 0 && (size_t)length <= capacity) {
      for (long i = 0; i < length; i++) out[i] = data[i];
      written = (size_t)length;
    }
  }
  jose_fn_BIO_free()(bio);
  return written;
}

/// Generates a key of `kind`: RSA 2048 bits, P-256 or Ed25519; NULL on failure.
static inline EVP_PKEY *jose_key_generate(int kind) {
  if (!jose_crypto_is_available()) return NULL;
  switch (kind) {
    case JOSE_KEY_RSA: return jose_fn_EVP_PKEY_Q_keygen()(NULL, NULL, "RSA", (size_t)2048);
    case JOSE_KEY_P256: return jose_fn_EVP_PKEY_Q_keygen()(NULL, NULL, "EC", "P-256");
    case JOSE_KEY_ED25519: return jose_fn_EVP_PKEY_Q_keygen()(NULL, NULL, "ED25519");
    default: return NULL;
  }
}

/// The kind of `key` (JOSE_KEY_OTHER for other types and curves).
static inline int jose_key_kind(EVP_PKEY *key) {
  if (jose_fn_EVP_PKEY_is_a()(key, "RSA")) return JOSE_KEY_RSA;
  if (jose_fn_EVP_PKEY_is_a()(key, "ED25519")) return JOSE_KEY_ED25519;
  if (jose_fn_EVP_PKEY_is_a()(key, "EC")) {
    char group[32] = {0};
    size_t length = 0;
    if (jose_fn_EVP_PKEY_get_group_name()(key, group, sizeof(group), &length) == 1 &&
        (__builtin_strcmp(group, "prime256v1") == 0 || __builtin_strcmp(group, "P-256") == 0)) {
      return JOSE_KEY_P256;
    }
  }
  return JOSE_KEY_OTHER;
}

/// The size of `key` in bits (the modulus for RSA).
static inline int jose_key_bits(EVP_PKEY *key) { return jose_fn_EVP_PKEY_get_bits()(key); }

/// Reads a public component of `key` (JOSE_RSA_N, ...) big-endian into `out`: RSA's without leading
/// zeros, P-256's coordinates padded to 32 bytes. Returns the length, or 0 on failure.
static inline size_t jose_key_component(EVP_PKEY *key, int component, uint8_t *out, size_t capacity) {
  if (component == JOSE_OKP_X) {
    size_t length = capacity;
    return jose_fn_EVP_PKEY_get_raw_public_key()(key, out, &length) == 1 ? length : 0;
  }
  const char *names[] = {OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_E, OSSL_PKEY_PARAM_EC_PUB_X,
                         OSSL_PKEY_PARAM_EC_PUB_Y};
  if (component < 0 || component > JOSE_EC_Y) return 0;
  BIGNUM *value = NULL;
  if (jose_fn_EVP_PKEY_get_bn_param()(key, names[component], &value) != 1) return 0;
  int length = component >= JOSE_EC_X ? 32 : (jose_fn_BN_num_bits()(value) + 7) / 8;
  size_t written = 0;
  if ((size_t)length <= capacity && jose_fn_BN_bn2binpad()(value, out, length) == length) written = (size_t)length;
  jose_fn_BN_free()(value);
  return written;
}

/// Signs `message` with `key`: RSASSA-PKCS1-v1_5 or ECDSA over SHA-256, or Ed25519 over the message.
/// An ECDSA signature is returned in JOSE form (r || s, 32 bytes each), not DER. Returns the length
/// written, or 0 on failure.
static inline size_t jose_sign(EVP_PKEY *key, const uint8_t *message, size_t message_length, uint8_t *out,
                               size_t capacity) {
  int kind = jose_key_kind(key);
  uint8_t der[1100];
  size_t length = sizeof(der);
  EVP_MD_CTX *context = jose_fn_EVP_MD_CTX_new()();
  int signed_ok = context &&
                  jose_fn_EVP_DigestSignInit()(context, NULL, kind == JOSE_KEY_ED25519 ? NULL : jose_fn_EVP_sha256()(),
                                               NULL, key) == 1 &&
                  jose_fn_EVP_DigestSign()(context, der, &length, message, message_length) == 1;
  jose_fn_EVP_MD_CTX_free()(context);
  if (!signed_ok) return 0;
  if (kind != JOSE_KEY_P256) {
    if (length > capacity) return 0;
    for (size_t i = 0; i < length; i++) out[i] = der[i];
    return length;
  }
  const unsigned char *cursor = der;
  ECDSA_SIG *signature = jose_fn_d2i_ECDSA_SIG()(NULL, &cursor, (long)length);
  if (!signature || capacity < 64) {
    if (signature) jose_fn_ECDSA_SIG_free()(signature);
    return 0;
  }
  const BIGNUM *r = NULL, *s = NULL;
  jose_fn_ECDSA_SIG_get0()(signature, &r, &s);
  int ok = jose_fn_BN_bn2binpad()(r, out, 32) == 32 && jose_fn_BN_bn2binpad()(s, out + 32, 32) == 32;
  jose_fn_ECDSA_SIG_free()(signature);
  return ok ? 64 : 0;
}

/// Verifies `signature` over `message` with `key` (as `jose_sign` makes them: ECDSA in r || s form).
/// Returns 1 when valid, 0 when not.
static inline int jose_verify(EVP_PKEY *key, const uint8_t *signature, size_t signature_length,
                              const uint8_t *message, size_t message_length) {
  int kind = jose_key_kind(key);
  uint8_t der[128];
  const uint8_t *checked = signature;
  size_t checked_length = signature_length;
  if (kind == JOSE_KEY_P256) {
    if (signature_length != 64) return 0;
    ECDSA_SIG *parsed = jose_fn_ECDSA_SIG_new()();
    BIGNUM *r = jose_fn_BN_bin2bn()(signature, 32, NULL);
    BIGNUM *s = jose_fn_BN_bin2bn()(signature + 32, 32, NULL);
    if (!parsed || !r || !s || jose_fn_ECDSA_SIG_set0()(parsed, r, s) != 1) {
      jose_fn_BN_free()(r);
      jose_fn_BN_free()(s);
      if (parsed) jose_fn_ECDSA_SIG_free()(parsed);
      return 0;
    }
    unsigned char *cursor = der;
    int length = jose_fn_i2d_ECDSA_SIG()(parsed, NULL) <= (int)sizeof(der) ? jose_fn_i2d_ECDSA_SIG()(parsed, &cursor) : -1;
    jose_fn_ECDSA_SIG_free()(parsed);
    if (length <= 0) return 0;
    checked = der;
    checked_length = (size_t)length;
  }
  EVP_MD_CTX *context = jose_fn_EVP_MD_CTX_new()();
  int valid = context &&
              jose_fn_EVP_DigestVerifyInit()(context, NULL, kind == JOSE_KEY_ED25519 ? NULL : jose_fn_EVP_sha256()(),
                                             NULL, key) == 1 &&
              jose_fn_EVP_DigestVerify()(context, checked, checked_length, message, message_length) == 1;
  jose_fn_EVP_MD_CTX_free()(context);
  jose_fn_ERR_clear_error()();
  return valid;
}

/// SHA-256 as fetched once from the default provider (an `EVP_sha256()` digest is looked up again
/// on every use), or NULL.
static inline EVP_MD *jose_sha256_fetched(void) {
  static EVP_MD *cached;
  EVP_MD *md = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
  if (md) return md;
  md = jose_fn_EVP_MD_fetch()(NULL, "SHA256", NULL);
  EVP_MD *expected = NULL;
  if (md && !__atomic_compare_exchange_n(&cached, &expected, md, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
    jose_fn_EVP_MD_free()(md);  // another thread fetched it first
    md = expected;
  }
  return md;
}

/// What one RS256 check at a time needs, kept for the next check: a duplicate of the verifier's
/// context (OpenSSL allows `EVP_PKEY_verify` to be called again on a context with the same
/// parameters) and a digest context, which `EVP_DigestInit_ex` resets without reallocating when
/// the digest is the same.
typedef struct jose_rs256_slot {
  EVP_PKEY_CTX *context;
  EVP_MD_CTX *digest;
} jose_rs256_slot;

/// The most slots a verifier keeps between checks; more concurrent checks make and free their own.
#define JOSE_RS256_SPARES 32

/// An RS256 verifier for one RSA key, made once: a context set up for RSASSA-PKCS1-v1_5 over a
/// SHA-256 digest, never used itself, and the slots made from it that checks borrow one at a time
/// (a context is not shared between threads). The server checks a client assertion on every call
/// it authenticates with one: a new duplicate of the context and a new digest context per check
/// cost it about ten allocations and as many reference counts each time.
typedef struct jose_rs256_verifier {
  EVP_PKEY_CTX *template;
  pthread_mutex_t lock;
  int spare_count;
  jose_rs256_slot *spares[JOSE_RS256_SPARES];
} jose_rs256_verifier;

/// Frees a slot (NULL is ignored).
static inline void jose_rs256_slot_free(jose_rs256_slot *slot) {
  if (!slot) return;
  if (slot->context) jose_fn_EVP_PKEY_CTX_free()(slot->context);
  if (slot->digest) jose_fn_EVP_MD_CTX_free()(slot->digest);
  free(slot);
}

/// A new slot for `verifier`, or NULL on failure.
static inline jose_rs256_slot *jose_rs256_slot_new(jose_rs256_verifier *verifier) {
  jose_rs256_slot *slot = calloc(1, sizeof(jose_rs256_slot));
  if (!slot) return NULL;
  slot->context = jose_fn_EVP_PKEY_CTX_dup()(verifier->template);
  slot->digest = jose_fn_EVP_MD_CTX_new()();
  if (slot->context && slot->digest) return slot;
  jose_rs256_slot_free(slot);
  jose_fn_ERR_clear_error()();
  return NULL;
}

/// A verifier for `key`, an RSA key; NULL on failure. Free with `jose_rs256_verifier_free`.
static inline jose_rs256_verifier *jose_rs256_verifier_new(EVP_PKEY *key) {
  EVP_MD *sha256 = jose_crypto_is_available() ? jose_sha256_fetched() : NULL;
  EVP_PKEY_CTX *context = sha256 ? jose_fn_EVP_PKEY_CTX_new_from_pkey()(NULL, key, NULL) : NULL;
  jose_rs256_verifier *verifier = context ? calloc(1, sizeof(jose_rs256_verifier)) : NULL;
  if (verifier && jose_fn_EVP_PKEY_verify_init()(context) == 1 &&
      jose_fn_EVP_PKEY_CTX_set_rsa_padding()(context, RSA_PKCS1_PADDING) == 1 &&
      jose_fn_EVP_PKEY_CTX_set_signature_md()(context, sha256) == 1 && pthread_mutex_init(&verifier->lock, NULL) == 0) {
    verifier->template = context;
    return verifier;
  }
  free(verifier);
  if (context) jose_fn_EVP_PKEY_CTX_free()(context);
  jose_fn_ERR_clear_error()();
  return NULL;
}

/// Frees a verifier from `jose_rs256_verifier_new` and its spare slots.
static inline void jose_rs256_verifier_free(jose_rs256_verifier *verifier) {
  for (int i = 0; i < verifier->spare_count; i++) jose_rs256_slot_free(verifier->spares[i]);
  pthread_mutex_destroy(&verifier->lock);
  jose_fn_EVP_PKEY_CTX_free()(verifier->template);
  free(verifier);
}

/// 1 when `signature` is the RS256 signature of `message` for the verifier's key: the message is
/// hashed once with the fetched SHA-256, then the digest is checked, on a spare slot (or a new one).
static inline int jose_rs256_verify(jose_rs256_verifier *verifier, const uint8_t *signature, size_t signature_length,
                                    const uint8_t *message, size_t message_length) {
  pthread_mutex_lock(&verifier->lock);
  jose_rs256_slot *slot = verifier->spare_count > 0 ? verifier->spares[--verifier->spare_count] : NULL;
  pthread_mutex_unlock(&verifier->lock);
  if (!slot && !(slot = jose_rs256_slot_new(verifier))) return 0;
  uint8_t digest[32];
  unsigned int written = 0;
  int valid = jose_fn_EVP_DigestInit_ex()(slot->digest, jose_sha256_fetched(), NULL) == 1 &&
              jose_fn_EVP_DigestUpdate()(slot->digest, message, message_length) == 1 &&
              jose_fn_EVP_DigestFinal_ex()(slot->digest, digest, &written) == 1 && written == sizeof(digest) &&
              jose_fn_EVP_PKEY_verify()(slot->context, signature, signature_length, digest, sizeof(digest)) == 1;
  if (!valid) jose_fn_ERR_clear_error()();
  pthread_mutex_lock(&verifier->lock);
  int kept = verifier->spare_count < JOSE_RS256_SPARES;
  if (kept) verifier->spares[verifier->spare_count++] = slot;
  pthread_mutex_unlock(&verifier->lock);
  if (!kept) jose_rs256_slot_free(slot);
  return valid;
}

/// SHA-256 of `data` into `out` (32 bytes); 1 on success.
static inline int jose_sha256(const uint8_t *data, size_t length, uint8_t *out) {
  if (!jose_crypto_is_available()) return 0;
  unsigned int written = 0;
  return jose_fn_EVP_Digest()(data, length, out, &written, jose_fn_EVP_sha256()(), NULL) == 1 && written == 32;
}
#endif
