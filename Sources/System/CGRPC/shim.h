#ifndef CGRPC_SHIM_H
#define CGRPC_SHIM_H
/* libc headers first: grpc's headers rely on them being seen before their own. */
#include <features.h>
#include <sys/types.h>
#include <sys/select.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <pthread.h>
#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/slice.h>
#include <grpc/status.h>
#include <grpc/support/alloc.h>
#include <grpc/support/log.h>
#include <grpc/support/time.h>
#include <grpc/support/string_util.h>
/* Function-like and cast macros are not imported into Swift: re-expose them as static inline
   functions and constants (header only, no C target needed). */
static inline const uint8_t *cgrpc_slice_start(const grpc_slice *s) { return GRPC_SLICE_START_PTR(*s); }
static inline size_t cgrpc_slice_length(const grpc_slice *s) { return GRPC_SLICE_LENGTH(*s); }
static const uint32_t cgrpc_propagate_defaults = GRPC_PROPAGATE_DEFAULTS;
#endif
