import Foundation
import ModalServer
import Testing
import TestSupport

/// `modal workspace …` run with the Python 1.6.4 CLI and with ours against the same modal-server:
/// the same `--json` output (activity times normalised) and the same exit codes. SQLite with one
/// server; PostgreSQL with two replicas, each CLI talking to a different one.
@Suite(.serialized) struct WorkspaceDifferentialTests {
  /// A workspace `pyws` with an owner, a manager (bea) and a member (carl), served by one or more
  /// replicas.
  private final class Team {
    let folder = TemporaryFolder()
    let servers: [ModalServerProcess]
    let replicaSet: ReplicaSet?
    let owner: Credentials
    private(set) var member = Credentials(id: "", secret: "")

    init(replicas: Int) throws {
      if replicas == 1 {
        let (server, owner) = try startBootstrappedServer(in: folder)
        (servers, replicaSet, self.owner) = ([server], nil, owner)
      } else {
        let set = try ReplicaSet(count: replicas)
        (servers, replicaSet, owner) = (set.replicas, set, set.owner)
      }
      for (email, role) in [("bea@example.com", "manager"), ("carl@example.com", "member")] {
        let name = String(email.prefix { $0 != "@" })
        try check(command(["bootstrap", "--email", email, "--workspace", name, "--json"]), "bootstrap \(email)")
        try check(command(["member", "add", "--workspace", "pyws", "--email", email, "--role", role]), "member add \(email)")
      }
      let token = try command(["token", "create", "--workspace", "pyws", "--email", "carl@example.com", "--json"])
      try check(token, "token create")
      member = try bootstrapCredentials(token.stdout)
    }

    /// Runs a `modal-server` command against the data folder (and database) of the first server.
    func command(_ arguments: [String]) throws -> ProcessOutput {
      if let replicaSet { return try replicaSet.command(arguments, on: 0) }
      return try runServerCommand(arguments + ["--data-dir", servers[0].dataDirectory])
    }

    private func check(_ output: ProcessOutput, _ what: String) throws {
      guard output.status == 0 else { throw ServerError(.internal, "\(what) failed: \(output.stderr)") }
    }

    /// Runs a CLI (`python` picks the reference one) with `token` against server `index`.
    func run(python: Bool, _ arguments: [String], token: Credentials, server index: Int) throws -> ProcessOutput {
      let executable = python ? try ReferenceClient.executable().get() : ProcessRunner.product("modal")
      let environment = [
        "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": folder.path,
        "MODAL_SERVER_URL": servers[index % servers.count].url, "MODAL_TOKEN_ID": token.id,
        "MODAL_TOKEN_SECRET": token.secret, "TZ": "UTC", "COLUMNS": "400", "TERM": "dumb", "NO_COLOR": "1",
      ]
      return try ProcessRunner.run(executable, arguments, environment: environment)
    }

    func stop() { for server in servers { server.stop(.terminate) } }
  }

