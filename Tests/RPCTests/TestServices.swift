#if canImport(Glibc)
  import Glibc
#endif
import RPC
import Testing

/// A recorder handlers write to, so tests can see what happened on the server side.
final class Recorder: Sendable {
  private let events = EventLog()

  func record(_ event: String) { events.append(event) }
  var all: [String] { events.snapshot() }
}

/// A tiny thread-safe list (tests must not depend on RPC internals).
final class EventLog: @unchecked Sendable {
  private var items: [String] = []
  private let lock = NSLockLike()

  func append(_ item: String) { lock.withLock { items.append(item) } }
  func snapshot() -> [String] { lock.withLock { items } }
}

/// A minimal lock for test bookkeeping.
final class NSLockLike: @unchecked Sendable {
  private var mutex = pthread_mutex_t()
  init() { pthread_mutex_init(&mutex, nil) }
  func withLock<T>(_ body: () throws -> T) rethrows -> T {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    return try body()
  }
}

extension Array where Element == UInt8 {
  var text: String { String(decoding: self, as: UTF8.self) }
}

extension String {
  var bytes: [UInt8] { Array(utf8) }
}

/// The echo service every in-process test talks to.
enum EchoService {
  static let echo = "/test.Echo/Echo"
  static let fail = "/test.Echo/Fail"
  static let sleep = "/test.Echo/Sleep"
  static let stream = "/test.Echo/Stream"
  static let sized = "/test.Echo/Sized"
  static let info = "/test.Echo/Info"

  static func router(recorder: Recorder = Recorder()) -> Router {
    var router = Router()
    router.unary(echo) { request, context in
      for entry in context.requestMetadata where entry.key.hasPrefix("x-") {
        switch entry.value {
        case .string(let text): context.addInitialMetadata("echo-" + entry.key, text)
        case .binary(let bytes):
          var initial = context.initialMetadata
          initial.add("echo-" + entry.key, binary: bytes)
          context.initialMetadata = initial
        }
      }
      context.addTrailingMetadata("x-trailer", "done")
      return request
    }
    // Request: "<code>|<message>"; request metadata "x-details-bin" becomes the status details.
    router.unary(fail) { request, context in
      let text = request.text
      let parts = text.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
      let code = Status.Code(wireValue: Int32(parts.first ?? "") ?? 2)
      let message = parts.count > 1 ? String(parts[1]) : ""
      context.addTrailingMetadata("x-failure-trailer", "yes")
      throw RPCError(code: code, message: message, details: context.requestMetadata.firstBinary("x-details-bin"))
    }
    // Request: milliseconds to sleep; records "cancelled" or "finished".
    router.unary(sleep) { request, context in
      let milliseconds = Int(request.text) ?? 1000
      recorder.record("sleep started")
      do {
        try await Task.sleep(for: .milliseconds(milliseconds))
      } catch {
        recorder.record("cancelled \(context.isCancelled)")
        throw error
      }
      recorder.record("finished")
      return "slept".bytes
    }
    // Request: "<count>[|fail][|slow]".
    router.serverStreaming(stream) { request, writer, context in
      let parts = request.text.split(separator: "|")
      let count = Int(parts.first ?? "") ?? 3
      context.addInitialMetadata("x-stream", "start")
      do {
        for index in 0..<count {
          try await writer.write("item-\(index)".bytes)
          if parts.contains("slow") { try await Task.sleep(for: .milliseconds(20)) }
        }
      } catch {
        recorder.record("stream stopped")
        throw error
      }
      recorder.record("stream done")
      if parts.contains("fail") {
        throw RPCError(code: .resourceExhausted, message: "stream aborted after \(count) items")
      }
      context.addTrailingMetadata("x-stream", "end")
    }
    // Request: the response size in bytes.
    router.unary(sized) { request, _ in
      [UInt8](repeating: 0x61, count: Int(request.text) ?? 0)
    }
    router.unary(info) { _, context in
      let remaining = context.timeRemaining.map { "\($0.components.seconds)" } ?? "none"
      return "peer=\(context.peer) authority=\(context.authority) remaining=\(remaining) method=\(context.method)".bytes
    }
    return router
  }
}

/// Runs `body` against a fresh echo server and a channel to it; always shuts the server down.
func withEchoServer<T>(
  configuration: ServerConfiguration = ServerConfiguration(), channelOptions: ChannelOptions = ChannelOptions(),
  recorder: Recorder = Recorder(), _ body: (Server, Channel) async throws -> T
) async throws -> T {
  let server = try Server(configuration: configuration, router: EchoService.router(recorder: recorder))
  let scheme = configuration.tls == nil ? "http" : "https"
  let host = configuration.tls == nil ? "127.0.0.1" : "localhost"
  do {
    let channel = try Channel(url: "\(scheme)://\(host):\(server.port)", options: channelOptions)
    let result = try await body(server, channel)
    await server.shutdown(grace: .seconds(2))
    return result
  } catch {
    await server.shutdown(grace: .seconds(2))
    throw error
  }
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(5), _ condition: () -> Bool) async -> Bool {
  let end = ContinuousClock.now + timeout
  while ContinuousClock.now < end {
    if condition() { return true }
    try? await Task.sleep(for: .milliseconds(10))
  }
  return condition()
}

/// The `RPCError` that `body` throws; records an issue (and returns nil) if it succeeds.
func rpcError<T>(
  _ body: () async throws -> T, sourceLocation: SourceLocation = #_sourceLocation
) async -> RPCError? {
  do {
    let value = try await body()
    Issue.record("expected an RPCError, got \(value)", sourceLocation: sourceLocation)
    return nil
  } catch let error as RPCError {
    return error
  } catch {
    Issue.record("expected an RPCError, got \(error)", sourceLocation: sourceLocation)
    return nil
  }
}
