#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Caches the JWT from `AuthTokenGet` for one client, as Python 1.6.4's manager does: fetched on
/// first use, shared by concurrent callers (one fetch in flight), refreshed at 50 to 60 percent of
/// its remaining life, and on a failed refresh the cached token is used unless the server denied
/// authentication. Failures arm a cooldown from 0.5 s doubling to 60 s.
actor AuthTokenManager {
  /// Seconds since the Unix epoch; injectable for tests.
  typealias Clock = @Sendable () -> Double

  private let now: Clock
  private let jitter: @Sendable () -> Double
  private var token: String?
  private var expiry: Double = 0
  private var refreshAt: Double = 0
  private var inFlight: Task<String, any Error>?
  /// Callers waiting for `inFlight`.
  private var waiters = 0
  /// Counts fetches, so that a fetch given up on does not clear a newer one's `inFlight`.
  private var fetchNumber = 0
  private var cooldown: Double = 0
  private var cooldownUntil: Double = 0

  init(now: @escaping Clock = AuthTokenManager.systemNow, jitter: @escaping @Sendable () -> Double = { Double.random(in: 0..<0.1) }) {
    self.now = now
    self.jitter = jitter
  }

  /// Whether a token that has not expired is cached.
  var hasValidToken: Bool { token != nil && now() < expiry }

  /// The cached token, or a new one from `fetch`.
  ///
  /// A caller whose task is cancelled stops waiting at once (``ModalError/Code/cancelled``); the
  /// fetch goes on for the other callers, and is cancelled when no caller waits for it any more.
  func token(fetch: @escaping @Sendable () async throws(ModalError) -> String) async throws(ModalError) -> String {
    let time = now()
    if let token, time < expiry {
      guard time >= refreshAt, time >= cooldownUntil else { return token }
      if inFlight != nil { return token }
      do {
        return try await wait(for: startFetch(fetch))
      } catch let error where error.code == .authentication || error.code == .permissionDenied {
        throw error
      } catch {
        return token
      }
    }
    return try await wait(for: inFlight ?? startFetch(fetch))
  }

  /// Starts the one fetch in flight; it records its own outcome, whoever still waits for it.
  private func startFetch(_ fetch: @escaping @Sendable () async throws(ModalError) -> String) -> Task<String, any Error> {
    fetchNumber += 1
    let number = fetchNumber
    let task = Task<String, any Error> {
      let fresh: String
      do throws(ModalError) {
        fresh = try await fetch()
      } catch {
        self.failed(error, fetch: number)
        throw error
      }
      try self.accept(fresh, fetch: number)
      return fresh
    }
    inFlight = task
    return task
  }

  /// Waits for the fetch in flight; a cancelled caller leaves at once, and the last one to leave
  /// cancels the fetch.
  private func wait(for task: Task<String, any Error>) async throws(ModalError) -> String {
    waiters += 1
    let outcome = await CancellableWait.result(of: task)
    waiters -= 1
    switch outcome {
    case .success(let token):
      return token
    case .failure(let error as ModalError):
      throw error
    case .failure(is CancellationError):
      if waiters == 0, inFlight == task {
        // Nobody wants it any more; a caller that comes later starts a fetch of its own.
        task.cancel()
        inFlight = nil
      }
      throw ModalError(.cancelled, "Getting an auth token was cancelled.")
    case .failure(let error):
      throw ModalError(.serverError, "\(error)")
    }
  }

  /// Stores a fetched token (fetch `number`), or arms the cooldown if it cannot be used.
  private func accept(_ fresh: String, fetch number: Int) throws(ModalError) {
    if number == fetchNumber { inFlight = nil }
    do throws(ModalError) {
      guard !fresh.isEmpty else {
        throw ModalError(.serverError, "Internal error: Did not receive auth token from server. Please contact Modal support.")
      }
      guard let parts = AuthTokenClaims(fresh) else {
        throw ModalError(.serverError, "Internal error: Cannot parse auth token. Please contact Modal support.")
      }
      let time = now()
      let expires = parts.expiry ?? (time + 1200)
      token = fresh
      expiry = expires
      refreshAt = time + (expires - time) * (0.5 + jitter())
      cooldown = 0
      cooldownUntil = 0
    } catch {
      armCooldown()
      throw error
    }
  }

  /// Records a failed fetch (`number`): a cooldown, unless it failed only because it was cancelled.
  private func failed(_ error: ModalError, fetch number: Int) {
    if number == fetchNumber { inFlight = nil }
    if error.code != .cancelled { armCooldown() }
  }

  private func armCooldown() {
    cooldown = cooldown == 0 ? 0.5 : min(cooldown * 2, 60)
    cooldownUntil = now() + cooldown
  }

  /// The wall clock in seconds since the Unix epoch.
  static let systemNow: Clock = {
    var time = timespec()
    clock_gettime(CLOCK_REALTIME, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }
}

/// The claims of a Modal auth token (a JWT) that the client reads, without verifying the signature
/// (the server does): `exp` to know when to fetch a new one, `iat` for `modal doctor`'s clock check.
/// The payload is decoded as Python's client decodes it: padding and `+`/`/` are tolerated.
package struct AuthTokenClaims {
  /// `exp`, in seconds since the Unix epoch, when present.
  package let expiry: Double?
  /// `iat`, in seconds since the Unix epoch, when present.
  package let issuedAt: Double?

  /// Decodes the payload segment; nil when the token is not three base64url segments of JSON.
  package init?(_ token: String) {
    let segments = token.split(separator: ".", omittingEmptySubsequences: false)
    guard segments.count == 3, let payload = Self.base64URLDecode(segments[1]) else { return nil }
    let text = String(decoding: payload, as: UTF8.self)
    guard text.first == "{" else { return nil }
    expiry = Self.number(named: "exp", in: text)
    issuedAt = Self.number(named: "iat", in: text)
  }

  /// The number after `"name":` in a JSON object (a simple scan over the bytes).
  private static func number(named name: String, in json: String) -> Double? {
    let bytes = Array(json.utf8)
    let needle = Array("\"\(name)\"".utf8)
    guard bytes.count >= needle.count else { return nil }
    for start in 0...(bytes.count - needle.count) where bytes[start..<start + needle.count].elementsEqual(needle) {
      var index = start + needle.count
      while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { continue }
      index += 1
      while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
      let numberBytes = bytes[index...].prefix { byte in
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
          || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") || byte == UInt8(ascii: "+")
      }
      return Double(String(decoding: numberBytes, as: UTF8.self))
    }
    return nil
  }

  private static func base64URLDecode(_ text: Substring) -> [UInt8]? {
    var values: [UInt8] = []
    values.reserveCapacity(text.utf8.count)
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(byte - UInt8(ascii: "A"))
      case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(byte - UInt8(ascii: "a") + 26)
      case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(byte - UInt8(ascii: "0") + 52)
      case UInt8(ascii: "-"), UInt8(ascii: "+"): values.append(62)
      case UInt8(ascii: "_"), UInt8(ascii: "/"): values.append(63)
      case UInt8(ascii: "="): continue
      default: return nil
      }
    }
    var bytes: [UInt8] = []
    var buffer: UInt32 = 0
    var bits = 0
    for value in values {
      buffer = (buffer << 6) | UInt32(value)
      bits += 6
      if bits >= 8 {
        bits -= 8
        bytes.append(UInt8((buffer >> UInt32(bits)) & 0xFF))
      }
    }
    return bytes
  }
}
