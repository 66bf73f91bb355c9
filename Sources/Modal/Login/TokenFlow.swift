import ModalAPI
public import RPC

/// The browser login of `modal setup` and `modal token new`, for any Swift app: create a token
/// flow without credentials, let the user approve it in a browser, then long-poll for the token.
///
/// ```swift
/// let flow = try TokenFlow(serverURL: "https://api.modal.com")
/// let started = try await flow.start(localhostPort: 0)
/// print("Open \(started.webURL) and enter \(started.code)")
/// let token = try await flow.waitForToken(started) { attempt in print("attempt \(attempt)") }
/// ```
///
/// The calls carry no token headers (the anonymous client of the Python SDK). Cancelling the task
/// that waits stops the long poll at once.
public struct TokenFlow: Sendable {
  /// A flow the server created: what to show the user, and what to wait with.
  public struct Started: Sendable, Equatable, CustomStringConvertible {
    /// The flow id (`tf-…`), answered by the local page so the web page can match the machine.
    public let flowID: String
    /// The page where the user approves the login.
    public let webURL: String
    /// The code the user types or compares on that page; may be empty.
    public let code: String
    /// The secret that proves this client created the flow. Never show it.
    public let waitSecret: String

    /// Creates a started flow from its parts.
    public init(flowID: String, webURL: String, code: String, waitSecret: String) {
      self.flowID = flowID
      self.webURL = webURL
      self.code = code
      self.waitSecret = waitSecret
    }

    /// The flow id, URL and code; never the wait secret.
    public var description: String { "\(flowID) at \(webURL) (code \(code.isEmpty ? "none" : code))" }
  }

  /// The token a completed flow hands out, once.
  public struct Token: Sendable, Equatable, CustomStringConvertible {
    /// The token id (`ak-…`).
    public let tokenID: String
    /// The token secret (`as-…`). Never print it; use ``Credentials/mask(_:)``.
    public let tokenSecret: String
    /// The workspace the token belongs to; empty when the server does not say.
    public let workspace: String

    /// The id, the masked secret and the workspace.
    public var description: String { "\(tokenID) (secret \(Credentials.mask(tokenSecret))) in workspace '\(workspace)'" }
  }

  /// How long the server may hold one `TokenFlowWait` call (the request's `timeout`), as in Python.
  public static let waitTimeout: Float = 40
  /// The gRPC deadline of one `TokenFlowWait` call: the request timeout plus 5 seconds.
  public static let waitDeadline: Duration = .seconds(45)

  /// The server URL the flow runs against.
  public let serverURL: String
  let transport: ModalTransport

  /// Creates a flow client for a server URL; nothing is sent yet.
  ///
  /// - Parameters:
  ///   - serverURL: The API's URL, e.g. `https://api.modal.com` or `http://127.0.0.1:50051`.
  ///   - channelOptions: Channel settings such as trusted root certificates.
  /// - Throws: ``ModalError`` when the URL cannot be used.
  public init(serverURL: String, channelOptions: ChannelOptions? = nil) throws(ModalError) {
    self.serverURL = serverURL
    self.transport = try ModalTransport(
      serverURL: serverURL, credentials: nil, profile: "", channelOptions: channelOptions)
  }

  /// Asks the server for a new flow (`TokenFlowCreate`, with Python's default retries).
  ///
  /// - Parameters:
  ///   - localhostPort: The port of the local page that answers the flow id (0 when there is none).
  ///   - nextURL: Where the web page goes after approval; `modal setup` passes `/home`.
  ///   - utmSource: Where the login started (the CLI's hidden `--source`).
  ///   - expiresInSeconds: The new token's lifetime; 0 for the server's default.
  public func start(
    localhostPort: Int, nextURL: String = "", utmSource: String = "", expiresInSeconds: UInt32 = 0
  ) async throws(ModalError) -> Started {
    var request = TokenFlowCreateRequest()
    request.localhostPort = Int32(clamping: localhostPort)
    request.nextURL = nextURL
    request.utmSource = utmSource
    request.expiresInSeconds = expiresInSeconds
    let response = try await transport.call(ModalClientMethods.tokenFlowCreate, request).response
    guard !response.tokenFlowID.isEmpty, !response.webURL.isEmpty else {
      throw ModalError(.serverError, "The server at \(serverURL) created a login flow without an id or web URL.")
    }
    return Started(
      flowID: response.tokenFlowID, webURL: response.webURL, code: response.code, waitSecret: response.waitSecret)
  }

  /// Makes one `TokenFlowWait` call: the token, or nil when the server's wait timed out.
  ///
  /// Sent with no retry and a 45-second deadline, the request asking the server to wait 40 s.
  public func waitOnce(_ started: Started) async throws(ModalError) -> Token? {
    var request = TokenFlowWaitRequest()
    request.tokenFlowID = started.flowID
    request.waitSecret = started.waitSecret
    request.timeout = Self.waitTimeout
    let response = try await transport.call(
      ModalClientMethods.tokenFlowWait, request, options: CallOptions(retry: .none, timeout: Self.waitDeadline)
    ).response
    if response.timeout { return nil }
    guard !response.tokenID.isEmpty, !response.tokenSecret.isEmpty else {
      throw ModalError(.serverError, "The server at \(serverURL) finished the login flow without a token.")
    }
    return Token(tokenID: response.tokenID, tokenSecret: response.tokenSecret, workspace: response.workspaceUsername)
  }

  /// Long-polls until the user approves the flow, as Python does: no overall limit, any error ends it.
  ///
  /// - Parameter onAttempt: Called before each call after the first with its number (2, 3, …).
  /// - Throws: ``ModalError``; code `cancelled` when the task was cancelled.
  public func waitForToken(
    _ started: Started, onAttempt: @Sendable (Int) -> Void = { _ in }
  ) async throws(ModalError) -> Token {
    var attempt = 1
    while true {
      if Task.isCancelled { throw ModalError(.cancelled, "The login was cancelled; no token was stored.") }
      do {
        if let token = try await waitOnce(started) { return token }
      } catch {
        if Task.isCancelled || error.code == .cancelled {
          throw ModalError(.cancelled, "The login was cancelled; no token was stored.")
        }
        if error.code == .conflict || error.code == .notFound {
          throw ModalError(
            error.code, error.message,
            remedy: "The login flow expired or was already used; run `modal token new` (or `modal setup`) again.")
        }
        throw error
      }
      attempt += 1
      onAttempt(attempt)
    }
  }
}
