import Modal

/// Opens a URL in the user's browser the way Python's `webbrowser` does for `modal token new`.
///
/// - `BROWSER` set: its first entry is used. A known graphical opener or browser (`xdg-open`,
///   `open`, `firefox`, `chromium`, …) is started in the background; any other command (`lynx`,
///   `/bin/false`, …) counts as "could not launch", as in Python, which refuses a generic
///   (possibly terminal) browser and shows the URL instead.
/// - Otherwise, with a display (`DISPLAY` or `WAYLAND_DISPLAY`) and `xdg-open` on `PATH`,
///   `xdg-open`; then `open` (macOS).
/// - Success: the opener started and did not fail within 0.3 seconds.
struct BrowserLauncher {
  let environment: [String: String]

  /// Openers that run a graphical browser in the background.
  static let graphical: Set<String> = [
    "xdg-open", "open", "gio", "gvfs-open", "kfmclient", "x-www-browser", "firefox", "firefox-esr",
    "chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "microsoft-edge", "brave-browser",
    "epiphany", "konqueror", "opera", "vivaldi", "safari",
  ]

  /// Tries to open `url`; returns whether a browser was launched.
  func open(_ url: String) async -> Bool {
    if let configured = environment["BROWSER"], !configured.isEmpty {
      guard let first = configured.split(separator: ":").first.map(String.init) else { return false }
      let words = first.split(separator: " ").map(String.init)
      guard let program = words.first else { return false }
      let name = program.split(separator: "/").last.map(String.init) ?? program
      guard Self.graphical.contains(name) else { return false }
      let arguments = words.dropFirst().map { $0 == "%s" ? url : $0 }
      return await launch(program, arguments.contains(url) ? Array(arguments) : arguments + [url])
    }
    #if os(macOS)
      return await launch("open", [url])
    #else
      let hasDisplay = environment["DISPLAY"].map { !$0.isEmpty } ?? false
        || environment["WAYLAND_DISPLAY"].map { !$0.isEmpty } ?? false
      if hasDisplay, await launch("xdg-open", [url]) { return true }
      if Subprocess.resolve("open", environment: environment) != nil, hasDisplay { return await launch("open", [url]) }
      return false
    #endif
  }

  private func launch(_ program: String, _ arguments: [String]) async -> Bool {
    guard let pid = Subprocess.launch(program, arguments, environment: environment) else { return false }
    for _ in 0..<6 {
      try? await Task.sleep(for: .milliseconds(50))
      if let status = Subprocess.exitStatus(of: pid) { return status == 0 }
    }
    return true
  }
}
