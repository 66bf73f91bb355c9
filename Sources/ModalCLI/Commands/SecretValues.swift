import CommandLineKit
import Modal
import TextSearch

/// Gathers the key/value pairs of `modal secret create` without ever taking a value from argv:
/// `KEY=-` reads the value from standard input (a hidden prompt on a terminal), `--from-dotenv`
/// and `--from-json` read files. A plain `KEY=VALUE` is refused (deliberate difference D6).
struct SecretValues {
  let invocation: Invocation

  /// `--from-dotenv PATH`.
  static let fromDotenv = Option<String?>(
    "--from-dotenv", placeholder: "PATH", help: "Path to a .env file to load secrets from.")
  /// `--from-json PATH`.
  static let fromJSON = Option<String?>("--from-json", placeholder: "PATH", help: "Path to a JSON file to load secrets from.")
  /// The `KEY=-` words after the secret's name.
  static let keyValues = Argument<[String]>("KEYVALUES", help: "KEY=- pairs.")

  /// The pairs, in the order given; later sources override earlier ones (files, then arguments).
  func collect() throws -> [(String, String)] {
    var pairs: [(String, String)] = []
    func put(_ key: String, _ value: String) {
      if let index = pairs.firstIndex(where: { $0.0 == key }) { pairs[index].1 = value } else { pairs.append((key, value)) }
    }
    if let path = invocation[Self.fromDotenv] {
      for (key, value) in try Self.dotenv(readFile(path), path: path) { put(key, value) }
    }
    if let path = invocation[Self.fromJSON] {
      for (key, value) in try Self.json(readFile(path), path: path) { put(key, value) }
    }
    for argument in invocation[Self.keyValues] {
      guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
        throw UsageError(
          "Invalid key-value pair '\(Self.keyOnly(argument))': expected KEY=- (value from standard input).",
          commandPath: invocation.commandPath)
      }
      let key = String(argument[..<equals])
      let value = argument[argument.index(after: equals)...]
      guard value == "-" else {
        throw UsageError(
          """
          Refusing to read the value of \(key) from the command line: it would stay in your shell history and be visible to other users in the process list.
          Pass it safely instead, with one of:
            \(key)=-             type the value at the hidden prompt, or pipe it on standard input:
                             printf '%s\\n' "$VALUE" | modal secret create NAME \(key)=-
            --from-dotenv FILE  KEY=VALUE lines from a file
            --from-json FILE    a JSON object of strings from a file
          """, commandPath: invocation.commandPath)
      }
      put(key, try readValue(for: key))
    }
    return pairs
  }

  private func readValue(for key: String) throws -> String {
    let console = invocation.console
    let value = console.isInputTerminal ? console.readSecret(prompt: "Value for \(key): ") : console.readLine()
    guard let value else {
      throw ModalError(
        .invalidArgument, "No value for \(key): standard input ended (or the prompt was cancelled).",
        remedy: "Pipe one line per KEY=- argument, in order, or type it at the prompt.")
    }
    return value
  }

  private func readFile(_ path: String) throws -> String {
    let bytes: [UInt8]?
    do throws(FileSystemError) {
      bytes = try invocation.host.fileSystem.readFile(atPath: path, maxBytes: 4 * 1024 * 1024)
    } catch {
      throw ModalError(.invalidArgument, "Cannot read \(path): \(error.description).")
    }
    guard let bytes else { throw ModalError(.invalidArgument, "Cannot read \(path): no such file.") }
    return String(decoding: bytes, as: UTF8.self)
  }

  private static func keyOnly(_ argument: String) -> String {
    argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
  }

  /// Parses a dotenv file: `KEY=VALUE` lines, `export ` prefixes, `#` comments, quoted values.
  static func dotenv(_ text: String, path: String) throws -> [(String, String)] {
    var pairs: [(String, String)] = []
    for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      var line = String(raw).trimmingWhitespace()
      if line.isEmpty || line.hasPrefix("#") { continue }
      if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingWhitespace() }
      guard let equals = line.firstIndex(of: "="), equals != line.startIndex else {
        throw ModalError(.invalidArgument, "\(path):\(index + 1): expected KEY=VALUE.")
      }
      let key = String(line[..<equals]).trimmingWhitespace()
      var value = String(line[line.index(after: equals)...]).trimmingWhitespace()
      if value.count >= 2, let quote = value.first, quote == "\"" || quote == "'", value.last == quote {
        value = String(value.dropFirst().dropLast())
        if quote == "\"" { value = value.replacingEscapes() }
      } else if let hash = value.firstRange(ofText: " #") {
        value = String(value[..<hash.lowerBound]).trimmingWhitespace()
      }
      pairs.append((key, value))
    }
    return pairs
  }

  /// Parses a JSON object whose values are strings (numbers and booleans are turned into text).
  static func json(_ text: String, path: String) throws -> [(String, String)] {
    var parser = JSONObjectParser(text: Array(text.utf8))
    do throws(JSONObjectParser.Failure) {
      return try parser.parseStringObject()
    } catch {
      throw ModalError(.invalidArgument, "\(path): \(error.message)", remedy: "The file must hold one JSON object such as {\"KEY\": \"value\"}.")
    }
  }
}

extension String {
  /// The string with `\n`, `\t`, `\"` and `\\` escapes replaced.
  func replacingEscapes() -> String {
    var out = ""
    var escaped = false
    for character in self {
      if escaped {
        switch character {
        case "n": out.append("\n")
        case "t": out.append("\t")
        case "r": out.append("\r")
        default: out.append(character)
        }
        escaped = false
      } else if character == "\\" {
        escaped = true
      } else {
        out.append(character)
      }
    }
    return out
  }

  /// The string without leading and trailing white space and line breaks.
  func trimmingWhitespace() -> String {
    var scalars = Substring(self)
    while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
    while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
    return String(scalars)
  }
}
