#ifndef CSHIMS_SHIM_H
#define CSHIMS_SHIM_H
/* Small header-only helpers for libc facilities Swift 6 cannot reach safely. */
#include <stdio.h>
#include <unistd.h>

/* Line-buffer stdout (Swift 6 rejects any reference to the C global `stdout`). */
static inline void cshims_line_buffer_stdout(void) { setvbuf(stdout, NULL, _IOLBF, 0); }

/* Flush stdout and stderr. */
static inline void cshims_flush_standard_streams(void) { fflush(stdout); fflush(stderr); }
#endif
