#!/usr/bin/env python3
"""Raw-bytes gRPC echo service and client on grpclib, for the RPC module's interop tests.

    grpclib_echo.py serve [--tls-cert C --tls-key K]
        Serves /interop.Echo/{Unary,Metadata,Fail,Sleep,Stream} on 127.0.0.1, port picked by the
        OS; prints "PORT <n>" once listening, then serves until killed.
    grpclib_echo.py refusing-proxy
        An HTTP proxy that answers every CONNECT with 403 Forbidden; prints "PORT <n>".
    grpclib_echo.py client --port N [--tls-ca CA] [--host H]
        Calls the Swift test server's /test.Echo/* methods and prints one JSON object of results.
    grpclib_echo.py gzip-request --port N --path P --inflated-size BYTES
        Sends one unary request whose message is gzip-compressed (`grpc-encoding: gzip`; zeros that
        inflate to BYTES) over raw HTTP/2 and prints {"status": ..., "message": ...} of the reply.

Messages are raw bytes (a pass-through codec), so no .proto files are needed.
"""
import argparse
import asyncio
import json
import signal
import socket
import ssl
import struct
import sys
import zlib

import h2.config
import h2.connection
import h2.events

from grpclib.client import Channel
from grpclib.const import Cardinality, Handler, Status
from grpclib.encoding.base import CodecBase, StatusDetailsCodecBase
from grpclib.exceptions import GRPCError
from grpclib.server import Server


class RawCodec(CodecBase):
    __content_subtype__ = "proto"

    def encode(self, message, message_type):
        return bytes(message)

    def decode(self, data, message_type):
        return bytes(data)


class RawDetailsCodec(StatusDetailsCodecBase):
    def encode(self, status, message, details):
        return bytes(details)

    def decode(self, status, message, data):
        return bytes(data)


def seen_metadata(stream):
    return [[k, v.hex() if isinstance(v, bytes) else v] for k, v in stream.metadata.items()]


class EchoService:
    async def unary(self, stream):
        request = await stream.recv_message()
        initial = [("echo-" + k, v) for k, v in stream.metadata.items() if k.startswith("x-")]
        await stream.send_initial_metadata(metadata=initial)
        await stream.send_message(request)
        await stream.send_trailing_metadata(metadata={"x-trailer": "grpclib"})

    async def metadata(self, stream):
        await stream.recv_message()
        deadline = stream.deadline.time_remaining() if stream.deadline else None
        report = {
            "metadata": seen_metadata(stream),
            "user_agent": getattr(stream, "user_agent", None),
            "deadline": deadline,
            "peer": str(stream.peer.addr()),
        }
        await stream.send_message(json.dumps(report).encode())

    async def fail(self, stream):
        request = (await stream.recv_message()).decode()
        code, _, message = request.partition("|")
        details = stream.metadata.get("x-details-bin")
        raise GRPCError(Status(int(code)), message, details)

    async def sleep(self, stream):
        request = await stream.recv_message()
        await asyncio.sleep(int(request.decode()) / 1000)
        await stream.send_message(b"slept")

    async def stream(self, stream):
        request = (await stream.recv_message()).decode()
        count = int(request.split("|")[0])
        for index in range(count):
            await stream.send_message(f"item-{index}".encode())
        if "fail" in request:
            raise GRPCError(Status.RESOURCE_EXHAUSTED, f"stream aborted after {count} items")

    def __mapping__(self):
        def unary(f):
            return Handler(f, Cardinality.UNARY_UNARY, None, None)

        return {
            "/interop.Echo/Unary": unary(self.unary),
            "/interop.Echo/Metadata": unary(self.metadata),
            "/interop.Echo/Fail": unary(self.fail),
            "/interop.Echo/Sleep": unary(self.sleep),
            "/interop.Echo/Stream": Handler(self.stream, Cardinality.UNARY_STREAM, None, None),
        }


async def serve(args):
    context = None
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        context.set_alpn_protocols(["h2"])
    server = Server([EchoService()], codec=RawCodec(), status_details_codec=RawDetailsCodec())
    await server.start("127.0.0.1", 0, ssl=context)
    port = server._server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)
    await server.wait_closed()


async def refusing_proxy(args):
    async def handle(reader, writer):
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(f"PORT {server.sockets[0].getsockname()[1]}", flush=True)
    await server.serve_forever()


