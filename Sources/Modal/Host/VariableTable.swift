/// Environment variables as ``HostEnvironment`` keeps them: the process's own as read, in a list,
/// or a dictionary that a caller gave.
///
/// The list is there for start-up: the first dictionary of a process costs the Swift runtime more
/// (generic metadata and a conformance scan) than every variable lookup of a command, and most
/// commands only ask for a handful of variables (issue 19).
struct VariableTable: Sendable {
  private var names: [String] = []
  private var values: [String] = []
  private var given: [String: String]?

  /// The variables of a dictionary.
  init(_ dictionary: [String: String]) { given = dictionary }

  /// The variables of a list of names and values, in the process's order.
  init(names: [String], values: [String]) {
    self.names = names
    self.values = values
  }

  /// The value of `name`, if set.
  func value(of name: String) -> String? {
    if let given { return given[name] }
    // From the end: a name set twice has its last value, as when the list was a dictionary. The
    // lengths first: comparing integers is cheaper than comparing strings (`config show` looks
    // up every setting's variable among all of the process's).
    let length = name.utf8.count
    var index = names.count - 1
    while index >= 0 {
      if names[index].utf8.count == length && names[index] == name { return values[index] }
      index -= 1
    }
    return nil
  }

  /// Every variable, by name.
  var dictionary: [String: String] {
    if let given { return given }
    var result: [String: String] = [:]
    for index in 0..<names.count { result[names[index]] = values[index] }
    return result
  }
}
