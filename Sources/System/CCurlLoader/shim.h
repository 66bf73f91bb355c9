#ifndef CCURLLOADER_SHIM_H
#define CCURLLOADER_SHIM_H
// libcurl for HTTPFetch, opened with dlopen on first use instead of linked: the SDK (and so
// `modal`) depends on HTTPFetch, and linking libcurl would load it and its TLS, HTTP/2, LDAP and
// Kerberos libraries at every start of `modal`, though few commands make an HTTP request. The
// header gives the types and signatures; each function is reached through `httpfetch_fn_<name>()`,
// resolved once with dlsym. `httpfetch_perform` runs one request; it exists because Swift cannot
// call libcurl's variadic functions and its callbacks are simplest in C.
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/// The handle of libcurl, or NULL when it cannot be loaded.
static inline void *httpfetch_curl_library(void) {
  static void *handle;
  void *current = __atomic_load_n(&handle, __ATOMIC_ACQUIRE);
  if (current) return current;
  const char *names[] = {"libcurl.so.4", "libcurl.so", "libcurl.4.dylib", "/usr/lib/libcurl.4.dylib"};
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    current = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (current) break;
  }
  if (current) __atomic_store_n(&handle, current, __ATOMIC_RELEASE);
  return current;
}

#define HTTPFETCH_LAZY(name)                                                                    \
  static inline __typeof__(&name) httpfetch_fn_##name(void) {                                   \
    static __typeof__(&name) cached;                                                            \
    __typeof__(&name) fn = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);                          \
    if (!fn) {                                                                                  \
      void *library = httpfetch_curl_library();                                                 \
      fn = library ? (__typeof__(&name))dlsym(library, #name) : NULL;                           \
      __atomic_store_n(&cached, fn, __ATOMIC_RELEASE);                                          \
    }                                                                                           \
    return fn;                                                                                  \
  }

HTTPFETCH_LAZY(curl_global_init)
HTTPFETCH_LAZY(curl_easy_init)
HTTPFETCH_LAZY(curl_easy_setopt)
HTTPFETCH_LAZY(curl_easy_perform)
HTTPFETCH_LAZY(curl_easy_getinfo)
HTTPFETCH_LAZY(curl_easy_cleanup)
HTTPFETCH_LAZY(curl_slist_append)
HTTPFETCH_LAZY(curl_slist_free_all)

static pthread_once_t httpfetch_once = PTHREAD_ONCE_INIT;
static int httpfetch_global_status = -1;

