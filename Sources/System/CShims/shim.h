#ifndef CSHIMS_SHIM_H
#define CSHIMS_SHIM_H
/* Small header-only helpers for libc facilities Swift 6 cannot reach safely. */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

/* A pipe whose ends are close-on-exec from the start (Linux's pipe2 is hidden behind _GNU_SOURCE;
   elsewhere the flag is set just after, which leaves a short window). Returns 0 on success. */
static inline int cshims_pipe_cloexec(int ends[2]) {
#if defined(__linux__)
  return pipe2(ends, O_CLOEXEC);
#else
  if (pipe(ends) != 0) return -1;
  fcntl(ends[0], F_SETFD, FD_CLOEXEC);
  fcntl(ends[1], F_SETFD, FD_CLOEXEC);
  return 0;
#endif
}

/* Line-buffer stdout (Swift 6 rejects any reference to the C global `stdout`). */
static inline void cshims_line_buffer_stdout(void) { setvbuf(stdout, NULL, _IOLBF, 0); }

/* Flush stdout and stderr. */
static inline void cshims_flush_standard_streams(void) { fflush(stdout); fflush(stderr); }
/* SHA-256 through OpenSSL's libcrypto, opened with dlopen on first use: linking libcrypto would
   load it at every start of `modal`, although only `modal token scan --check-server` hashes
   anything. No cryptography here: EVP_Digest with EVP_sha256. Writes 32 bytes to `out` and
   returns 1, or returns 0 when libcrypto cannot be loaded. */
#include <dlfcn.h>
#include <stddef.h>
static inline int cshims_sha256(const void *data, size_t length, unsigned char *out) {
  typedef const void *(*cshims_md)(void);
  typedef int (*cshims_digest)(const void *, size_t, unsigned char *, unsigned int *, const void *, void *);
  static cshims_md sha256;
  static cshims_digest digest;
  cshims_md md = __atomic_load_n(&sha256, __ATOMIC_ACQUIRE);
  cshims_digest run = __atomic_load_n(&digest, __ATOMIC_ACQUIRE);
  if (!md || !run) {
    const char *names[] = {"libcrypto.so.3", "libcrypto.so", "libcrypto.3.dylib",
                           "/opt/homebrew/opt/openssl@3/lib/libcrypto.3.dylib",
                           "/usr/local/opt/openssl@3/lib/libcrypto.3.dylib"};
    void *library = NULL;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && !library; i++) {
      library = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (!library) return 0;
    md = (cshims_md)dlsym(library, "EVP_sha256");
    run = (cshims_digest)dlsym(library, "EVP_Digest");
    if (!md || !run) return 0;
    __atomic_store_n(&sha256, md, __ATOMIC_RELEASE);
    __atomic_store_n(&digest, run, __ATOMIC_RELEASE);
  }
  unsigned int written = 0;
  return run(data, length, out, &written, md(), NULL) == 1 && written == 32;
}

#endif
