"""Measures how long after `modal-server token revoke` returns (the revocation is committed on
one replica's machine) another replica starts rejecting the token.

Usage: revocation_probe.py ROUNDS MODAL_SERVER REVOKE_DATA_DIR DATABASE_URL PROBE_URL
Prints one line per round (milliseconds) and a summary with p50, p99 and max.
"""
import asyncio, json, subprocess, sys, time

from grpclib.client import Channel
from grpclib.exceptions import GRPCError
from grpclib.const import Status
from modal_proto import api_grpc
from google.protobuf.empty_pb2 import Empty


async def main() -> None:
    rounds, server, data_dir, database, probe_url = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
    host, port = probe_url.removeprefix("http://").split(":")
    channel = Channel(host, int(port))
    stub = api_grpc.ModalClientStub(channel)
    samples = []
    for index in range(rounds):
        created = subprocess.run(
            [server, "token", "create", "--data-dir", data_dir, "--database", database, "--workspace", "bench",
             "--name", f"probe{index}", "--json"], check=True, capture_output=True, text=True)
        token = json.loads(created.stdout)
        metadata = {"x-modal-token-id": token["token_id"], "x-modal-token-secret": token["token_secret"]}
        await stub.ClientHello(Empty(), metadata=metadata)  # verified and remembered by the probed replica
        subprocess.run([server, "token", "revoke", "--data-dir", data_dir, "--database", database, token["token_id"]],
                       check=True, capture_output=True)
        committed = time.perf_counter()
        while True:
            try:
                await stub.ClientHello(Empty(), metadata=metadata)
            except GRPCError as error:
                if error.status != Status.UNAUTHENTICATED:
                    raise
                break
            if time.perf_counter() - committed > 5:
                raise SystemExit("the probed replica still accepts the token 5 s after the revocation")
        samples.append((time.perf_counter() - committed) * 1000)
    channel.close()
    samples.sort()
    pick = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))]
    print(f"revocation propagation over {rounds} rounds: p50 {pick(0.5):.2f} ms, p99 {pick(0.99):.2f} ms, max {samples[-1]:.2f} ms")


asyncio.run(main())
