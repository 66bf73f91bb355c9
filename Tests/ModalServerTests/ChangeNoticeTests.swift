import Testing

@testable import ModalServer

/// The `pg_notify` payload between replicas: the event and when it was sent, for the lag metric.
@Suite struct ChangeNoticeTests {
  @Test func payloadsCarryTheEventAndTheTimeAndOlderOnesStillParse() {
    let flow = StoreEvent.flowChanged(id: FlowID(rawValue: "tf-Abc123"))
    let notice = ChangeNotice(flow, sentAtMicroseconds: 1_700_000_000_000_000)
    #expect(notice.payload == "flow:tf-Abc123@1700000000000000")
    #expect(ChangeNotice(payload: notice.payload) == notice)
    // A replica of an earlier version sends the bare event.
    #expect(ChangeNotice(payload: "credentials") == ChangeNotice(.credentialsChanged, sentAtMicroseconds: nil))
    #expect(ChangeNotice(payload: "credentials")?.lag() == nil)
  }

  @Test func lagIsTheTimeSinceSendingAndNeverNegative() {
    let notice = ChangeNotice(.credentialsChanged, sentAtMicroseconds: 5_000_000)
    #expect(notice.lag(nowMicroseconds: 5_250_000) == 0.25)
    // Another host's clock a little ahead.
    #expect(notice.lag(nowMicroseconds: 4_000_000) == 0)
  }

  @Test func probesAndForgeriesAreNotNotices() {
    for payload in ["probe:1234", "credentials@", "credentials@-5", "credentials@x", "flow:tf-a b@1", "@1", ""] {
      #expect(ChangeNotice(payload: payload) == nil, "\(payload)")
    }
  }
}
