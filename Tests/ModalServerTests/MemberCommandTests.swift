import Foundation
import ModalServer
import Testing
import TestSupport

/// `modal-server member …` and `service-user …` on a SQLite data folder.
@Suite struct MemberCommandTests {
  private func run(_ arguments: [String], _ data: String) throws -> ProcessOutput {
    try runServerCommand(arguments + ["--data-dir", data])
  }

  @Test func membersAndServiceUsersFromTheCommandLine() throws {
    let folder = TemporaryFolder()
    let data = folder.path + "/data"
    #expect(try runServerCommand(["bootstrap", "--data-dir", data, "--email", "owner@example.com", "--workspace", "team"]).status == 0)
    let other = try runServerCommand(["bootstrap", "--data-dir", data, "--email", "bea@example.com", "--workspace", "bea", "--json"])
    #expect(other.status == 0, "\(other.stderr)")

    let added = try run(["member", "add", "--workspace", "team", "--email", "bea@example.com", "--role", "manager"], data)
    #expect(added.status == 0 && added.stdout == "Added bea@example.com to 'team' as manager.\n", "\(added.stderr)")
    let again = try run(["member", "add", "--workspace", "team", "--email", "bea@example.com"], data)
    #expect(again.status == 1 && again.stderr.contains("already a member"))
    let list = try run(["member", "list", "--workspace", "team", "--json"], data)
    #expect(list.status == 0 && list.stdout.contains("\"email\":\"owner@example.com\"") && list.stdout.contains("\"role\":\"manager\""))

    // The last owner can neither step down nor be removed; after promoting Bea both work.
    let stepDown = try run(["member", "set-role", "--workspace", "team", "--email", "owner@example.com", "--role", "member"], data)
    #expect(stepDown.status == 1 && stepDown.stderr.contains("is the last owner of workspace 'team'"), "\(stepDown.stderr)")
    let removeOwner = try run(["member", "remove", "--workspace", "team", "--email", "owner@example.com"], data)
    #expect(removeOwner.status == 1 && removeOwner.stderr.contains("last owner"))
    #expect(try run(["member", "set-role", "--workspace", "team", "--email", "bea@example.com", "--role", "owner"], data).status == 0)
    #expect(try run(["member", "set-role", "--workspace", "team", "--email", "owner@example.com", "--role", "member"], data).status == 0)

    // Removing a member revokes their tokens in the workspace.
    let token = try bootstrapCredentials(
      run(["token", "create", "--workspace", "team", "--email", "owner@example.com", "--json"], data).stdout)
    #expect(try run(["member", "remove", "--workspace", "team", "--email", "owner@example.com"], data).status == 0)
    let tokens = try run(["member", "list", "--workspace", "team"], data)
    #expect(tokens.stdout == "bea@example.com  owner\n")
    let missing = try run(["member", "remove", "--workspace", "team", "--email", "owner@example.com"], data)
    #expect(missing.status == 1 && missing.stderr.contains("is not a member"))
    let revoke = try run(["token", "revoke", token.id], data)
    #expect(revoke.stdout == "Token \(token.id) was already revoked.\n", "removal revoked it: \(revoke.stdout)")

    // Service users: created with a first token, listed, deleted (which revokes the token).
    let created = try run(["service-user", "create", "--workspace", "team", "--name", "ci-bot", "--role", "manager", "--json"], data)
    #expect(created.status == 0, "\(created.stderr)")
    let bot = try bootstrapCredentials(created.stdout)
    let bots = try run(["service-user", "list", "--workspace", "team"], data)
    #expect(bots.stdout.hasPrefix("ci-bot  manager  su-"))
    #expect(try run(["service-user", "delete", "--workspace", "team", "--name", "ci-bot"], data).status == 0)
    #expect(try run(["token", "revoke", bot.id], data).stdout.contains("was already revoked"))
    #expect(try run(["service-user", "list", "--workspace", "team"], data).stdout.isEmpty)

    // Usage errors.
    let badRole = try run(["member", "set-role", "--workspace", "team", "--email", "bea@example.com", "--role", "boss"], data)
    #expect(badRole.status == 2 && badRole.stderr.contains("--role must be owner, manager or member"))
    #expect(try run(["member", "frobnicate"], data).status == 2)
    #expect(try runServerCommand(["member", "--help"]).stdout.contains("Usage: modal-server member list"))
  }
}
