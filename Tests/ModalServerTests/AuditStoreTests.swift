import ModalServer
import Testing
import TestSupport

/// The audit log's store methods on SQLite (`AuditStoreChecks`).
struct AuditStoreTests {
  private func withStore(_ check: (SQLiteStore) async throws -> Void) async throws { try await StoreFixture.sqlite(check) }

  @Test func changesAndEntriesGoTogether() async throws { try await withStore(AuditStoreChecks.changesAndEntriesGoTogether) }
  @Test func concurrentEntriesGetDistinctPositions() async throws {
    try await withStore(AuditStoreChecks.concurrentEntriesGetDistinctPositions)
  }
  @Test func floodsAreCoalesced() async throws { try await withStore(AuditStoreChecks.floodsAreCoalesced) }
  @Test func queriesFilterPageAndCount() async throws { try await withStore(AuditStoreChecks.queriesFilterPageAndCount) }
  @Test func newAddressesAreRecordedOnce() async throws { try await withStore(AuditStoreChecks.newAddressesAreRecordedOnce) }
}
