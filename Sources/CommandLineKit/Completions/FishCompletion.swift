import TextSearch

/// Writes a fish completion script: a function prints the command path of the words typed so
/// far, and each `complete` line applies to one path.
struct FishCompletion {
  let tree: CompletionTree

  func script() -> String {
    let function = "__\(tree.identifier)_command_path"
    let paths = tree.nodes.dropFirst().map { quote($0.path) }.joined(separator: " ")
    var out = """
      # fish completion for \(tree.name); load with: \(tree.name) --generate-completion-script fish | source
      function \(function)
          set -l path \(quote(tree.name))
          for word in (commandline -opc)[2..-1]
              switch "$path $word"
                  case \(paths.isEmpty ? "''" : paths)
                      set path "$path $word"
              end
          end
          echo $path
      end
      complete -c \(tree.name) -f

      """
    for node in tree.nodes {
      let condition = "-n " + quote("test (\(function)) = \(quote(node.path))")
      for command in node.subcommands {
        out += "complete -c \(tree.name) \(condition) -a \(quote(command.name)) -d \(quote(command.abstract))\n"
      }
      for option in node.options {
        out += "complete -c \(tree.name) \(condition) \(flags(option)) -d \(quote(option.help))\n"
        if case .toggle(let negation) = option.kind {
          out += "complete -c \(tree.name) \(condition) -l \(quote(String(negation.dropFirst(2)))) -d \(quote(option.help))\n"
        }
      }
    }
    return out
  }

  /// `-l name`, `-s x` and `-r -F` (a value, file names offered) for one option.
  private func flags(_ option: OptionDeclaration) -> String {
    var parts = ["-l " + quote(String(option.name.drop { $0 == "-" }))]
    if let short = option.shortName { parts.append("-s " + quote(String(short.drop { $0 == "-" }))) }
    if case .value = option.kind { parts.append("-r -F") }
    return parts.joined(separator: " ")
  }

  private func quote(_ text: String) -> String {
    "'" + text.replacing(text: "\\", with: "\\\\").replacing(text: "'", with: "\\'") + "'"
  }
}
