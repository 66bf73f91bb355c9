import Foundation
import Modal
import TOML
import TestSupport
import Testing

/// `.modal-profile`: a project pinned to a profile by name, found upward from the working folder,
/// after `--profile` and `MODAL_PROFILE` and before the file's `active` profile.
@Suite struct ProjectProfileFileTests {
  /// A home with profiles `a` (active) and `b`, and a project folder `proj/src/deep` whose `proj`
  /// holds `.modal-profile` with `pin` (when given).
  private final class World {
    let folder = TemporaryFolder()
    let deep: String

    init(pin: String?) throws {
      folder.write("[a]\ntoken_id = \"ak-a\"\nactive = true\n[b]\ntoken_id = \"ak-b\"\n")
      deep = folder.path + "/proj/src/deep"
      try FileManager.default.createDirectory(atPath: deep, withIntermediateDirectories: true)
      if let pin { folder.write(pin, to: "proj/.modal-profile") }
    }

    func select(from directory: String? = nil, _ variables: [String: String] = [:], profile: String? = nil) throws -> ProfileSelection {
      var host = folder.host(variables)
      host.workingDirectory = directory ?? deep
      return try ModalConfig(host: host, profile: profile).selection
    }
  }

  @Test func theNearestFileAboveTheWorkingFolderNamesTheProfile() throws {
    let world = try World(pin: "# this project deploys to b\n\nb\n")
    let path = world.folder.path + "/proj/.modal-profile"
    #expect(try world.select() == ProfileSelection(name: "b", reason: .projectFile(path: path)))
    #expect(try world.select(from: world.folder.path + "/proj") == ProfileSelection(name: "b", reason: .projectFile(path: path)))
    #expect(try world.select().explanation == "named by \(path)")
    // Outside the project the file's active profile decides again; a nearer file wins over a farther one.
    #expect(try world.select(from: world.folder.path).reason == .activeFlag)
    world.folder.write("a\n", to: "proj/src/.modal-profile")
    #expect(try world.select().name == "a")
    #expect(try world.select().reason == .projectFile(path: world.folder.path + "/proj/src/.modal-profile"))
  }

  @Test func flagAndEnvironmentStillWin() throws {
    let world = try World(pin: "b")
    #expect(try world.select(["MODAL_PROFILE": "a"]) == ProfileSelection(name: "a", reason: .environment))
    #expect(try world.select(["MODAL_PROFILE": "a"], profile: "c") == ProfileSelection(name: "c", reason: .argument))
    // An empty MODAL_PROFILE counts as unset, so the project decides.
    #expect(try world.select(["MODAL_PROFILE": ""]).name == "b")
  }

  @Test func noWorkingFolderLooksForNoFile() throws {
    let world = try World(pin: "b")
    let host = world.folder.host()
    #expect(try ModalConfig(host: host).selection.reason == .activeFlag)
  }

  @Test(arguments: [
    ("[b]\ntoken_id = \"ak-1\"\n", "holds a TOML table"),
    ("token_secret = \"as-abcdefghijklmnopqrstuvwxyz0123\"\n", "holds a `key = value` setting"),
    ("http://modal.internal:8443\n", "holds a URL"),
    ("as-abcdefghijklmnopqrstuvwxyz0123\n", "holds what looks like a token id or secret"),
    ("b\nc\n", "has 2 lines; it must have only one"),
    ("# nothing\n\n", "names no profile"),
    ("my profile\n", "holds something other than a profile name"),
  ])
  func anythingButANameIsRefusedNamingTheFile(contents: String, problem: String) throws {
    let world = try World(pin: contents)
    let error = #expect(throws: ModalError.self) { try world.select() }
    #expect(error?.code == .invalidConfig)
    #expect(error?.message.hasPrefix(world.folder.path + "/proj/.modal-profile " + problem) == true, "\(String(describing: error))")
    #expect(error?.remedy?.contains("belong in ~/.modal.toml") == true)
    // The refused contents are never repeated: they may be a secret.
    #expect(error.map { "\($0.message) \($0.remedy ?? "")" }?.contains("abcdefghijklmnop") == false)
    // --profile and MODAL_PROFILE decide before the file is read, so they still work.
    #expect(try world.select(["MODAL_PROFILE": "a"]).name == "a")
  }

  @Test func aFolderNamedLikeTheFileIsRefused() throws {
    let world = try World(pin: nil)
    try FileManager.default.createDirectory(atPath: world.folder.path + "/proj/.modal-profile", withIntermediateDirectories: true)
    let error = #expect(throws: ModalError.self) { try world.select() }
    #expect(error?.message.contains("/proj/.modal-profile cannot be read") == true, "\(String(describing: error))")
  }
}
