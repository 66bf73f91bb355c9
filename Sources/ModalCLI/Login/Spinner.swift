import RPC
/// A one-line spinner with a changing message, drawn only when standard output is a terminal
/// (as rich's status is); on a pipe it draws nothing, so output stays plain and stable.
final class Spinner: Sendable {
  private static let frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
  private let console: any Console
  private let message: Locked<String>
  private let task: Locked<Task<Void, Never>?>

  /// Starts spinning with `text` when the console's output is a terminal.
  init(console: any Console, text: String) {
    self.console = console
    self.message = Locked(text)
    self.task = Locked(nil)
    guard console.isOutputTerminal else { return }
    console.write("\u{1B}[?25l")  // hide the cursor while spinning
    let message = self.message
    let spin = Task {
      var index = 0
      while !Task.isCancelled {
        let text = message.withLock({ $0 })
        console.write("\r\u{1B}[2K\u{1B}[32m\(Self.frames[index % Self.frames.count])\u{1B}[0m \(text)")
        index += 1
        try? await Task.sleep(for: .milliseconds(100))
      }
    }
    task.withLock { $0 = spin }
  }

  /// Changes the message.
  func update(_ text: String) { message.withLock { $0 = text } }

  /// Stops, clears the line and shows the cursor again; safe to call twice.
  func stop() async {
    guard let spin = task.withLock({ current -> Task<Void, Never>? in
      defer { current = nil }
      return current
    }) else { return }
    spin.cancel()
    await spin.value
    console.write("\r\u{1B}[2K\u{1B}[?25h")
  }
}
