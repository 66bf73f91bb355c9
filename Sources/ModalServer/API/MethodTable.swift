import ModalAPI
import ProtoWire
import RPC

/// Registers API methods on a `Router`, wrapping each handler with what every call needs:
/// authentication, request decoding, error mapping, the token-expiry warning and one log line.
struct MethodTable {
  private(set) var router = Router()
  let backend: Backend
  let log: RequestLogger
  /// Where calls without a well-formed `x-request-id` get theirs.
  let requestIDs = RequestIDs()

  /// A method that needs a valid token (every method but the two token-flow calls).
  mutating func authenticated<Request: ProtoMessage, Response: ProtoMessage>(
    _ method: MethodDescriptor<Request, Response>,
    _ body: @escaping @Sendable (Request, Caller, ServerContext) async throws(ServerError) -> Response
  ) {
    authenticated(method, immediate: nil, body)
  }

  /// An authenticated method whose body never waits (it reads the caller and the request only): a
  /// remembered caller's call with a token pair or an OAuth client secret is answered at once on
  /// the server's poller thread, with no task (`Router.unary(_:immediate:_:)`); any other call
  /// (client assertions too) takes the full path of `authenticated(_:_:)`.
  mutating func authenticatedAtOnce<Request: ProtoMessage, Response: ProtoMessage>(
    _ method: MethodDescriptor<Request, Response>,
    _ body: @escaping @Sendable (Request, Caller, ServerContext) throws(ServerError) -> Response
  ) {
    let backend = self.backend
    let immediate: ImmediateBody = { bytes, context, tokenID throws(ServerError) in
      // An undecided or refused check is made again by the full path: a cache lookup and keyed
      // hashes, cheap. Client assertions go there unchecked, or a refused one would cost two
      // signature checks.
      guard
        case .authenticated(let caller)? = try Self.checkRemembered(
          context, tokenID: &tokenID, backend: backend, checkingAssertions: false)
      else { return nil }
      return try body(try Self.decode(Request.self, bytes), caller, context).serializedBytes()
    }
    authenticated(method, immediate: immediate) { request, caller, context throws(ServerError) in
      try body(request, caller, context)
    }
  }

  private mutating func authenticated<Request: ProtoMessage, Response: ProtoMessage>(
    _ method: MethodDescriptor<Request, Response>, immediate: ImmediateBody?,
    _ body: @escaping @Sendable (Request, Caller, ServerContext) async throws(ServerError) -> Response
  ) {
    let backend = self.backend
    // The closure's async frame is allocated for every call: what runs without suspending lives in
    // functions of its own (`checkRemembered`, `authenticate(after:)`), so the frame stays small
    // enough to share the task allocator's slabs instead of taking new ones.
    register(method, immediate: immediate) { bytes, context, tokenID throws(ServerError) in
      let caller: Caller
      switch try Self.checkRemembered(context, tokenID: &tokenID, backend: backend) {
      case .authenticated(let remembered): caller = remembered
      case let undecided: caller = try await Self.authenticate(after: undecided, context, tokenID: &tokenID, backend: backend)
      }
      let request = try Self.decode(Request.self, bytes)
      return try await body(request, caller, context).serializedBytes()
    }
  }

  /// `rememberedCaller` for a call, counting its outcome when it decided; an accepted caller
  /// also gets its expiry warning.
  @inline(never)
  static func checkRemembered(
    _ context: ServerContext, tokenID: inout String?, backend: Backend, checkingAssertions: Bool = true
  ) throws(ServerError) -> TokenService.RememberedCheck? {
    let check: TokenService.RememberedCheck?
    do throws(ServerError) {
      check = try rememberedCaller(
        context.requestMetadata, tokenID: &tokenID, backend: backend, peer: context.peer,
        checkingAssertions: checkingAssertions)
    } catch {
      backend.dependencies.metrics.authenticated(TokenService.outcome(of: error))
      throw error
    }
    if case .authenticated(let caller) = check { accepted(caller, backend: backend, context: context) }
    return check
  }

