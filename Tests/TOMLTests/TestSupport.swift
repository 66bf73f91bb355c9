import Foundation
import Testing

@testable import TOML

/// Locations and helpers shared by the TOML tests.
enum TestSupport {
  /// The package root, derived from this file's path (Tests/TOMLTests/TestSupport.swift).
  static let packageRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// The toml-test conformance cases: `../shared/toml-test` beside the package root.
  static let conformanceFolder: URL = packageRoot.deletingLastPathComponent()
    .appendingPathComponent("shared/toml-test/tests")

  /// Decodes `text` with default limits.
  static func decode(_ text: String) throws(TOMLError) -> TOMLTable {
    try TOMLDecoder().decode(text)
  }

  /// The error decoding `text` raises, or nil when it decodes.
  static func error(decoding text: String, limits: TOMLLimits = .default) -> TOMLError? {
    do {
      _ = try TOMLDecoder(limits: limits).decode(text)
      return nil
    } catch {
      return error
    }
  }
}

/// A small deterministic pseudo-random generator (SplitMix64) for property tests.
struct SeededGenerator: RandomNumberGenerator {
  var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
