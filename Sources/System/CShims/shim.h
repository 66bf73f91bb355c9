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
#endif
