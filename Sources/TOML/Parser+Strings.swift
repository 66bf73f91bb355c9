/// Basic, literal and multi-line strings, with escapes and line-ending backslashes.
extension Parser {
  /// Parses the string starting at `pos` (its opening quote); `multiline` means it opens with three
  /// quotes.
  ///
  /// Line ends inside multi-line strings are normalised to LF.
  mutating func parseString(multiline: Bool) throws(TOMLError) -> String {
    let open = pos
    let quote = bytes[pos]
    let escapes = quote == ASCII.quote
    if multiline {
      pos += 3
      // A newline right after the opening delimiter is not part of the string.
      if byte(at: pos) == ASCII.lineFeed {
        pos += 1
      } else if byte(at: pos) == ASCII.carriageReturn && byte(at: pos + 1) == ASCII.lineFeed {
        pos += 2
      }
    } else {
      pos += 1
    }
    var segment = pos
    var copied = false
    scratch.removeAll(keepingCapacity: true)
    while true {
      // Most bytes are plain printable ASCII: skip them in a tight loop.
      while pos < end {
        let byte = bytes[pos]
        guard byte >= ASCII.space && byte < ASCII.delete && byte != quote && byte != ASCII.backslash
        else { break }
        pos += 1
      }
      guard pos < end else {
        throw error(
          .syntax, "the string opened at line \(SourceLocation(of: open, in: bytes).line) is not closed",
          at: pos)
      }
      let byte = bytes[pos]
      if byte >= ASCII.space && byte != ASCII.delete {
        if byte == quote {
          if !multiline {
            let text = finishString(segment: segment, upTo: pos, copied: copied)
            pos += 1
            return text
          }
          var run = 1
          while self.byte(at: pos + run) == quote { run += 1 }
          if run >= 3 {
            if run > 5 {
              throw error(.syntax, "too many quotes: at most two may come before the closing delimiter", at: pos)
            }
            let text = finishString(segment: segment, upTo: pos + run - 3, copied: copied)
            pos += run
            return text
          }
          pos += run
        } else if byte == ASCII.backslash && escapes {
          scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segment..<pos]))
          copied = true
          try parseEscape(multiline: multiline)
          segment = pos
        } else if byte >= 0x80 {
          try skipUTF8()
        } else {
          pos += 1
        }
      } else if byte == ASCII.tab {
        pos += 1
      } else if multiline && byte == ASCII.lineFeed {
        pos += 1
      } else if multiline && byte == ASCII.carriageReturn && self.byte(at: pos + 1) == ASCII.lineFeed {
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segment..<pos]))
        scratch.append(ASCII.lineFeed)
        copied = true
        pos += 2
        segment = pos
      } else if byte == ASCII.lineFeed || byte == ASCII.carriageReturn {
        throw error(
          .syntax,
          "the string is not closed before the end of the line (use \(escapes ? "\"\"\"" : "'''") for multi-line strings)",
          at: pos)
      } else {
        throw error(
          .controlCharacter,
          "control character \(Self.codePoint(UInt32(byte))) is not allowed in a string"
            + (escapes ? "; write it as an escape such as \\u\(Self.codePoint(UInt32(byte)).dropFirst(2))" : ""),
          at: pos)
      }
    }
  }

  /// The string made of the bytes copied so far plus `segment..<limit`.
  private mutating func finishString(segment: Int, upTo limit: Int, copied: Bool) -> String {
    let tail = UnsafeBufferPointer(rebasing: bytes[segment..<limit])
    guard copied else { return String(decoding: tail, as: UTF8.self) }
    scratch.append(contentsOf: tail)
    return String(decoding: scratch, as: UTF8.self)
  }

  /// Parses the escape sequence at `pos` (a backslash) and appends what it stands for to
  /// `scratch`; in multi-line strings a backslash at a line end removes the following whitespace.
  private mutating func parseEscape(multiline: Bool) throws(TOMLError) {
    let start = pos
    let code = byte(at: pos + 1)
    pos += 2
    switch code {
    case ASCII.lowerB: scratch.append(0x08)
    case ASCII.lowerT: scratch.append(ASCII.tab)
    case ASCII.lowerN: scratch.append(ASCII.lineFeed)
    case ASCII.lowerF: scratch.append(0x0C)
    case ASCII.lowerR: scratch.append(ASCII.carriageReturn)
    case ASCII.quote: scratch.append(ASCII.quote)
    case ASCII.backslash: scratch.append(ASCII.backslash)
    case ASCII.lowerU: try appendUnicodeEscape(digits: 4, start: start)
    case ASCII.upperU: try appendUnicodeEscape(digits: 8, start: start)
    case ASCII.space, ASCII.tab, ASCII.lineFeed, ASCII.carriageReturn:
      // A line-ending backslash: only blanks may stand between it and the line end.
      guard multiline else {
        throw error(
          .invalidValue,
          "invalid escape sequence: a backslash must be followed by b, t, n, f, r, \", \\, u or U",
          at: start)
      }
      pos = start + 1
      skipBlanks()
      guard byte(at: pos) == ASCII.lineFeed || byte(at: pos) == ASCII.carriageReturn else {
        throw error(
          .invalidValue, "a backslash followed by spaces must end the line in a multi-line string",
          at: start)
      }
      while pos < end {
        let byte = bytes[pos]
        if byte == ASCII.space || byte == ASCII.tab {
          pos += 1
        } else if byte == ASCII.lineFeed || byte == ASCII.carriageReturn {
          try consumeNewline()
        } else {
          break
        }
      }
    default:
      pos = start
      if start + 1 >= end {
        throw error(.syntax, "the string ends with an unfinished escape sequence", at: start)
      }
      throw error(
        .invalidValue,
        "invalid escape sequence '\\\(describe(at: start + 1).trimmingQuotes)' (valid: \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX)",
        at: start)
    }
  }

  /// Reads `digits` hexadecimal digits at `pos` and appends the scalar they name as UTF-8.
  private mutating func appendUnicodeEscape(digits: Int, start: Int) throws(TOMLError) {
    var value: UInt32 = 0
    for offset in 0..<digits {
      guard let digit = ASCII.hexValue(byte(at: pos + offset)) else {
        throw error(
          .invalidValue,
          "\\\(digits == 4 ? "u" : "U") must be followed by \(digits) hexadecimal digits", at: start)
      }
      value = value << 4 | UInt32(digit)
    }
    pos += digits
    guard let scalar = Unicode.Scalar(value) else {
      throw error(
        .invalidValue, "escape \(Self.codePoint(value)) is not a Unicode scalar value", at: start)
    }
    appendUTF8(scalar.value)
  }

  /// Appends the UTF-8 encoding of the scalar value `value` to `scratch`.
  private mutating func appendUTF8(_ value: UInt32) {
    switch value {
    case 0..<0x80:
      scratch.append(UInt8(value))
    case 0x80..<0x800:
      scratch.append(UInt8(0xC0 | value >> 6))
      scratch.append(UInt8(0x80 | value & 0x3F))
    case 0x800..<0x10000:
      scratch.append(UInt8(0xE0 | value >> 12))
      scratch.append(UInt8(0x80 | value >> 6 & 0x3F))
      scratch.append(UInt8(0x80 | value & 0x3F))
    default:
      scratch.append(UInt8(0xF0 | value >> 18))
      scratch.append(UInt8(0x80 | value >> 12 & 0x3F))
      scratch.append(UInt8(0x80 | value >> 6 & 0x3F))
      scratch.append(UInt8(0x80 | value & 0x3F))
    }
  }
}

extension String {
  /// The text without one pair of surrounding single quotes.
  fileprivate var trimmingQuotes: Substring {
    hasPrefix("'") && hasSuffix("'") && count >= 2 ? dropFirst().dropLast() : Substring(self)
  }
}