  /// The JSON rows a CLI printed, with the time under `moving` reduced to whether it is set: each
  /// call of the test itself uses a token, so that time moves between the two CLIs.
  private func normalised(_ output: ProcessOutput, moving: String = "last_active") throws -> [[String: String]] {
    let rows = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: Any]], "\(output.stdout)")
    return rows.map { row in
      row.mapValues { value in value is NSNull ? "null" : "\(value)" }
        .merging([moving: row[moving] is NSNull ? "null" : "set"]) { $1 }
    }
  }

  @Test(arguments: [1, 2]) func membersListMatchesPython(replicas: Int) throws {
    let team = try Team(replicas: replicas)
    defer { team.stop() }
    for token in [team.owner, team.member] {
      let python = try team.run(python: true, ["workspace", "members", "list", "--json"], token: token, server: 0)
      let ours = try team.run(python: false, ["workspace", "members", "list", "--json"], token: token, server: 1)
      #expect(python.status == 0 && ours.status == 0, "python: \(python.stderr)\nours: \(ours.stderr)")
      let expected = try normalised(python)
      #expect(try normalised(ours) == expected)
      #expect(expected.map { $0["email"] } == ["bea@example.com", "carl@example.com", "py@example.com"])
      #expect(expected.map { $0["role"] } == ["manager", "member", "owner"])
      #expect(expected.allSatisfy { $0["user_id"]?.hasPrefix("us-") == true && $0["joined"]?.hasSuffix("+00:00") == true })
    }
    // The owner's token was used above, carl's too; a member whose token was never used has no activity.
    let table = try team.run(python: false, ["workspace", "members", "list"], token: team.owner, server: 0)
    #expect(table.status == 0 && table.stdout.contains("Last active") && table.stdout.contains("carl@example.com"))

    let unknown = Credentials(id: "ak-" + String(repeating: "a", count: 22), secret: "as-" + String(repeating: "b", count: 24))
    let python = try team.run(python: true, ["workspace", "members", "list", "--json"], token: unknown, server: 0)
    let ours = try team.run(python: false, ["workspace", "members", "list", "--json"], token: unknown, server: 1)
    #expect(python.status != 0 && ours.status == python.status, "python \(python.status): \(python.stderr)\nours \(ours.status): \(ours.stderr)")
  }

  /// Runs `arguments` with both CLIs (Python on server 0, ours on the next) and expects the same
  /// exit code and standard output; returns Python's result.
  @discardableResult
  private func same(_ team: Team, _ arguments: [String], token: Credentials) throws -> ProcessOutput {
    let python = try team.run(python: true, arguments, token: token, server: 0)
    let ours = try team.run(python: false, arguments, token: token, server: 1)
    #expect(ours.status == python.status, "\(arguments): python \(python.status) \(python.stderr)\nours \(ours.status) \(ours.stderr)")
    #expect(ours.stdout == python.stdout, "\(arguments)")
    return python
  }

  @Test(arguments: [1, 2]) func settingsListAndSetMatchPython(replicas: Int) throws {
    let team = try Team(replicas: replicas)
    defer { team.stop() }
    let create = try team.run(python: true, ["environment", "create", "dev"], token: team.owner, server: 0)
    #expect(create.status == 0, "\(create.stderr)")
    let list = try same(team, ["workspace", "settings", "list", "--json"], token: team.owner)
    #expect(list.stdout.contains("\"value\": \"main\""), "\(list.stdout)")
    // Each CLI makes the change once, so both print the same line: Python main -> dev, ours dev -> main.
    let toDev = try team.run(python: true, ["workspace", "settings", "set", "default-environment", "dev"], token: team.owner, server: 0)
    #expect(toDev.status == 0 && toDev.stdout == "✓ default-environment: updated from main to dev\n", "\(toDev.stdout)\(toDev.stderr)")
    let listed = try team.run(python: false, ["workspace", "settings", "list", "--json"], token: team.owner, server: 1)
    #expect(listed.stdout.contains("\"value\": \"dev\""), "\(listed.stdout)")
    let back = try team.run(python: false, ["workspace", "settings", "set", "default-environment", "main"], token: team.owner, server: 1)
    #expect(back.status == 0 && back.stdout == "✓ default-environment: updated from dev to main\n", "\(back.stdout)\(back.stderr)")
    // Refusals: an unknown environment, an unknown setting, the image builder, a member without manager rights.
    let missing = try same(team, ["workspace", "settings", "set", "default-environment", "nope"], token: team.owner)
    #expect(missing.status == 1 && missing.stdout.contains("Environment 'nope' not found"), "\(missing.stdout)")
    let unknown = try same(team, ["workspace", "settings", "set", "colour", "blue"], token: team.owner)
    #expect(unknown.stdout == "✗ colour: Unknown setting 'colour'. Valid settings: default-environment, image-builder-version\n")
    let builder = try same(team, ["workspace", "settings", "set", "image-builder-version", "2025.06"], token: team.owner)
    #expect(builder.status == 1 && builder.stdout.contains("this server does not build images"), "\(builder.stdout)")
    let member = try same(team, ["workspace", "settings", "set", "default-environment", "dev"], token: team.member)
    #expect(member.status == 1 && member.stdout.contains("needs the role manager"), "\(member.stdout)")
    try same(team, ["workspace", "settings", "list", "--json"], token: team.member)
  }

  @Test(arguments: [1, 2]) func memberTokensListAndDeleteMatchPython(replicas: Int) throws {
    let team = try Team(replicas: replicas)
    defer { team.stop() }
    var spare: [String] = []
    for name in ["spare-1", "spare-2"] {
      let created = try team.command(["token", "create", "--workspace", "pyws", "--name", name, "--json"])
      spare.append(try bootstrapCredentials(created.stdout).id)
    }
    for token in [team.owner, team.member] {
      let python = try team.run(python: true, ["workspace", "member-tokens", "list", "--json"], token: token, server: 0)
      let ours = try team.run(python: false, ["workspace", "member-tokens", "list", "--json"], token: token, server: 1)
      #expect(python.status == 0 && ours.status == 0, "python: \(python.stderr)\nours: \(ours.stderr)")
      #expect(try normalised(ours, moving: "last_used_at") == normalised(python, moving: "last_used_at"))
    }
    let owners = try normalised(try team.run(python: true, ["workspace", "member-tokens", "list", "--json"], token: team.owner, server: 0), moving: "last_used_at")
    #expect(Set(owners.map { $0["token_id"] ?? "" }) == Set([team.owner.id, team.member.id] + spare))
    // Each CLI deletes one spare token: the same line but for the id.
    let python = try team.run(python: true, ["workspace", "member-tokens", "delete", spare[0], "--yes"], token: team.owner, server: 0)
    let ours = try team.run(python: false, ["workspace", "member-tokens", "delete", spare[1], "--yes"], token: team.owner, server: 1)
    #expect(python.status == 0 && ours.status == 0, "python: \(python.stderr)\nours: \(ours.stderr)")
    #expect(python.stdout == "✓ Deleted Token `\(spare[0])`.\n" && ours.stdout == "✓ Deleted Token `\(spare[1])`.\n", "\(python.stdout)\(ours.stdout)")
    let after = try team.run(python: false, ["workspace", "member-tokens", "list", "--json"], token: team.owner, server: 1)
    // TokensList keeps revoked tokens, marked disabled (as `modal token list` shows them).
    let rows = try normalised(after, moving: "last_used_at")
    #expect(Set(rows.filter { $0["disabled"] == "0" }.map { $0["token_id"] ?? "" }) == [team.owner.id, team.member.id], "\(rows)")
    #expect(Set(rows.filter { $0["disabled"] == "1" }.map { $0["token_id"] ?? "" }) == Set(spare), "\(rows)")
    // Unknown ids, with and without --allow-missing; a member deleting the owner's token.
    let unknownID = "ak-" + String(repeating: "z", count: 22)
    let missing = try team.run(python: true, ["workspace", "member-tokens", "delete", unknownID, "--yes"], token: team.owner, server: 0)
    let oursMissing = try team.run(python: false, ["workspace", "member-tokens", "delete", unknownID, "--yes"], token: team.owner, server: 1)
    #expect(missing.status == 1 && oursMissing.status == 1, "python: \(missing.stderr)\nours: \(oursMissing.stderr)")
    try same(team, ["workspace", "member-tokens", "delete", unknownID, "--yes", "--allow-missing"], token: team.owner)
    let refused = try team.run(python: true, ["workspace", "member-tokens", "delete", team.owner.id, "--yes"], token: team.member, server: 0)
    let oursRefused = try team.run(python: false, ["workspace", "member-tokens", "delete", team.owner.id, "--yes"], token: team.member, server: 1)
    #expect(refused.status == 1 && oursRefused.status == 1, "python: \(refused.stderr)\nours: \(oursRefused.stderr)")
    let still = try team.run(python: false, ["workspace", "members", "list", "--json"], token: team.owner, server: 0)
    #expect(still.status == 0, "the owner's token still works: \(still.stderr)")
  }

  /// `modal workspace member-tokens disable|enable` with both CLIs: the same lines and exit codes,
  /// the same `list --json`, and a disabled token refused with its own message on every replica.
  @Test(arguments: [1, 2]) func memberTokensDisableAndEnableMatchPython(replicas: Int) throws {
    let team = try Team(replicas: replicas)
    defer { team.stop() }
    var spare: [Credentials] = []
    for name in ["spare-1", "spare-2"] {
      spare.append(try bootstrapCredentials(team.command(["token", "create", "--workspace", "pyws", "--name", name, "--json"]).stdout))
    }
    // Each CLI disables one spare token, then enables it: the same lines but for nothing.
    for (python, token) in [(true, spare[0]), (false, spare[1])] {
      let disabled = try team.run(python: python, ["workspace", "member-tokens", "disable", token.id, token.id, "--yes"], token: team.owner, server: python ? 0 : 1)
      #expect(disabled.status == 0 && disabled.stdout == "✓ Disabled 1 token.\n", "python \(python): \(disabled.stdout)\(disabled.stderr)")
    }
    let listArguments = ["workspace", "member-tokens", "list", "--json"]
    let rows = try normalised(try team.run(python: true, listArguments, token: team.owner, server: 0), moving: "last_used_at")
    #expect(try normalised(try team.run(python: false, listArguments, token: team.owner, server: 1), moving: "last_used_at") == rows)
    #expect(Set(rows.filter { $0["disabled"] == "1" }.map { $0["token_id"] ?? "" }) == Set(spare.map(\.id)), "\(rows)")
    // Either CLI, either replica: the disabled token gets its own message, not the unknown-token one.
    for (python, server) in [(true, 1), (false, 0)] {
      let refused = try team.run(python: python, ["workspace", "members", "list", "--json"], token: spare[0], server: server)
      #expect(refused.status == 1 && (refused.stdout + refused.stderr).contains("was disabled at"), "python \(python): \(refused.stdout)\(refused.stderr)")
    }
    let table = try team.run(python: false, ["workspace", "member-tokens", "list"], token: team.owner, server: 0)
    #expect(table.stdout.contains("Disabled") && table.stdout.contains("True"), "\(table.stdout)")
    for (python, token) in [(true, spare[0]), (false, spare[1])] {
      let enabled = try team.run(python: python, ["workspace", "member-tokens", "enable", token.id, "--yes"], token: team.owner, server: python ? 0 : 1)
      #expect(enabled.status == 0 && enabled.stdout == "✓ Enabled 1 token.\n", "python \(python): \(enabled.stdout)\(enabled.stderr)")
      let works = try team.run(python: !python, ["workspace", "members", "list", "--json"], token: token, server: python ? 1 : 0)
      #expect(works.status == 0, "\(works.stderr)")
    }
    // `--all` from a member disables the member's own tokens only; each CLI does it once.
    for python in [true, false] {
      let all = try team.run(python: python, ["workspace", "member-tokens", "disable", "--all", "--yes"], token: team.member, server: python ? 0 : 1)
      #expect(all.status == 0 && all.stdout == "✓ Disabled 1 token.\n", "python \(python): \(all.stdout)\(all.stderr)")
      let back = try team.run(python: !python, ["workspace", "member-tokens", "enable", team.member.id, "--yes"], token: team.owner, server: 0)
      #expect(back.status == 0, "\(back.stderr)")
    }
    // Refusals with the same exit codes: another's token for a member, an unknown id, no id at all.
    let unknownID = "ak-" + String(repeating: "z", count: 22)
    // Without --yes and without a terminal, both abort before asking the server.
    for arguments in [["disable", team.owner.id, "--yes"], ["enable", unknownID, "--yes"], ["disable"], ["enable"], ["enable", unknownID]] {
      let python = try team.run(python: true, ["workspace", "member-tokens"] + arguments, token: team.member, server: 0)
      let ours = try team.run(python: false, ["workspace", "member-tokens"] + arguments, token: team.member, server: 1)
      #expect(python.status != 0 && ours.status == python.status, "\(arguments): python \(python.status) \(python.stderr)\nours \(ours.status) \(ours.stderr)")
      if !arguments.contains("--yes") && arguments.count > 1 {
        #expect(python.stderr.contains("Aborted: no interactive terminal") && ours.stderr.contains("Aborted: no interactive terminal"))
      }
    }
    #expect(try team.run(python: false, ["workspace", "members", "list"], token: team.owner, server: 0).status == 0)
  }

  /// The issue's scenario on PostgreSQL with two replicas: the owner's `disable --all` stops every
  /// member token at once on both, the Python client gets the disabled message, and `enable`
  /// (with a token made afterwards) restores them.
  @Test func disableAllStopsEveryTokenOnBothReplicas() throws {
    let team = try Team(replicas: 2)
    defer { team.stop() }
    let all = try team.run(python: false, ["workspace", "member-tokens", "disable", "--all", "--yes"], token: team.owner, server: 1)
    #expect(all.status == 0 && all.stdout == "✓ Disabled 2 tokens.\n", "\(all.stdout)\(all.stderr)")
    for token in [team.owner, team.member] {
      for server in [0, 1] {
        let refused = try team.run(python: true, ["token", "info"], token: token, server: server)
        #expect(refused.status != 0 && (refused.stdout + refused.stderr).contains("was disabled at"), "\(refused.stdout)\(refused.stderr)")
      }
    }
    let rescue = try bootstrapCredentials(team.command(["token", "create", "--workspace", "pyws", "--name", "rescue", "--json"]).stdout)
    let enable = try team.run(python: true, ["workspace", "member-tokens", "enable", team.owner.id, team.member.id, "--yes"], token: rescue, server: 0)
    #expect(enable.status == 0 && enable.stdout == "✓ Enabled 2 tokens.\n", "\(enable.stdout)\(enable.stderr)")
    for token in [team.owner, team.member] {
      for server in [0, 1] {
        let works = try team.run(python: server == 0, ["workspace", "members", "list", "--json"], token: token, server: server)
        #expect(works.status == 0, "\(works.stderr)")
      }
    }
  }

  /// `modal workspace service-users …` with both CLIs: each creates, sets a role on and deletes its
  /// own service user (the same lines but for the name), and both read the same list and info.
  @Test(arguments: [1, 2]) func serviceUsersMatchPython(replicas: Int) throws {
    let team = try Team(replicas: replicas)
    defer { team.stop() }
    #expect(try team.run(python: true, ["environment", "create", "dev"], token: team.owner, server: 0).status == 0)
    let created = [true, false].map { python in
      (try? team.run(python: python, ["workspace", "service-users", "create", python ? "py-bot" : "sw-bot", "--expires-in", "1h", "--json"], token: team.owner, server: python ? 0 : 1))
    }
    for output in created {
      let object = try #require(try JSONSerialization.jsonObject(with: Data((output?.stdout ?? "").utf8)) as? [String: String], "\(output?.stdout ?? "") \(output?.stderr ?? "")")
      #expect(object.keys.sorted() == ["expires_at", "token_id", "token_secret"] && object["expires_at"]?.hasSuffix("+00:00") == true)
    }
    let roles = [true, false].map { python in
      try? team.run(python: python, ["workspace", "service-users", "set-role", python ? "py-bot" : "sw-bot", "dev", "viewer"], token: team.owner, server: python ? 0 : 1)
    }
    #expect(roles[0]?.stdout == "✓ Updated Service User py-bot's role in Environment dev to Viewer.\n", "\(roles[0]?.stdout ?? "")\(roles[0]?.stderr ?? "")")
    #expect(roles[1]?.stdout == roles[0]?.stdout.replacing("py-bot", with: "sw-bot"))
    try same(team, ["workspace", "service-users", "set-role", "py-bot", "dev", "viewer"], token: team.owner)
    let list = try same(team, ["workspace", "service-users", "list", "--json"], token: team.owner)
    let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]], "\(list.stdout)")
    #expect(rows.map { $0["environment_roles"] as? [String: String] } == [["main": "no-access", "dev": "viewer"], ["main": "no-access", "dev": "viewer"]])
    #expect(rows.map { $0["name"] as? String } == ["py-bot", "sw-bot"])
    try same(team, ["workspace", "service-users", "info", "sw-bot", "--json"], token: team.owner)
    // The tables too, byte for byte (rich's boxes, alignment and local times).
    try same(team, ["workspace", "service-users", "list"], token: team.owner)
    try same(team, ["workspace", "service-users", "info", "sw-bot"], token: team.owner)
    // Refusals: an unknown name, an unknown role, a member without manager rights.
    #expect(try same(team, ["workspace", "service-users", "info", "nobody", "--json"], token: team.owner).status == 1)
    #expect(try same(team, ["workspace", "service-users", "set-role", "py-bot", "dev", "admin"], token: team.owner).status == 1)
    #expect(try same(team, ["workspace", "service-users", "list", "--json"], token: team.member).status == 1)
    #expect(try same(team, ["workspace", "service-users", "create", "x-bot", "--json"], token: team.member).status == 1)
    #expect(try same(team, ["workspace", "service-users", "create", "x-bot", "--expires-in", "0"], token: team.owner).status == 2)
    #expect(try same(team, ["workspace", "service-users", "delete", "nobody", "--yes"], token: team.owner).status == 1)
    #expect(try same(team, ["workspace", "service-users", "delete", "nobody", "--yes", "--allow-missing"], token: team.owner).status == 0)
    let deleted = [true, false].map { python in
      try? team.run(python: python, ["workspace", "service-users", "delete", python ? "py-bot" : "sw-bot", "--yes"], token: team.owner, server: python ? 0 : 1)
    }
    #expect(deleted[0]?.stdout == "✓ Deleted Service User `py-bot`.\n" && deleted[1]?.stdout == "✓ Deleted Service User `sw-bot`.\n")
    #expect(try same(team, ["workspace", "service-users", "list", "--json"], token: team.owner).stdout == "[]\n")
  }

  /// `modal environment roles list|update` with both CLIs, including refusals.
  @Test(arguments: [1, 2]) func environmentRolesMatchPython(replicas: Int) throws {
    let team = try Team(replicas: replicas)
    defer { team.stop() }
    #expect(try team.run(python: true, ["environment", "create", "dev"], token: team.owner, server: 0).status == 0)
    #expect(try team.run(python: true, ["workspace", "service-users", "create", "bot"], token: team.owner, server: 0).status == 0)
    let list = try same(team, ["environment", "roles", "list", "dev", "--json"], token: team.owner)
    #expect(list.stdout.contains("\"carl@example.com\": \"viewer\"") && list.stdout.contains("\"bot\": \"no-access\""), "\(list.stdout)")
    for arguments in [
      ["environment", "roles", "update", "dev", "carl@example.com", "--role", "contributor"],
      ["environment", "roles", "update", "dev", "bot", "--role", "viewer", "--service-user"],
    ] {
      #expect(try same(team, arguments, token: team.owner).status == 0)
    }
    let assigned = try same(team, ["environment", "roles", "list", "dev", "--json", "--exclude-default"], token: team.owner)
    let object = try JSONSerialization.jsonObject(with: Data(assigned.stdout.utf8)) as? [String: [String: String]]
    #expect(object == ["users": ["carl@example.com": "contributor"], "service_users": ["bot": "viewer"]], "\(assigned.stdout)")
    try same(team, ["environment", "roles", "list", "dev", "--json"], token: team.member)
    try same(team, ["environment", "roles", "list", "dev"], token: team.owner)
    // Refusals: unknown names and environments, a bad role, a member, a manager's own role.
    let refusals: [([String], Credentials, Int32)] = [
      (["environment", "roles", "update", "dev", "nobody@example.com", "--role", "viewer"], team.owner, 1),
      (["environment", "roles", "update", "dev", "nobot", "--role", "viewer", "--service-user"], team.owner, 1),
      (["environment", "roles", "update", "nowhere", "bot", "--role", "viewer", "--service-user"], team.owner, 1),
      (["environment", "roles", "update", "dev", "bot", "--role", "admin", "--service-user"], team.owner, 2),
      (["environment", "roles", "update", "dev", "bot", "--role", "contributor", "--service-user"], team.member, 1),
      (["environment", "roles", "update", "dev", "bea@example.com", "--role", "viewer"], team.owner, 1),
      (["environment", "roles", "list", "nowhere", "--json"], team.owner, 1),
    ]
    for (arguments, token, status) in refusals {
      #expect(try same(team, arguments, token: token).status == status, "\(arguments)")
    }
  }

  /// The service-user scenario of the issue, with the Python CLI and client: `ci-bot` is created,
  /// made a viewer of `dev`, reads `dev`'s secrets on every replica, is refused on `prod` and on
  /// writes, and once deleted its token stops working on every replica.
  @Test(arguments: [1, 2]) func aViewerServiceUserReadsOnlyItsEnvironment(replicas: Int) throws {
    let team = try Team(replicas: replicas)
    defer { team.stop() }
    for environment in ["dev", "prod"] {
      #expect(try team.run(python: true, ["environment", "create", environment], token: team.owner, server: 0).status == 0)
      let secret = try team.run(python: true, ["secret", "create", "db-\(environment)", "K=V", "--env", environment], token: team.owner, server: 0)
      #expect(secret.status == 0, "\(secret.stderr)")
    }
    let created = try team.run(python: true, ["workspace", "service-users", "create", "ci-bot", "--json"], token: team.owner, server: 0)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any], "\(created.stderr)")
    let bot = Credentials(id: object["token_id"] as? String ?? "", secret: object["token_secret"] as? String ?? "")
    let role = try team.run(python: true, ["workspace", "service-users", "set-role", "ci-bot", "dev", "viewer"], token: team.owner, server: 0)
    #expect(role.status == 0, "\(role.stderr)")
    for server in team.servers.indices {
      let dev = try team.run(python: true, ["secret", "list", "--env", "dev", "--json"], token: bot, server: server)
      #expect(dev.status == 0 && dev.stdout.contains("db-dev"), "\(dev.stdout)\(dev.stderr)")
      let prod = try team.run(python: true, ["secret", "list", "--env", "prod", "--json"], token: bot, server: server)
      #expect(prod.status == 1 && prod.stderr.contains("needs the environment role viewer"), "\(prod.stderr)")
      let write = try team.run(python: true, ["secret", "create", "new", "K=V", "--env", "dev"], token: bot, server: server)
      #expect(write.status == 1 && write.stderr.contains("needs the environment role contributor"), "\(write.stderr)")
    }
    let deleted = try team.run(python: true, ["workspace", "service-users", "delete", "ci-bot", "--yes"], token: team.owner, server: 0)
    #expect(deleted.status == 0, "\(deleted.stderr)")
    for server in team.servers.indices {
      let gone = try team.run(python: true, ["secret", "list", "--env", "dev", "--json"], token: bot, server: server)
      #expect(gone.status == 1 && gone.stderr.contains("Token"), "\(gone.stderr)")
    }
  }
}