/// curl_global_init is not thread-safe: run it once, before the first handle.
static inline void httpfetch_global_init(void) {
  httpfetch_global_status = httpfetch_fn_curl_global_init()(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

/// Whether libcurl loads, has every function HTTPFetch uses and initialised.
static inline int httpfetch_is_available(void) {
  if (!(httpfetch_fn_curl_global_init() && httpfetch_fn_curl_easy_init() && httpfetch_fn_curl_easy_setopt() &&
        httpfetch_fn_curl_easy_perform() && httpfetch_fn_curl_easy_getinfo() && httpfetch_fn_curl_easy_cleanup() &&
        httpfetch_fn_curl_slist_append() && httpfetch_fn_curl_slist_free_all())) {
    return 0;
  }
  pthread_once(&httpfetch_once, httpfetch_global_init);
  return httpfetch_global_status == 0;
}

/// Bytes received, growing up to `limit`; `overflowed` is set (and the transfer aborted) past it.
typedef struct httpfetch_buffer {
  uint8_t *data;
  size_t length;
  size_t capacity;
  size_t limit;
  int overflowed;
} httpfetch_buffer;

/// Appends, or returns 0 when the limit or memory runs out.
static inline int httpfetch_append(httpfetch_buffer *buffer, const char *bytes, size_t count) {
  if (count > buffer->limit - buffer->length) {
    buffer->overflowed = 1;
    return 0;
  }
  if (buffer->length + count > buffer->capacity) {
    size_t capacity = buffer->capacity ? buffer->capacity : 4096;
    while (capacity < buffer->length + count) capacity *= 2;
    uint8_t *grown = realloc(buffer->data, capacity);
    if (!grown) return 0;
    buffer->data = grown;
    buffer->capacity = capacity;
  }
  memcpy(buffer->data + buffer->length, bytes, count);
  buffer->length += count;
  return 1;
}

/// CURLOPT_WRITEFUNCTION: collects the body; returning less than given aborts the transfer.
static inline size_t httpfetch_on_body(char *bytes, size_t size, size_t count, void *context) {
  return httpfetch_append(context, bytes, size * count) ? size * count : 0;
}

/// CURLOPT_HEADERFUNCTION: collects header lines of the last response only (a redirect's
/// headers are dropped when the next status line arrives).
static inline size_t httpfetch_on_header(char *bytes, size_t size, size_t count, void *context) {
  httpfetch_buffer *buffer = context;
  if (size * count >= 5 && memcmp(bytes, "HTTP/", 5) == 0) buffer->length = 0;
  return httpfetch_append(buffer, bytes, size * count) ? size * count : 0;
}

/// What one request produced: curl's result code, the status, raw header lines and the body.
typedef struct httpfetch_result {
  int code;
  long status;
  httpfetch_buffer headers;
  httpfetch_buffer body;
} httpfetch_result;

/// Frees the buffers of a result.
static inline void httpfetch_result_free(httpfetch_result *result) {
  free(result->headers.data);
  free(result->body.data);
  result->headers.data = NULL;
  result->body.data = NULL;
}

/// The request `httpfetch_perform` makes.
typedef struct httpfetch_request {
  const char *url;
  const char *method;
  const char *const *headers; /* "Name: value" lines */
  size_t header_count;
  const uint8_t *body;
  size_t body_length;
  int has_body;
  long timeout_ms;
  const char *ca_file; /* NULL: the system's trust store */
  size_t maximum_body;
  int follow_redirects;
  int https_only_redirects;
} httpfetch_request;

/// Sets the options of one request; 0 when one is refused.
static inline int httpfetch_configure(CURL *curl, const httpfetch_request *request, struct curl_slist *headers,
                                      httpfetch_result *result) {
  __typeof__(&curl_easy_setopt) set = httpfetch_fn_curl_easy_setopt();
  int ok = set(curl, CURLOPT_URL, request->url) == CURLE_OK &&
           set(curl, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
           set(curl, CURLOPT_REDIR_PROTOCOLS_STR, request->https_only_redirects ? "https" : "http,https") == CURLE_OK &&
           set(curl, CURLOPT_FOLLOWLOCATION, (long)(request->follow_redirects != 0)) == CURLE_OK &&
           set(curl, CURLOPT_MAXREDIRS, 5L) == CURLE_OK && set(curl, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
           set(curl, CURLOPT_TIMEOUT_MS, request->timeout_ms) == CURLE_OK &&
           set(curl, CURLOPT_CONNECTTIMEOUT_MS, request->timeout_ms) == CURLE_OK &&
           set(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)request->maximum_body) == CURLE_OK &&
           set(curl, CURLOPT_USERAGENT, "modal-swift") == CURLE_OK &&
           set(curl, CURLOPT_HTTPHEADER, headers) == CURLE_OK &&
           set(curl, CURLOPT_WRITEFUNCTION, httpfetch_on_body) == CURLE_OK &&
           set(curl, CURLOPT_WRITEDATA, &result->body) == CURLE_OK &&
           set(curl, CURLOPT_HEADERFUNCTION, httpfetch_on_header) == CURLE_OK &&
           set(curl, CURLOPT_HEADERDATA, &result->headers) == CURLE_OK;
  if (ok && request->ca_file) ok = set(curl, CURLOPT_CAINFO, request->ca_file) == CURLE_OK;
  if (ok && strcmp(request->method, "HEAD") == 0) ok = set(curl, CURLOPT_NOBODY, 1L) == CURLE_OK;
  if (ok && strcmp(request->method, "GET") != 0 && strcmp(request->method, "HEAD") != 0) {
    ok = set(curl, CURLOPT_CUSTOMREQUEST, request->method) == CURLE_OK;
  }
  if (ok && request->has_body) {
    ok = set(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)request->body_length) == CURLE_OK &&
         set(curl, CURLOPT_POSTFIELDS, request->body_length ? (const char *)request->body : "") == CURLE_OK;
  }
  return ok;
}

/// Runs `request` to completion (blocking) and fills `result`; returns curl's result code
/// (CURLE_OK when a response arrived, whatever its status). Free the result with
/// `httpfetch_result_free`.
static inline int httpfetch_perform(const httpfetch_request *request, httpfetch_result *result) {
  memset(result, 0, sizeof(*result));
  result->headers.limit = 64 * 1024;
  result->body.limit = request->maximum_body;
  if (!httpfetch_is_available()) return result->code = CURLE_FAILED_INIT;
  CURL *curl = httpfetch_fn_curl_easy_init()();
  if (!curl) return result->code = CURLE_FAILED_INIT;
  struct curl_slist *headers = NULL;
  int ok = 1;
  for (size_t i = 0; ok && i < request->header_count; i++) {
    struct curl_slist *appended = httpfetch_fn_curl_slist_append()(headers, request->headers[i]);
    if (appended) headers = appended; else ok = 0;
  }
  if (!ok || !httpfetch_configure(curl, request, headers, result)) {
    result->code = CURLE_BAD_FUNCTION_ARGUMENT;
  } else {
    result->code = httpfetch_fn_curl_easy_perform()(curl);
    httpfetch_fn_curl_easy_getinfo()(curl, CURLINFO_RESPONSE_CODE, &result->status);
  }
  httpfetch_fn_curl_slist_free_all()(headers);
  httpfetch_fn_curl_easy_cleanup()(curl);
  return result->code;
}
#endif
