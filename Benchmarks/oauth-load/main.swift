// The load client of the OAuth benchmark (Benchmarks/run-server-oauth-assertion.sh runs it).
//
//   oauth-load <port> <requests> <connections> <streams> token-pair|token-pair-padded|oauth-secret|oauth-assertion
//
// Sends <requests> authenticated ClientHello calls to modal-server on 127.0.0.1:<port> over
// <connections> HTTP/2 connections with <streams> calls in flight on each, after 200 warm-up
// calls, and prints "<mode>: <r> req/s, p50 <x> ms, p99 <y> ms, client CPU <c> us/call" (its own
// user + system time over the measured calls), and with OAUTH_LOAD_SERVER_PID set also ", server
// CPU <s> us/call": the server's user + system time (from /proc) over the same calls, so neither
// figure counts the warm-up or the minting of assertions. Credentials come from the
// environment, named as Python modal names them: MODAL_TOKEN_ID and MODAL_TOKEN_SECRET, or
// MODAL_OAUTH_REFRESH_TOKEN, MODAL_OAUTH_CLIENT_ID and MODAL_OAUTH_CLIENT_SECRET or
// MODAL_OAUTH_JWT_KEY (here the path of the PEM private key). token-pair-padded sends the token
// pair and an unused `x-modal-padding` header as long as an assertion minted with
// MODAL_OAUTH_CLIENT_ID and MODAL_OAUTH_JWT_KEY, new on every call.
//
// h2load cannot drive assertions: it repeats one set of headers, and an assertion is good once
// (its jti). So every call's headers are built before the clock starts, the same way in every
// mode; with oauth-assertion each call carries its own assertion, minted by the SDK's
// `OAuthAssertionMinter` as Python mints it, and the server verifies an RS256 signature and records
// a jti per call.
import Foundation
import Modal
import RPC
import Synchronization

/// Which headers the calls carry.
enum Mode: String {
  case tokenPair = "token-pair"
  case oauthSecret = "oauth-secret"
  case oauthAssertion = "oauth-assertion"
  /// The token pair plus an unused header as long as an assertion, new on every call: what the
  /// bytes of an assertion cost the two gRPC cores and the kernel, without its verification.
  case tokenPairPadded = "token-pair-padded"
}

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("oauth-load: \(message)\n".utf8))
  exit(1)
}

func environment(_ name: String) -> String {
  guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { fail("set \(name)") }
  return value
}

/// The headers of `count` calls in `mode`; assertions are minted in parallel (one per call).
func callHeaders(_ mode: Mode, count: Int) async -> [Metadata] {
  switch mode {
  case .tokenPair:
    let pair: Metadata = [
      "x-modal-token-id": environment("MODAL_TOKEN_ID"), "x-modal-token-secret": environment("MODAL_TOKEN_SECRET"),
    ]
    return Array(repeating: pair, count: count)
  case .tokenPairPadded:
    let (id, secret) = (environment("MODAL_TOKEN_ID"), environment("MODAL_TOKEN_SECRET"))
    // As long as an assertion of the app's key (MODAL_OAUTH_CLIENT_ID, MODAL_OAUTH_JWT_KEY).
    let paddingLength = assertionMinter().mint()?.utf8.count ?? 0
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    return (0..<count).map { _ in
      let padding = String((0..<paddingLength).map { _ in alphabet.randomElement()! })
      return ["x-modal-token-id": id, "x-modal-token-secret": secret, "x-modal-padding": padding]
    }
  case .oauthSecret:
    let headers: Metadata = [
      "x-modal-refresh-token": environment("MODAL_OAUTH_REFRESH_TOKEN"),
      "x-modal-oauth-client-id": environment("MODAL_OAUTH_CLIENT_ID"),
      "x-modal-oauth-client-secret": environment("MODAL_OAUTH_CLIENT_SECRET"),
    ]
    return Array(repeating: headers, count: count)
  case .oauthAssertion:
    let refreshToken = environment("MODAL_OAUTH_REFRESH_TOKEN")
    let clientID = environment("MODAL_OAUTH_CLIENT_ID")
    let minter = assertionMinter()
    let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
    let chunk = (count + workers - 1) / workers
    return await withTaskGroup(of: (Int, [Metadata]).self) { group in
      for worker in 0..<workers {
        group.addTask {
          let range = (worker * chunk)..<min(count, (worker + 1) * chunk)
          let made = range.map { _ -> Metadata in
            guard let assertion = minter.mint() else { fail("libcrypto could not sign an assertion") }
            return [
              "x-modal-refresh-token": refreshToken, "x-modal-oauth-client-id": clientID,
              "x-modal-oauth-client-assertion": assertion,
            ]
          }
          return (worker, made)
        }
      }
      var parts: [(Int, [Metadata])] = []
      for await part in group { parts.append(part) }
      return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
    }
  }
}

