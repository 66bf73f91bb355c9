import Dispatch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension ServerApplication {
  /// Ends a run from outside: what tests and embedding code use instead of a signal.
  package final class StopHandle: Sendable {
    private let stream: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation

    /// A handle nobody has stopped yet.
    package init() {
      (stream, continuation) = AsyncStream.makeStream(of: String.self)
    }

    /// Asks the run to stop; `reason` appears in the log line `modal-server: <reason> received, shutting down`.
    package func stop(reason: String = "stop") {
      continuation.yield(reason)
    }

    /// Suspends until `stop` is called (or the waiting task is cancelled); returns the reason.
    package func wait() async -> String {
      var iterator = stream.makeAsyncIterator()
      return await iterator.next() ?? "stop"
    }
  }

  /// Suspends until SIGTERM or SIGINT arrives (or the task is cancelled); returns the signal's
  /// name. The caller must have set both signals to `SIG_IGN`, so their default action does not
  /// end the process first.
  package static func stopSignal() async -> String {
    let (stream, continuation) = AsyncStream.makeStream(of: String.self)
    let queue = DispatchQueue(label: "modal-server.signals")
    var sources: [any DispatchSourceSignal] = []
    for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
      let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
      source.setEventHandler { continuation.yield(name) }
      source.resume()
      sources.append(source)
    }
    var iterator = stream.makeAsyncIterator()
    let name = await iterator.next() ?? "stop"
    for source in sources { source.cancel() }
    return name
  }
}