  /// The caller of a call that `checkRemembered` could not accept: a refused OAuth proof is
  /// answered after the failure budgets' wait, anything else takes the full path. Counts the
  /// outcome.
  @inline(never)
  static func authenticate(
    after check: TokenService.RememberedCheck?, _ context: ServerContext, tokenID: inout String?, backend: Backend
  ) async throws(ServerError) -> Caller {
    do throws(ServerError) {
      if case .refused(let grant) = check {
        throw await backend.tokens.failedOAuthCheck(grant: grant, peer: context.peer)
      }
      let metadata = context.requestMetadata
      let caller = try await authenticate(
        metadata: { metadata[$0] }, tokenID: &tokenID, backend: backend, peer: context.peer)
      accepted(caller, backend: backend, context: context)
      return caller
    } catch {
      backend.dependencies.metrics.authenticated(TokenService.outcome(of: error))
      throw error
    }
  }

  /// Counts an accepted caller and warns it when its token expires soon.
  private static func accepted(_ caller: Caller, backend: Backend, context: ServerContext) {
    backend.dependencies.metrics.authenticated(.ok)
    warnIfExpiringSoon(caller, backend: backend, context: context)
  }

  /// What `TokenService`'s checks that never suspend decide about a remembered caller's token pair
  /// or OAuth headers; `nil` (and `authenticate` must run) when they cannot: the caller is not
  /// remembered or its address is new, a token pair's secret is wrong (the full path counts and
  /// delays it), or the call mixes a token pair with OAuth headers (the full path refuses it).
  /// Empty headers count as absent, as on the full path. Without `checkingAssertions`, a call with
  /// a client assertion is left undecided (`nil`) without any check.
  static func rememberedCaller(
    _ metadata: Metadata, tokenID: inout String?, backend: Backend, peer: String, checkingAssertions: Bool = true
  ) throws(ServerError) -> TokenService.RememberedCheck? {
    let id = metadata["x-modal-token-id"]
    let secret = metadata["x-modal-token-secret"]
    if let oauth = OAuthCallHeaders({ metadata[$0] }) {
      guard checkingAssertions || oauth.assertion == nil else { return nil }
      tokenID = oauth.refreshToken.flatMap(OAuthFormat.grantID(of:))?.rawValue
      let tokenPairSent = !(id ?? "").isEmpty || !(secret ?? "").isEmpty
      return try backend.tokens.rememberedCaller(oauth: oauth, tokenPairSent: tokenPairSent, peer: peer)
    }
    guard let caller = try backend.tokens.rememberedCaller(id: id, secret: secret, peer: peer) else { return nil }
    tokenID = id
    return .authenticated(caller)
  }

  /// The caller of a call with a token pair or OAuth credentials, by the full checks (the method
  /// table runs them when `rememberedCaller` could not decide); `tokenID` becomes what the log
  /// line names (the token id, or the grant id of a refresh token).
  static func authenticate(
    metadata header: (String) -> String?, tokenID: inout String?, backend: Backend, peer: String
  ) async throws(ServerError) -> Caller {
    let id = header("x-modal-token-id")
    let secret = header("x-modal-token-secret")
    guard let oauth = OAuthCallHeaders(header) else {
      tokenID = id
      return try await backend.tokens.authenticate(id: id, secret: secret, peer: peer)
    }
    tokenID = oauth.refreshToken.flatMap(OAuthFormat.grantID(of:))?.rawValue
    let tokenPairSent = !(id ?? "").isEmpty || !(secret ?? "").isEmpty
    return try await backend.tokens.authenticateInFull(oauth: oauth, tokenPairSent: tokenPairSent, peer: peer)
  }

  /// A method callable without a token.
  mutating func anonymous<Request: ProtoMessage, Response: ProtoMessage>(
    _ method: MethodDescriptor<Request, Response>,
    _ body: @escaping @Sendable (Request, ServerContext) async throws(ServerError) -> Response
  ) {
    register(method) { bytes, context, _ throws(ServerError) in
      try await body(try Self.decode(Request.self, bytes), context).serializedBytes()
    }
  }

  private typealias Body = @Sendable ([UInt8], ServerContext, inout String?) async throws(ServerError) -> [UInt8]
  /// A body that answers without waiting, or returns `nil` when the call needs the full `Body`.
  private typealias ImmediateBody = @Sendable ([UInt8], ServerContext, inout String?) throws(ServerError) -> [UInt8]?

