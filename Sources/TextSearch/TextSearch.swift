// Finding and replacing text in strings with the standard library alone.
//
// The standard library's `contains(_:)`, `firstRange(of:)`, `ranges(of:)` and `replacing(_:with:)`
// for strings live in `_StringProcessing`, a library of its own that `modal` does not load (it
// costs about a million instructions of dynamic loading at every start, issue 19; Package.swift's
// `startupLinkage`). These do the same, comparing `Character` by `Character` as those do.

extension StringProtocol {
  /// The range of the first occurrence of `needle`, or nil; an empty needle is found at the start.
  @inlinable
  package func firstRange(ofText needle: some StringProtocol) -> Range<Index>? {
    var start = startIndex
    while true {
      if let end = matchEnd(of: needle, at: start) { return start..<end }
      guard start != endIndex else { return nil }
      formIndex(after: &start)
    }
  }

  /// The range of the last of the non-overlapping occurrences of `needle` found from the start, or nil.
  @inlinable
  package func lastRange(ofText needle: some StringProtocol) -> Range<Index>? {
    var last: Range<Index>?
    var rest = self[...]
    while let found = rest.firstRange(ofText: needle) {
      last = found
      guard found.upperBound != rest.endIndex else { break }
      // An empty needle matches everywhere: step past it so the search moves on.
      rest = rest[(found.isEmpty ? rest.index(after: found.upperBound) : found.upperBound)...]
    }
    return last
  }

  /// Whether `needle` occurs in the text.
  @inlinable
  package func contains(text needle: some StringProtocol) -> Bool {
    firstRange(ofText: needle) != nil
  }

  /// The text with every non-overlapping occurrence of `needle`, from the start, replaced by `replacement`.
  @inlinable
  package func replacing(text needle: some StringProtocol, with replacement: some StringProtocol) -> String {
    var result = ""
    var rest = self[...]
    while !needle.isEmpty, let found = rest.firstRange(ofText: needle) {
      result += rest[..<found.lowerBound]
      result += replacement
      rest = rest[found.upperBound...]
    }
    result += rest
    return result
  }

  /// Where a match of `needle` starting at `start` ends, or nil when there is none.
  @inlinable
  func matchEnd(of needle: some StringProtocol, at start: Index) -> Index? {
    var index = start
    for character in needle {
      guard index != endIndex, self[index] == character else { return nil }
      formIndex(after: &index)
    }
    return index
  }
}
