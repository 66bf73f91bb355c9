#ifndef CSECRET_SHIM_H
#define CSECRET_SHIM_H
// libsecret (the Secret Service client) for `modal`, opened with dlopen on first use: linked the
// usual way (pkg-config), it and GLib, GIO and GObject would load at every start of `modal`, about a
// millisecond more for `modal profile current` (issue 19), though most commands never touch a
// keyring. So this header declares the part of libsecret's stable ABI that `modal` uses (from
// <libsecret/secret-schema.h>, <libsecret/secret-password.h>, <glib/gerror.h>, libsecret 0.18 and
// later) instead of including headers that would need libsecret-1-dev and GLib's to build.
// The wrappers exist because Swift cannot call libsecret's variadic functions.
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>

/// GLib's GError: a domain (a GQuark), a code and a message.
typedef struct modal_gerror {
  uint32_t domain;
  int code;
  char *message;
} modal_gerror;

/// libsecret's SecretSchemaAttribute.
typedef struct modal_secret_schema_attribute {
  const char *name;
  int type;  // SECRET_SCHEMA_ATTRIBUTE_STRING = 0
} modal_secret_schema_attribute;

/// libsecret's SecretSchema.
typedef struct modal_secret_schema {
  const char *name;
  int flags;  // SECRET_SCHEMA_NONE = 0
  modal_secret_schema_attribute attributes[32];
  int reserved;
  void *reserved1, *reserved2, *reserved3, *reserved4, *reserved5, *reserved6, *reserved7;
} modal_secret_schema;

/// SECRET_ERROR_IS_LOCKED in libsecret's SECRET_ERROR domain.
enum { MODAL_SECRET_ERROR_IS_LOCKED = 2 };

/// The libsecret and GLib functions `modal` uses, found with dlsym.
typedef struct modal_secret_library {
  int (*store)(const modal_secret_schema *, const char *, const char *, const char *, void *, modal_gerror **, ...);
  char *(*lookup)(const modal_secret_schema *, void *, modal_gerror **, ...);
  int (*clear)(const modal_secret_schema *, void *, modal_gerror **, ...);
  void (*password_free)(char *);
  void (*error_free)(modal_gerror *);
  uint32_t (*secret_error_quark)(void);
} modal_secret_library;

/// Opens libsecret and fills `library`; returns 0, or -1 when the library or a function is missing.
static inline int modal_secret_open(modal_secret_library *library) {
  void *handle = dlopen("libsecret-1.so.0", RTLD_NOW | RTLD_LOCAL);
  if (handle == NULL) return -1;
  library->store = (typeof(library->store))dlsym(handle, "secret_password_store_sync");
  library->lookup = (typeof(library->lookup))dlsym(handle, "secret_password_lookup_sync");
  library->clear = (typeof(library->clear))dlsym(handle, "secret_password_clear_sync");
  library->password_free = (typeof(library->password_free))dlsym(handle, "secret_password_free");
  library->error_free = (typeof(library->error_free))dlsym(handle, "g_error_free");
  library->secret_error_quark = (typeof(library->secret_error_quark))dlsym(handle, "secret_error_get_quark");
  if (!library->store || !library->lookup || !library->clear || !library->password_free || !library->error_free ||
      !library->secret_error_quark) {
    return -1;
  }
  return 0;
}

/// The schema of a `modal` token secret: the profile, the server and the token id it belongs to.
static inline const modal_secret_schema *modal_secret_schema_of_tokens(void) {
  static const modal_secret_schema schema = {
    "com.modal.swift.TokenSecret", 0,
    {{"profile", 0}, {"server", 0}, {"token_id", 0}, {NULL, 0}},
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };
  return &schema;
}

/// Stores `secret` in the default collection under the profile, server and token id.
static inline int modal_secret_store(
    const modal_secret_library *library, const char *profile, const char *server, const char *token_id,
    const char *label, const char *secret, modal_gerror **error) {
  return library->store(
      modal_secret_schema_of_tokens(), "default", label, secret, NULL, error, "profile", profile, "server", server,
      "token_id", token_id, NULL);
}

/// The secret stored for the profile and server (any token id), or NULL with `*error` unset when
/// there is none; free it with `library->password_free`, which also wipes it.
static inline char *modal_secret_lookup(
    const modal_secret_library *library, const char *profile, const char *server, modal_gerror **error) {
  return library->lookup(modal_secret_schema_of_tokens(), NULL, error, "profile", profile, "server", server, NULL);
}

/// Removes every secret stored for the profile and server.
static inline int modal_secret_clear(
    const modal_secret_library *library, const char *profile, const char *server, modal_gerror **error) {
  return library->clear(modal_secret_schema_of_tokens(), NULL, error, "profile", profile, "server", server, NULL);
}

#endif
