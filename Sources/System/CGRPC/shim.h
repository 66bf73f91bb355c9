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
#endif
