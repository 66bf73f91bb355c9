// An LD_PRELOAD library that counts calls to the C allocator, so allocations per request can be
// compared between servers whatever the CPU. `kill -USR1 <pid>` writes the counts so far to the
// file named by MALLOC_COUNT_FILE (default /tmp/malloc-count.<pid>) as "mallocs frees bytes
// voluntary involuntary", the last two the process's context switches from getrusage, which
// (unlike /proc/PID/task) still counts threads that have exited: gRPC's C++ sync server starts and
// ends hundreds of threads under load.
// Counting uses relaxed atomics: the counts are exact, their cost is a few nanoseconds a call.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static _Atomic unsigned long allocations, releases, allocated_bytes;
static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);

// dlsym itself may call calloc before the real one is known: serve that from a static buffer.
static char bootstrap[4096];
static size_t bootstrap_used;
static char count_file[256];

static void resolve(void) {
  real_malloc = dlsym(RTLD_NEXT, "malloc");
  real_calloc = dlsym(RTLD_NEXT, "calloc");
  real_realloc = dlsym(RTLD_NEXT, "realloc");
  real_free = dlsym(RTLD_NEXT, "free");
  real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
  real_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
}

static void count(size_t size) {
  atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
  atomic_fetch_add_explicit(&allocated_bytes, size, memory_order_relaxed);
}

void *malloc(size_t size) {
  if (!real_malloc) resolve();
  count(size);
  return real_malloc(size);
}

void *calloc(size_t n, size_t size) {
  if (!real_calloc) {
    size_t total = (n * size + 15) & ~(size_t)15;
    if (bootstrap_used + total > sizeof bootstrap) return NULL;
    void *p = bootstrap + bootstrap_used;
    bootstrap_used += total;
    return p;
  }
  count(n * size);
  return real_calloc(n, size);
}

void *realloc(void *p, size_t size) {
  if (!real_realloc) resolve();
  count(size);
  return real_realloc(p, size);
}

int posix_memalign(void **out, size_t alignment, size_t size) {
  if (!real_posix_memalign) resolve();
  count(size);
  return real_posix_memalign(out, alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
  if (!real_aligned_alloc) resolve();
  count(size);
  return real_aligned_alloc(alignment, size);
}

void free(void *p) {
  if ((char *)p >= bootstrap && (char *)p < bootstrap + sizeof bootstrap) return;
  if (!real_free) resolve();
  if (p) atomic_fetch_add_explicit(&releases, 1, memory_order_relaxed);
  real_free(p);
}

static void report(int signal) {
  (void)signal;
  const char *path = count_file;
  char line[160];
  struct rusage usage;
  if (getrusage(RUSAGE_SELF, &usage) != 0) memset(&usage, 0, sizeof usage);
  int length = snprintf(line, sizeof line, "%lu %lu %lu %ld %ld\n", atomic_load(&allocations), atomic_load(&releases),
                        atomic_load(&allocated_bytes), usage.ru_nvcsw, usage.ru_nivcsw);
  // open/write only: a handler that allocated could deadlock inside an interrupted malloc.
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return;
  ssize_t written = write(fd, line, (size_t)length);
  (void)written;
  close(fd);
}

__attribute__((constructor)) static void install(void) {
  const char *named = getenv("MALLOC_COUNT_FILE");
  if (named) snprintf(count_file, sizeof count_file, "%s", named);
  else snprintf(count_file, sizeof count_file, "/tmp/malloc-count.%d", (int)getpid());
  signal(SIGUSR1, report);
}
