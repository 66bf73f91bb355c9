import Foundation
import Testing
import TestSupport

/// Proxy tokens end to end with real processes: our `modal workspace proxy-tokens` beside Python
/// 1.6.4's against one `modal-server`, and Debian's nginx with `auth_request` to `/proxy-auth`.
@Suite(.serialized) struct ProxyTokenProcessTests {
  /// A served data folder and a client environment for it.
  private struct Scene {
    let folder = TemporaryFolder()
    let server: ModalServerProcess

    init() throws { server = try ModalServerProcess(in: folder) }

    var environment: [String: String] {
      [
        "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": folder.path,
        "MODAL_SERVER_URL": server.url, "MODAL_CONFIG_PATH": folder.path + "/modal.toml",
        "MODAL_TOKEN_ID": server.tokenID, "MODAL_TOKEN_SECRET": server.tokenSecret, "BROWSER": "/bin/false",
        "COLUMNS": "400", "TERM": "dumb", "NO_COLOR": "1", "TZ": "UTC",
      ]
    }

    func run(_ executable: String, _ arguments: [String], as token: (id: String, secret: String)? = nil) throws
      -> ProcessOutput
    {
      var environment = self.environment
      if let token { (environment["MODAL_TOKEN_ID"], environment["MODAL_TOKEN_SECRET"]) = (token.id, token.secret) }
      return try ProcessRunner.run(executable, arguments, environment: environment, stdin: "")
    }

    /// A new member of workspace `me` with the role member, and a token of theirs.
    func memberToken() throws -> (id: String, secret: String) {
      let data = ["--data-dir", server.dataDirectory, "--workspace", "me"]
      let user = try ModalServerProcess.command(
        ["bootstrap", "--data-dir", server.dataDirectory, "--email", "bob@example.com", "--workspace", "bobws", "--json"])
      #expect(user.status == 0, "\(user.stderr)")
      let added = try ModalServerProcess.command(["member", "add", "--email", "bob@example.com", "--role", "member"] + data)
      #expect(added.status == 0, "\(added.stdout) \(added.stderr)")
      let made = try ModalServerProcess.command(["token", "create", "--email", "bob@example.com", "--json"] + data)
      let object = try JSONSerialization.jsonObject(with: Data(made.stdout.utf8)) as? [String: Any] ?? [:]
      return (object["token_id"] as? String ?? "", object["token_secret"] as? String ?? "")
    }

