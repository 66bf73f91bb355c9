// The Swift side of the gRPC unary benchmark (Benchmarks/run-rpc.sh runs it).
//
//   rpc-benchmark latency <port> <calls> <concurrency> <payload bytes> [default|poller]
//       Like Benchmarks/rpc/echo_client.cc: 1000 warm-up calls, then <calls> unary calls from
//       <concurrency> tasks, each calling in a loop; prints
//       "calls=<n> seconds=<s> rps=<r> p50_us=<x> p99_us=<y>". With "poller", the tasks run with
//       `RPCExecutor.shared` as their executor preference (no thread hop per call).
//   rpc-benchmark memory <port> <payload bytes>
//       10,000 sequential calls; prints the resident set after 1,000 and after 10,000 calls and the
//       peak: "rss_1000_kib=<a> rss_10000_kib=<b> hwm_kib=<c>".
import RPC

#if canImport(Glibc)
  import Glibc
#endif

/// The protobuf encoding of `bench.EchoMessage { payload = <size> bytes of "x" }`.
func echoRequest(payload size: Int) -> [UInt8] {
  var bytes: [UInt8] = [0x0A]
  var length = size
  while length >= 0x80 {
    bytes.append(UInt8(length & 0x7F) | 0x80)
    length >>= 7
  }
  bytes.append(UInt8(length))
  bytes.append(contentsOf: repeatElement(UInt8(ascii: "x"), count: size))
  return bytes
}

func fail(_ message: String) -> Never {
  let bytes = Array("rpc-benchmark: \(message)\n".utf8)
  _ = write(2, bytes, bytes.count)
  exit(1)
}

/// One unary call; exits on failure.
func call(_ channel: Channel, _ request: [UInt8]) async {
  do {
    let response = try await channel.unary(path: "/bench.Echo/Unary", request: request, timeout: .seconds(30))
    if response.message.count != request.count { fail("wrong response size \(response.message.count)") }
  } catch {
    fail("call failed: \(error)")
  }
}

/// A field of /proc/self/status in KiB.
func statusKiB(_ field: String) -> Int {
  guard let file = fopen("/proc/self/status", "r") else { return -1 }
  defer { fclose(file) }
  var line = [CChar](repeating: 0, count: 256)
  while fgets(&line, Int32(line.count), file) != nil {
    let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    if text.hasPrefix(field + ":") {
      return Int(text.dropFirst(field.count + 1).filter(\.isNumber)) ?? -1
    }
  }
  return -1
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
  fail("usage: rpc-benchmark latency <port> <calls> <concurrency> <payload> | memory <port> <payload>")
}
let channel: Channel
do {
  channel = try Channel(url: "http://127.0.0.1:\(arguments[2])")
} catch {
  fail("\(error)")
}

switch arguments[1] {
case "latency":
  guard arguments.count >= 6, let calls = Int(arguments[3]), let concurrency = Int(arguments[4]),
    let payload = Int(arguments[5])
  else { fail("usage: rpc-benchmark latency <port> <calls> <concurrency> <payload>") }
  let request = echoRequest(payload: payload)
  let usePoller = arguments.count > 6 && arguments[6] == "poller"
  let line: String
  if usePoller, #available(macOS 15.0, *) {
    line = await withTaskExecutorPreference(RPCExecutor.shared) {
      await measure(channel, request, calls: calls, concurrency: concurrency)
    }
  } else {
    line = await measure(channel, request, calls: calls, concurrency: concurrency)
  }
  print(line)
case "memory":
  let payload = arguments.count > 3 ? Int(arguments[3]) ?? 32 : 32
  let request = echoRequest(payload: payload)
  for _ in 0..<1000 { await call(channel, request) }
  let after1000 = statusKiB("VmRSS")
  for _ in 1000..<10000 { await call(channel, request) }
  let after10000 = statusKiB("VmRSS")
  print("rss_1000_kib=\(after1000) rss_10000_kib=\(after10000) hwm_kib=\(statusKiB("VmHWM"))")
default:
  fail("unknown mode \(arguments[1])")
}

/// Warm-up, then `calls` calls from `concurrency` tasks; the result line.
func measure(_ channel: Channel, _ request: [UInt8], calls: Int, concurrency: Int) async -> String {
  for _ in 0..<1000 { await call(channel, request) }
  let workers = max(1, concurrency)
  let perWorker = calls / workers
  let clock = ContinuousClock()
  let start = clock.now
  let latencies = await withTaskGroup(of: [Double].self) { group in
    for _ in 0..<workers {
      group.addTask {
        var samples: [Double] = []
        samples.reserveCapacity(perWorker)
        for _ in 0..<perWorker {
          let begin = clock.now
          await call(channel, request)
          let elapsed = (clock.now - begin).components
          samples.append(Double(elapsed.seconds) * 1e6 + Double(elapsed.attoseconds) / 1e12)
        }
        return samples
      }
    }
    var all: [Double] = []
    for await samples in group { all += samples }
    return all.sorted()
  }
  let elapsed = (clock.now - start).components
  let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
  func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(p * Double(latencies.count)))] }
  return
    "calls=\(latencies.count) seconds=\(String(format4: seconds)) rps=\(String(format1: Double(latencies.count) / seconds)) "
    + "p50_us=\(String(format1: percentile(0.5))) p99_us=\(String(format1: percentile(0.99)))"
}

extension String {
  /// A number with one decimal.
  init(format1 value: Double) { self = fixed(value, digits: 1) }
  /// A number with four decimals.
  init(format4 value: Double) { self = fixed(value, digits: 4) }
}

/// `value` rounded to `digits` decimals, without Foundation.
func fixed(_ value: Double, digits: Int) -> String {
  var scale = 1.0
  for _ in 0..<digits { scale *= 10 }
  let scaled = (value * scale).rounded()
  let whole = Int(scaled / scale)
  let fraction = Int(abs(scaled) - abs(Double(whole)) * scale)
  let fractionText = String(fraction)
  return "\(whole)." + String(repeating: "0", count: max(0, digits - fractionText.count)) + fractionText
}
