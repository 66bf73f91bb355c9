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

/* The gRPC core is loaded with dlopen on first use instead of being linked, so that programs
   which never make a call (for example `modal config show`) do not pay for loading it and its
   ~50 dependent libraries (about 7 ms at start-up). Each function the RPC module uses is reached
   through `cgrpc_<name>()`, which returns the function pointer, resolved once and cached. */
#include <dlfcn.h>

/* The handle of the gRPC core library, or NULL when it cannot be loaded (see cgrpc_load_error). */
static inline void *cgrpc_library(void) {
  static void *handle;
  void *current = __atomic_load_n(&handle, __ATOMIC_ACQUIRE);
  if (current) return current;
  const char *names[] = {"libgrpc.so.29", "libgrpc.so", "libgrpc.dylib", "/opt/homebrew/lib/libgrpc.dylib",
                         "/usr/local/lib/libgrpc.dylib"};
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    current = dlopen(names[i], RTLD_NOW | RTLD_GLOBAL);
    if (current) break;
  }
  if (current) __atomic_store_n(&handle, current, __ATOMIC_RELEASE);
  return current;
}

/* Why the library could not be loaded (dlerror), or NULL when it is loaded. */
static inline const char *cgrpc_load_error(void) {
  if (cgrpc_library()) return NULL;
  const char *reason = dlerror();
  return reason ? reason : "libgrpc could not be loaded";
}

/* Turns off absl's mutex deadlock detection. An absl built without NDEBUG (Debian's is) keeps a
   lock-order graph on every lock the core takes: about 4 percent of a server's CPU under load
   (docs/benchmarks.md); release builds of absl have it off. The setter is C++
   (absl::SetMutexDeadlockDetectionMode), so it is found by its mangled names, absl's inline
   namespace being part of them; the argument is OnDeadlockCycle::kIgnore (0). Call it after the
   core is loaded. Returns 1 if the setter was found and called, else 0 (nothing changes). */
static inline int cgrpc_absl_ignore_deadlock_cycles(void) {
  const char *names[] = {"_ZN4absl7debian329SetMutexDeadlockDetectionModeENS0_15OnDeadlockCycleE",
                         "_ZN4absl12lts_2022062329SetMutexDeadlockDetectionModeENS0_15OnDeadlockCycleE",
                         "_ZN4absl29SetMutexDeadlockDetectionModeENS_15OnDeadlockCycleE"};
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    void (*set_mode)(int) = (void (*)(int))dlsym(RTLD_DEFAULT, names[i]);
    if (set_mode) {
      set_mode(0);
      return 1;
    }
  }
  return 0;
}

/* Whether every function the RPC module needs resolves. */
static inline int cgrpc_is_available(void);

#define CGRPC_LAZY(name)                                                                        \
  static inline __typeof__(&name) cgrpc_##name(void) {                                          \
    static __typeof__(&name) cached;                                                            \
    __typeof__(&name) fn = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);                          \
    if (!fn) {                                                                                  \
      fn = (__typeof__(&name))dlsym(cgrpc_library(), #name);                                    \
      __atomic_store_n(&cached, fn, __ATOMIC_RELEASE);                                          \
    }                                                                                           \
    return fn;                                                                                  \
  }

