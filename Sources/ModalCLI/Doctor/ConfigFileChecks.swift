import Modal

/// `modal doctor`'s config-file checks: exists, parses, profile selection, file mode, leftover
/// temporary files, git.
struct ConfigFileChecks {
  let invocation: Invocation

  /// Adds the findings; returns the loaded configuration when the file is usable.
  func run(into report: inout DoctorReport) -> ModalConfig? {
    let host = invocation.host
    let path = ConfigFile.path(in: host)
    let origin = host.variables["MODAL_CONFIG_PATH"].map { $0.isEmpty ? "" : " (from MODAL_CONFIG_PATH)" } ?? ""
    let config: ModalConfig
    do {
      config = try ModalConfig(host: host, profile: invocation.profile)
    } catch {
      // A parse error names a line (`path:line:column: …`); a file that cannot be read does not.
      let namesLine = error.message.hasPrefix(path + ":") && error.message.dropFirst(path.count + 1).first?.isNumber == true
      let quoted = ShellQuoting.quote(path)
      report.add(
        "config", "config.parse", .problem, "The config file cannot be used: \(error.message)",
        fix: namesLine
          ? "Fix the line named above in \(path), or move the file aside (`mv \(quoted) \(ShellQuoting.quote(path + ".broken"))`) and run `modal setup`."
          : error.remedy ?? "Check \(path) (`ls -l \(quoted)`), or point MODAL_CONFIG_PATH at another file.")
      return nil
    }
    guard config.file.exists else {
      let hasEnvironment = host.modalVariable("MODAL_TOKEN_ID") != nil && host.modalVariable("MODAL_TOKEN_SECRET") != nil
      report.add(
        "config", "config.exists", hasEnvironment ? .info : .problem,
        "There is no config file at \(path)\(origin).",
        fix: hasEnvironment ? nil : "Run `modal setup` to log in and create it (or `modal token set` with a token you have).")
      checkLeftovers(path, fileSystem: host.fileSystem, into: &report)
      return config
    }
    report.add("config", "config.exists", .ok, "Config file \(path)\(origin) exists and parses (\(config.file.profileNames.count) profile\(config.file.profileNames.count == 1 ? "" : "s")).")

    do {
      try config.checkProfiles()
      let selection = config.selection
      if config.file.profile(selection.name) == nil && selection.reason != .implicitDefault {
        report.add(
          "config", "config.profile", .problem,
          "Profile '\(selection.name)' (\(selection.explanation)) is not in \(path); it has: \(config.file.profileNames.joined(separator: ", ")).",
          fix: "Run `modal profile list`, then `modal profile activate NAME`, or unset MODAL_PROFILE.")
      } else {
        report.add("config", "config.profile", .ok, "Profile '\(selection.name)' is selected (\(selection.explanation)).")
      }
    } catch {
      report.add("config", "config.profile", .problem, error.message, fix: "Run `modal profile activate NAME` to leave exactly one profile active.")
    }

    checkMode(path, fileSystem: host.fileSystem, into: &report)
    checkLeftovers(path, fileSystem: host.fileSystem, into: &report)
    GitCheck(path: path, environment: host.variables).run(into: &report)
    return config
  }

  /// The mode of a regular file; `/dev/null` (an empty configuration) holds no secret to protect.
  private func checkMode(_ path: String, fileSystem: any FileSystem, into report: inout DoctorReport) {
    guard let info = fileSystem.fileInfo(atPath: path), info.isRegularFile else { return }
    let mode = Int(info.permissions) & 0o777
    let octal = String(mode, radix: 8)
    if mode & 0o077 != 0 {
      let who = mode & 0o007 != 0 ? "every user of this machine" : "the file's group"
      report.add(
        "config", "config.mode", .warning, "\(path) has mode \(octal): \(who) can read the token secret in it.",
        fix: "chmod 600 \(ShellQuoting.quote(path))")
    } else {
      report.add("config", "config.mode", .ok, "Only you can read \(path) (mode \(octal)).")
    }
  }
}

