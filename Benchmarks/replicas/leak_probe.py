"""Times a secret-scanning report until every replica refuses the reported token.

Usage: leak_probe.py ROUNDS MODAL_SERVER DATA_DIR DATABASE_URL PARTNER_KEY KEY_ID HTTP_PORT GRPC_PORT...
Each round: a new token, verified (and cached) by every replica; a report signed with
PARTNER_KEY (openssl, done before the clock starts) posted to HTTP_PORT; then every replica is
polled with ClientHello until it answers UNAUTHENTICATED. The time of a round is from just before
the POST to the last replica's refusal. Prints each round and the median and max in milliseconds.
"""
import asyncio, base64, http.client, json, statistics, subprocess, sys, tempfile, time

from grpclib.client import Channel
from grpclib.exceptions import GRPCError
from grpclib.const import Status
from modal_proto import api_grpc
from google.protobuf.empty_pb2 import Empty


def signed_report(secret: str, key: str, round_index: int) -> tuple[bytes, str]:
    body = json.dumps([{"token": secret, "type": "modal_token_secret", "source": "content",
                        "url": f"https://github.com/octo/bench/blob/{round_index}/.env"}]).encode()
    with tempfile.NamedTemporaryFile() as file:
        file.write(body)
        file.flush()
        signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key, file.name],
                                   check=True, capture_output=True).stdout
    return body, base64.b64encode(signature).decode()


def post(port: int, body: bytes, key_id: str, signature: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("POST", "/secret-scanning/github", body, {
        "Content-Type": "application/json", "Github-Public-Key-Identifier": key_id,
        "Github-Public-Key-Signature": signature})
    response = connection.getresponse()
    answer = response.read()
    if response.status != 200 or b"true_positive" not in answer:
        raise SystemExit(f"the report was answered {response.status}: {answer!r}")


async def refused(stub, metadata, started: float) -> float:
    while True:
        try:
            await stub.ClientHello(Empty(), metadata=metadata)
        except GRPCError as error:
            if error.status != Status.UNAUTHENTICATED:
                raise
            return (time.perf_counter() - started) * 1000
        if time.perf_counter() - started > 5:
            raise SystemExit("a replica still accepts the token 5 s after the report")


async def main() -> None:
    rounds, server, data_dir, database, key, key_id, http_port = sys.argv[1:8]
    channels = [Channel("127.0.0.1", int(port)) for port in sys.argv[8:]]
    stubs = [api_grpc.ModalClientStub(channel) for channel in channels]
    samples = []
    for index in range(int(rounds)):
        created = subprocess.run(
            [server, "token", "create", "--data-dir", data_dir, "--database", database, "--workspace", "bench",
             "--name", f"leak{index}", "--json"], check=True, capture_output=True, text=True)
        token = json.loads(created.stdout)
        metadata = {"x-modal-token-id": token["token_id"], "x-modal-token-secret": token["token_secret"]}
        for stub in stubs:
            await stub.ClientHello(Empty(), metadata=metadata)
        body, signature = signed_report(token["token_secret"], key, index)
        started = time.perf_counter()
        await asyncio.to_thread(post, int(http_port), body, key_id, signature)
        times = await asyncio.gather(*(refused(stub, metadata, started) for stub in stubs))
        samples.append(max(times))
        print(f"round {index + 1}: refused by every replica after {samples[-1]:.2f} ms")
    for channel in channels:
        channel.close()
    print(f"report to refusal on {len(stubs)} replicas over {rounds} reports: "
          f"median {statistics.median(samples):.2f} ms, max {max(samples):.2f} ms")


asyncio.run(main())