CGRPC_LAZY(gpr_convert_clock_type)
CGRPC_LAZY(gpr_free)
CGRPC_LAZY(gpr_inf_future)
CGRPC_LAZY(gpr_now)
CGRPC_LAZY(gpr_set_log_function)
CGRPC_LAZY(gpr_time_add)
CGRPC_LAZY(gpr_time_cmp)
CGRPC_LAZY(gpr_time_sub)
CGRPC_LAZY(grpc_byte_buffer_destroy)
CGRPC_LAZY(grpc_byte_buffer_length)
CGRPC_LAZY(grpc_byte_buffer_reader_destroy)
CGRPC_LAZY(grpc_byte_buffer_reader_init)
CGRPC_LAZY(grpc_byte_buffer_reader_next)
CGRPC_LAZY(grpc_call_cancel)
CGRPC_LAZY(grpc_call_details_destroy)
CGRPC_LAZY(grpc_call_details_init)
CGRPC_LAZY(grpc_call_error_to_string)
CGRPC_LAZY(grpc_call_get_peer)
CGRPC_LAZY(grpc_call_start_batch)
CGRPC_LAZY(grpc_call_unref)
CGRPC_LAZY(grpc_channel_check_connectivity_state)
CGRPC_LAZY(grpc_channel_watch_connectivity_state)
CGRPC_LAZY(grpc_channel_create)
CGRPC_LAZY(grpc_channel_create_call)
CGRPC_LAZY(grpc_channel_credentials_release)
CGRPC_LAZY(grpc_channel_destroy)
CGRPC_LAZY(grpc_completion_queue_create_for_next)
CGRPC_LAZY(grpc_completion_queue_destroy)
CGRPC_LAZY(grpc_completion_queue_next)
CGRPC_LAZY(grpc_completion_queue_shutdown)
CGRPC_LAZY(grpc_empty_slice)
CGRPC_LAZY(grpc_init)
CGRPC_LAZY(grpc_insecure_credentials_create)
CGRPC_LAZY(grpc_insecure_server_credentials_create)
CGRPC_LAZY(grpc_metadata_array_destroy)
CGRPC_LAZY(grpc_metadata_array_init)
CGRPC_LAZY(grpc_raw_byte_buffer_create)
CGRPC_LAZY(grpc_server_add_http2_port)
CGRPC_LAZY(grpc_server_cancel_all_calls)
CGRPC_LAZY(grpc_server_create)
CGRPC_LAZY(grpc_resource_quota_create)
CGRPC_LAZY(grpc_resource_quota_resize)
CGRPC_LAZY(grpc_resource_quota_unref)
CGRPC_LAZY(grpc_resource_quota_arg_vtable)
CGRPC_LAZY(grpc_server_credentials_release)
CGRPC_LAZY(grpc_server_destroy)
CGRPC_LAZY(grpc_server_register_completion_queue)
CGRPC_LAZY(grpc_server_request_call)
CGRPC_LAZY(grpc_server_shutdown_and_notify)
CGRPC_LAZY(grpc_server_start)
CGRPC_LAZY(grpc_slice_malloc)
CGRPC_LAZY(grpc_slice_ref)
CGRPC_LAZY(grpc_slice_unref)
CGRPC_LAZY(grpc_ssl_credentials_create)
CGRPC_LAZY(grpc_ssl_server_credentials_create_ex)
CGRPC_LAZY(grpc_version_string)

