import Foundation
import Testing

@testable import ModalServer

/// `UnixTime.iso8601` (every log line's time): at the edges of the calendar (proleptic Gregorian,
/// as ISO 8601 and `gmtime_r` count), and against Foundation's formatter at random seconds from
/// 1583, where its calendar becomes Gregorian too, to 9999.
@Suite struct UnixTimeFormatTests {
  private static func foundation(_ seconds: Int64) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: "UTC")
    return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
  }

  private static func ours(_ seconds: Int64) -> String {
    UnixTime(microseconds: seconds * 1_000_000).iso8601
  }

  @Test func edgesOfTheCalendar() {
    #expect(Self.ours(0) == "1970-01-01T00:00:00Z")
    #expect(Self.ours(-1) == "1969-12-31T23:59:59Z")
    #expect(Self.ours(951_782_400) == "2000-02-29T00:00:00Z")
    #expect(Self.ours(1_796_687_999) == "2026-12-07T23:59:59Z")
    #expect(Self.ours(253_402_300_799) == "9999-12-31T23:59:59Z")
    #expect(Self.ours(253_402_300_800) == "10000-01-01T00:00:00Z")
    #expect(Self.ours(-62_135_596_800) == "0001-01-01T00:00:00Z")
    #expect(Self.ours(-30_636_662_400) == "0999-03-01T00:00:00Z")
  }

  @Test func randomSecondsMatchFoundation() {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<2_000 {
      let seconds = Int64.random(in: -12_212_553_600...253_402_300_799, using: &generator)
      #expect(Self.ours(seconds) == Self.foundation(seconds), "\(seconds)")
    }
  }

  @Test func appendingKeepsWhatWasThere() {
    var line = "time="
    UnixTime(microseconds: 1_796_687_999_999_999).appendISO8601(to: &line)
    #expect(line == "time=2026-12-07T23:59:59Z")
  }
}
