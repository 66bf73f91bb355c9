// protoc-gen-modal-swift: a protoc plugin that generates ProtoWire-based Swift for proto3 files.
// protoc runs it with a CodeGeneratorRequest on standard input and reads a CodeGeneratorResponse
// from standard output. Usage: protoc --plugin=protoc-gen-modal-swift=<path> --modal-swift_out=<dir> ...

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import ProtoWire

/// Reads all of standard input.
func readStandardInput() -> [UInt8] {
  var input: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 65536)
  while true {
    let count = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
    if count <= 0 { break }
    input.append(contentsOf: chunk[0..<count])
  }
  return input
}

/// Writes all of `bytes` to standard output.
func writeStandardOutput(_ bytes: [UInt8]) -> Bool {
  var offset = 0
  while offset < bytes.count {
    let written = bytes.withUnsafeBytes { write(1, $0.baseAddress! + offset, $0.count - offset) }
    if written <= 0 { return false }
    offset += written
  }
  return true
}

var response = CodeGeneratorResponse()
response.supportedFeatures = CodeGeneratorResponse.featureProto3Optional
do {
  let request = try CodeGeneratorRequest(serializedBytes: readStandardInput())
  response.files = try Generator(request: request).run()
} catch let error as ProtoWireError {
  response.error = "protoc-gen-modal-swift: cannot read the request: \(error)"
} catch let error as GeneratorError {
  response.error = "protoc-gen-modal-swift: \(error.message)"
} catch {
  response.error = "protoc-gen-modal-swift: \(error)"
}
exit(writeStandardOutput(response.serializedBytes()) ? 0 : 1)
