"""Mixed load for Benchmarks/fault-soak.sh, from one client kind, for a bounded time.

  load.py python|swift OUT SECONDS WORKERS URLS OWNER_ID OWNER_SECRET SERVER DATA_DIR DATABASE [MODAL]

python: the reference client's own stack (grpclib and modal_proto's ModalClientStub, as modal 1.6.4
        calls the API): tokens minted through the login flow (TokenFlowCreate, approved with
        `modal-server flow approve`, TokenFlowWait), used (ClientHello), revoked (TokenDelete) and
        checked refused; secrets created (SecretGetOrCreate); the audit log read (AuditLogList).
swift:  our `modal` command line (the Swift SDK, failing over across URLS by itself): secrets
        created, tokens minted with `modal-server token create`, used (`modal token info`) and
        revoked (`modal token revoke`), the audit log read (`modal workspace audit-log`).

Every operation is retried (on the next replica, after 0.2 s) while it fails with UNAVAILABLE or a
lost connection, for up to 60 s. One JSON line per attempt error and per finished operation goes to
OUT: {"t", "client", "op", "ms", "code", "key"}; an operation whose code is OK was acknowledged.
"""
import asyncio, json, os, random, subprocess, sys, tempfile, time

from grpclib.client import Channel
from grpclib.const import Status
from grpclib.exceptions import GRPCError, StreamTerminatedError
from h2.exceptions import ProtocolError as H2ProtocolError
from modal_proto import api_grpc, api_pb2
from google.protobuf.empty_pb2 import Empty

RETRY_FOR = 60.0


class Failure(Exception):
    """An attempt that failed with `code` (a gRPC status name)."""

    def __init__(self, code, detail=""):
        super().__init__(f"{code}: {detail}")
        self.code, self.detail = code, detail


