import Modal
import TOML
import TestSupport
import Testing

@Suite struct ProfileSelectionTests {
  private func config(_ text: String, _ variables: [String: String] = [:], profile: String? = nil) throws -> ModalConfig {
    let folder = TemporaryFolder()
    folder.write(text)
    return try ModalConfig(host: folder.host(variables), profile: profile)
  }

  @Test func explicitProfileWinsOverEnvironmentAndActiveFlag() throws {
    let selected = try config("[a]\nactive = true\n[b]\n", ["MODAL_PROFILE": "b"], profile: "c").selection
    #expect(selected == ProfileSelection(name: "c", reason: .argument))
  }

  @Test func modalProfileWinsOverActiveFlag() throws {
    #expect(try config("[a]\nactive = true\n[b]\n", ["MODAL_PROFILE": "b"]).profileName == "b")
  }

  @Test func emptyModalProfileCountsAsUnset() throws {
    #expect(try config("[a]\nactive = true\n[b]\n", ["MODAL_PROFILE": ""]).profileName == "a")
  }

  @Test func firstActiveProfileInFileOrder() throws {
    let selected = try config("[x]\n[b]\nactive = true\n[a]\nactive = true\n").selection
    #expect(selected == ProfileSelection(name: "b", reason: .activeFlag))
  }

  @Test func activeMustBeExactlyTrue() throws {
    #expect(try config("[a]\nactive = false\n").profileName == "default")
  }

  @Test func noActiveProfileMeansDefaultEvenWithOneOtherProfile() throws {
    let selected = try config("[alice]\ntoken_id = \"ak-1\"\n").selection
    #expect(selected == ProfileSelection(name: "default", reason: .implicitDefault))
    try config("[alice]\ntoken_id = \"ak-1\"\n").checkProfiles()
  }

  @Test func severalActiveProfilesIsAnError() throws {
    let config = try config("[a]\nactive = true\n[b]\nactive = true\n")
    let error = #expect(throws: ModalError.self) { try config.checkProfiles() }
    #expect(error?.code == .ambiguousProfile)
    #expect(error?.message.hasPrefix("More than one Modal profile is active. Please fix with `modal profile activate`") == true)
    #expect(error?.message.hasSuffix("(\(config.file.path)).") == true)
  }

  @Test func severalProfilesNoneActiveIsAnError() throws {
    let config = try config("[a]\n[b]\n")
    let error = #expect(throws: ModalError.self) { try config.checkProfiles() }
    #expect(error?.message == "No Modal profile is active.\n\nPlease fix by running `modal profile activate` or by editing your Modal config file (\(config.file.path)).")
  }

  @Test func severalProfilesNoneActiveIsFineWhenOneIsNamed() throws {
    try config("[a]\n[b]\n", ["MODAL_PROFILE": "a"]).checkProfiles()
  }

  @Test func explicitDefaultStillCountsAsAmbiguousAsInPython() throws {
    let config = try config("[a]\n[b]\n", ["MODAL_PROFILE": "default"])
    #expect(throws: ModalError.self) { try config.checkProfiles() }
  }
}
