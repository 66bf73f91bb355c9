/// A shell that ``CompletionScript`` writes a completion script for.
public enum CompletionShell: String, Sendable, CaseIterable {
  /// GNU bash (`complete -F`).
  case bash
  /// Z shell (`#compdef`).
  case zsh
  /// fish (`complete -c`).
  case fish

  /// The hidden option that asks for a script: `--generate-completion-script SHELL`.
  public static let optionName = "--generate-completion-script"

  /// The shell asked for when `words` starts with ``optionName``, or nil when it does not.
  static func requested(in words: [String], rootName: String) throws(UsageError) -> CompletionShell? {
    guard let first = words.first, first == optionName || first.hasPrefix(optionName + "=") else { return nil }
    let given = first == optionName ? (words.count > 1 ? words[1] : nil) : String(first.dropFirst(optionName.count + 1))
    guard let given else {
      throw UsageError("Option '\(optionName)' requires an argument.", commandPath: [rootName])
    }
    guard let shell = CompletionShell(rawValue: given) else {
      throw UsageError(
        "Invalid value for '\(optionName)': '\(given)' is not one of 'bash', 'zsh', 'fish'.", commandPath: [rootName])
    }
    return shell
  }
}

/// Shell completion scripts made from a command tree's declarations.
///
/// They offer subcommands, options (with their help where the shell shows it) and file names after
/// options that take a value. Hidden commands and options are left out.
public enum CompletionScript {
  /// The script for `shell` that completes the executable named by `root`.
  public static func make<Context>(_ shell: CompletionShell, for root: Command<Context>) -> String {
    let tree = CompletionTree(root)
    switch shell {
    case .bash: return BashCompletion(tree: tree).script()
    case .zsh: return ZshCompletion(tree: tree).script()
    case .fish: return FishCompletion(tree: tree).script()
    }
  }
}

/// The visible part of a command tree, flattened for the script writers.
struct CompletionTree {
  /// One command: its path joined by spaces (`modal token new`), the words that follow it.
  struct Node {
    let path: String
    let abstract: String
    let subcommands: [(name: String, abstract: String)]
    let options: [OptionDeclaration]

    /// The words of the options that take a value (after which file names are offered).
    var valueWords: [String] {
      options.filter { if case .value = $0.kind { true } else { false } }
        .flatMap { [$0.name] + ($0.shortName.map { [$0] } ?? []) }
    }
  }

  /// The executable's name, e.g. `modal-server`.
  let name: String
  /// Every visible command, the root first.
  let nodes: [Node]

  init<Context>(_ root: Command<Context>) {
    name = root.name
    let globals = root.globalOptions.filter { !$0.isHidden }
    nodes = root.allCommands().filter { entry in
      // A command is visible when no command on its path is hidden.
      (1..<entry.path.count + 1).allSatisfy { root.command(at: Array(entry.path.prefix($0)))?.isHidden != true }
    }.map { path, command in
      Node(
        path: path.joined(separator: " "), abstract: command.abstract,
        subcommands: command.subcommands.filter { !$0.isHidden }.map { ($0.name, $0.abstract) },
        options: command.options.filter { !$0.isHidden } + globals)
    }
  }

  /// A `case` pattern matching the path of every command below the root: `"a b"|"a c"`.
  var casePattern: String {
    let paths = nodes.dropFirst().map { "\"\($0.path)\"" }
    return paths.isEmpty ? "\"\"" : paths.joined(separator: "|")
  }

  /// A name usable in shell function names: `modal-server` → `modal_server`.
  var identifier: String {
    String(name.map { $0.isLetter || $0.isNumber ? $0 : "_" })
  }
}
