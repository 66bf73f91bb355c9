"""Figures and checks of Benchmarks/fault-soak.sh.

  report.py OPS_JSONL DATABASE_ROWS STARTED_UNIX CPU MODE

OPS_JSONL: the load's lines (load.py). DATABASE_ROWS: `kind|key|revoked_at` rows read from the
database after the run (token ids, secret names, audit entries as `audit:<action>|<target>`).
Prints a Markdown table per minute (operations acknowledged; p99 latency of the Python client's
calls, of its token mints, which include the `modal-server flow approve` process, and of the Swift
command line's operations, each a `modal` process; attempt errors by code; operations that ended in
an error) and the loss check; exits 1 when anything acknowledged
is missing, a revoked token was still accepted after 2 s, or an operation ended in an error other
than UNAVAILABLE.
"""
import collections, json, sys


def p99(values):
    if not values:
        return "–"
    values = sorted(values)
    return f"{values[min(len(values) - 1, int(0.99 * len(values)))]:.0f}"


def main():
    ops_path, rows_path, started, cpu, mode = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4], sys.argv[5]
    ops = [json.loads(line) for line in open(ops_path) if line.strip()]
    tokens, revoked, secrets, audit = set(), set(), set(), set()
    for line in open(rows_path):
        kind, key, revoked_at = line.rstrip("\n").split("|")
        if kind == "token":
            tokens.add(key)
            if int(revoked_at or 0) > 0:
                revoked.add(key)
        elif kind == "secret":
            secrets.add(key)
        else:
            audit.add((kind.removeprefix("audit:"), key))

    minutes = collections.defaultdict(lambda: {"ok": 0, "python": [], "mint": [], "swift": [],
                                               "attempts": collections.Counter(), "failed": collections.Counter()})
    for op in ops:
        minute = minutes[int((op["t"] - started) // 60) + 1]
        if op.get("attempt"):
            minute["attempts"][op["code"]] += 1
        elif op["code"] == "OK":
            minute["ok"] += 1
            if op["client"] == "python" and op["op"] == "token_mint":
                minute["mint"].append(op["ms"])
            elif op["op"] != "revoked_refused":
                minute[op["client"]].append(op["ms"])
        else:
            minute["failed"][op["code"]] += 1

    print(f"\nFault soak, PostgreSQL {mode}; CPU: {cpu}")
    print("\n| minute | acknowledged | p99 ms python calls | p99 ms python mint (flow + approve) | "
          "p99 ms swift (modal process) | attempt errors (retried) | ended in error |")
    print("|---|---|---|---|---|---|---|")
    describe = lambda counter: ", ".join(f"{code} {count}" for code, count in sorted(counter.items())) or "0"
    for number in sorted(minutes):
        minute = minutes[number]
        print(f"| {number} | {minute['ok']} | {p99(minute['python'])} | {p99(minute['mint'])} | {p99(minute['swift'])} | "
              f"{describe(minute['attempts'])} | {describe(minute['failed'])} |")

    acknowledged = lambda name: [op for op in ops if op["op"] == name and op["code"] == "OK" and not op.get("attempt")]
    checks = []
    minted = acknowledged("token_mint")
    checks.append(("tokens minted", len(minted), [op["key"] for op in minted if op["key"] not in tokens]))
    created_entries = [op for op in minted if ("token.created", op["key"]) not in audit]
    checks.append(("token.created audit entries", len(minted), [op["key"] for op in created_entries]))
    revocations = acknowledged("token_revoke")
    checks.append(("revocations", len(revocations), [op["key"] for op in revocations if op["key"] not in revoked]))
    checks.append(("token.revoked audit entries", len(revocations),
                   [op["key"] for op in revocations if ("token.revoked", op["key"]) not in audit]))
    created = acknowledged("secret_create")
    checks.append(("secrets", len(created), [op["key"] for op in created if op["key"] not in secrets]))
    checks.append(("secret audit entries", len(created),
                   [op["key"] for op in created
                    if ("secret.created", op["key"]) not in audit and ("secret.updated", op["key"]) not in audit]))
    print("\n| acknowledged | count | missing from the database |\n|---|---|---|")
    lost = 0
    for name, count, missing in checks:
        lost += len(missing)
        print(f"| {name} | {count} | {len(missing)}{' ' + ', '.join(missing[:5]) if missing else ''} |")

    final = [op for op in ops if not op.get("attempt") and op["code"] != "OK"]
    refused = [op for op in ops if op["op"] == "revoked_refused" and op["code"] == "OK"]
    bad = [op for op in final if op["code"] != "UNAVAILABLE"]
    all_ok = [op["ms"] for op in ops if not op.get("attempt") and op["code"] == "OK"]
    attempts = sum(1 for op in ops if op.get("attempt"))
    print(f"\noperations acknowledged: {len(all_ok)} (p99 {p99(all_ok)} ms); attempt errors retried: {attempts}; "
          f"ended UNAVAILABLE: {len(final) - len(bad)}; ended in another error: {len(bad)}; "
          f"revoked tokens refused by all 3 replicas within 2 s: {len(refused)}; lost: {lost}")
    for op in bad[:10]:
        print(f"  error: {op['client']} {op['op']} {op['code']} {op['key']}")
    sys.exit(1 if lost or bad else 0)


main()