static inline int cgrpc_is_available(void) {
  if (!cgrpc_library()) return 0;
  return cgrpc_gpr_convert_clock_type() != NULL && cgrpc_gpr_free() != NULL && cgrpc_gpr_inf_future() != NULL && cgrpc_gpr_now() != NULL && cgrpc_gpr_set_log_function() != NULL && cgrpc_gpr_time_add() != NULL && cgrpc_gpr_time_cmp() != NULL && cgrpc_gpr_time_sub() != NULL && cgrpc_grpc_byte_buffer_destroy() != NULL && cgrpc_grpc_byte_buffer_length() != NULL && cgrpc_grpc_byte_buffer_reader_destroy() != NULL && cgrpc_grpc_byte_buffer_reader_init() != NULL && cgrpc_grpc_byte_buffer_reader_next() != NULL && cgrpc_grpc_call_cancel() != NULL && cgrpc_grpc_call_details_destroy() != NULL && cgrpc_grpc_call_details_init() != NULL && cgrpc_grpc_call_error_to_string() != NULL && cgrpc_grpc_call_get_peer() != NULL && cgrpc_grpc_call_start_batch() != NULL && cgrpc_grpc_call_unref() != NULL && cgrpc_grpc_channel_check_connectivity_state() != NULL && cgrpc_grpc_channel_watch_connectivity_state() != NULL && cgrpc_grpc_channel_create() != NULL && cgrpc_grpc_channel_create_call() != NULL && cgrpc_grpc_channel_credentials_release() != NULL && cgrpc_grpc_channel_destroy() != NULL && cgrpc_grpc_completion_queue_create_for_next() != NULL && cgrpc_grpc_completion_queue_destroy() != NULL && cgrpc_grpc_completion_queue_next() != NULL && cgrpc_grpc_completion_queue_shutdown() != NULL && cgrpc_grpc_empty_slice() != NULL && cgrpc_grpc_init() != NULL && cgrpc_grpc_insecure_credentials_create() != NULL && cgrpc_grpc_insecure_server_credentials_create() != NULL && cgrpc_grpc_metadata_array_destroy() != NULL && cgrpc_grpc_metadata_array_init() != NULL && cgrpc_grpc_raw_byte_buffer_create() != NULL && cgrpc_grpc_server_add_http2_port() != NULL && cgrpc_grpc_server_cancel_all_calls() != NULL && cgrpc_grpc_server_create() != NULL && cgrpc_grpc_server_credentials_release() != NULL && cgrpc_grpc_server_destroy() != NULL && cgrpc_grpc_server_register_completion_queue() != NULL && cgrpc_grpc_server_request_call() != NULL && cgrpc_grpc_server_shutdown_and_notify() != NULL && cgrpc_grpc_server_start() != NULL && cgrpc_grpc_slice_malloc() != NULL && cgrpc_grpc_slice_ref() != NULL && cgrpc_grpc_slice_unref() != NULL && cgrpc_grpc_ssl_credentials_create() != NULL && cgrpc_grpc_ssl_server_credentials_create_ex() != NULL && cgrpc_grpc_version_string() != NULL;
}
/* The buffers the core fills for one incoming server call (grpc_server_request_call, then
   RECV_CLOSE_ON_SERVER, and the RECV_MESSAGE batches, which run one at a time) and the ops of its
   final send batch (up to three sends and, when it also watches for the end, RECV_CLOSE_ON_SERVER),
   kept in one allocation; the accessors give the fields' addresses. */
typedef struct {
  grpc_call *call;
  grpc_call_details details;
  grpc_metadata_array metadata;
  int cancelled;
  grpc_op close_op;
  grpc_op receive_op;
  grpc_byte_buffer *received;
  grpc_op final_ops[4];
  grpc_slice final_details;
} cgrpc_server_call_slots;
static inline grpc_call **_Nonnull cgrpc_slots_call(cgrpc_server_call_slots *_Nonnull s) { return &s->call; }
static inline grpc_call_details *_Nonnull cgrpc_slots_details(cgrpc_server_call_slots *_Nonnull s) { return &s->details; }
static inline grpc_metadata_array *_Nonnull cgrpc_slots_metadata(cgrpc_server_call_slots *_Nonnull s) { return &s->metadata; }
static inline int *_Nonnull cgrpc_slots_cancelled(cgrpc_server_call_slots *_Nonnull s) { return &s->cancelled; }
static inline grpc_op *_Nonnull cgrpc_slots_close_op(cgrpc_server_call_slots *_Nonnull s) { return &s->close_op; }
static inline grpc_op *_Nonnull cgrpc_slots_receive_op(cgrpc_server_call_slots *_Nonnull s) { return &s->receive_op; }
static inline grpc_byte_buffer *_Nullable *_Nonnull cgrpc_slots_received(cgrpc_server_call_slots *_Nonnull s) { return &s->received; }
static inline grpc_op *_Nonnull cgrpc_slots_final_ops(cgrpc_server_call_slots *_Nonnull s) { return s->final_ops; }
static inline grpc_slice *_Nonnull cgrpc_slots_final_details(cgrpc_server_call_slots *_Nonnull s) { return &s->final_details; }

#endif