    /// `proxy-tokens create --json` through `executable`: the new key and secret.
    func create(_ executable: String, name: String) throws -> (key: String, secret: String) {
      let output = try run(executable, ["workspace", "proxy-tokens", "create", "--name", name, "--json"])
      let object = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: String] ?? [:]
      let key = object["Modal-Key"] ?? "", secret = object["Modal-Secret"] ?? ""
      #expect(output.status == 0 && key.hasPrefix("wk-") && secret.hasPrefix("ws-"), "\(output.stderr)")
      #expect(object["Authorization"] == "Bearer \(key).\(secret)")
      return (key, secret)
    }
  }

  private func python() -> String? {
    switch ReferenceClient.executable() {
    case .success(let path): return path
    case .failure(let missing):
      Issue.record("\(missing)")
      return nil
    }
  }

  /// One command's exit status and its output with ids and times replaced.
  private func normalised(_ output: ProcessOutput, key: String) -> String {
    let text = output.stdout.replacing(key, with: "<key>")
      .replacing(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+00:00/, with: "<time>")
    return "\(output.status) \(text)"
  }

  /// The same commands through both command lines, each on a token of its own.
  private func session(_ scene: Scene, _ executable: String) throws -> [String] {
    let (key, _) = try scene.create(executable, name: "hooks")
    let steps: [[String]] = [
      ["list", "--json"],
      ["update", key, "name", "renamed"],
      ["update", key, "colour", "blue"],
      ["allow", key, "prod"],
      ["list", "--environment", "prod", "--json"],
      ["list", "-e", "main", "--json"],
      ["revoke", key, "prod"],
      ["allow", key, "no-such-environment"],
      ["list", "--json"],
      ["delete", key],
      ["delete", key, "--yes"],
      ["delete", key, "--yes"],
      ["list", "--json"],
    ]
    return try steps.map { step in
      let output = try scene.run(executable, ["workspace", "proxy-tokens"] + step)
      // Only `--json` output is compared word for word; the others by exit status.
      return step.contains("--json") ? normalised(output, key: key) : "\(step[0]) \(output.status)"
    }
  }

  @Test func ourCommandsAnswerAsPythons() throws {
    guard let python = python() else { return }
    let scene = try Scene()
    defer { _ = scene.server.stop(.terminate) }
    #expect(try scene.run(python, ["environment", "create", "prod"]).status == 0)
    let theirs = try session(scene, python)
    let ours = try session(scene, ProcessRunner.product("modal"))
    #expect(ours == theirs)
    // The rows seen were the right ones, not two identical mistakes.
    #expect(theirs[0].contains("\"token_id\": \"<key>\"") && theirs[0].contains("\"scoped\": false"))
    #expect(theirs[4].contains("\"name\": \"renamed\"") && theirs[4].contains("\"scoped\": true"))
    #expect(theirs[5] == "0 []\n")
    #expect(theirs[2] == "update 2" && theirs[7] == "allow 1" && theirs[9] == "delete 1" && theirs[11] == "delete 1")

    // A member without manager rights is refused by the server, through either command line.
    let member = try scene.memberToken()
    for executable in [python, ProcessRunner.product("modal")] {
      let refused = try scene.run(executable, ["workspace", "proxy-tokens", "create", "--json"], as: member)
      #expect(refused.status == 1 && refused.stderr.contains("needs the role manager"), "\(executable): \(refused.stderr)")
      #expect(try scene.run(executable, ["workspace", "proxy-tokens", "list", "--json"], as: member).status == 0)
    }
  }

  // MARK: nginx

  /// nginx did not come up; its error log says why.
  private struct NginxFailed: Error, CustomStringConvertible {
    let log: String
    var description: String { "nginx did not start: \(log)" }
  }

  /// nginx in front of a stand-in upstream (its own second server), asking `/proxy-auth` about
  /// environment `prod` before each request; `nginx -p DIR -c nginx.conf -g 'daemon off;'`.
  private final class Nginx {
    let folder = TemporaryFolder()
    let port: Int
    private let process = Process()

    init(authURL: String) throws {
      port = try FreePort.find()
      let upstream = try FreePort.find()
      try FileManager.default.createDirectory(atPath: folder.path + "/tmp", withIntermediateDirectories: true)
      let conf = """
        \(geteuid() == 0 ? "user root;" : "")
        worker_processes 1;
        pid \(folder.path)/nginx.pid;
        error_log \(folder.path)/error.log;
        events { worker_connections 64; }
        http {
          access_log off;
          client_body_temp_path \(folder.path)/tmp/body;
          proxy_temp_path \(folder.path)/tmp/proxy;
          fastcgi_temp_path \(folder.path)/tmp/fastcgi;
          uwsgi_temp_path \(folder.path)/tmp/uwsgi;
          scgi_temp_path \(folder.path)/tmp/scgi;
          server {
            listen 127.0.0.1:\(upstream);
            location / { return 200 "upstream ok\\n"; }
          }
          server {
            listen 127.0.0.1:\(port);
            location = /_proxy_auth {
              internal;
              proxy_pass \(authURL)/proxy-auth?environment=prod;
              proxy_pass_request_body off;
              proxy_set_header Content-Length "";
            }
            location / {
              auth_request /_proxy_auth;
              proxy_pass http://127.0.0.1:\(upstream);
            }
          }
        }
        """
      _ = folder.write(conf, to: "nginx.conf")
      process.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
      process.arguments = ["-p", folder.path, "-c", folder.path + "/nginx.conf", "-g", "daemon off;"]
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      let deadline = Date().addingTimeInterval(15)
      while try status([:]) == "000" {
        guard Date() < deadline, process.isRunning else {
          stop()
          throw NginxFailed(log: folder.read("error.log") ?? "")
        }
        Thread.sleep(forTimeInterval: 0.1)
      }
    }

    /// The status code of `GET /` through nginx with `headers` (`000` when nothing answers).
    func status(_ headers: [String: String]) throws -> String {
      let arguments =
        ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5"]
        + headers.sorted { $0.key < $1.key }.flatMap { ["-H", "\($0.key): \($0.value)"] }
        + ["http://127.0.0.1:\(port)/"]
      return try ProcessRunner.run("/usr/bin/curl", arguments, environment: [:]).stdout
    }

    func stop() {
      guard process.isRunning else { return }
      process.terminate()
      process.waitUntilExit()
    }

    deinit { stop() }
  }

  @Test func nginxLetsAnAllowedTokenThroughAndRefusesTheOthers() throws {
    guard let python = python() else { return }
    guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx") else {
      Issue.record("nginx is not installed: apt-get install -y nginx (scripts/setup.sh --test)")
      return
    }
    let scene = try Scene()
    defer { _ = scene.server.stop(.terminate) }
    let modal = ProcessRunner.product("modal")
    #expect(try scene.run(python, ["environment", "create", "prod"]).status == 0)
    let allowed = try scene.create(modal, name: "allowed")
    #expect(try scene.run(modal, ["workspace", "proxy-tokens", "allow", allowed.key, "prod"]).status == 0)
    let elsewhere = try scene.create(modal, name: "elsewhere")
    #expect(try scene.run(modal, ["workspace", "proxy-tokens", "allow", elsewhere.key, "main"]).status == 0)

    let nginx = try Nginx(authURL: scene.server.httpURL)
    defer { nginx.stop() }
    #expect(try nginx.status(["Modal-Key": allowed.key, "Modal-Secret": allowed.secret]) == "200")
    #expect(try nginx.status(["Authorization": "Bearer \(allowed.key).\(allowed.secret)"]) == "200")
    #expect(try nginx.status([:]) == "401")
    let wrong = "ws-" + String(repeating: "A", count: 30)
    #expect(try nginx.status(["Modal-Key": allowed.key, "Modal-Secret": wrong]) == "401")
    #expect(try nginx.status(["Modal-Key": elsewhere.key, "Modal-Secret": elsewhere.secret]) == "403")
    #expect(try scene.run(modal, ["workspace", "proxy-tokens", "delete", allowed.key, "--yes"]).status == 0)
    #expect(try nginx.status(["Modal-Key": allowed.key, "Modal-Secret": allowed.secret]) == "401")
  }
}
