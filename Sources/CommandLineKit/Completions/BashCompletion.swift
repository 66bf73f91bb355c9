/// Writes a bash completion script: `_<name>` walks the words before the cursor to find the
/// command path, then offers that command's subcommands and options, or file names after an
/// option that takes a value.
struct BashCompletion {
  let tree: CompletionTree

  func script() -> String {
    let function = "_" + tree.identifier
    var out = """
      # bash completion for \(tree.name); load with: source <(\(tree.name) --generate-completion-script bash)
      \(function)() {
        local cur="${COMP_WORDS[COMP_CWORD]}" prev="" path="\(tree.name)" i words="" values=""
        if (( COMP_CWORD > 0 )); then prev="${COMP_WORDS[COMP_CWORD-1]}"; fi
        for (( i = 1; i < COMP_CWORD; i++ )); do
          case "$path ${COMP_WORDS[i]}" in
            \(tree.casePattern)) path="$path ${COMP_WORDS[i]}" ;;
          esac
        done
        case "$path" in

      """
    for node in tree.nodes {
      let options = node.options.flatMap(\.words) + ["--help"]
      out += "      \"\(node.path)\")\n"
      out += "        words=\"\((node.subcommands.map(\.name) + options).joined(separator: " "))\"\n"
      out += "        values=\"\(node.valueWords.joined(separator: " "))\" ;;\n"
    }
    out += """
        esac
        if [[ -n "$prev" && " $values " == *" $prev "* ]]; then
          COMPREPLY=( $(compgen -f -- "$cur") )
          return 0
        fi
        COMPREPLY=( $(compgen -W "$words" -- "$cur") )
      }
      complete -F \(function) \(tree.name)

      """
    return out
  }
}
