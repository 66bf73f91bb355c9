import CommandLineKit
import Foundation
import TOML

/// `serve --config FILE`: serve's options from a TOML file, so a deployment does not live in a
/// command line.
///
/// Each top-level key is the name of one of serve's options without its leading dashes
/// (`grpc-address = "0.0.0.0:50051"`, `database-pool = 16`, `disable-signup = true`). The file
/// is turned into the options the command line does not give, placed before them, and then the
/// command line is parsed as usual: so every option of the file is converted and checked by the
/// same declaration as its flag, and a flag given on the command line overrides the file. An
/// unknown key, a value of the wrong TOML type or an invalid value is refused with
/// `FILE:LINE:COLUMN` and what to write instead.
enum ServeConfigFile {
  /// `--config FILE`.
  static let option = Option<String?>(
    "--config", placeholder: "FILE", help: "Read serve's options from a TOML file (options given override it)")

  /// Keys that name an option but cannot stand in the file.
  private static let refusedKeys: Set<String> = ["config", "help"]

  /// `arguments` (a `serve` command line without the program name) with the options of the file
  /// `--config` names added, for each option the command line does not give; `arguments`
  /// unchanged without `--config`.
  static func expand(_ arguments: [String], options: [OptionDeclaration]) throws(ServerError) -> [String] {
    guard let path = configPath(in: arguments) else { return arguments }
    let document = try load(path)
    let given = givenOptions(arguments, options: options)
    var added: [String] = []
    for (key, value) in document.table.entries {
      let place = location(of: key, in: document, path: path)
      guard !refusedKeys.contains(key), let option = options.first(where: { $0.name == "--" + key }) else {
        throw unknownKey(key, at: place, options: options)
      }
      guard !given.contains(option.name) else { continue }
      added += try words(for: option, key: key, value: value, at: place)
    }
    return Array(arguments.prefix(1)) + added + arguments.dropFirst()
  }

  /// The value of `--config FILE` or `--config=FILE` before any `--`.
  static func configPath(in arguments: [String]) -> String? {
    for (index, word) in arguments.enumerated() {
      if word == "--" { return nil }
      if word == option.declaration.name, index + 1 < arguments.count { return arguments[index + 1] }
      if word.hasPrefix(option.declaration.name + "=") { return String(word.dropFirst(option.declaration.name.count + 1)) }
    }
    return nil
  }

  private static func load(_ path: String) throws(ServerError) -> TOMLDocument {
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw ServerError(.invalidArgument, "Could not read the configuration file \(path): \(error.localizedDescription)")
    }
    do {
      return try TOMLDocument(text)
    } catch {
      throw ServerError(.invalidArgument, "\(path):\(error.line):\(error.column): \(error.message)")
    }
  }

  /// The long names of the options `arguments` gives (`--name value` or `--name=value`).
  private static func givenOptions(_ arguments: [String], options: [OptionDeclaration]) -> Set<String> {
    var names: Set<String> = []
    for word in arguments.dropFirst() {
      if word == "--" { break }
      guard word.hasPrefix("-") else { continue }
      let name = String(word.prefix { $0 != "=" })
      if let option = options.first(where: { $0.matches(name) }) { names.insert(option.name) }
    }
    return names
  }

  /// The command-line words for `key = value`: `--name=text` for an option with a value (a TOML
  /// string, or an integer for the numeric ones), the flag itself for `true`, nothing for `false`.
  private static func words(for option: OptionDeclaration, key: String, value: TOMLValue, at place: String) throws(ServerError)
    -> [String]
  {
    switch (option.kind, value) {
    case (.flag, .boolean(let on)):
      return on ? [option.name] : []
    case (.toggle(let negation), .boolean(let on)):
      return [on ? option.name : negation]
    case (.value(let placeholder), _):
      guard let text = scalarText(value) else {
        throw ServerError(
          .invalidArgument, "\(place): \(key) takes \(placeholder), written as a TOML string (or a number), not \(describe(value)).")
      }
      do {
        try option.check(text)
      } catch {
        throw ServerError(.invalidArgument, "\(place): \(error.message)")
      }
      return [option.name + "=" + text]
    default:
      throw ServerError(.invalidArgument, "\(place): \(key) is a switch: write \(key) = true or \(key) = false, not \(describe(value)).")
    }
  }

  private static func unknownKey(_ key: String, at place: String, options: [OptionDeclaration]) -> ServerError {
    let keys = options.map { String($0.name.dropFirst(2)) }.filter { !refusedKeys.contains($0) }
    let dashed = key.replacingOccurrences(of: "_", with: "-").lowercased()
    let hint = keys.contains(dashed) && dashed != key ? " Did you mean \(dashed)?" : ""
    return ServerError(
      .invalidArgument,
      "\(place): unknown key '\(key)'.\(hint) The keys are serve's options without the leading dashes, at the top level: "
        + "\(keys.joined(separator: ", ")) (see deploy/modal-server.toml).")
  }

  /// `FILE:LINE:COLUMN` of `key`, or `FILE` when it is not written as a statement of its own.
  private static func location(of key: String, in document: TOMLDocument, path: String) -> String {
    guard let place = document.location(ofKey: [key]) else { return path }
    return "\(path):\(place.line):\(place.column)"
  }

  /// A string as it is, an integer in decimal; nil for every other type.
  private static func scalarText(_ value: TOMLValue) -> String? {
    switch value {
    case .string(let text): text
    case .integer(let number): String(number)
    default: nil
    }
  }

  private static func describe(_ value: TOMLValue) -> String {
    switch value {
    case .string: "a string"
    case .integer: "an integer"
    case .float: "a float"
    case .boolean: "a boolean"
    case .dateTime: "a date"
    case .array: "an array"
    case .table: "a table"
    }
  }
}
