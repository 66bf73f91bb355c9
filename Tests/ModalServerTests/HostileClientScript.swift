/// The Python side of `HostileClientTests`: an HTTP/2 stream flood, slowloris sockets and calls
/// that break the gRPC spec, on raw
/// sockets (no HTTP/2 library would send what a hostile client sends). Written to a file and run
/// with the test venv's Python.
let hostileClientScript = #"""
"""Hostile clients for modal-server's tests: an HTTP/2 stream flood, slowloris sockets, spec-breaking calls."""
import json, socket, struct, sys, threading, time

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def frame(kind, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


def literal(name, value):
    # HPACK literal header field without indexing, new name (no Huffman).
    def string(data):
        data = data.encode()
        if len(data) < 127:
            return bytes([len(data)]) + data
        out, rest = bytearray([127]), len(data) - 127
        while rest >= 128:
            out.append((rest & 127) | 128)
            rest >>= 7
        return bytes(out) + bytes([rest]) + data
    return b"\x00" + string(name) + string(value)


def headers(host, port, path, extra=()):
    fields = [(":method", "POST"), (":scheme", "http"), (":path", path), (":authority", "%s:%d" % (host, port)),
              ("content-type", "application/grpc"), ("te", "trailers")] + list(extra)
    return b"".join(literal(n, v) for n, v in fields)


class Flood:
    """One connection opening `streams` streams, each announcing a `size`-byte message it never finishes."""

    def __init__(self, host, port, streams, size, stats, lock):
        self.sock = socket.create_connection((host, port))
        self.sock.settimeout(0.05)
        self.host, self.port, self.streams, self.size = host, port, streams, size
        self.stats, self.lock = stats, lock
        self.initial, self.conn_window = 65535, 65535
        self.windows, self.left = {}, {}
        self.buffer = b""

    def count(self, key, n=1):
        with self.lock:
            self.stats[key] = self.stats.get(key, 0) + n

    def read(self):
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return True
        except OSError:
            return False
        if not data:
            return False
        self.buffer += data
        while len(self.buffer) >= 9:
            length = int.from_bytes(self.buffer[:3], "big")
            if len(self.buffer) < 9 + length:
                break
            kind, flags = self.buffer[3], self.buffer[4]
            stream = int.from_bytes(self.buffer[5:9], "big") & 0x7FFFFFFF
            payload = self.buffer[9:9 + length]
            self.buffer = self.buffer[9 + length:]
            if kind == 4 and not flags & 1:
                for i in range(0, len(payload), 6):
                    key, value = struct.unpack(">HI", payload[i:i + 6])
                    if key == 4:
                        for s in self.windows:
                            self.windows[s] += value - self.initial
                        self.initial = value
                    if key == 3:
                        self.count("max_concurrent_streams_announced", 0)
                        with self.lock:
                            self.stats["max_concurrent_streams_announced"] = value
                self.sock.sendall(frame(4, 1, 0))
            elif kind == 8:
                increment = int.from_bytes(payload[:4], "big") & 0x7FFFFFFF
                if stream == 0:
                    self.conn_window += increment
                elif stream in self.windows:
                    self.windows[stream] += increment
            elif kind == 3:
                self.count("reset_streams")
                self.windows.pop(stream, None)
                self.left.pop(stream, None)
            elif kind == 7:
                self.count("goaways")
        return True

    def send_data(self):
        for stream in list(self.windows):
            amount = min(self.windows[stream], self.conn_window, self.left[stream], 16384)
            if amount <= 0:
                continue
            first = self.left[stream] == self.size + 5
            body = (struct.pack(">BI", 0, self.size) + b"\0" * (amount - 5)) if first else b"\0" * amount
            try:
                self.sock.sendall(frame(0, 0, stream, body))
            except OSError:
                return False
            self.windows[stream] -= amount
            self.conn_window -= amount
            self.left[stream] -= amount
            self.count("bytes_sent", amount)
        return True

    def open_streams(self):
        block = headers(self.host, self.port, "/modal.client.ModalClient/ClientHello")
        for n in range(self.streams):
            stream = 1 + 2 * n
            try:
                self.sock.sendall(frame(1, 4, stream, block))
            except OSError:
                return False
            self.count("streams_opened")
            self.windows[stream] = self.initial
            self.left[stream] = self.size + 5
            if n % 10 == 9 and not (self.read() and self.send_data()):
                return False
        return True

    def run(self, until):
        self.sock.sendall(PREFACE + frame(4, 0, 0))
        start = time.monotonic()
        while time.monotonic() < start + 0.3:
            self.read()
        opened = self.open_streams()
        with self.lock:
            self.stats["flooding"] = self.stats.get("flooding", 0) + 1
            if self.stats["flooding"] == self.stats["connections"]:
                print("flooding", file=sys.stderr, flush=True)
        if not opened:
            self.count("connections_closed")
            return
        while time.monotonic() < until:
            if not self.read() or not self.send_data():
                self.count("connections_closed")
                return
        self.sock.close()


def flood(host, port, connections, streams, size, seconds):
    stats, lock = {"connections": connections}, threading.Lock()
    until = time.monotonic() + seconds
    clients = [Flood(host, port, streams, size, stats, lock) for _ in range(connections)]
    threads = [threading.Thread(target=c.run, args=(until,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps(stats), flush=True)


def slowloris(host, port, sockets, addresses, seconds, kind):
    """`sockets` connections spread over 127.0.0.2... that send a request (or preface) one byte a second."""
    opened, refused, dropped = [], 0, 0
    slow = b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " if kind == "http" else PREFACE[:10]
    for n in range(sockets):
        source = "127.0.0.%d" % (2 + n % addresses)
        try:
            s = socket.create_connection((host, port), timeout=2, source_address=(source, 0))
            s.sendall(slow[:5])
            opened.append([s, 5])
        except OSError:
            refused += 1
    print("holding %d" % len(opened), file=sys.stderr, flush=True)
    until = time.monotonic() + seconds
    while time.monotonic() < until and opened:
        time.sleep(1)
        for entry in list(opened):
            s, sent = entry
            try:
                s.sendall(slow[sent:sent + 1] if sent < len(slow) else b"a")
                entry[1] += 1
            except OSError:
                dropped += 1
                opened.remove(entry)
    print(json.dumps({"opened": sockets - refused, "refused": refused, "closed_by_server": dropped}), flush=True)


def grpc_status(host, port, path, content_type, body):
    """One call on a fresh connection: the grpc-status it ends with ("reset" or "closed" otherwise)."""
    import hpack  # the venv's (modal's grpclib needs it); only to read the answer
    sock = socket.create_connection((host, port))
    sock.settimeout(5)
    fields = [(":method", "POST"), (":scheme", "http"), (":path", path), (":authority", "%s:%d" % (host, port)),
              ("content-type", content_type), ("te", "trailers")]
    block = b"".join(literal(n, v) for n, v in fields)
    sock.sendall(PREFACE + frame(4, 0, 0) + frame(1, 4, 1, block) + frame(0, 1, 1, body))
    decoder, data = hpack.Decoder(), b""
    try:
        while True:
            while len(data) >= 9 and len(data) >= 9 + int.from_bytes(data[:3], "big"):
                length, kind, flags = int.from_bytes(data[:3], "big"), data[3], data[4]
                payload, data = data[9:9 + length], data[9 + length:]
                if kind == 1:
                    headers = dict(decoder.decode(payload))
                    if "grpc-status" in headers:
                        return headers["grpc-status"]
                elif kind == 3:
                    return "reset"
                elif kind == 4 and not flags & 1:
                    sock.sendall(frame(4, 1, 0))
            chunk = sock.recv(65536)
            if not chunk:
                return "closed"
            data += chunk
    except OSError:
        return "closed"
    finally:
        sock.close()


def spec(host, port, path):
    """The gRPC spec cases of issue 13, each on its own connection: what the server answers."""
    message = lambda payload, flag=0: bytes([flag]) + struct.pack(">I", len(payload)) + payload
    cases = {"one message": ("application/grpc", message(b"")),
             "two messages": ("application/grpc", message(b"") + message(b"")),
             "no message": ("application/grpc", b""),
             "half a message": ("application/grpc", message(b"abc")[:3]),
             "unknown method": ("application/grpc", message(b"")),
             "text/plain": ("text/plain", message(b"")),
             "compressed flag without grpc-encoding": ("application/grpc", message(b"\x1f\x8b", 1))}
    result = {name: grpc_status(host, port, "/x.Y/Z" if name == "unknown method" else path, *case)
              for name, case in cases.items()}
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    numbers = [int(a) for a in sys.argv[4:8]]
    if mode == "flood":
        flood(host, port, *numbers)
    elif mode == "spec":
        spec(host, port, "/modal.client.ModalClient/ClientHello")
    else:
        slowloris(host, port, *numbers, kind=mode)
"""#
