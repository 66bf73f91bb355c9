// Measures TOML decoding throughput in MB/s on a deterministic corpus.
//
//   toml-benchmark write-corpus DIR [toml-test-valid-dir]   writes the corpus into DIR
//   toml-benchmark run DIR [repetitions]                    decodes it and prints medians
//
// Benchmarks/run-toml.sh runs this and Benchmarks/toml_tomllib.py on the same corpus.
import Foundation
import TOML

/// A small deterministic pseudo-random generator (SplitMix64), so the corpus never changes.
struct SplitMix64 {
  var state: UInt64

  /// The next 64 random bits.
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A number in `0..<bound`.
  mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

  /// One of `choices`.
  mutating func pick<T>(_ choices: [T]) -> T { choices[below(choices.count)] }
}

/// A realistic configuration-like document of about `targetBytes` bytes: services with strings,
/// integers, floats, booleans, date-times, arrays, inline tables, sub-tables, arrays of tables,
/// multi-line strings and comments.
func generateConfig(targetBytes: Int) -> String {
  var random = SplitMix64(state: 0x5EED_70F1)
  let words = [
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
    "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
  ]
  let regions = ["us-east-1", "us-west-2", "eu-west-1", "ap-south-1", "sa-east-1"]
  var out = "# Generated benchmark configuration (deterministic).\n"
  out += "title = \"fleet configuration\"\nversion = 3\nupdated = 2024-05-27T07:32:00Z\n\n"
  var service = 0
  while out.utf8.count < targetBytes {
    let name = "\(random.pick(words))-\(random.pick(words))-\(service)"
    out += "# Service \(service): \(random.pick(words)) tier\n"
    out += "[services.\(name)]\n"
    out += "description = \"The \(random.pick(words)) service for \(random.pick(words)) traffic\"\n"
    out += "region = \"\(random.pick(regions))\"   # primary region\n"
    out += "port = \(1024 + random.below(60000))\n"
    out += "replicas = \(1 + random.below(32))\n"
    out += "weight = \(Double(random.below(100_000)) / 1000)\n"
    out += "enabled = \(random.below(2) == 0 ? "true" : "false")\n"
    out +=
      "created = 20\(10 + random.below(15))-0\(1 + random.below(9))-1\(random.below(9))T"
      + "1\(random.below(9)):\(10 + random.below(49)):\(10 + random.below(49)).\(random.below(1000))+02:00\n"
    out += "window = 0\(random.below(9)):30:00\n"
    out += "mask = 0x\(String(random.next() & 0xFFFF_FFFF, radix: 16))\n"
    out += "tags = [\"\(random.pick(words))\", \"\(random.pick(words))\", \"\(random.pick(words))\"]\n"
    out += "limits = { cpu = \(1 + random.below(16)), memory = \"\(256 * (1 + random.below(64)))Mi\", burst = 1.5 }\n"
    out += "path = 'C:\\services\\\(name)\\bin'\n"
    if service % 5 == 0 {
      out += "notes = \"\"\"\nLine one of the \(random.pick(words)) notes.\n"
      out += "Line two with a \\\"quote\\\" and a tab\\t.\n\"\"\"\n"
    }
    out += "\n[services.\(name).health]\n"
    out += "interval_ms = \(1000 * (1 + random.below(30)))\ntimeout = 2.5e-1\npath = \"/healthz\"\n"
    for endpoint in 0..<(1 + random.below(3)) {
      out += "\n[[services.\(name).endpoints]]\n"
      out += "url = \"https://\(random.pick(words)).example.com/api/v\(endpoint + 1)\"\n"
      out += "methods = [\"GET\", \"POST\"]\nretries = \(random.below(5))\n"
    }
    out += "\n"
    service += 1
  }
  return out
}

/// One timed workload: a list of documents decoded together.
struct Workload {
  var name: String
  var documents: [[UInt8]]
  var bytes: Int { documents.reduce(0) { $0 + $1.count } }
}

/// Reads the corpus written by `write-corpus`.
func loadWorkloads(from directory: URL) throws -> [Workload] {
  let config = try [UInt8](Data(contentsOf: directory.appendingPathComponent("config.toml")))
  let smallFolder = directory.appendingPathComponent("small")
  let names = try FileManager.default.contentsOfDirectory(atPath: smallFolder.path).sorted()
  let small = try names.map { try [UInt8](Data(contentsOf: smallFolder.appendingPathComponent($0))) }
  return [Workload(name: "config", documents: [config]), Workload(name: "toml-test-valid", documents: small)]
}

/// Writes the generated configuration and the toml-test valid files (those without a byte-order
/// mark, which tomllib does not accept) into `directory`.
func writeCorpus(to directory: URL, validFolder: URL?) throws {
  let manager = FileManager.default
  let small = directory.appendingPathComponent("small")
  try manager.createDirectory(at: small, withIntermediateDirectories: true)
  try Data(generateConfig(targetBytes: 3_000_000).utf8).write(
    to: directory.appendingPathComponent("config.toml"))
  guard let validFolder, let walker = manager.enumerator(atPath: validFolder.path) else { return }
  for case let path as String in walker where path.hasSuffix(".toml") {
    let data = try Data(contentsOf: validFolder.appendingPathComponent(path))
    if data.starts(with: [0xEF, 0xBB, 0xBF]) { continue }
    try data.write(to: small.appendingPathComponent(path.replacingOccurrences(of: "/", with: "__")))
  }
}

/// Decodes `workload` repeatedly and returns the throughputs in MB/s (10^6 bytes), sorted.
func measure(_ workload: Workload, repetitions: Int) throws -> [Double] {
  let decoder = TOMLDecoder()
  // Each sample decodes enough copies to last a meaningful time.
  let copies = max(1, 2_000_000 / max(workload.bytes, 1))
  var samples: [Double] = []
  for _ in 0..<repetitions {
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<copies {
      for document in workload.documents { _ = try decoder.decode(document) }
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    samples.append(Double(workload.bytes * copies) / 1e6 / seconds)
  }
  return samples.sorted()
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
  print("usage: toml-benchmark write-corpus DIR [toml-test-valid-dir] | run DIR [repetitions]")
  exit(2)
}
let directory = URL(fileURLWithPath: arguments[2])
do {
  switch arguments[1] {
  case "write-corpus":
    try writeCorpus(to: directory, validFolder: arguments.count > 3 ? URL(fileURLWithPath: arguments[3]) : nil)
  case "run":
    let repetitions = arguments.count > 3 ? Int(arguments[3]) ?? 11 : 11
    for workload in try loadWorkloads(from: directory) {
      let samples = try measure(workload, repetitions: repetitions)
      let median = samples[samples.count / 2]
      print(
        "swift \(workload.name) \(workload.bytes) bytes: median \(String(format: "%.2f", median)) MB/s"
          + " (min \(String(format: "%.2f", samples[0])), max \(String(format: "%.2f", samples[samples.count - 1])))")
    }
  default:
    print("unknown command \(arguments[1])")
    exit(2)
  }
} catch {
  print("toml-benchmark: \(error)")
  exit(1)
}
