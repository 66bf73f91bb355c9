import ModalServer
import Testing
import TestSupport

/// The audit log's store methods on a real PostgreSQL (`AuditStoreChecks`): the same checks as on SQLite.
@Suite(.serialized) struct AuditPostgresTests {
  private func withStore(_ check: (PostgresStore) async throws -> Void) async throws { try await StoreFixture.postgres(check) }

  @Test func changesAndEntriesGoTogether() async throws { try await withStore(AuditStoreChecks.changesAndEntriesGoTogether) }
  @Test func concurrentEntriesGetDistinctPositions() async throws {
    try await withStore(AuditStoreChecks.concurrentEntriesGetDistinctPositions)
  }
  @Test func floodsAreCoalesced() async throws { try await withStore(AuditStoreChecks.floodsAreCoalesced) }
  @Test func queriesFilterPageAndCount() async throws { try await withStore(AuditStoreChecks.queriesFilterPageAndCount) }
  @Test func newAddressesAreRecordedOnce() async throws { try await withStore(AuditStoreChecks.newAddressesAreRecordedOnce) }
}
