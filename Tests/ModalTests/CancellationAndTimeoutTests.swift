@testable import Modal
import RPC
import TestSupport
import Testing

/// Cancelling a task ends its call at once, and a call's timeout bounds it, also when the server
/// URL is a failover list whose servers never answer and when the call waits for a shared auth
/// token fetch.
@Suite struct CancellationAndTimeoutTests {
  private func client(_ listeners: [SilentListener]) throws -> ModalClient {
    let folder = TemporaryFolder()
    return try ModalClient(
      options: .init(
        tokenID: "ak-CANCEL12345678", tokenSecret: "as-CANCEL12345678", serverURL: listeners.map(\.url).joined(separator: ","),
        host: folder.host()))
  }

  /// Runs `body` in a task, cancels it after 200 ms, and returns how long the task took and its error.
  private func cancelled(_ body: @escaping @Sendable () async throws(ModalError) -> Void) async -> (Duration, ModalError?) {
    let start = ContinuousClock.now
    let task = Task { () async -> ModalError? in
      do throws(ModalError) {
        try await body()
        return nil
      } catch {
        return error
      }
    }
    try? await Task.sleep(for: .milliseconds(200))
    task.cancel()
    let error = await task.value
    return (ContinuousClock.now - start, error)
  }

  @Test func cancellingEndsCallsToServersThatNeverAnswer() async throws {
    let listeners = [SilentListener(), SilentListener()]
    for urls in [[listeners[0]], listeners] {
      let client = try client(urls)
      let (helloTook, helloError) = await cancelled { () async throws(ModalError) in _ = try await client.hello() }
      #expect(helloError?.code == .cancelled, "\(String(describing: helloError))")
      #expect(helloTook < .seconds(3), "hello took \(helloTook) with \(urls.count) URLs")
      let (tokenTook, tokenError) = await cancelled { () async throws(ModalError) in _ = try await client.authToken() }
      #expect(tokenError?.code == .cancelled, "\(String(describing: tokenError))")
      #expect(tokenTook < .seconds(3), "authToken took \(tokenTook) with \(urls.count) URLs")
    }
    withExtendedLifetime(listeners) {}
  }

  @Test func aTimeoutCoversChoosingAmongServerURLs() async throws {
    let listeners = [SilentListener(), SilentListener()]
    let client = try client(listeners)
    let start = ContinuousClock.now
    do {
      let name = try await client.workspaceName(timeout: .seconds(1))
      Issue.record("got a workspace name \(name) from servers that never answer")
    } catch {
      #expect(error.code == .timeout, "\(error) \(error.message)")
      // Neither URL connected, so the error names both, not just the first.
      #expect("\(error)".contains("none of \(listeners[0].url), \(listeners[1].url) connected"), "\(error)")
    }
    let took = ContinuousClock.now - start
    #expect(took < .seconds(5), "workspaceName(timeout: 1 s) took \(took)")
    withExtendedLifetime(listeners) {}
  }

  /// A total timeout ends the retries when no time is left for another attempt, with Python's
  /// `RetryTimeoutError` text (spec 4.2); without it the fourth attempt would still be made.
  @Test func aTotalTimeoutEndsTheRetries() async throws {
    let listener = SilentListener()
    let client = try client([listener])
    let start = ContinuousClock.now
    do {
      _ = try await client.call(
        ModalClientMethods.clientHello, Empty(),
        options: CallOptions(timeout: .milliseconds(300), totalTimeout: .seconds(1)))
      Issue.record("a server that never answers answered")
    } catch {
      #expect(error.code == .timeout)
      #expect(error.message.hasPrefix("The operation timed out after repeated failures (last error: "), "\(error.message)")
      #expect(error.message.hasSuffix("Please try again, and contact Modal support if the problem persists."))
    }
    let took = ContinuousClock.now - start
    // Attempts end at 0.3, 0.7 and 1.2 s; the next delay (0.4 s) would pass the 1 s budget.
    #expect(took >= .milliseconds(900) && took < .milliseconds(1_600), "took \(took)")
    withExtendedLifetime(listener) {}
  }

