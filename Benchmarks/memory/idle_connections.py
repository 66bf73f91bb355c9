"""Opens N idle HTTP/2 connections to a gRPC server and holds them until the process is terminated.

Each connection sends the client preface and an empty SETTINGS frame, acknowledges the server's
SETTINGS, and then stays silent: what a client that connected and made no call yet costs the
server. Prints "ready N" once every connection has seen the server's SETTINGS.
    python3 idle_connections.py PORT [N]
"""
import resource
import socket
import sys
import time

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
SETTINGS = b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"       # empty SETTINGS frame
SETTINGS_ACK = b"\x00\x00\x00\x04\x01\x00\x00\x00\x00"   # SETTINGS with the ACK flag


def read_frame(sock):
    header = b""
    while len(header) < 9:
        chunk = sock.recv(9 - len(header))
        if not chunk:
            raise ConnectionError("the server closed the connection")
        header += chunk
    length = int.from_bytes(header[:3], "big")
    body = b""
    while len(body) < length:
        chunk = sock.recv(length - len(body))
        if not chunk:
            raise ConnectionError("the server closed the connection")
        body += chunk
    return header[3], header[4]


def connect(port):
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(PREFACE + SETTINGS)
    while True:  # the server's SETTINGS (not an ACK) may follow a WINDOW_UPDATE
        kind, flags = read_frame(sock)
        if kind == 4 and not flags & 1:
            break
    sock.sendall(SETTINGS_ACK)
    return sock


def main():
    port, count = int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, count + 64)), hard))
    sockets = [connect(port) for _ in range(count)]
    print(f"ready {len(sockets)}", flush=True)
    while sockets:  # SIGTERM ends the process, and the kernel closes the sockets
        time.sleep(3600)


main()
