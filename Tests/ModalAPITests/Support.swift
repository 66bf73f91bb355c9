import Foundation
import ProtoWire

/// Paths and processes the ModalAPI tests need: the package, the built plugin, protoc and the Python venv.
enum Support {
  /// The package root (where Package.swift is).
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

  /// The folder of the built products (the test runner sits in it).
  static var productsFolder: String {
    var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    while url.path.contains(".xctest") { url = url.deletingLastPathComponent() }
    return url.path
  }

  /// The Python interpreter of the test venv (`MODAL_TEST_VENV`, default `<package>/.venv`), nil when missing.
  static var venvPython: String? {
    let environment = ProcessInfo.processInfo.environment["MODAL_TEST_VENV"].flatMap { $0.isEmpty ? nil : $0 }
    let python = (environment ?? packageRoot + "/.venv") + "/bin/python"
    return FileManager.default.isExecutableFile(atPath: python) ? python : nil
  }

  static let missingVenv =
    "the Python test venv with modal==1.6.4 is missing (looked in MODAL_TEST_VENV or .venv); run scripts/test.sh, or scripts/setup.sh --test"

  /// The interop helper script.
  static var interopScript: String { packageRoot + "/scripts/interop/modal_proto_interop.py" }

  /// Finds an executable on PATH.
  static func which(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for folder in path.split(separator: ":") {
      let candidate = "\(folder)/\(name)"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }

  /// The result of a finished process.
  struct Output {
    let status: Int32
    let stdout: String
    let stderr: String
  }

  /// Runs a program with `input` as standard input (through a file, so no pipe can fill up).
  static func run(_ executable: String, _ arguments: [String], input: String = "") throws -> Output {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("modalapi-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let paths = ["in", "out", "err"].map { folder.appendingPathComponent($0) }
    try Data(input.utf8).write(to: paths[0])
    _ = FileManager.default.createFile(atPath: paths[1].path, contents: nil)
    _ = FileManager.default.createFile(atPath: paths[2].path, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardInput = try FileHandle(forReadingFrom: paths[0])
    process.standardOutput = try FileHandle(forWritingTo: paths[1])
    process.standardError = try FileHandle(forWritingTo: paths[2])
    try process.run()
    process.waitUntilExit()
    return Output(
      status: process.terminationStatus, stdout: try String(contentsOf: paths[1], encoding: .utf8),
      stderr: try String(contentsOf: paths[2], encoding: .utf8))
  }
}

extension Array where Element == UInt8 {
  /// Lower-case hex.
  var hexString: String {
    let digits = Array("0123456789abcdef".utf8)
    var text = [UInt8]()
    text.reserveCapacity(count * 2)
    for byte in self {
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 15)])
    }
    return String(decoding: text, as: UTF8.self)
  }

  /// Hex as the Python helper takes it: "-" for no bytes.
  var wireHex: String { isEmpty ? "-" : hexString }

  /// Bytes from lower- or upper-case hex ("-" for none); nil for anything else.
  init?(hexString: Substring) {
    var bytes: [UInt8] = []
    if hexString == "-" {
      self = []
      return
    }
    var index = hexString.startIndex
    while index < hexString.endIndex {
      let next = hexString.index(index, offsetBy: 2, limitedBy: hexString.endIndex) ?? hexString.endIndex
      guard let byte = UInt8(hexString[index..<next], radix: 16) else { return nil }
      bytes.append(byte)
      index = next
    }
    self = bytes
  }
}

/// A small seeded random number generator (SplitMix64), so failures reproduce.
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
