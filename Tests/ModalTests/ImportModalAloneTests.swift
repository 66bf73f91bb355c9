import Modal
import Testing

/// `import Modal` alone is enough for what docs/sdk.md shows: generated requests and methods
/// (`ModalAPI`) and channel options (`RPC`). This file imports nothing else on purpose: it stops
/// compiling if the re-exports go.
@Suite struct ImportModalAloneTests {
  @Test func apiAndChannelTypesAreVisible() {
    var options = ModalClient.Options()
    options.channelOptions = ChannelOptions()
    let request = TokenInfoGetRequest()
    #expect(ModalClientMethods.tokenInfoGet.path == "/modal.client.ModalClient/TokenInfoGet")
    #expect(request == TokenInfoGetRequest())
    #expect(options.channelOptions != nil)
  }
}
