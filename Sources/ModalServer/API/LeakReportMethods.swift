import ModalAPI
import ProtoWire
import RPC

/// `modal_server.leaks.LeakReports/Report` and `/TokenState`: modal-server's own service for
/// `modal token scan --report` and `--check-server`. No token: a report is proven by the secrets
/// it carries, a check carries none. Both are rate-limited per client address.
extension MethodTable {
  mutating func registerLeakReportMethods() {
    let service = backend.leaks

    anonymous(LeakReportsMethods.report) { request, context throws(ServerError) in
      try service.admitPerson(peer: context.peer, batch: request.secrets.count)
      let findings = request.secrets.map {
        LeakReportService.Finding(token: $0.tokenSecret, type: "modal_token_scan", url: $0.location, source: "user")
      }
      let verdicts = try await service.report(findings, by: LeakReportService.reporter("user", peer: context.peer, source: "sdk"))
      return LeakReportResponse(verdicts: verdicts.map { LeakVerdict(label: $0.label.rawValue, revoked: $0.revoked) })
    }

    anonymous(LeakReportsMethods.tokenState) { request, context throws(ServerError) in
      try service.admitPerson(peer: context.peer, batch: request.tokens.count)
      let states = try await service.states(of: request.tokens.map { ($0.tokenID, $0.secretSha256) })
      return TokenStateResponse(states: states.map(\.rawValue))
    }
  }
}
