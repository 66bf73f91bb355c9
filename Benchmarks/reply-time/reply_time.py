"""Reads `perf script --ns -F tid,time,event,trace` of sendmsg/recvmsg tracepoints on stdin and prints,
for one server, the time from the `recvmsg` that returned a request to the `sendmsg` of its reply
(per thread: the last recvmsg that read bytes before each sendmsg entry), and from one reply to
the next.
No system call comes between the two on either server, so the first figure is the server's own
work on the request (slightly slower than without tracing)."""
import re
import statistics
import sys

name = sys.argv[1]
last_receive = {}
to_reply, reply_to_reply = [], []
previous_reply = None
for line in sys.stdin:
    match = re.match(r"\s*(\d+)\s+([\d.]+):\s+syscalls:sys_(enter|exit)_(sendmsg|recvmsg):\s*(\S*)", line)
    if not match:
        continue
    thread, micros, kind, call = int(match[1]), float(match[2]) * 1e6, match[3], match[4]
    if call == "recvmsg" and kind == "exit":
        # The return value: bytes read, or a negative error (EAGAIN when the socket was drained).
        if int(match[5], 16) < 1 << 63 and int(match[5], 16) > 0:
            last_receive[thread] = micros
    elif call == "sendmsg" and kind == "enter" and thread in last_receive:
        to_reply.append(micros - last_receive.pop(thread))
        if previous_reply is not None:
            reply_to_reply.append(micros - previous_reply)
        previous_reply = micros


def quantile(values, q):
    ordered = sorted(values)
    return ordered[int(q * (len(ordered) - 1))]


if len(to_reply) < 10:
    sys.exit(f"{name}: too few request/reply pairs traced ({len(to_reply)})")
print(
    f"{name}: request to reply median {statistics.median(to_reply):.2f} µs "
    f"(p10 {quantile(to_reply, 0.1):.1f}, p90 {quantile(to_reply, 0.9):.1f}; {len(to_reply)} replies), "
    f"reply to reply median {statistics.median(reply_to_reply):.1f} µs"
)
