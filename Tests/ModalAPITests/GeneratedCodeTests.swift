import Foundation
import Testing

/// The committed generated files must be exactly what protoc and the current plugin produce.
@Suite struct GeneratedCodeTests {
  /// Each committed folder with the protos generated into it (file and schema name).
  static let outputs: [(protos: [(file: String, schema: String)], include: String, committed: String)] = [
    (
      [("Protos/modal/api.proto", "ModalAPISchema"), ("Protos/modal_server/leaks.proto", "LeakReportsSchema")],
      "Protos", "Sources/ModalAPI/Generated"
    ),
    (
      [("Tests/ProtoWireTests/Protos/wire_test.proto", "WireTestSchema")], "Tests/ProtoWireTests/Protos",
      "Tests/ProtoWireTests/Generated"
    ),
  ]

  @Test(arguments: 0..<outputs.count)
  func committedFilesAreCurrent(index: Int) throws {
    let output = Self.outputs[index]
    guard let protoc = Support.which("protoc") else {
      Issue.record(
        "protoc is not installed: apt-get install protobuf-compiler libprotobuf-dev (or run scripts/setup.sh)")
      return
    }
    let plugin = Support.productsFolder + "/protoc-gen-modal-swift"
    try #require(FileManager.default.isExecutableFile(atPath: plugin), "the plugin was not built at \(plugin)")
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("generated-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let root = Support.packageRoot
    let include = ProcessInfo.processInfo.environment["PROTOBUF_INCLUDE"] ?? "/usr/include"
    for proto in output.protos {
      let result = try Support.run(
        protoc,
        [
          "--plugin=protoc-gen-modal-swift=\(plugin)", "--modal-swift_out=SchemaName=\(proto.schema):\(folder)",
          "-I", "\(root)/\(output.include)", "-I", include, "\(root)/\(proto.file)",
        ])
      try #require(result.status == 0, "protoc failed on \(proto.file): \(result.stderr)")
    }
    let fresh = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    let committedFolder = "\(root)/\(output.committed)"
    let committed = try FileManager.default.contentsOfDirectory(atPath: committedFolder).filter {
      $0.hasSuffix(".swift")
    }
    .sorted()
    #expect(fresh == committed, "generated file names differ; run scripts/generate-protos.sh")
    for name in fresh {
      let new = FileManager.default.contents(atPath: "\(folder)/\(name)")
      let old = FileManager.default.contents(atPath: "\(committedFolder)/\(name)")
      #expect(new == old, "\(output.committed)/\(name) is stale; run scripts/generate-protos.sh and commit the result")
    }
  }
}