extension ConfigFileChecks {
  /// Temporary files a killed write left beside the config file (`config.temporary`, only when
  /// there are some): they hold every profile's secret. The next write removes them too.
  func checkLeftovers(_ path: String, fileSystem: any FileSystem, into report: inout DoctorReport) {
    guard fileSystem is LocalFileSystem else { return }
    let leftovers = StaleTemporaryFiles.find(besides: path)
    guard !leftovers.isEmpty else { return }
    let count = leftovers.count == 1 ? "A temporary file" : "\(leftovers.count) temporary files"
    report.add(
      "config", "config.temporary", .warning,
      "\(count) left by an interrupted write of the config file may hold token secrets: \(leftovers.joined(separator: ", ")).",
      fix: "rm -- \(leftovers.map(ShellQuoting.quote).joined(separator: " "))   (any `modal token set` or `modal profile activate` removes them as well)")
  }
}

/// Whether the config file sits in a git work tree without being ignored (`git rev-parse`,
/// `git check-ignore`, `git ls-files`), which is how secrets end up in repositories.
struct GitCheck {
  let path: String
  let environment: [String: String]

  func run(into report: inout DoctorReport) {
    let folder = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
    let directory = folder.isEmpty ? "/" : folder
    guard Subprocess.resolve("git", environment: environment) != nil else {
      report.add("config", "config.git", .info, "git is not installed, so the config file's git status was not checked.")
      return
    }
    guard let top = git(["-C", directory, "rev-parse", "--show-toplevel"]), top.status == 0 else {
      report.add("config", "config.git", .ok, "The config file is not inside a git work tree.")
      return
    }
    let root = top.stdout.trimmingWhitespace()
    let relative = path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
    let ignore = "echo \(ShellQuoting.quote("/" + Self.gitignorePattern(relative))) >> \(ShellQuoting.quote(root + "/.gitignore"))"
    if let tracked = git(["-C", root, "ls-files", "--error-unmatch", "--", relative]), tracked.status == 0 {
      let untrack = "git -C \(ShellQuoting.quote(root)) rm --cached -- \(ShellQuoting.quote(relative)) && \(ignore)"
      let history = git(["-C", root, "rev-list", "-1", "HEAD", "--", relative])
      if history?.status == 0 && history?.stdout.trimmingWhitespace().isEmpty == false {
        report.add(
          "config", "config.git", .problem,
          "\(path) is tracked by the git repository at \(root): its token secret is in the repository's history.",
          fix: "\(untrack), then `modal token rotate` (the old secret stays in the history)")
      } else {
        report.add(
          "config", "config.git", .problem,
          "\(path) is staged in the git repository at \(root) (git add) but not committed yet: the next commit would hold its token secret.",
          fix: untrack)
      }
      return
    }
    if let ignored = git(["-C", root, "check-ignore", "-q", "--", relative]), ignored.status == 0 {
      report.add("config", "config.git", .ok, "The config file is inside the git work tree \(root) and ignored by git.")
      return
    }
    report.add(
      "config", "config.git", .warning,
      "\(path) is inside the git work tree \(root) and not ignored: `git add .` would commit the token secret.",
      fix: ignore)
  }

  /// A path as a .gitignore pattern that matches only itself: `\`, `*`, `?` and `[` escaped.
  static func gitignorePattern(_ relative: String) -> String {
    var pattern = ""
    for character in relative {
      if "\\*?[".contains(character) { pattern.append("\\") }
      pattern.append(character)
    }
    if pattern.hasSuffix(" ") { pattern = String(pattern.dropLast()) + "\\ " }
    return pattern
  }

  private func git(_ arguments: [String]) -> Subprocess.Result? {
    Subprocess.run("git", arguments, environment: environment, timeout: .seconds(10))
  }
}
