import Modal
import Testing

@testable import ModalCLI

/// The time cells of `modal secret list` and `modal token list` take the SDK's `UnixTime?`: a time
/// the server did not send prints as Python prints 0.
@Suite struct LocalTimeTests {
  @Test func aMissingTimeIsADashInATableAndNullInJSON() {
    #expect(LocalTime.cell(nil) == "-")
    #expect(LocalTime.json(nil) == .null)
  }

  @Test func aTimeIsFormattedFromItsWholeSeconds() {
    let time = UnixTime(seconds: 1_700_000_000.75)
    #expect(LocalTime.cell(time) == LocalTime.format(seconds: 1_700_000_000, pattern: "%Y-%m-%d %H:%M %Z"))
    #expect(LocalTime.format(time) == LocalTime.format(seconds: 1_700_000_000))
    guard case .string(let text) = LocalTime.json(time) else {
      Issue.record("a set time is a JSON string")
      return
    }
    #expect(text.contains(".750000"))
  }
}