  private mutating func register<Request, Response>(
    _ method: MethodDescriptor<Request, Response>, immediate: ImmediateBody? = nil, _ body: @escaping Body
  ) {
    let (log, requestIDs) = (self.log, self.requestIDs)
    // `MethodDescriptor.path` builds a new string each time: take it once, not per call.
    let path = method.path
    let counts = backend.dependencies.metrics.method(path)
    let tokenEndpoint = path == ModalClientMethods.clientHello.path ? Self.tokenEndpointTrailer(backend) : nil
    let recorder = CallRecorder(path: path, counts: counts, log: log, requestIDs: requestIDs)
    // The trailer goes before authentication, so a client holding only an OIDC token learns where
    // to exchange it; with an immediate body, that one adds it (it always runs first).
    let trailerOfTheFullPath = immediate == nil ? tokenEndpoint : nil
    // As in `authenticated`: the async frame holds only what lives across the handler's await; the
    // log line and the error mapping run in `CallRecorder`'s functions.
    let handler: UnaryHandler = { bytes, context in
      let start = ContinuousClock.now
      if let trailerOfTheFullPath { context.addTrailingMetadata(trailerOfTheFullPath) }
      var tokenID: String?
      do throws(ServerError) {
        let response = try await body(bytes, context, &tokenID)
        recorder.answered(since: start, tokenID: tokenID, context: context)
        return response
      } catch {
        throw recorder.failed(error, since: start, tokenID: tokenID, context: context)
      }
    }
    guard let immediate else { return router.unary(path, handler) }
    router.unary(
      path,
      immediate: { bytes, context in
        let start = ContinuousClock.now
        if let tokenEndpoint { context.addTrailingMetadata(tokenEndpoint) }
        var tokenID: String?
        do throws(ServerError) {
          guard let response = try immediate(bytes, context, &tokenID) else { return nil }
          recorder.answered(since: start, tokenID: tokenID, context: context)
          return response
        } catch {
          throw recorder.failed(error, since: start, tokenID: tokenID, context: context)
        }
      }, handler)
  }

  /// The trailer of every ClientHello reply, answered or refused, naming the dashboard's
  /// `POST /oauth/token` (`docs/federation.md`): the gRPC and dashboard listeners have different
  /// addresses, and a client with only an OIDC token knows the gRPC one.
  static let tokenEndpointKey = "x-modal-token-endpoint"

  /// The public URL of `/oauth/token`.
  static func tokenEndpoint(_ backend: Backend) -> String {
    backend.dependencies.settings.publicURL + OAuthTokenEndpoint.path
  }

  /// The trailer naming `tokenEndpoint(_:)`, laid out once for every call; `nil` (and no trailer)
  /// if the public URL cannot be sent as a header value, which `serve` refuses at start
  /// (`ServeCommand.publicURL`).
  static func tokenEndpointTrailer(_ backend: Backend) -> PreparedMetadata? {
    try? PreparedMetadata([tokenEndpointKey: tokenEndpoint(backend)])
  }

  /// Decodes a request; malformed bytes are `invalidArgument` naming the message type and the problem.
  static func decode<Message: ProtoMessage>(_ type: Message.Type, _ bytes: [UInt8]) throws(ServerError) -> Message {
    do {
      return try Message(serializedBytes: bytes)
    } catch {
      throw ServerError(
        .invalidArgument, "The request is not a valid \(Message.protoMessageName) message: \(error.message).")
    }
  }

  /// "1 minute", "45 minutes", "1 hour", "47 hours", "3 days": rounded to the nearest unit, never 0.
  static func approximateDuration(seconds: Int64) -> String {
    func count(_ value: Int64, _ unit: String) -> String { value == 1 ? "1 \(unit)" : "\(value) \(unit)s" }
    let minutes = max(1, (seconds + 30) / 60)
    if minutes < 60 { return count(minutes, "minute") }
    let hours = (seconds + 1800) / 3600
    if hours < 48 { return count(hours, "hour") }
    return count((seconds + 43_200) / 86_400, "day")
  }

  /// Adds an `x-modal-warning` trailer when the caller's token expires within the warning window.
  static func warnIfExpiringSoon(_ caller: Caller, backend: Backend, context: ServerContext) {
    guard let expiresAt = caller.token.expiresAt else { return }
    let now = backend.dependencies.clock.now()
    let window = now.adding(seconds: backend.dependencies.settings.expiryWarning)
    guard expiresAt <= window else { return }
    let remaining = approximateDuration(seconds: max(0, (expiresAt.microseconds - now.microseconds) / 1_000_000))
    let message =
      "Your token \(caller.token.id) expires at \(expiresAt) (in about \(remaining)). "
      + "Create a new one with `modal token new` before then."
    context.addTrailingMetadata("x-modal-warning", PercentEncoding.encode(message))
  }
}
