import CShims

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Runs a program without a shell unless asked: `posix_spawn`, pipes for its output, a time limit.
///
/// Used for `token_secret_command`, `git` (by `modal doctor`) and opening the browser. It blocks
/// the calling thread while the program runs; the time limit bounds that.
package enum Subprocess {
  /// What a finished program printed and how it ended.
  package struct Result: Sendable, Equatable {
    /// The exit status, or 128 + the signal number when a signal ended it.
    package let status: Int32
    /// Standard output (at most `maxOutput` bytes are kept).
    package let stdout: String
    /// Standard error (at most `maxOutput` bytes are kept).
    package let stderr: String
    /// Whether the time limit passed and the program was killed.
    package let timedOut: Bool
  }

  /// Runs `executable` (a path, or a name looked up in `PATH`) with arguments and waits for it.
  ///
  /// - Parameters:
  ///   - executable: The program, e.g. `/bin/sh` or `git`.
  ///   - arguments: Its arguments, without the program name.
  ///   - environment: Its variables; exactly these.
  ///   - timeout: How long it may run before it is killed (SIGKILL).
  ///   - maxOutput: How many bytes of each stream to keep.
  ///   - input: What the program reads on standard input (at most ``maximumInput`` bytes), or nil
  ///     for `/dev/null`.
  /// - Returns: nil when the program cannot be started (not found, not executable), or `input` is
  ///   too long.
  package static func run(
    _ executable: String, _ arguments: [String], environment: [String: String], timeout: Duration = .seconds(10),
    maxOutput: Int = 1 << 20, input: [UInt8]? = nil
  ) -> Result? {
    var out: [UInt8] = []
    var err: [UInt8] = []
    let ended = stream(
      executable, arguments, environment: environment, input: input, timeout: timeout,
      onOutput: { chunk in if out.count < maxOutput { out += chunk.prefix(maxOutput - out.count) } },
      onError: { chunk in if err.count < maxOutput { err += chunk.prefix(maxOutput - err.count) } })
    guard let ended else { return nil }
    return Result(
      status: ended.status, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self),
      timedOut: ended.timedOut)
  }

  /// Runs `executable` and hands its output to `onOutput` and `onError` as it arrives, so output
  /// larger than memory (`git cat-file --batch` over a whole history) can be processed in a stream.
  ///
  /// - Parameters:
  ///   - standardInput: A file to read standard input from; `/dev/null` when nil (and no `input`).
  ///   - input: Bytes to feed to standard input instead (at most ``maximumInput``).
  ///   - onOutput: Called with each chunk of standard output, in order.
  ///   - onError: Called with each chunk of standard error, in order.
  /// - Returns: How it ended (status as in ``Result/status``), or nil when it cannot be started.
  package static func stream(
    _ executable: String, _ arguments: [String], environment: [String: String], standardInput: String? = nil,
    input: [UInt8]? = nil, timeout: Duration, onOutput: (UnsafeRawBufferPointer) -> Void, onError: (UnsafeRawBufferPointer) -> Void
  ) -> (status: Int32, timedOut: Bool)? {
    guard let path = resolve(executable, environment: environment) else { return nil }
    var stdin: Int32 = -1
    if let input {
      guard let readEnd = filledPipe(input) else { return nil }
      stdin = readEnd
    } else if let standardInput {
      stdin = cshims_open(standardInput, O_RDONLY | O_CLOEXEC, 0)
      guard stdin >= 0 else { return nil }
    }
    defer { if stdin >= 0 { close(stdin) } }
    var outPipe: [Int32] = [0, 0]
    var errPipe: [Int32] = [0, 0]
    guard closeOnExecPipe(&outPipe) else { return nil }
    guard closeOnExecPipe(&errPipe) else {
      close(outPipe[0])
      close(outPipe[1])
      return nil
    }
    let pid = spawn(path, arguments, environment: environment, stdin: stdin, stdout: outPipe[1], stderr: errPipe[1])
    close(outPipe[1])
    close(errPipe[1])
    guard let pid else {
      close(outPipe[0])
      close(errPipe[0])
      return nil
    }
    var open = [outPipe[0], errPipe[0]]
    let deadline = ContinuousClock.now + timeout
    var timedOut = false
    var buffer = [UInt8](repeating: 0, count: 65536)
    while !open.isEmpty {
      let remaining = deadline - ContinuousClock.now
      if remaining <= .zero {
        timedOut = true
        kill(pid, SIGKILL)
        break
      }
      var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
      let millis = Int32(clamping: remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
      let ready = poll(&fds, nfds_t(fds.count), min(millis, 200))
      if ready < 0 && cshims_errno() != EINTR { break }
      for entry in fds where entry.revents != 0 {
        let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
        if count <= 0 {
          close(entry.fd)
          open.removeAll { $0 == entry.fd }
        } else {
          buffer.withUnsafeBytes { bytes in
            let chunk = UnsafeRawBufferPointer(rebasing: bytes[..<count])
            if entry.fd == outPipe[0] { onOutput(chunk) } else { onError(chunk) }
          }
        }
      }
    }
    for fd in open { close(fd) }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && cshims_errno() == EINTR {}
    let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    return (exit, timedOut)
  }

  /// Starts a program in the background with its output discarded, in its own process group.
  ///
  /// - Returns: The process id, or nil when it cannot be started.
  package static func launch(_ executable: String, _ arguments: [String], environment: [String: String]) -> Int32? {
    guard let path = resolve(executable, environment: environment) else { return nil }
    let null = cshims_open("/dev/null", O_RDWR, 0)
    defer { if null >= 0 { close(null) } }
    return spawn(path, arguments, environment: environment, stdout: null, stderr: null, newSession: true)
  }

  /// The exit status of a launched program if it has ended (reaping it), nil while it runs.
  package static func exitStatus(of pid: Int32) -> Int32? {
    var status: Int32 = 0
    let result = waitpid(pid, &status, WNOHANG)
    guard result == pid else { return result < 0 ? 127 : nil }
    return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
  }

  /// A pipe whose two ends are closed in every program this process starts (the child gets
  /// copies on 1 and 2 through `dup2`, which clears the flag). Without it, a program started at the
  /// same moment by another thread inherits this pipe's write end, and the read below waits for
  /// that unrelated program to exit: a `sleep 30` run beside it held a command's output open for
  /// 30 s.
  private static func closeOnExecPipe(_ ends: inout [Int32]) -> Bool {
    cshims_pipe_cloexec(&ends) == 0
  }

  /// The most a program is given on standard input: what a pipe holds without a reader.
  package static let maximumInput = 8 * 1024

  /// The read end of a pipe already holding `input`, its write end closed: written before the
  /// program starts, so a program that exits without reading cannot stop this process with SIGPIPE
  /// and a program that reads slowly cannot block it. Nil when `input` is too long or no pipe.
  private static func filledPipe(_ input: [UInt8]) -> Int32? {
    guard input.count <= maximumInput else { return nil }
    var ends: [Int32] = [0, 0]
    guard closeOnExecPipe(&ends) else { return nil }
    var written = 0
    while written < input.count {
      let count = input.withUnsafeBytes { write(ends[1], $0.baseAddress! + written, input.count - written) }
      if count < 0 && cshims_errno() == EINTR { continue }
      guard count > 0 else {
        close(ends[0])
        close(ends[1])
        return nil
      }
      written += count
    }
    close(ends[1])
    return ends[0]
  }

  /// The full path of a program: as given when it contains a slash, else the first match in `PATH`.
  package static func resolve(_ executable: String, environment: [String: String]) -> String? {
    if executable.contains("/") { return access(executable, X_OK) == 0 ? executable : nil }
    let searchPath = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for folder in searchPath.split(separator: ":") where !folder.isEmpty {
      let candidate = folder + "/" + executable
      if access(candidate, X_OK) == 0 { return candidate }
    }
    return nil
  }

  private static func spawn(
    _ path: String, _ arguments: [String], environment: [String: String], stdin: Int32 = -1, stdout: Int32, stderr: Int32,
    newSession: Bool = false
  ) -> Int32? {
    #if canImport(Glibc)
      var actions = posix_spawn_file_actions_t()
      var attributes = posix_spawnattr_t()
    #else
      var actions: posix_spawn_file_actions_t?
      var attributes: posix_spawnattr_t?
    #endif
    posix_spawn_file_actions_init(&actions)
    posix_spawnattr_init(&attributes)
    defer {
      posix_spawn_file_actions_destroy(&actions)
      posix_spawnattr_destroy(&attributes)
    }
    if stdin >= 0 {
      posix_spawn_file_actions_adddup2(&actions, stdin, 0)
    } else {
      posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    }
    if stdout >= 0 { posix_spawn_file_actions_adddup2(&actions, stdout, 1) }
    if stderr >= 0 { posix_spawn_file_actions_adddup2(&actions, stderr, 2) }
    // The child gets default signal handling, so Ctrl-C handling in this process does not leak.
    var defaults = sigset_t()
    sigemptyset(&defaults)
    sigaddset(&defaults, SIGINT)
    sigaddset(&defaults, SIGPIPE)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var flags = Int32(POSIX_SPAWN_SETSIGDEF)
    if newSession {
      // Its own process group: Ctrl-C in the terminal does not reach it.
      flags |= Int32(POSIX_SPAWN_SETPGROUP)
      posix_spawnattr_setpgroup(&attributes, 0)
    }
    posix_spawnattr_setflags(&attributes, Int16(flags))
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      for pointer in argv { free(pointer) }
      for pointer in envp { free(pointer) }
    }
    var pid: pid_t = 0
    let result = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
    return result == 0 ? pid : nil
  }
}
