@testable import RPC
import Testing

/// The router finds a method by the bytes the core read from the request (the byte order it
/// searches in: `UTF8BytesTests`).
@Suite struct RouterTests {
  /// Paths that are prefixes of one another, differ only in case, in their last byte or above
  /// ASCII; short ones (stored in the string itself) and long ones (stored on the heap).
  static let paths = [
    "/modal.client.ModalClient/ClientHello", "/modal.client.ModalClient/ClientHell",
    "/modal.client.ModalClient/ClientHelloX", "/modal.client.ModalClient/TokenFlowCreate",
    "/modal.client.ModalClient/TokenFlowWait", "/a/B", "/a/b", "/a/bc", "/a/\u{e9}", "/a/\u{7f}", "/", "/z",
  ]

  private func route(_ router: Router, _ bytes: [UInt8]) -> String? {
    bytes.withUnsafeBufferPointer { router.route(for: $0)?.path }
  }

  @Test func everyRegisteredPathAndNothingElseIsFound() {
    var router = Router()
    for path in Self.paths { router.unary(path) { request, _ in request } }
    let registered = Set(Self.paths.map { Array($0.utf8) })
    for path in Self.paths {
      let bytes = Array(path.utf8)
      #expect(route(router, bytes) == path)
      var misses = [bytes + [0x00], bytes + [0xFF], Array(bytes.dropLast()), [0x00] + bytes]
      for change: Int16 in [-1, 1] {
        var changed = bytes
        changed[changed.count - 1] = UInt8(truncatingIfNeeded: Int16(changed[changed.count - 1]) + change)
        misses.append(changed)
      }
      for miss in misses where !registered.contains(miss) {
        #expect(route(router, miss) == nil, "\(miss) found for \(path)")
      }
    }
    #expect(route(router, []) == nil)
    #expect(route(Router(), Array(Self.paths[0].utf8)) == nil)
  }
}
