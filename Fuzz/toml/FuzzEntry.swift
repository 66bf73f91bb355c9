// libFuzzer entry point for the TOML module, compiled together with Sources/TOML/*.swift by
// Fuzz/run-toml-fuzz.sh. Any crash, sanitizer report or trap below is a bug.

/// Stops the run: an invariant of the decoder, encoder or editor does not hold.
func violated(_ what: String) -> Never {
  preconditionFailure("TOML fuzz invariant violated: \(what)")
}

/// Decodes the input; on success checks the encoder round trip and a few editor operations.
@_cdecl("LLVMFuzzerTestOneInput")
public func tomlFuzzTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = UnsafeBufferPointer(start: data, count: size)
  let decoder = TOMLDecoder(limits: TOMLLimits(maxDepth: 128, maxInputBytes: 1 << 20))
  let table: TOMLTable
  do {
    table = try decoder.decode(bytes)
  } catch {
    if error.line < 1 || error.column < 1 || error.message.isEmpty { violated("error without position: \(error)") }
    return 0
  }
  // The encoder writes what the decoder reads back.
  let encoded = TOMLEncoder().encode(table)
  guard let again = try? decoder.decode(encoded), again == table else { violated("encode round trip") }
  // The editor: each edit either throws or leaves text that decodes to the intended table.
  guard var document = try? TOMLDocument(String(decoding: bytes, as: UTF8.self), limits: decoder.limits) else {
    violated("TOMLDocument rejected a valid document")
  }
  let firstTable = table.entries.first { $0.value.tableValue != nil }?.key
  let firstKey = table.entries.first?.key ?? "k"
  let path = firstTable.map { [$0] } ?? []
  let seed = size > 0 ? Int(bytes[size / 2]) : 0
  let value: TOMLValue = seed % 3 == 0 ? .string("fuzz \(seed)") : .integer(Int64(seed))
  check(&document, decoder) {
    try $0.setValue(value, forKey: "fuzz_key", inTable: path)
  } expect: {
    (try? $0.value(at: (path + ["fuzz_key"])[...])) == value
  }
  check(&document, decoder) {
    try $0.setValue(value, forKey: firstKey, inTable: [])
  } expect: {
    (try? $0.value(at: [firstKey][...])) == value
  }
  check(&document, decoder) {
    try $0.addTable(["fuzz table", "sub"])
  } expect: {
    (try? $0.value(at: ["fuzz table", "sub"][...]))?.tableValue != nil
  }
  if let firstTable {
    check(&document, decoder) {
      try $0.removeTable([firstTable])
    } expect: {
      $0[firstTable] == nil
    }
  }
  check(&document, decoder) {
    _ = try $0.removeValue(forKey: firstKey, inTable: [])
  } expect: {
    $0[firstKey] == nil
  }
  return 0
}

/// Runs `edit`; when it succeeds, the text must decode to the document's table and satisfy
/// `expect`; when it fails, the document must be unchanged.
func check(
  _ document: inout TOMLDocument, _ decoder: TOMLDecoder, _ edit: (inout TOMLDocument) throws -> Void,
  expect: (TOMLTable) -> Bool
) {
  let before = document.text
  do {
    try edit(&document)
  } catch {
    if document.text != before { violated("failed edit changed the text") }
    return
  }
  guard let decoded = try? decoder.decode(document.text), decoded == document.table else {
    violated("edited text does not decode to the document's table")
  }
  if !expect(decoded) { violated("edit did not make the intended change") }
}