class Load:
    def __init__(self, argv):
        (self.kind, out, seconds, workers, urls, self.owner_id, self.owner_secret, self.server, self.data_dir,
         self.database) = argv[:10]
        self.modal = argv[10] if len(argv) > 10 else None
        self.out = open(out, "a", buffering=1)
        self.end = time.time() + float(seconds)
        self.workers = int(workers)
        self.urls = urls.split(",")
        self.home = tempfile.mkdtemp(prefix="soak-home-")
        self.counter = 0

    def record(self, op, started, code, key="", attempt=False):
        line = {"t": time.time(), "client": self.kind, "op": op, "ms": round((time.time() - started) * 1000, 2),
                "code": code, "key": key}
        if attempt:
            line["attempt"] = True
        self.out.write(json.dumps(line) + "\n")

    def unique(self, prefix):
        self.counter += 1
        return f"{prefix}-{self.kind}-{os.getpid()}-{self.counter}"

    async def retrying(self, op, key, attempt, key_of=None):
        """Runs `attempt(index)` until it returns, retrying UNAVAILABLE for up to RETRY_FOR seconds;
        the acknowledgment is recorded under `key`, or `key_of(result)` when given."""
        started = time.time()
        index = random.randrange(len(self.urls))
        while True:
            try:
                result = await attempt(index)
                self.record(op, started, "OK", key_of(result) if key_of else key)
                return result
            except Failure as failure:
                if failure.code != "UNAVAILABLE" or time.time() - started > RETRY_FOR:
                    self.record(op, started, failure.code, key + " " + failure.detail[:200])
                    return None
                self.record(op, started, failure.code, key, attempt=True)
                index += 1
                await asyncio.sleep(0.2)

    # --- python: the reference client's transport ---

    async def call(self, index, method, request, token=None, timeout=10):
        host, port = self.urls[index % len(self.urls)].removeprefix("http://").split(":")
        channel = Channel(host, int(port))
        token_id, token_secret = token or (self.owner_id, self.owner_secret)
        metadata = {"x-modal-token-id": token_id, "x-modal-token-secret": token_secret} if token_id else {}
        try:
            stub = api_grpc.ModalClientStub(channel)
            return await asyncio.wait_for(getattr(stub, method)(request, metadata=metadata), timeout)
        except GRPCError as error:
            raise Failure(error.status.name, error.message or "")
        # What modal 1.6.4's retry loop counts as a lost connection (`_utils/grpc_utils.py`).
        except (StreamTerminatedError, ConnectionError, OSError, H2ProtocolError) as error:
            raise Failure("UNAVAILABLE", f"connection lost: {error}")
        except asyncio.TimeoutError:
            raise Failure("DEADLINE_EXCEEDED", f"no answer within {timeout} s")
        except AttributeError as error:
            # grpclib 0.4.9 race: a connection that closes between connecting and opening its first
            # stream (a replica SIGKILLed with the connection in its accept queue) has dropped its
            # `_transport`, and `create_stream` raises this instead of a connection error. Anything
            # else is a bug in this script and stays one.
            if "_transport" not in str(error):
                raise
            raise Failure("UNAVAILABLE", f"connection lost before the first stream: {error}")
        finally:
            channel.close()

    async def approve(self, code):
        for _ in range(int(RETRY_FOR / 0.2)):
            done = await asyncio.create_subprocess_exec(
                self.server, "flow", "approve", "--code", code, "--email", "soak@example.com", "--data-dir", self.data_dir,
                "--database", self.database, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            _, error = await done.communicate()
            if done.returncode == 0:
                return
            await asyncio.sleep(0.2)
        raise Failure("UNAVAILABLE", f"flow approve kept failing: {error.decode()[:200]}")

    async def python_mint(self):
        async def flow(index):
            created = await self.call(index, "TokenFlowCreate", api_pb2.TokenFlowCreateRequest(utm_source="soak"), token=("", ""))
            await self.approve(created.code)
            waited = await self.call(
                index, "TokenFlowWait",
                api_pb2.TokenFlowWaitRequest(token_flow_id=created.token_flow_id, wait_secret=created.wait_secret, timeout=5),
                token=("", ""), timeout=15)
            if waited.timeout:
                raise Failure("UNAVAILABLE", "the approved flow's wait timed out")
            return waited.token_id, waited.token_secret
        return await self.retrying("token_mint", "", flow, key_of=lambda token: token[0])

    async def python_round(self):
        choice = random.random()
        if choice < 0.35:
            await self.retrying("hello", "", lambda i: self.call(i, "ClientHello", Empty()))
        elif choice < 0.6:
            name = self.unique("soak")
            request = api_pb2.SecretGetOrCreateRequest(
                deployment_name=name, object_creation_type=api_pb2.OBJECT_CREATION_TYPE_CREATE_IF_MISSING,
                env_dict={"KEY": name})
            await self.retrying("secret_create", name, lambda i: self.call(i, "SecretGetOrCreate", request))
        elif choice < 0.75:
            now = int(time.time() * 1000)
            request = api_pb2.AuditLogListRequest(newest_ms=now + 1000, limit=20)
            await self.retrying("audit_list", "", lambda i: self.call(i, "AuditLogList", request))
        else:
            token = await self.python_mint()
            if token is None:
                return
            await self.retrying("token_use", token[0], lambda i: self.call(i, "ClientHello", Empty(), token=token))
            request = api_pb2.TokenDeleteRequest(token_id=token[0])
            if await self.retrying("token_revoke", token[0], lambda i: self.call(i, "TokenDelete", request)) is None:
                return
            await self.check_refused(token)

    async def check_refused(self, token):
        """A revoked token must be refused by every replica within 2 s (UNAVAILABLE aside)."""
        started = time.time()
        for index in range(len(self.urls)):
            while True:
                try:
                    await self.call(index, "ClientHello", Empty(), token=token)
                except Failure as failure:
                    if failure.code == "UNAUTHENTICATED":
                        break
                    if failure.code == "UNAVAILABLE" and time.time() - started < RETRY_FOR:
                        await asyncio.sleep(0.2)
                        continue
                    self.record("revoked_refused", started, failure.code, token[0])
                    return
                if time.time() - started > 2:
                    self.record("revoked_refused", started, "ACCEPTED_AFTER_REVOCATION", token[0])
                    return
                await asyncio.sleep(0.02)
        self.record("revoked_refused", started, "OK", token[0])

    # --- swift: our command line ---

    async def modal_command(self, arguments, token=None, stdin=None):
        token_id, token_secret = token or (self.owner_id, self.owner_secret)
        environment = {"PATH": "/usr/bin:/bin", "HOME": self.home, "MODAL_SERVER_URL": ",".join(self.urls),
                       "MODAL_TOKEN_ID": token_id, "MODAL_TOKEN_SECRET": token_secret}
        done = await asyncio.create_subprocess_exec(
            self.modal, *arguments, env=environment, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)
        try:
            out, error = await asyncio.wait_for(done.communicate(stdin.encode() if stdin else None), 90)
        except asyncio.TimeoutError:
            done.kill()
            raise Failure("DEADLINE_EXCEEDED", "modal did not finish within 90 s")
        if done.returncode != 0:
            text = error.decode()
            # The SDK already retried and failed over; what is left of an outage says "unavailable".
            unavailable = any(word in text.lower() for word in ("unavailable", "could not reach", "connect", "retry"))
            raise Failure("UNAVAILABLE" if unavailable else "FAILED", text.strip().replace("\n", " ")[:300])
        return out.decode()

    async def swift_mint(self, name):
        async def create(_):
            done = await asyncio.create_subprocess_exec(
                self.server, "token", "create", "--workspace", "soak", "--name", name, "--json", "--data-dir",
                self.data_dir, "--database", self.database, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            out, error = await done.communicate()
            if done.returncode != 0:
                raise Failure("UNAVAILABLE", error.decode()[:200])
            created = json.loads(out)
            return created["token_id"], created["token_secret"]
        return await self.retrying("token_mint", name, create, key_of=lambda token: token[0])

    async def swift_round(self):
        choice = random.random()
        if choice < 0.45:
            name = self.unique("soak")
            await self.retrying(
                "secret_create", name,
                lambda _: self.modal_command(["secret", "create", name, "KEY=-", "--force"], stdin="value\n"))
        elif choice < 0.65:
            await self.retrying("audit_list", "", lambda _: self.modal_command(["workspace", "audit-log"]))
        else:
            token = await self.swift_mint(self.unique("tok"))
            if token is None:
                return
            await self.retrying("token_use", token[0], lambda _: self.modal_command(["token", "info"], token=token))
            if await self.retrying("token_revoke", token[0], lambda _: self.modal_command(["token", "revoke", token[0], "--yes"])) is None:
                return
            await self.check_refused(token)

    async def worker(self):
        round_ = self.python_round if self.kind == "python" else self.swift_round
        while time.time() < self.end:
            await round_()

    async def run(self):
        await asyncio.gather(*(self.worker() for _ in range(self.workers)))


if __name__ == "__main__":
    asyncio.run(Load(sys.argv[1:]).run())
