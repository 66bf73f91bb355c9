import Foundation
import Testing
import TestSupport

/// The command line in a real pseudo-terminal (Python's `pty` module): hidden prompts never echo
/// the secret, and the login shows its spinner and colours only there.
@Suite(.serialized) struct TerminalTests {
  let folder = TemporaryFolder()

  /// Drives a child in a pseudo-terminal: answers each prompt when it appears (an answer `!SIGTERM`
  /// sends that signal instead), records everything the terminal showed in a file (rewritten as it
  /// grows), and exits with the child's status.
  static let driver = """
    import json, os, pty, select, signal, sys, time
    args, env, steps, log = json.loads(sys.argv[1]), json.loads(sys.argv[2]), json.loads(sys.argv[3]), sys.argv[4]
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(args[0], args, env)
    out, step, deadline = b"", 0, time.time() + 90
    while time.time() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b""
            if not data:
                break
            out += data
            open(log, "wb").write(out)
        if step < len(steps) and steps[step][0].encode() in out:
            time.sleep(0.1)
            if steps[step][1].startswith("!SIG"):
                os.kill(pid, getattr(signal, steps[step][1][1:]))
            else:
                os.write(fd, steps[step][1].encode())
            step += 1
    _, status = os.waitpid(pid, 0)
    open(log, "wb").write(out)
    sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
    """

  /// Starts `modal` in a pseudo-terminal; returns the process and the path of its terminal log.
  func start(_ arguments: [String], environment: [String: String], answers: [(String, String)]) throws -> (Process, String) {
    let script = folder.write(Self.driver, to: "pty_driver.py")
    let log = folder.path + "/terminal-\(UUID().uuidString).log"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    let args = try String(decoding: JSONSerialization.data(withJSONObject: [ProcessRunner.product("modal")] + arguments), as: UTF8.self)
    let env = try String(decoding: JSONSerialization.data(withJSONObject: environment), as: UTF8.self)
    let steps = try String(decoding: JSONSerialization.data(withJSONObject: answers.map { [$0.0, $0.1] }), as: UTF8.self)
    process.arguments = [script, args, env, steps, log]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return (process, log)
  }

  func finish(_ process: Process, timeout: Double = 100) async -> Int32? {
    let end = Date().addingTimeInterval(timeout)
    while process.isRunning {
      if Date() > end {
        process.terminate()
        return nil
      }
      try? await Task.sleep(for: .milliseconds(50))
    }
    return process.terminationStatus
  }

  func read(_ log: String) -> String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

  @Test func tokenSetPromptHidesTheSecret() async throws {
    let secret = "as-SECRETsecretSECRET0123"
    let (process, log) = try start(
      ["token", "set", "--token-id", "ak-TERMINAL0000000000000000", "--profile", "tty", "--no-verify"],
      environment: ["PATH": "/usr/bin:/bin", "HOME": folder.path, "TERM": "xterm"],
      answers: [("Token secret: ", secret + "\r")])
    let status = await finish(process)
    let screen = read(log)
    #expect(status == 0, "\(screen)")
    #expect(screen.contains("Token secret: "))
    #expect(!screen.contains(secret) && !screen.contains("SECRETsecret"), "\(screen)")
    #expect(folder.read()?.contains("token_secret = \"\(secret)\"") == true)
  }

  @Test func secretCreatePromptHidesTheValue() async throws {
    let server = try ModalServerProcess(in: folder)
    let value = "hunter2-very-secret-value"
    let (process, log) = try start(
      ["secret", "create", "tty-secret", "PASSWORD=-"],
      environment: [
        "PATH": "/usr/bin:/bin", "HOME": folder.path, "TERM": "xterm", "MODAL_SERVER_URL": server.url,
        "MODAL_TOKEN_ID": server.tokenID, "MODAL_TOKEN_SECRET": server.tokenSecret,
      ],
      answers: [("Value for PASSWORD: ", value + "\r")])
    let status = await finish(process)
    let screen = read(log)
    #expect(status == 0, "\(screen)")
    #expect(screen.contains("Created a new secret 'tty-secret' with the key 'PASSWORD'"))
    #expect(!screen.contains(value) && !screen.contains(server.tokenSecret))
  }

  @Test func loginShowsSpinnerAndColoursOnATerminal() async throws {
    let server = try ModalServerProcess(in: folder)
    let (process, log) = try start(
      ["token", "new"],
      environment: ["PATH": "/usr/bin:/bin", "HOME": folder.path, "TERM": "xterm", "BROWSER": "/bin/false", "MODAL_SERVER_URL": server.url],
      answers: [])
    var code: String?
    let end = Date().addingTimeInterval(60)
    while code == nil && Date() < end {
      code = read(log).firstMatch(of: /Enter this code: \e\[1m([A-Z]{4}-[A-Z]{4})/).map { String($0.1) }
      try await Task.sleep(for: .milliseconds(50))
    }
    let found = try #require(code, "\(read(log))")
    let spinning = Date().addingTimeInterval(10)
    while !read(log).contains("Waiting for authentication in the web browser") && Date() < spinning {
      try await Task.sleep(for: .milliseconds(50))
    }
    #expect(try server.approve(code: found).status == 0)
    let status = await finish(process)
    let screen = read(log)
    #expect(status == 0, "\(screen)")
    #expect(screen.contains("\u{1B}[31mWas not able to launch web browser\u{1B}[0m"))
    #expect(screen.contains("Waiting for authentication in the web browser"))
    #expect(screen.contains("\u{1B}[?25l") && screen.contains("\u{1B}[?25h"), "cursor hidden, then restored")
    #expect(screen.contains("\u{1B}[32mWeb authentication finished successfully!\u{1B}[0m"))
    let secret = try #require(folder.read()?.firstMatch(of: /token_secret = "(as-[A-Za-z0-9]+)"/)).1
    #expect(!screen.contains(String(secret)))
  }

  /// SIGTERM (a closed terminal window, a process manager) stops the login as Ctrl-C does: the
  /// cursor comes back and nothing is written; the exit status says which signal.
  @Test func sigtermDuringTheLoginRestoresTheTerminal() async throws {
    let server = try ModalServerProcess(in: folder)
    let (process, log) = try start(
      ["token", "new"],
      environment: ["PATH": "/usr/bin:/bin", "HOME": folder.path, "TERM": "xterm", "BROWSER": "/bin/false", "MODAL_SERVER_URL": server.url],
      answers: [("Waiting for authentication in the web browser", "!SIGTERM")])
    let status = await finish(process)
    let screen = read(log)
    #expect(status == 143, "\(screen)")
    let hidden = try #require(screen.range(of: "\u{1B}[?25l"), "\(screen)")
    #expect(screen[hidden.upperBound...].contains("\u{1B}[?25h"), "the cursor is shown again: \(screen)")
    #expect(screen.contains("Aborted! The login was cancelled (SIGTERM); no token was stored"))
    #expect(folder.read() == nil)
  }
}
