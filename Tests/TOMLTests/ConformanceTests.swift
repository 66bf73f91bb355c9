import Foundation
import Testing

@testable import TOML

/// Every case of the toml-test suite (TOML 1.0.0): valid files decode to their tagged JSON, invalid
/// files are rejected.
///
/// The comparison follows the suite's rules (see its README).
@Suite struct ConformanceTests {
  /// The `.toml` files below `folder`, sorted.
  static func cases(in folder: String) throws -> [URL] {
    let root = TestSupport.conformanceFolder.appendingPathComponent(folder)
    try #require(
      FileManager.default.fileExists(atPath: root.path),
      "toml-test cases are missing: expected them at \(root.path) (../shared/toml-test beside the package root)")
    let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
    var files: [URL] = []
    while let url = walker?.nextObject() as? URL {
      if url.pathExtension == "toml" { files.append(url) }
    }
    return files.sorted { $0.path < $1.path }
  }

  @Test func everyValidCaseDecodesToItsExpectedJSON() throws {
    let files = try Self.cases(in: "valid")
    var failures: [String] = []
    for file in files {
      let name = file.path.replacingOccurrences(of: TestSupport.conformanceFolder.path + "/", with: "")
      let expectedURL = file.deletingPathExtension().appendingPathExtension("json")
      let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: expectedURL), options: [.fragmentsAllowed])
      let bytes = try [UInt8](Data(contentsOf: file))
      do {
        let table = try TOMLDecoder().decode(bytes)
        if let problem = TaggedComparison.mismatch(.table(table), expected, at: "") {
          failures.append("\(name): \(problem)")
        }
      } catch {
        failures.append("\(name): rejected: \(error)")
      }
    }
    print("toml-test valid: \(files.count - failures.count) of \(files.count) decode to the expected JSON")
    #expect(files.count == 210)
    #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
  }

  @Test func everyInvalidCaseIsRejectedWithAPosition() throws {
    let files = try Self.cases(in: "invalid")
    var accepted: [String] = []
    for file in files {
      let bytes = try [UInt8](Data(contentsOf: file))
      do {
        _ = try TOMLDecoder().decode(bytes)
        accepted.append(file.lastPathComponent)
      } catch {
        #expect(error.line >= 1 && error.column >= 1 && !error.message.isEmpty, "\(file.path): \(error)")
      }
    }
    print("toml-test invalid: \(files.count - accepted.count) of \(files.count) rejected")
    #expect(files.count == 499)
    #expect(accepted.isEmpty, "accepted invalid files: \(accepted)")
  }

  @Test func validCasesSurviveAnEncoderRoundTrip() throws {
    for file in try Self.cases(in: "valid") {
      let table = try TOMLDecoder().decode([UInt8](Data(contentsOf: file)))
      let encoded = TOMLEncoder().encode(table)
      #expect(try TOMLDecoder().decode(encoded) == table, "\(file.lastPathComponent):\n\(encoded)")
    }
  }

  @Test func comparisonNoticesDifferences() {
    let integer: [String: Any] = ["type": "integer", "value": "2"]
    #expect(TaggedComparison.mismatch(.integer(1), integer, at: "") != nil)
    #expect(TaggedComparison.mismatch(.integer(2), integer, at: "") == nil)
    #expect(TaggedComparison.mismatch(.float(2), integer, at: "") != nil)
    let nan: [String: Any] = ["type": "float", "value": "nan"]
    #expect(TaggedComparison.mismatch(.float(-.nan), nan, at: "") == nil)
    let instant: [String: Any] = ["type": "datetime", "value": "1987-07-05T17:45:00Z"]
    let sameInstant = TOMLDateTime(
      kind: .offsetDateTime, year: 1987, month: 7, day: 5, hour: 19, minute: 45, offsetMinutes: 120)
    #expect(TaggedComparison.mismatch(.dateTime(sameInstant), instant, at: "") == nil)
    var later = sameInstant
    later.minute = 46
    #expect(TaggedComparison.mismatch(.dateTime(later), instant, at: "") != nil)
    let table = TOMLTable([("a", .integer(2))])
    #expect(TaggedComparison.mismatch(.table(table), ["a": integer], at: "") == nil)
    #expect(TaggedComparison.mismatch(.table(table), ["b": integer], at: "") != nil)
    #expect(TaggedComparison.mismatch(.table(table), ["a": [integer]], at: "") != nil)
  }

  @Test func taggedJSONOfValidCasesMatchesExpectations() throws {
    for file in try Self.cases(in: "valid").prefix(40) {
      let table = try TOMLDecoder().decode([UInt8](Data(contentsOf: file)))
      let rendered = try JSONSerialization.jsonObject(with: Data(TaggedJSON.render(table).utf8))
      let expected = try JSONSerialization.jsonObject(
        with: Data(contentsOf: file.deletingPathExtension().appendingPathExtension("json")))
      #expect(TaggedComparison.mismatch(json: rendered, expected, at: "") == nil, "\(file.lastPathComponent)")
    }
  }
}

/// Compares decoded values (or tagged JSON) with the suite's tagged JSON.
enum TaggedComparison {
  /// Whether `json` is a scalar in tagged form: exactly "type" and "value", both strings.
  static func scalar(_ json: Any) -> (type: String, value: String)? {
    guard let object = json as? [String: Any], object.count == 2,
      let type = object["type"] as? String, let value = object["value"] as? String
    else { return nil }
    return (type, value)
  }

