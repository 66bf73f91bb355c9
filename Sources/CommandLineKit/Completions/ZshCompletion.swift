import TextSearch

/// Writes a zsh completion script (`#compdef`): the command path is found from the words before
/// the cursor, then subcommands and options are offered with their help as descriptions.
struct ZshCompletion {
  let tree: CompletionTree

  func script() -> String {
    let function = "_" + tree.identifier
    var out = """
      #compdef \(tree.name)
      # zsh completion for \(tree.name); save as _\(tree.name) in a folder of $fpath.
      \(function)() {
        local path_="\(tree.name)" i
        local -a commands options values
        for (( i = 2; i < CURRENT; i++ )); do
          case "$path_ ${words[i]}" in
            \(tree.casePattern)) path_="$path_ ${words[i]}" ;;
          esac
        done
        case "$path_" in

      """
    for node in tree.nodes {
      let commands = node.subcommands.map { quote("\(escape($0.name)):\(escape($0.abstract))") }
      let options = (node.options.flatMap { option in option.words.map { (word: $0, help: option.help) } }
        + [("--help", "Show this message and exit.")]).map { quote("\(escape($0.word)):\(escape($0.help))") }
      out += "      \(quote(node.path)))\n"
      out += "        commands=(\(commands.joined(separator: " ")))\n"
      out += "        options=(\(options.joined(separator: " ")))\n"
      out += "        values=(\(node.valueWords.map(quote).joined(separator: " "))) ;;\n"
    }
    out += """
        esac
        if (( CURRENT > 1 && ${values[(Ie)${words[CURRENT-1]}]} )); then
          _files
        elif [[ $PREFIX == -* ]]; then
          _describe -t options option options
        else
          _describe -t commands command commands
        fi
      }
      if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
        \(function) "$@"
      else
        compdef \(function) \(tree.name)
      fi

      """
    return out
  }

  /// Escapes a `_describe` item: a colon separates the word from its description.
  private func escape(_ text: String) -> String {
    text.replacing(text: "\\", with: "\\\\").replacing(text: ":", with: "\\:")
  }

  private func quote(_ text: String) -> String {
    "'" + text.replacing(text: "'", with: "'\\''") + "'"
  }
}
