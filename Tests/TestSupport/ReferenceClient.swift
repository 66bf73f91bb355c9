import Foundation

/// The reference Python client (`modal==1.6.4`) in the virtualenv that `scripts/test.sh` creates.
public enum ReferenceClient {
  /// The virtualenv folder: `$MODAL_TEST_VENV`, else `.venv` in the package root.
  public static var venv: String {
    ProcessInfo.processInfo.environment["MODAL_TEST_VENV"] ?? ProcessRunner.packageRoot + "/.venv"
  }

  /// The `modal` executable of the reference client, or nil with the reason it is missing.
  public static func executable() -> Result<String, ReferenceClientMissing> {
    let path = venv + "/bin/modal"
    guard FileManager.default.isExecutableFile(atPath: path) else {
      return .failure(ReferenceClientMissing(path: path))
    }
    return .success(path)
  }
}

/// The reference client is not installed; `scripts/test.sh` installs it.
public struct ReferenceClientMissing: Error, CustomStringConvertible {
  /// Where it was looked for.
  public let path: String
  /// Says what to run.
  public var description: String {
    "The reference Python client is not installed at \(path). Run scripts/test.sh (or scripts/setup.sh --test) first."
  }
}

/// A small deterministic random number generator (SplitMix64), so generated scenarios repeat.
public struct SeededGenerator: RandomNumberGenerator {
  private var state: UInt64

  /// Creates a generator from a seed.
  public init(seed: UInt64) { state = seed }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
