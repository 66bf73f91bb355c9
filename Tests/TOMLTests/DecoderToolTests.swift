import Foundation
import Testing

@testable import TOML

/// The `toml-decoder` executable speaks the toml-test protocol: TOML on stdin, tagged JSON on
/// stdout and exit 0, or a message on stderr and exit 1.
@Suite struct DecoderToolTests {
  /// The built `toml-decoder`, next to the test bundle's build products (any scratch path), or
  /// at `$TOML_DECODER_PATH`.
  static func decoderPath() throws -> String {
    var folders: [URL] = []
    if let override = ProcessInfo.processInfo.environment["TOML_DECODER_PATH"] {
      return override
    }
    for start in [
      CommandLine.arguments.first.map(URL.init(fileURLWithPath:)), Bundle.main.executableURL,
      Bundle.main.bundleURL,
    ] {
      guard var folder = start?.deletingLastPathComponent() else { continue }
      // Walk up from the test executable (possibly inside an .xctest bundle) to the build folder.
      for _ in 0..<4 {
        folders.append(folder)
        folder = folder.deletingLastPathComponent()
      }
    }
    for folder in folders {
      let candidate = folder.appendingPathComponent("toml-decoder").path
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    let looked = folders.map(\.path).joined(separator: ", ")
    Issue.record(
      Comment(
        rawValue: "toml-decoder was not found next to the test products (looked in \(looked)); "
          + "build it with `swift build --product toml-decoder` using the same scratch path"))
    throw CancellationError()
  }

  /// Runs the decoder on `input`; returns exit status, stdout and stderr.
  static func run(_ input: [UInt8]) throws -> (status: Int32, output: String, error: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try decoderPath())
    let (stdin, stdout, stderr) = (Pipe(), Pipe(), Pipe())
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    stdin.fileHandleForWriting.write(Data(input))
    try stdin.fileHandleForWriting.close()
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    let error = stderr.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
  }

  /// A sample of cases from a toml-test folder (every `stride`-th file).
  static func sample(_ folder: String, every stride: Int) throws -> [URL] {
    try ConformanceTests.cases(in: folder).enumerated().filter { $0.offset % stride == 0 }.map(\.element)
  }

  @Test func validSamplePrintsExpectedTaggedJSON() throws {
    let files = try Self.sample("valid", every: 15)
    #expect(files.count >= 10)
    for file in files {
      let result = try Self.run([UInt8](Data(contentsOf: file)))
      #expect(result.status == 0, "\(file.lastPathComponent): \(result.error)")
      let rendered = try JSONSerialization.jsonObject(with: Data(result.output.utf8))
      let expected = try JSONSerialization.jsonObject(
        with: Data(contentsOf: file.deletingPathExtension().appendingPathExtension("json")))
      #expect(TaggedComparison.mismatch(json: rendered, expected, at: "") == nil, "\(file.lastPathComponent)")
    }
  }

  @Test func invalidSampleExitsOneWithMessage() throws {
    let files = try Self.sample("invalid", every: 40)
    #expect(files.count >= 10)
    for file in files {
      let result = try Self.run([UInt8](Data(contentsOf: file)))
      #expect(result.status == 1, "\(file.lastPathComponent)")
      #expect(result.output.isEmpty)
      #expect(result.error.contains(":"), "\(file.lastPathComponent): \(result.error)")
    }
  }

  @Test func reportsLineAndColumn() throws {
    let result = try Self.run(Array("a = 1\nb = \n".utf8))
    #expect(result.status == 1)
    #expect(result.error.contains("2:5: missing value after '=' for key 'b'"))
  }
}
