"""A stand-in for Modal's API server, built on the real `modal_proto` of modal 1.6.4 (grpclib).

Used by the Swift interop tests: it records every request (method, metadata, deadline, body) as a
JSON line, checks credentials, and follows a script of behaviours per method: errors with
messages, server-directed retry policies, warnings in trailers, slow replies and dropped
connections.

    python standin_server.py --script script.json --log requests.jsonl --port-file port.txt \
        [--cert cert.pem --key key.pem]

Script (JSON): {"tokens": {"ak-…": {"secret": "as-…", "workspace": "alice-ws"}},
                "steps": {"ClientHello": [{"status": "UNAVAILABLE", "message": "…"}, …]},
                "hello_warnings": ["…"], "jwt_ttl": 1200}
A step may have: status, message, retry_after (seconds, sent as RPCRetryPolicy), delay (seconds
before answering), drop (true: close the connection), trailers ({name: value}).
Steps are used in order; then the method answers normally.
"""

import argparse
import asyncio
import base64
import json
import os
import ssl
import sys
import time

from google.protobuf import any_pb2, empty_pb2, json_format
from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.server import Server

from modal_proto import api_grpc, api_pb2

UNAUTHENTICATED_TEXT = "Token validation failed (stand-in)"


class DetailsCodec:
    """Encodes error details as modal.client.RPCStatus, the way Modal's server does."""

    def encode(self, status, message, details):
        rpc_status = api_pb2.RPCStatus(code=status.value, message=message or "")
        for detail in details or []:
            packed = any_pb2.Any()
            packed.Pack(detail, type_url_prefix="type.modal.com/")
            rpc_status.details.append(packed)
        return rpc_status.SerializeToString()

    def decode(self, status, message, data):
        return None


class StandIn:
    def __init__(self, script, log_path):
        self.script = script
        self.tokens = dict(script.get("tokens", {}))
        self.steps = {name: list(steps) for name, steps in script.get("steps", {}).items()}
        self.log = open(log_path, "a", buffering=1)

    def record(self, method, stream, request):
        deadline = stream.deadline.time_remaining() if stream.deadline else None
        entry = {
            "method": method,
            "metadata": [[k, v if isinstance(v, str) else base64.b64encode(v).decode()] for k, v in stream.metadata.items()],
            "deadline": deadline,
            "request": json_format.MessageToDict(request, preserving_proto_field_name=True) if request is not None else None,
            "time": time.time(),
        }
        self.log.write(json.dumps(entry) + "\n")

    def workspace(self, stream):
        token_id = stream.metadata.get("x-modal-token-id")
        secret = stream.metadata.get("x-modal-token-secret")
        token = self.tokens.get(token_id)
        if token is None or token["secret"] != secret:
            raise GRPCError(Status.UNAUTHENTICATED, UNAUTHENTICATED_TEXT)
        return token_id, token

    async def handle(self, method, stream, respond, authenticated=True):
        request = await stream.recv_message()
        self.record(method, stream, request)
        steps = self.steps.get(method)
        trailers = {}
        if steps:
            step = steps.pop(0)
            if step.get("delay"):
                await asyncio.sleep(step["delay"])
            if step.get("drop"):
                stream._stream.connection._transport.close()
                return
            trailers = step.get("trailers", {})
            if step.get("status"):
                details = None
                if "retry_after" in step:
                    details = [api_pb2.RPCRetryPolicy(retry_after_secs=step["retry_after"])]
                raise GRPCError(Status[step["status"]], step.get("message", ""), details)
        token = self.workspace(stream) if authenticated else None
        response = respond(request, token)
        await stream.send_message(response)
        if trailers:
            await stream.send_trailing_metadata(metadata=trailers)


def make_servicer(standin):
    def unary(name, respond, authenticated=True):
        async def handler(self, stream):
            await standin.handle(name, stream, respond, authenticated)
        return handler

    def hello(request, token):
        warnings = [api_pb2.Warning(type=api_pb2.Warning.WARNING_TYPE_CLIENT_DEPRECATION, message=m)
                    for m in standin.script.get("hello_warnings", [])]
        return api_pb2.ClientHelloResponse(server_warnings=warnings)

    def token_info(request, token):
        token_id, data = token
        return api_pb2.TokenInfoGetResponse(
            token_id=token_id, workspace_id="ac-WORKSPACE000000000000", workspace_name=data["workspace"],
            user_identity=api_pb2.UserIdentity(user_id="us-USER00000000000000000", username="alice"),
            created_at={"seconds": 1700000000}, expires_at={"seconds": 1900000000}, token_name="laptop")

    def workspace_lookup(request, token):
        return api_pb2.WorkspaceNameLookupResponse(username=token[1]["workspace"], workspace_name=token[1]["workspace"])

    def auth_token(request, token):
        now = int(time.time())
        claims = json.dumps({"exp": now + standin.script.get("jwt_ttl", 1200), "sub": token[0]}).encode()
        part = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
        return api_pb2.AuthTokenGetResponse(token=".".join([part(b'{"alg":"none"}'), part(claims), "sig"]))

    def token_delete(request, token):
        standin.tokens.pop(request.token_id, None)
        return empty_pb2.Empty()

    def environment(request, token):
        return api_pb2.EnvironmentGetOrCreateResponse(
            environment_id="en-MAIN", metadata=api_pb2.EnvironmentMetadata(name=request.deployment_name or "main"))

    implemented = {
        "ClientHello": unary("ClientHello", hello),
        "TokenInfoGet": unary("TokenInfoGet", token_info),
        "WorkspaceNameLookup": unary("WorkspaceNameLookup", workspace_lookup),
        "AuthTokenGet": unary("AuthTokenGet", auth_token),
        "TokenDelete": unary("TokenDelete", token_delete),
        "EnvironmentGetOrCreate": unary("EnvironmentGetOrCreate", environment),
    }

    async def unimplemented(self, stream):
        raise GRPCError(Status.UNIMPLEMENTED, "not in the stand-in")

    methods = {name: implemented.get(name, unimplemented) for name in api_grpc.ModalClientBase.__abstractmethods__}
    return type("StandInServicer", (api_grpc.ModalClientBase,), methods)()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--script", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args()
    with open(args.script) as f:
        script = json.load(f)
    standin = StandIn(script, args.log)
    server = Server([make_servicer(standin)], status_details_codec=DetailsCodec())
    context = None
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
        context.set_alpn_protocols(["h2"])
    await server.start("127.0.0.1", 0, ssl=context)
    port = server._server.sockets[0].getsockname()[1]
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(port))
    os.rename(args.port_file + ".tmp", args.port_file)
    await server.wait_closed()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