  /// Of two callers waiting for one token fetch, the cancelled one leaves at once and the other
  /// still gets the token; a fetch nobody waits for any more is cancelled.
  @Test func aSharedFetchOutlivesOneCancelledWaiterAndNotTheLast() async throws {
    let manager = AuthTokenManager()
    let token = AuthTokenManagerTests.jwt(exp: Int(AuthTokenManager.systemNow()) + 1200)
    let release = AsyncGate()
    let fetch: @Sendable () async throws(ModalError) -> String = { () async throws(ModalError) -> String in
      await release.wait()
      return token
    }
    let patient = Task { try? await manager.token(fetch: fetch) }
    let (took, error) = await cancelled { () async throws(ModalError) in _ = try await manager.token(fetch: fetch) }
    #expect(error?.code == .cancelled)
    #expect(took < .seconds(3))
    release.open()
    #expect(await patient.value == token)

    let abandoned = Fetched()
    let fresh = AuthTokenManager()
    let (freshTook, freshError) = await cancelled { () async throws(ModalError) in
      _ = try await fresh.token { () async throws(ModalError) -> String in
        do {
          try await Task.sleep(for: .seconds(30))
        } catch {
          abandoned.mark()
          throw ModalError(.cancelled, "cancelled")
        }
        return token
      }
    }
    #expect(freshError?.code == .cancelled)
    #expect(freshTook < .seconds(3))
    #expect(await eventuallyTrue { abandoned.isMarked }, "the fetch nobody waited for was not cancelled")
  }
}

/// A gate tasks wait at until it is opened.
final class AsyncGate: @unchecked Sendable {
  private let lock = Locked<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
  func wait() async {
    await withCheckedContinuation { continuation in
      let open = lock.withLock { state -> Bool in
        if state.open { return true }
        state.waiters.append(continuation)
        return false
      }
      if open { continuation.resume() }
    }
  }
  func open() {
    let waiters = lock.withLock { state -> [CheckedContinuation<Void, Never>] in
      state.open = true
      defer { state.waiters = [] }
      return state.waiters
    }
    for waiter in waiters { waiter.resume() }
  }
}

/// A flag set from any task.
final class Fetched: Sendable {
  private let flag = Locked(false)
  func mark() { flag.withLock { $0 = true } }
  var isMarked: Bool { flag.withLock { $0 } }
}

/// Polls `condition` for up to 5 s.
func eventuallyTrue(_ condition: () -> Bool) async -> Bool {
  let end = ContinuousClock.now + .seconds(5)
  while ContinuousClock.now < end {
    if condition() { return true }
    try? await Task.sleep(for: .milliseconds(10))
  }
  return condition()
}

/// A client runs a slow `token_secret_command` off Swift's cooperative pool, on first use: other
/// tasks keep running while four clients resolve their credentials at once (with the synchronous
/// initializer of old, on a two-thread pool, they stalled everything for the commands' whole run).
@Suite struct ClientSetupOffThePoolTests {
  @Test func slowSecretCommandsDoNotStallOtherTasks() async throws {
    let folder = TemporaryFolder()
    folder.write("[slow]\ntoken_id = \"ak-SLOW1234567890\"\ntoken_secret_command = \"sleep 1; echo as-SLOW1234567890abcd\"\nactive = true\n")
    let host = folder.host(["PATH": "/usr/bin:/bin"])
    let ticks = Locked<(last: ContinuousClock.Instant, longestGap: Duration)>((.now, .zero))
    let ticker = Task {
      while !Task.isCancelled {
        try? await Task.sleep(for: .milliseconds(10))
        let now = ContinuousClock.now
        ticks.withLock { state in
          state.longestGap = max(state.longestGap, now - state.last)
          state.last = now
        }
      }
    }
    let start = ContinuousClock.now
    let sources = try await withThrowingTaskGroup(of: Credentials.Source.self) { group in
      for _ in 0..<4 {
        group.addTask { try await ModalClient(options: .init(serverURL: "http://127.0.0.1:1", host: host)).credentials().source }
      }
      return try await group.reduce(into: [Credentials.Source]()) { $0.append($1) }
    }
    let took = ContinuousClock.now - start
    ticker.cancel()
    #expect(sources.count == 4 && sources.allSatisfy { if case .profileCommand = $0 { true } else { false } })
    let gap = ticks.withLock { $0.longestGap }
    #expect(gap < .milliseconds(500), "the cooperative pool stalled for \(gap)")
    #expect(took < .seconds(1.8), "four clients took \(took): their commands did not run side by side")
  }
}