  /// Why `value` differs from `expected`, or nil when they agree.
  static func mismatch(_ value: TOMLValue, _ expected: Any, at path: String) -> String? {
    switch value {
    case .table(let table):
      guard let object = expected as? [String: Any], scalar(expected) == nil || table.count == 2 else {
        return "\(path): expected \(expected), found a table"
      }
      guard Set(object.keys) == Set(table.keys) else {
        return "\(path): keys \(table.keys.sorted()) instead of \(object.keys.sorted())"
      }
      for (key, child) in table.entries {
        if let problem = mismatch(child, object[key] as Any, at: path + "." + key) { return problem }
      }
      return nil
    case .array(let elements):
      guard let array = expected as? [Any], array.count == elements.count else {
        return "\(path): expected \(expected), found an array of \(elements.count)"
      }
      for (index, element) in elements.enumerated() {
        if let problem = mismatch(element, array[index], at: "\(path)[\(index)]") { return problem }
      }
      return nil
    default:
      guard let tag = TaggedJSON.tag(of: value) else { return "\(path): untagged value" }
      return compareScalar(type: tag, text: TaggedJSON.text(of: value), expected, at: path)
    }
  }

  /// Why the tagged JSON `json` differs from `expected`, or nil.
  static func mismatch(json: Any, _ expected: Any, at path: String) -> String? {
    if let (type, text) = scalar(json), scalar(expected) != nil {
      return compareScalar(type: type, text: text, expected, at: path)
    }
    if let object = json as? [String: Any], let other = expected as? [String: Any] {
      guard Set(object.keys) == Set(other.keys) else { return "\(path): different keys" }
      for (key, child) in object {
        if let problem = mismatch(json: child, other[key] as Any, at: path + "." + key) { return problem }
      }
      return nil
    }
    if let array = json as? [Any], let other = expected as? [Any], array.count == other.count {
      for index in array.indices {
        if let problem = mismatch(json: array[index], other[index], at: "\(path)[\(index)]") { return problem }
      }
      return nil
    }
    return "\(path): \(json) instead of \(expected)"
  }

  /// Compares one scalar by the suite's rules.
  static func compareScalar(type: String, text: String, _ expected: Any, at path: String) -> String? {
    guard let (expectedType, expectedText) = scalar(expected) else {
      return "\(path): expected \(expected), found a \(type)"
    }
    guard type == expectedType else { return "\(path): type \(type) instead of \(expectedType)" }
    let equal: Bool
    switch type {
    case "float":
      let (left, right) = (floatValue(text), floatValue(expectedText))
      equal = left == right || (left?.isNaN == true && right?.isNaN == true)
    case "integer":
      equal = Int64(text) != nil && Int64(text) == Int64(expectedText)
    case "datetime", "datetime-local", "date-local", "time-local":
      let (left, right) = (DateTimeText(text), DateTimeText(expectedText))
      equal = left != nil && left == right
    default:
      equal = text == expectedText
    }
    return equal ? nil : "\(path): \(type) \(text) instead of \(expectedText)"
  }

  /// A float from the suite's spelling (`inf`, `-inf`, `nan` or decimal).
  static func floatValue(_ text: String) -> Double? {
    switch text {
    case "inf", "+inf": .infinity
    case "-inf": -.infinity
    case "nan", "+nan", "-nan": .nan
    default: Double(text)
    }
  }
}

/// A date-time string normalised for comparison: separators unified, offset date-times converted to
/// a UTC instant, fractional seconds to milliseconds.
///
/// Written independently of the decoder.
struct DateTimeText: Equatable {
  var date: [Int]?
  var seconds: Int?
  var milliseconds = 0

  init?(_ text: String) {
    var text = Array(text.uppercased().replacingOccurrences(of: " ", with: "T"))
    var offsetMinutes: Int?
    if text.last == "Z" {
      offsetMinutes = 0
      text.removeLast()
    } else if text.count > 6, text[text.count - 3] == ":", "+-".contains(text[text.count - 6]) {
      let sign = text[text.count - 6] == "-" ? -1 : 1
      guard let hours = Int(String(text[(text.count - 5)..<(text.count - 3)])),
        let minutes = Int(String(text[(text.count - 2)...]))
      else { return nil }
      offsetMinutes = sign * (hours * 60 + minutes)
      text.removeLast(6)
    }
    var timePart = Substring(String(text))
    if text.count >= 10, text[4] == "-" {
      let parts = String(text[0..<10]).split(separator: "-").compactMap { Int($0) }
      guard parts.count == 3 else { return nil }
      date = parts
      timePart = text.count > 11 ? Substring(String(text[11...])) : ""
    }
    if !timePart.isEmpty {
      let pieces = timePart.split(separator: ".", maxSplits: 1)
      let hms = pieces[0].split(separator: ":").compactMap { Int($0) }
      guard hms.count == 3 else { return nil }
      seconds = hms[0] * 3600 + hms[1] * 60 + hms[2]
      if pieces.count == 2 {
        let digits = String(pieces[1].prefix(3)).padding(toLength: 3, withPad: "0", startingAt: 0)
        milliseconds = Int(digits) ?? 0
      }
    }
    if let offsetMinutes, let day = date, let time = seconds {
      // Convert to UTC: days since the epoch (civil calendar) plus seconds.
      let (year, month, dayOfMonth) = (day[0], day[1], day[2])
      let shifted = month <= 2 ? year - 1 : year
      let era = (shifted >= 0 ? shifted : shifted - 399) / 400
      let yearOfEra = shifted - era * 400
      let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + dayOfMonth - 1
      let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
      let days = era * 146_097 + dayOfEra - 719_468
      date = nil
      seconds = days * 86_400 + time - offsetMinutes * 60
    }
  }
}
