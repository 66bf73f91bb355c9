public import RPC

/// An error from the Modal SDK: what happened, a stable code, and what to do about it.
///
/// `description` is the text the command line prints after `Error: `. It never contains a secret.
public struct ModalError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The gRPC status a failed call ended with, as the server (or the gRPC layer) gave it: the
  /// underlying error behind a ``ModalError`` mapped from a call, as in grpc-swift's `RPCError.cause`.
  public struct Cause: Sendable, Equatable, CustomStringConvertible {
    /// The gRPC status code, e.g. `.unauthenticated`.
    public let code: Status.Code
    /// The status message, exactly as received (may be empty).
    public let message: String

    /// Creates a cause from a gRPC status code and message.
    public init(code: Status.Code, message: String) {
      self.code = code
      self.message = message
    }

    /// `<code>: <message>`, or the code alone when the message is empty.
    public var description: String { message.isEmpty ? "\(code)" : "\(code): \(message)" }
  }

  /// A stable, machine-readable category for a ``ModalError``.
  public struct Code: Sendable, Hashable, CustomStringConvertible {
    /// The code's name, e.g. `invalidConfig`.
    public let name: String

    private init(_ name: String) { self.name = name }

    /// The configuration file cannot be read, parsed, or has values of the wrong type.
    public static let invalidConfig = Code("invalidConfig")
    /// A setting's value cannot be transformed into what the setting needs.
    public static let invalidSetting = Code("invalidSetting")
    /// Profile selection is ambiguous (several active) or undetermined (none active).
    public static let ambiguousProfile = Code("ambiguousProfile")
    /// A profile named by `MODAL_PROFILE`, `--profile` or an argument does not exist.
    public static let profileNotFound = Code("profileNotFound")
    /// No credentials, or only half of a token pair, could be found.
    public static let missingCredentials = Code("missingCredentials")
    /// A token id or secret cannot be right (e.g. it holds characters no token has); nothing was sent.
    public static let invalidCredentials = Code("invalidCredentials")
    /// The store that keeps a profile's token secret off disk cannot be used: no Secret Service on
    /// D-Bus, a locked keyring, a credential helper missing from `PATH` (``SecretStorage``).
    public static let secretStoreUnavailable = Code("secretStoreUnavailable")
    /// Writing the configuration file failed; the file was left as it was.
    public static let writeFailed = Code("writeFailed")
    /// An argument given by the caller is not acceptable.
    public static let invalidArgument = Code("invalidArgument")
    /// The server rejected the credentials (gRPC UNAUTHENTICATED).
    public static let authentication = Code("authentication")
    /// The credentials are valid but not allowed to do this (gRPC PERMISSION_DENIED).
    public static let permissionDenied = Code("permissionDenied")
    /// The resource does not exist, or is in another workspace (gRPC NOT_FOUND).
    public static let notFound = Code("notFound")
    /// The resource exists already (gRPC ALREADY_EXISTS).
    public static let alreadyExists = Code("alreadyExists")
    /// The request conflicts with the resource's state (gRPC FAILED_PRECONDITION, ABORTED).
    public static let conflict = Code("conflict")
    /// A quota or rate limit was hit (gRPC RESOURCE_EXHAUSTED).
    public static let resourceExhausted = Code("resourceExhausted")
    /// The server does not implement the call (gRPC UNIMPLEMENTED).
    public static let unimplemented = Code("unimplemented")
    /// The server failed (gRPC INTERNAL, DATA_LOSS), or sent something that cannot be understood.
    public static let serverError = Code("serverError")
    /// The service is unavailable or the call failed in transit after every retry.
    public static let unavailable = Code("unavailable")
    /// The server cannot be reached: DNS, TCP, TLS or proxy failure.
    public static let connection = Code("connection")
    /// The call did not finish in time (also when the deadline passed while connecting).
    public static let timeout = Code("timeout")
    /// The call was cancelled.
    public static let cancelled = Code("cancelled")

    /// The code's name.
    public var description: String { name }
  }

  /// The category of the error.
  public let code: Code
  /// What went wrong, in one or more sentences.
  public let message: String
  /// What to do about it, or nil when the message already says so.
  public let remedy: String?
  /// The gRPC status behind the error when it comes from a call; nil for errors found locally
  /// (configuration, credentials, arguments). Not part of ``description``.
  public let cause: Cause?
  /// For a "no credentials here" error, the sources tried, each as `<source>: <why it gave
  /// nothing>`; a chain of providers goes on to its next provider on such an error.
  package let sourcesTried: [String]

  /// Creates an error with a code, a message, an optional remedy and an optional cause.
  public init(_ code: Code, _ message: String, remedy: String? = nil, cause: Cause? = nil) {
    self.init(code, message, remedy: remedy, cause: cause, sourcesTried: [])
  }

  package init(_ code: Code, _ message: String, remedy: String?, cause: Cause?, sourcesTried: [String]) {
    self.code = code
    self.message = message
    self.remedy = remedy
    self.cause = cause
    self.sourcesTried = sourcesTried
  }

  /// The same error with `cause` set.
  package func with(cause: Cause?) -> ModalError {
    ModalError(code, message, remedy: remedy, cause: cause, sourcesTried: sourcesTried)
  }

  /// The message followed by the remedy on a new paragraph, when there is one.
  public var description: String {
    guard let remedy else { return message }
    return message + "\n\n" + remedy
  }
}
