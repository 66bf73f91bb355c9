#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How the Swift client identifies itself to the server, in the headers of every call.
///
/// There is no Swift value in Modal's `ClientType` enum. The Swift client presents itself as a
/// libmodal client (`CLIENT_TYPE_LIBMODAL`, 7) that "behaves like" client version 1.0.0, the same
/// convention as the JavaScript and Go SDKs, and names itself in `x-modal-libmodal-version`. This
/// keeps the server's version gates for the Python SDK out of the way. See docs/compatibility.md.
package struct ClientIdentity: Sendable, Equatable {
  /// This SDK's version.
  package static let sdkVersion = "0.1.0"

  /// `x-modal-client-type`: `7` (`CLIENT_TYPE_LIBMODAL`).
  package var clientType = "7"
  /// `x-modal-client-version`: the Python client version whose behaviour this client follows.
  package var clientVersion = "1.0.0"
  /// `x-modal-libmodal-version`: `modal-swift/<version>`.
  package var libraryVersion = "modal-swift/\(ClientIdentity.sdkVersion)"
  /// `x-modal-platform`: `<system>-<release>-<machine>` with dashes in parts replaced, as Python sends it.
  package var platform = ClientIdentity.currentPlatform()

  /// The identity of this build on this machine.
  package init() {}

  /// The user agent sent with every call.
  package var userAgent: String { "modal-swift/\(Self.sdkVersion) (\(Self.systemName().lowercased()); swift)" }

  /// The identity headers as name-value pairs.
  package var headers: [(String, String)] {
    [
      ("x-modal-client-type", clientType),
      ("x-modal-client-version", clientVersion),
      ("x-modal-libmodal-version", libraryVersion),
      ("x-modal-platform", platform),
    ]
  }

  private static func systemName() -> String {
    var info = utsname()
    guard uname(&info) == 0 else { return "unknown" }
    return withUnsafeBytes(of: &info.sysname) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
  }

  /// `platform.system()-platform.release()-platform.machine()`, dashes inside parts as underscores.
  static func currentPlatform() -> String {
    var info = utsname()
    guard uname(&info) == 0 else { return "unknown" }
    func field<T>(_ value: inout T) -> String {
      withUnsafeBytes(of: &value) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
    }
    let parts = [field(&info.sysname), field(&info.release), field(&info.machine)]
    return parts.map { String($0.map { $0 == "-" ? "_" : $0 }) }.joined(separator: "-")
      .addingPercentEncodingForHeader()
  }
}

extension String {
  /// The string with everything but unreserved URL characters percent-encoded (Python's `quote`).
  func addingPercentEncodingForHeader() -> String {
    var out = ""
    for byte in utf8 {
      let scalar = Unicode.Scalar(byte)
      if (byte < 0x80 && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))) || "-._~/".utf8.contains(byte) {
        out.unicodeScalars.append(scalar)
      } else {
        let hex = String(byte, radix: 16, uppercase: true)
        out += "%" + (hex.count == 1 ? "0" + hex : hex)
      }
    }
    return out
  }

  /// The string with `%XX` escapes decoded; invalid escapes are kept as they are.
  func removingPercentEncodingLeniently() -> String {
    var bytes: [UInt8] = []
    var iterator = Array(utf8)[...]
    while let byte = iterator.popFirst() {
      if byte == UInt8(ascii: "%"), iterator.count >= 2,
        let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16)
      {
        bytes.append(value)
        iterator = iterator.dropFirst(2)
      } else {
        bytes.append(byte)
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
