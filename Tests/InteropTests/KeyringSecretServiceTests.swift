import Foundation
import Modal
import TestSupport
import Testing

/// `--secret-storage keyring` with a real Secret Service: gnome-keyring-daemon on a private D-Bus
/// session bus, unlocked with a test password, HOME in a temporary folder, and a
/// real `modal-server`. The secret must reach the keyring, appear in no file under HOME, and
/// authenticate the SDK (`modal token info`).
@Suite struct KeyringSecretServiceTests {
  static let tools = ["dbus-daemon", "dbus-send", "gnome-keyring-daemon", "secret-tool"]

  @Test func tokenSetKeepsTheSecretInGnomeKeyringAndTheSDKReadsIt() throws {
    let missing = Self.tools.filter { Subprocess.resolve($0, environment: ["PATH": "/usr/bin:/bin"]) == nil }
    guard missing.isEmpty else {
      Issue.record("\(missing.joined(separator: ", ")) not installed: run scripts/setup.sh --test (dbus, gnome-keyring, libsecret-tools).")
      return
    }
    let folder = TemporaryFolder()
    let server = try ModalServerProcess(in: folder)
    defer { _ = server.stop() }
    let home = folder.path + "/home"
    let runtime = folder.path + "/runtime"
    for path in [home, runtime] { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
    chmod(runtime, 0o700)
    let script = """
      # A private session bus and the daemon, both ended with this script: under dbus-run-session
      # the bus outlived the session here, holding the test's pipes open.
      set -- $(dbus-daemon --session --fork --print-address=1 --print-pid=1)
      export DBUS_SESSION_BUS_ADDRESS="$1"
      bus=$2
      echo -n testpw | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
      daemon=$!
      trap 'kill -KILL $daemon $bus 2>/dev/null' EXIT
      for i in $(seq 100); do
        dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true && break
        sleep 0.1
      done
      kill -0 $daemon 2>/dev/null || { echo "no daemon" >&2; exit 90; }
      printf '%s\\n' "$TEST_SECRET" | "$MODAL" token set --token-id "$TEST_TOKEN_ID" --token-secret - --profile work --secret-storage keyring
      echo "set=$?"
      "$MODAL" token info --profile work
      echo "info=$?"
      secret-tool lookup profile work server "$MODAL_SERVER_URL" > "$LOOKUP"
      echo "lookup=$?"
      """
    let environment = [
      "PATH": "/usr/bin:/bin", "HOME": home, "XDG_RUNTIME_DIR": runtime, "MODAL": ProcessRunner.product("modal"),
      "MODAL_SERVER_URL": server.url, "TEST_TOKEN_ID": server.tokenID, "TEST_SECRET": server.tokenSecret,
      "LOOKUP": folder.path + "/lookup.txt",
    ]
    let run = Subprocess.run("bash", ["-c", script], environment: environment, timeout: .seconds(90))
    let output = try #require(run, "bash could not be started")
    #expect(!output.timedOut)
    if output.status == 90 {
      Issue.record("gnome-keyring-daemon did not start on a private session bus: \(output.stderr)")
      return
    }
    #expect(output.stdout.contains("its secret in the keyring.\nset=0"), "\(output.stdout)\n\(output.stderr)")
    #expect(output.stdout.contains("secret in the keyring)\nToken: \(server.tokenID)"), "\(output.stdout)\n\(output.stderr)")
    #expect(output.stdout.contains("info=0") && output.stdout.contains("lookup=0"))
    #expect(folder.read("lookup.txt")?.trimmingCharacters(in: .whitespacesAndNewlines) == server.tokenSecret)
    #expect(!output.stdout.contains(server.tokenSecret) && !output.stderr.contains(server.tokenSecret))
    let config = try String(contentsOfFile: home + "/.modal.toml", encoding: .utf8)
    #expect(config.contains("token_secret_storage = \"keyring\"") && !config.contains("token_secret ="))
    #expect(Self.filesContaining(server.tokenSecret, under: home).isEmpty)
  }

  /// The files under `folder` whose bytes contain `text` (grep -r).
  static func filesContaining(_ text: String, under folder: String) -> [String] {
    let needle = Data(text.utf8)
    let files = FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String } ?? []
    return files.filter { name in
      guard let data = FileManager.default.contents(atPath: folder + "/" + name) else { return false }
      return data.range(of: needle) != nil
    }
  }
}
