import Foundation

/// The process' resident memory, open file descriptors and threads, read from `/proc/self`
/// (Linux); `nil` fields where the system does not say.
package struct ProcessStatistics: Sendable {
  /// Resident set size in bytes.
  package var residentBytes: UInt64?
  /// Open file descriptors.
  package var openDescriptors: Int?
  /// Threads.
  package var threads: Int?

  /// The statistics now.
  package static func current() -> ProcessStatistics {
    var statistics = ProcessStatistics()
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) {
      for line in status.split(separator: "\n") {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count >= 2 else { continue }
        if fields[0] == "VmRSS:", let kib = UInt64(fields[1]) { statistics.residentBytes = kib * 1024 }
        if fields[0] == "Threads:", let count = Int(fields[1]) { statistics.threads = count }
      }
    }
    if let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
      statistics.openDescriptors = descriptors.count
    }
    return statistics
  }
}