async def client(args):
    context = None
    if args.tls_ca:
        context = ssl.create_default_context(cafile=args.tls_ca)
        context.set_alpn_protocols(["h2"])
    channel = Channel(args.host, args.port, codec=RawCodec(), status_details_codec=RawDetailsCodec(), ssl=context)
    results = {}

    async def unary(path, payload, metadata=None, timeout=None):
        async with channel.request(path, Cardinality.UNARY_UNARY, None, None, metadata=metadata, timeout=timeout) as stream:
            await stream.send_message(payload, end=True)
            try:
                reply = await stream.recv_message()
                await stream.recv_trailing_metadata()
                return {
                    "ok": True,
                    "reply": reply.decode("utf-8", "replace"),
                    "initial": dict(stream.initial_metadata or {}),
                    "trailing": dict(stream.trailing_metadata or {}),
                }
            except GRPCError as error:
                return {
                    "ok": False,
                    "status": error.status.name,
                    "message": error.message,
                    "details": error.details.hex() if isinstance(error.details, bytes) else None,
                    "trailing": {k: v for k, v in (stream.trailing_metadata or {}).items() if not isinstance(v, bytes)},
                }

    try:
        results["echo"] = await unary("/test.Echo/Echo", "héllo".encode(), metadata={"x-token": "tok-grpclib"})
        results["fail"] = await unary("/test.Echo/Fail", "16|bad token: é % test".encode())
        results["details"] = await unary("/test.Echo/Fail", b"9|with details", metadata={"x-details-bin": b"\x00\x01\xff"})
        results["unimplemented"] = await unary("/test.Echo/Nope", b"")
        results["info"] = await unary("/test.Echo/Info", b"", timeout=20)
        try:
            results["deadline"] = await unary("/test.Echo/Sleep", b"3000", timeout=0.3)
        except asyncio.TimeoutError:
            results["deadline"] = {"ok": False, "status": "DEADLINE_EXCEEDED", "message": "client timeout"}
        except GRPCError as error:
            results["deadline"] = {"ok": False, "status": error.status.name, "message": error.message}
        items = []
        async with channel.request("/test.Echo/Stream", Cardinality.UNARY_STREAM, None, None) as stream:
            await stream.send_message(b"5", end=True)
            async for message in stream:
                items.append(message.decode())
        results["stream"] = items
        replies = await asyncio.gather(
            *[unary("/test.Echo/Echo", f"call-{i}".encode()) for i in range(args.concurrent)]
        )
        results["concurrent_ok"] = sum(1 for i, r in enumerate(replies) if r["ok"] and r["reply"] == f"call-{i}")
    finally:
        channel.close()
    print(json.dumps(results), flush=True)


def gzip_request(args):
    deflate = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(1 << 20)
    remaining = args.inflated_size
    parts = []
    while remaining > 0:
        parts.append(deflate.compress(chunk[: min(remaining, len(chunk))]))
        remaining -= len(chunk)
    parts.append(deflate.flush())
    payload = b"".join(parts)
    frame = b"\x01" + struct.pack(">I", len(payload)) + payload
    sock = socket.create_connection(("127.0.0.1", args.port), timeout=30)
    connection = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    connection.initiate_connection()
    connection.increment_flow_control_window(1 << 30)
    stream = connection.get_next_available_stream_id()
    connection.send_headers(stream, [
        (":method", "POST"), (":scheme", "http"), (":path", args.path), (":authority", f"127.0.0.1:{args.port}"),
        ("content-type", "application/grpc"), ("te", "trailers"), ("grpc-encoding", "gzip"),
        ("grpc-accept-encoding", "identity,gzip"),
    ])
    sock.sendall(connection.data_to_send())
    sent = 0
    headers = {}
    ended = False
    while not ended:
        while sent < len(frame):
            window = min(connection.local_flow_control_window(stream), connection.max_outbound_frame_size)
            if window <= 0:
                break
            piece = frame[sent : sent + window]
            sent += len(piece)
            connection.send_data(stream, piece, end_stream=sent == len(frame))
        sock.sendall(connection.data_to_send())
        data = sock.recv(65536)
        if not data:
            break
        for event in connection.receive_data(data):
            if isinstance(event, (h2.events.ResponseReceived, h2.events.TrailersReceived)):
                headers.update(dict(event.headers))
            elif isinstance(event, h2.events.DataReceived):
                connection.acknowledge_received_data(event.flow_controlled_length, stream)
            elif isinstance(event, (h2.events.StreamEnded, h2.events.StreamReset)):
                ended = True
        sock.sendall(connection.data_to_send())
    sock.close()
    print(json.dumps({"status": headers.get("grpc-status"), "message": headers.get("grpc-message")}), flush=True)


def main():
    # A parent that spawns us from a thread with signals blocked (Foundation's Process does) leaves
    # SIGTERM blocked here; unblock it so that terminating the helper works.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="mode", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--tls-cert")
    s.add_argument("--tls-key")
    sub.add_parser("refusing-proxy")
    c = sub.add_parser("client")
    c.add_argument("--host", default="127.0.0.1")
    c.add_argument("--port", type=int, required=True)
    c.add_argument("--tls-ca")
    c.add_argument("--concurrent", type=int, default=2000)
    g = sub.add_parser("gzip-request")
    g.add_argument("--port", type=int, required=True)
    g.add_argument("--path", required=True)
    g.add_argument("--inflated-size", type=int, default=1 << 20)
    args = parser.parse_args()
    if args.mode == "gzip-request":
        return gzip_request(args)
    modes = {"serve": serve, "client": client, "refusing-proxy": refusing_proxy}
    asyncio.run(modes[args.mode](args))


if __name__ == "__main__":
    sys.exit(main())
