import Dispatch
import RPC
import Testing

/// Trailers laid out once (`PreparedMetadata`) and work that runs once the reply is on its way
/// (`ServerContext.afterReply`), against a real server.
@Suite struct ReplyTests {
  static let prepared = "/test.Reply/Prepared"
  static let preparedThenMore = "/test.Reply/PreparedThenMore"
  static let moreThenPrepared = "/test.Reply/MoreThenPrepared"
  static let replaced = "/test.Reply/Replaced"
  static let failing = "/test.Reply/Failing"
  static let waitsForClient = "/test.Reply/WaitsForClient"
  static let keepsContext = "/test.Reply/KeepsContext"

  /// What the handlers saw, and the context one of them kept.
  final class Seen: @unchecked Sendable {
    let events = EventLog()
    /// Signalled by the test once its client has the reply.
    let clientHasReply = DispatchSemaphore(value: 0)
    private let lock = NSLockLike()
    private var kept: ServerContext?

    var context: ServerContext? {
      get { lock.withLock { kept } }
      set { lock.withLock { kept = newValue } }
    }
  }

  static func router(_ trailer: PreparedMetadata, _ seen: Seen) -> Router {
    var router = Router()
    router.unary(prepared) { _, context in
      context.addTrailingMetadata(trailer)
      seen.events.append("trailers in the handler: \(context.trailingMetadata)")
      return []
    }
    router.unary(preparedThenMore) { _, context in
      context.addTrailingMetadata(trailer)
      context.addTrailingMetadata("x-more", "1")
      return []
    }
    router.unary(moreThenPrepared) { _, context in
      context.addTrailingMetadata("x-more", "1")
      context.addTrailingMetadata(trailer)
      return []
    }
    router.unary(replaced) { _, context in
      context.addTrailingMetadata(trailer)
      context.trailingMetadata = ["x-only": "this"]
      return []
    }
    router.unary(failing) { _, context in
      context.addTrailingMetadata(trailer)
      context.afterReply { seen.events.append("after a failure") }
      throw RPCError(code: .notFound, message: "no such thing", details: [1, 2, 3], trailingMetadata: ["x-error": "e"])
    }
    router.unary(waitsForClient) { _, context in
      context.afterReply {
        // Runs only once the status was handed to the transport: the client gets its reply while
        // this waits. Had it run before, the client would wait for the timeout.
        let answered = seen.clientHasReply.wait(timeout: .now() + 5) == .success
        seen.events.append(answered ? "first, after the client had its reply" : "first, before the reply")
      }
      context.afterReply { seen.events.append("second") }
      return "done".bytes
    }
    router.unary(keepsContext) { _, context in
      seen.context = context
      context.afterReply { seen.events.append("replied") }
      return []
    }
    return router
  }

  func withReplyServer(_ body: (Channel, Seen) async throws -> Void) async throws {
    let seen = Seen()
    let trailer = try PreparedMetadata(["x-modal-token-endpoint": "http://127.0.0.1:8080/oauth/token"])
    let server = try Server(configuration: ServerConfiguration(), router: Self.router(trailer, seen))
    do {
      try await body(try Channel(url: "http://127.0.0.1:\(server.port)"), seen)
    } catch {
      await server.shutdown(grace: .seconds(2))
      throw error
    }
    await server.shutdown(grace: .seconds(2))
  }

  @Test func preparedTrailersAreSentAndShownFirst() async throws {
    try await withReplyServer { channel, seen in
      let alone = try await channel.unary(path: Self.prepared, request: [])
      #expect(Array(alone.trailingMetadata.map(\.key)) == ["x-modal-token-endpoint"])
      #expect(alone.trailingMetadata["x-modal-token-endpoint"] == "http://127.0.0.1:8080/oauth/token")
      #expect(seen.events.snapshot() == ["trailers in the handler: [x-modal-token-endpoint: http://127.0.0.1:8080/oauth/token]"])

      let after = try await channel.unary(path: Self.preparedThenMore, request: [])
      #expect(Array(after.trailingMetadata.map(\.key)) == ["x-modal-token-endpoint", "x-more"])
      let before = try await channel.unary(path: Self.moreThenPrepared, request: [])
      #expect(Array(before.trailingMetadata.map(\.key)) == ["x-more", "x-modal-token-endpoint"])
      let replaced = try await channel.unary(path: Self.replaced, request: [])
      #expect(Array(replaced.trailingMetadata.map(\.key)) == ["x-only"])

      // Many calls share the prepared slices: each must come out whole.
      for _ in 0..<200 {
        let again = try await channel.unary(path: Self.preparedThenMore, request: [])
        #expect(again.trailingMetadata["x-modal-token-endpoint"] == "http://127.0.0.1:8080/oauth/token")
      }
    }
  }

  @Test func preparedTrailersGoWithAnErrorItsTrailersAndDetails() async throws {
    try await withReplyServer { channel, seen in
      let error = await rpcError { try await channel.unary(path: Self.failing, request: []) }
      #expect(error?.code == .notFound && error?.message == "no such thing")
      #expect(error?.status.details == [1, 2, 3])
      #expect(error?.trailingMetadata["x-modal-token-endpoint"] == "http://127.0.0.1:8080/oauth/token")
      #expect(error?.trailingMetadata["x-error"] == "e")
      #expect(await eventually { seen.events.snapshot() == ["after a failure"] })
    }
  }

  @Test func preparedMetadataRefusesWhatCannotBeSent() {
    #expect(throws: RPCError.self) { try PreparedMetadata(["x-url": "http://exämple/"]) }
    #expect(throws: RPCError.self) { try PreparedMetadata(["Bad Key": "x"]) }
  }

  @Test func workAfterTheReplyRunsOnceTheClientCanHaveIt() async throws {
    try await withReplyServer { channel, seen in
      let response = try await channel.unary(path: Self.waitsForClient, request: [])
      #expect(response.message.text == "done")
      seen.clientHasReply.signal()
      #expect(await eventually { seen.events.snapshot().count == 2 })
      #expect(seen.events.snapshot() == ["first, after the client had its reply", "second"])
    }
  }

  @Test func workAddedAfterTheReplyRunsAtOnce() async throws {
    try await withReplyServer { channel, seen in
      _ = try await channel.unary(path: Self.keepsContext, request: [])
      let context = try #require(seen.context)
      #expect(await eventually { seen.events.snapshot() == ["replied"] })
      // The status was handed over before: nothing waits.
      context.afterReply { seen.events.append("late") }
      #expect(seen.events.snapshot() == ["replied", "late"])
    }
  }
}
