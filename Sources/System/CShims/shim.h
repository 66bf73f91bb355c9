#ifndef CSHIMS_SHIM_H
#define CSHIMS_SHIM_H
/* Small header-only helpers for libc facilities Swift 6 cannot reach safely.
   No feature macro (_GNU_SOURCE and the like) is defined here: the system headers would then
   define some types differently from the other C modules that include them (glibc's `fd_set`
   names its member `fds_bits` or `__fds_bits`), and a Swift module that imports both fails in a
   clean build. The few GNU declarations used are made below instead. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__APPLE__)
#include <crt_externs.h>
#endif

#if defined(__linux__)
/* Declared by glibc only under _GNU_SOURCE (see above); the same declarations as its headers'. */
extern int pipe2(int ends[2], int flags);
extern char **environ;
#endif

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

/* What Swift's Glibc overlay (libswiftGlibc) adds to the C library for Swift: `errno`, the variadic
   `open` and `fcntl`, the S_IF* file types, SIG_DFL and SIG_IGN, `environ`. The modules `modal` links
   reach them here instead, so that `modal` does not name the overlay among its own libraries and the
   dynamic loader searches it last, not before the C library, for every symbol it binds at start
   (Package.swift's `startupLinkage`, issue 19). */
static inline int cshims_errno(void) { return errno; }
static inline int cshims_open(const char *path, int flags, mode_t mode) { return open(path, flags, mode); }
static inline int cshims_fcntl(int descriptor, int command, int argument) { return fcntl(descriptor, command, argument); }
/* The file type bits of a `st_mode` (`mode & S_IFMT`), to compare with the constants below. */
static inline mode_t cshims_file_type(mode_t mode) { return mode & S_IFMT; }
static const mode_t cshims_S_IFREG = S_IFREG;
static const mode_t cshims_S_IFDIR = S_IFDIR;
static const mode_t cshims_S_IFLNK = S_IFLNK;
static const mode_t cshims_S_IFCHR = S_IFCHR;
static const mode_t cshims_S_IFBLK = S_IFBLK;
static const mode_t cshims_S_IFIFO = S_IFIFO;
static const mode_t cshims_S_IFSOCK = S_IFSOCK;
/* `signal(number, SIG_IGN)` and `signal(number, SIG_DFL)`. */
static inline void cshims_ignore_signal(int number) { signal(number, SIG_IGN); }
static inline void cshims_default_signal(int number) { signal(number, SIG_DFL); }
/* The process environment, a list of `NAME=value` C strings ending with NULL. */
static inline char **cshims_environ(void) {
#if defined(__APPLE__)
  return *_NSGetEnviron();
#else
  return environ;
#endif
}

/* libdispatch through its C interface, declared here instead of imported: `import Dispatch` brings
   the Swift overlay, libswiftDispatch, which every start of `modal` would then load and relocate
   (about a tenth of a Swift hello world's whole run, issue 19). libdispatch itself is loaded by
   Swift's concurrency runtime in any case, so its functions are looked up by name on first use
   (dlsym) instead of being linked: an executable that names libdispatch among its own libraries
   makes the dynamic loader search it, before the C library, for every symbol it binds at start
   (about 0.09 million instructions of `modal`'s start). The signatures follow <dispatch/dispatch.h>
   with its objects as opaque pointers. */
#include <dlfcn.h>
#include <stdlib.h>

/* The address of libdispatch's `name`, cached in `*cache` after the first lookup. libdispatch is
   always loaded with Swift's concurrency runtime; if it ever is not, this says so and aborts. */
static inline void *cshims_dispatch_symbol(void **cache, const char *name) {
  void *address = __atomic_load_n(cache, __ATOMIC_ACQUIRE);
  if (address) return address;
#if defined(RTLD_DEFAULT)
  address = dlsym(RTLD_DEFAULT, name);
#else
  address = dlsym(NULL, name); /* glibc's RTLD_DEFAULT, which it declares only under _GNU_SOURCE */
#endif
  if (!address) {
    fprintf(stderr, "libdispatch is not loaded: %s is missing\n", name);
    abort();
  }
  __atomic_store_n(cache, address, __ATOMIC_RELEASE);
  return address;
}

