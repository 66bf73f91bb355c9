import RPC
import Modal

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Runs the browser login of `modal setup`, `modal token new` and `modal token rotate` (spec 8.1):
/// anonymous `TokenFlowCreate`, the local page, the browser (or the URL and code to finish on
/// another device), the `TokenFlowWait` long poll, then ``TokenStorage``. Ctrl-C stops it cleanly.
struct LoginFlow {
  let invocation: Invocation

  /// What the login should do after the token arrives.
  struct Choices {
    var nextURL = ""
    var source = ""
    var expiresIn: UInt32 = 0
    var activate = true
    var verify = true
    var deleteExisting = false
  }

  /// Runs the flow; returns the exit code. Ctrl-C before the token is stored gives exit code 1
  /// and writes nothing; SIGTERM and SIGHUP do the same with 143 and 129. Once the config file
  /// was written, the login finishes (or reports what really happened) whatever arrives.
  func run(_ choices: Choices) async throws -> Int32 {
    let console = invocation.console
    let stored = Locked(false)
    let task = Task { () async throws -> Int32 in try await self.flow(choices, stored: stored) }
    let handler = console is StandardConsole ? InterruptHandler(cancelling: task) : nil
    defer { handler?.remove() }
    do {
      return try await task.value
    } catch {
      let cancelled = error is CancellationError || (error as? ModalError)?.code == .cancelled
      let signal = handler?.received.withLock({ $0 })
      guard cancelled || signal != nil, !stored.withLock({ $0 }) else { throw error }
      let how = signal.map(InterruptHandler.name(of:)) ?? "Ctrl-C"
      console.writeError("\nAborted! The login was cancelled (\(how)); no token was stored and the config file was not changed.\n")
      return signal.map { $0 == SIGINT ? 1 : 128 + $0 } ?? 1
    }
  }

  private func flow(_ choices: Choices, stored: Locked<Bool>) async throws -> Int32 {
    let console = invocation.console
    let config = try ModalConfig(host: invocation.host, profile: invocation.profile)
    let serverURL = try config.string(.serverURL) ?? Setting.defaultServerURL
    let tokenFlow = try TokenFlow(serverURL: serverURL)
    let page = try LocalFlowPage()
    defer { page.stop() }
    let started = try await tokenFlow.start(
      localhostPort: page.port, nextURL: choices.nextURL, utmSource: choices.source,
      expiresInSeconds: choices.expiresIn)
    page.publish(flowID: started.flowID)

    let style = TerminalStyle(enabled: console.isOutputTerminal)
    if await BrowserLauncher(environment: invocation.host.variables).open(started.webURL) {
      console.write("The web browser should have opened for you to authenticate and get an API token.\n")
      console.write("If it didn't, please copy this URL into your web browser manually:\n\n")
    } else {
      console.write(style.red("Was not able to launch web browser") + "\n")
      console.write("Please go to this URL manually and complete the flow:\n\n")
    }
    console.write(style.link(started.webURL) + "\n\n")
    if !started.code.isEmpty {
      console.write("Enter this code: \(style.bold(started.code))\n\n")
    }

    let spinner = Spinner(console: console, text: "Waiting for authentication in the web browser")
    let token: TokenFlow.Token
    do {
      token = try await tokenFlow.waitForToken(started) { attempt in
        spinner.update("Waiting for token flow to complete... (attempt \(attempt))")
      }
      await spinner.stop()
    } catch {
      await spinner.stop()
      throw error
    }
    page.stop()
    console.write(style.green("Web authentication finished successfully!") + "\n")
    if !token.workspace.isEmpty {
      console.write("Token is connected to the \(style.magenta(token.workspace)) workspace.\n")
    }
    try Task.checkCancellation()
    try await TokenStorage(invocation: invocation).store(
      tokenID: token.tokenID, tokenSecret: token.tokenSecret, source: .named("the token this login just received"),
      activate: choices.activate, verify: choices.verify, deleteExisting: choices.deleteExisting,
      onWritten: { stored.withLock { $0 = true } })
    return 0
  }
}
