#ifndef CMICROHTTPD_SHIM_H
#define CMICROHTTPD_SHIM_H
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <string.h>
#include <stddef.h>
#include <stdint.h>
#include <microhttpd.h>

/* MHD_start_daemon, MHD_get_daemon_info and MHD_get_connection_info are variadic, which Swift
   cannot call: these fixed-argument wrappers pass the options modal-server uses. */

/* Starts a daemon bound to `address` (an IPv4 or IPv6 socket address) with bounded connections
   (in all, and per client IP address; 0 for no per-address bound),
   an idle timeout, a callback told when connections open and close, a callback given each raw
   request target (its result becomes the request's first state pointer), and a per-connection
   memory limit (which bounds request headers); TLS when
   `key_pem` and `cert_pem` are both non-NULL (the flags must then include MHD_USE_TLS). */
static inline struct MHD_Daemon *cmhd_start(unsigned int flags, const struct sockaddr *address,
    unsigned int connection_limit, unsigned int per_ip_limit, unsigned int timeout_seconds, size_t memory_limit,
    const char *key_pem, const char *cert_pem,
    MHD_AccessHandlerCallback handler, void *handler_cls,
    MHD_RequestCompletedCallback completed, void *completed_cls,
    MHD_NotifyConnectionCallback notify, void *notify_cls,
    void *(*uri_log)(void *cls, const char *uri, struct MHD_Connection *connection), void *uri_log_cls) {
  uint16_t port = 0;
  if (address->sa_family == AF_INET) port = ntohs(((const struct sockaddr_in *)address)->sin_port);
  if (address->sa_family == AF_INET6) port = ntohs(((const struct sockaddr_in6 *)address)->sin6_port);
  if (key_pem != NULL && cert_pem != NULL) {
    return MHD_start_daemon(flags, port, NULL, NULL, handler, handler_cls,
        MHD_OPTION_SOCK_ADDR, address,
        MHD_OPTION_NOTIFY_COMPLETED, completed, completed_cls,
        MHD_OPTION_NOTIFY_CONNECTION, notify, notify_cls,
        MHD_OPTION_URI_LOG_CALLBACK, uri_log, uri_log_cls,
        MHD_OPTION_CONNECTION_LIMIT, connection_limit,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip_limit,
        MHD_OPTION_CONNECTION_TIMEOUT, timeout_seconds,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, memory_limit,
        MHD_OPTION_HTTPS_MEM_KEY, key_pem,
        MHD_OPTION_HTTPS_MEM_CERT, cert_pem,
        MHD_OPTION_END);
  }
  return MHD_start_daemon(flags, port, NULL, NULL, handler, handler_cls,
      MHD_OPTION_SOCK_ADDR, address,
      MHD_OPTION_NOTIFY_COMPLETED, completed, completed_cls,
      MHD_OPTION_NOTIFY_CONNECTION, notify, notify_cls,
      MHD_OPTION_URI_LOG_CALLBACK, uri_log, uri_log_cls,
      MHD_OPTION_CONNECTION_LIMIT, connection_limit,
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip_limit,
      MHD_OPTION_CONNECTION_TIMEOUT, timeout_seconds,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, memory_limit,
      MHD_OPTION_END);
}

/* The listening socket of a daemon, or -1. */
static inline int cmhd_listen_fd(struct MHD_Daemon *daemon) {
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_LISTEN_FD);
  return info == NULL ? -1 : info->listen_fd;
}

/* The socket of a connection, or -1. */
static inline int cmhd_connection_fd(struct MHD_Connection *connection) {
  const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
  return info == NULL ? -1 : info->connect_fd;
}

/* The peer address of a connection, or NULL. */
static inline const struct sockaddr *cmhd_client_address(struct MHD_Connection *connection) {
  const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  return info == NULL ? NULL : info->client_addr;
}

/* Walks the header lines of a request as libmicrohttpd 0.9 stored them: parsed in place in the
   connection's read buffer, each line's end overwritten with NULs. */
struct cmhd_head_walk {
  const char *previous_end;
  int clean;
};

static inline int cmhd_is_line_space(char c) {
  return c == 0 || c == '\r' || c == '\n' || c == ' ' || c == '\t';
}

static inline enum MHD_Result cmhd_head_step(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
    const char *value, size_t value_size) {
  (void)kind;
  (void)key_size;
  struct cmhd_head_walk *walk = (struct cmhd_head_walk *)cls;
  if (walk->previous_end != NULL) {
    /* Between the end of one value and the next name lie only the line break (and trailing
       blanks). Anything else is a NUL inside the value, or a folded line (obs-fold) that
       libmicrohttpd joined elsewhere in its pool. */
    ptrdiff_t gap = key - walk->previous_end;
    if (gap < 1 || gap > 64) { walk->clean = 0; return MHD_NO; }
    for (const char *p = walk->previous_end; p < key; p++) {
      if (!cmhd_is_line_space(*p)) { walk->clean = 0; return MHD_NO; }
    }
  }
  walk->previous_end = value == NULL ? key + key_size : value + value_size;
  return MHD_YES;
}

/* 1 when the request's header lines hold no NUL byte and no folded (obs-fold) line, which
   libmicrohttpd 0.9 accepts silently (it truncates the value at the NUL; it glues a folded line
   onto the name). Relies on its in-place parsing: the last value is followed by at least the two
   bytes of the blank line's break, so they are read too. */
static inline int cmhd_head_is_clean(struct MHD_Connection *connection) {
  struct cmhd_head_walk walk = { NULL, 1 };
  MHD_get_connection_values_n(connection, MHD_HEADER_KIND, cmhd_head_step, &walk);
  if (walk.clean && walk.previous_end != NULL) {
    if (!cmhd_is_line_space(walk.previous_end[0]) || !cmhd_is_line_space(walk.previous_end[1])) return 0;
  }
  return walk.clean;
}
#endif