/// Mints assertions for MODAL_OAUTH_CLIENT_ID with the key at MODAL_OAUTH_JWT_KEY.
func assertionMinter() -> OAuthAssertionMinter {
  let path = environment("MODAL_OAUTH_JWT_KEY")
  guard let pem = try? String(contentsOfFile: path, encoding: .utf8) else { fail("cannot read \(path)") }
  do { return try OAuthAssertionMinter(clientID: environment("MODAL_OAUTH_CLIENT_ID"), privateKeyPEM: pem) } catch {
    fail(error.message)
  }
}

/// The index of the next call to send, shared by every caller.
final class Counter: Sendable {
  private let value = Atomic<Int>(0)
  func next() -> Int { value.add(1, ordering: .relaxed).oldValue }
}

/// Sends the calls of `headers` over `connections` x `streams` callers; returns each call's
/// latency in seconds and the wall time. Exits on the first failed call (a refusal is a bug here).
func drive(_ channels: [Channel], streams: Int, headers: [Metadata]) async -> (latencies: [Double], seconds: Double) {
  let counter = Counter()
  let clock = ContinuousClock()
  let start = clock.now
  let latencies = await withTaskGroup(of: [Double].self) { group in
    for channel in channels {
      for _ in 0..<streams {
        group.addTask {
          var mine: [Double] = []
          while true {
            let index = counter.next()
            guard index < headers.count else { return mine }
            let began = clock.now
            do {
              _ = try await channel.unary(
                path: "/modal.client.ModalClient/ClientHello", request: [], metadata: headers[index],
                timeout: .seconds(30))
            } catch {
              fail("call \(index) failed: \(error)")
            }
            let elapsed = clock.now - began
            mine.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
          }
        }
      }
    }
    var all: [Double] = []
    for await part in group { all += part }
    return all
  }
  let wall = clock.now - start
  return (latencies, Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18)
}

let arguments = CommandLine.arguments
guard arguments.count == 6, let port = Int(arguments[1]), let requests = Int(arguments[2]), requests > 0,
  let connections = Int(arguments[3]), connections > 0, let streams = Int(arguments[4]), streams > 0,
  let mode = Mode(rawValue: arguments[5])
else {
  fail("usage: oauth-load <port> <requests> <connections> <streams> token-pair|token-pair-padded|oauth-secret|oauth-assertion")
}
let warmUp = 200
let headers = await callHeaders(mode, count: warmUp + requests)
// One channel per connection: a distinct user agent keeps the gRPC core from sharing one
// subchannel (one TCP connection) between them.
let channels: [Channel] = (0..<connections).map { index in
  var options = ChannelOptions()
  options.userAgentPrefix = "oauth-load/\(index)"
  do { return try Channel(url: "http://127.0.0.1:\(port)", options: options) } catch { fail("\(error)") }
}
/// This process's CPU time (user + system) in seconds.
func processCPUSeconds() -> Double {
  var now = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
  return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// The user + system time in seconds of the process `pid` (Linux), or `nil` when it cannot be read.
func cpuSeconds(ofProcess pid: String) -> Double? {
  guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
    let end = stat.lastIndex(of: ")")
  else { return nil }
  // After the command name in parentheses: state is field 3, utime and stime are fields 14 and 15.
  let fields = stat[stat.index(after: end)...].split(separator: " ")
  guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
  return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}
let serverPID = ProcessInfo.processInfo.environment["OAUTH_LOAD_SERVER_PID"]

_ = await drive(channels, streams: streams, headers: Array(headers.prefix(warmUp)))
let serverBefore = serverPID.flatMap(cpuSeconds(ofProcess:))
let cpuBefore = processCPUSeconds()
let (latencies, seconds) = await drive(channels, streams: streams, headers: Array(headers.dropFirst(warmUp)))
// The client shares the machine with the server: its own cost per call says how much of the
// throughput it takes.
let clientMicroseconds = (processCPUSeconds() - cpuBefore) * 1e6 / Double(requests)
var serverMicroseconds: Double?
if let serverBefore, let serverAfter = serverPID.flatMap(cpuSeconds(ofProcess:)) {
  serverMicroseconds = (serverAfter - serverBefore) * 1e6 / Double(requests)
}
let sorted = latencies.sorted()
func percentile(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int(q * Double(sorted.count)))] * 1000 }
print(
  "\(mode.rawValue): \(String(format: "%.0f", Double(requests) / seconds)) req/s, "
    + "p50 \(String(format: "%.2f", percentile(0.5))) ms, p99 \(String(format: "%.2f", percentile(0.99))) ms, "
    + "client CPU \(String(format: "%.0f", clientMicroseconds)) us/call"
    + (serverMicroseconds.map { ", server CPU \(String(format: "%.0f", $0)) us/call" } ?? ""))
