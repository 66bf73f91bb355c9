// The toml-test decoder protocol: TOML on stdin, tagged JSON on stdout and exit 0, or the error
// on stderr and exit 1.
import TOML

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads standard input to its end.
func readStandardInput() -> [UInt8] {
  var bytes: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 65536)
  while true {
    let count = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
    if count <= 0 { break }
    bytes += chunk[0..<count]
  }
  return bytes
}

do {
  let table = try TOMLDecoder().decode(readStandardInput())
  print(TaggedJSON.render(table))
} catch {
  let message = Array("toml-decoder: \(error)\n".utf8)
  _ = message.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
  exit(1)
}