typedef void (*cshims_dispatch_function)(void *context);

static inline void *cshims_dispatch_queue_create(const char *label, void *attributes) {
  static void *cache;
  return ((void *(*)(const char *, void *))cshims_dispatch_symbol(&cache, "dispatch_queue_create"))(label, attributes);
}
static inline void *cshims_dispatch_get_global_queue(long identifier, unsigned long flags) {
  static void *cache;
  return ((void *(*)(long, unsigned long))cshims_dispatch_symbol(&cache, "dispatch_get_global_queue"))(identifier, flags);
}
static inline void cshims_dispatch_async_f(void *queue, void *context, cshims_dispatch_function work) {
  static void *cache;
  ((void (*)(void *, void *, cshims_dispatch_function))cshims_dispatch_symbol(&cache, "dispatch_async_f"))(
      queue, context, work);
}
static inline void cshims_dispatch_release(void *object) {
  static void *cache;
  ((void (*)(void *))cshims_dispatch_symbol(&cache, "dispatch_release"))(object);
}
static inline void cshims_dispatch_resume(void *object) {
  static void *cache;
  ((void (*)(void *))cshims_dispatch_symbol(&cache, "dispatch_resume"))(object);
}
static inline void cshims_dispatch_set_context(void *object, void *context) {
  static void *cache;
  ((void (*)(void *, void *))cshims_dispatch_symbol(&cache, "dispatch_set_context"))(object, context);
}
static inline void *cshims_dispatch_semaphore_create(long value) {
  static void *cache;
  return ((void *(*)(long))cshims_dispatch_symbol(&cache, "dispatch_semaphore_create"))(value);
}
static inline long cshims_dispatch_semaphore_wait(void *semaphore, unsigned long long timeout) {
  static void *cache;
  return ((long (*)(void *, unsigned long long))cshims_dispatch_symbol(&cache, "dispatch_semaphore_wait"))(
      semaphore, timeout);
}
static inline long cshims_dispatch_semaphore_signal(void *semaphore) {
  static void *cache;
  return ((long (*)(void *))cshims_dispatch_symbol(&cache, "dispatch_semaphore_signal"))(semaphore);
}
static inline void cshims_dispatch_source_set_event_handler_f(void *source, cshims_dispatch_function handler) {
  static void *cache;
  ((void (*)(void *, cshims_dispatch_function))cshims_dispatch_symbol(&cache, "dispatch_source_set_event_handler_f"))(
      source, handler);
}
static inline void cshims_dispatch_source_set_cancel_handler_f(void *source, cshims_dispatch_function handler) {
  static void *cache;
  ((void (*)(void *, cshims_dispatch_function))cshims_dispatch_symbol(&cache, "dispatch_source_set_cancel_handler_f"))(
      source, handler);
}
static inline void cshims_dispatch_source_cancel(void *source) {
  static void *cache;
  ((void (*)(void *))cshims_dispatch_symbol(&cache, "dispatch_source_cancel"))(source);
}

/* A source of `number`'s signals on the global queue (DISPATCH_SOURCE_TYPE_SIGNAL), suspended. */
static inline void *cshims_dispatch_signal_source(int number) {
  static void *type_cache, *create_cache;
  const void *type = cshims_dispatch_symbol(&type_cache, "_dispatch_source_type_signal");
  void *(*create)(const void *, unsigned long, unsigned long, void *) =
      (void *(*)(const void *, unsigned long, unsigned long, void *))cshims_dispatch_symbol(&create_cache,
                                                                                            "dispatch_source_create");
  return create(type, (unsigned long)number, 0, cshims_dispatch_get_global_queue(0, 0));
}

#endif
