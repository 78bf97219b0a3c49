// Decoding of literal tokens into values: strings (escapes), text blocks (indentation removed
// the way Swift does it), durations and times (units to minutes) and measures. Problems are
// reported at the exact bytes concerned.
import Foundation

/// Minutes in one of each duration unit. A month is 30 days and a week 7; a plan of minutes
/// cannot know calendar months, so the printed plan keeps the unit the author wrote.
let minutesPerUnit: [(unit: String, minutes: Int)] = TimeUnit.allCases.map { ($0.symbol, $0.minutes) }

/// The longest duration accepted: 100 years, far beyond any runbook, small enough that sums over
/// a million steps cannot overflow.
let maximumMinutes = 100 * 365 * 1_440

extension Parser {
  // MARK: - Text

  /// Consumes a string or text block token and decodes it.
  mutating func parseText() -> TextLiteral {
    let token = current
    advance()
    if token.kind == .textBlock {
      let value = decodeTextBlock(token)
      checkBidiControls(value, at: token.range)
      return TextLiteral(value: value, range: token.range, isBlock: true)
    }
    if token.isPlainText {
      let range = token.range
      return TextLiteral(value: source.text(SourceRange(range.start + 1, range.end - 1)), range: range, isBlock: false)
    }
    let bytes = source.bytes
    var start = token.range.start + 1
    var end = token.range.end
    if bytes[token.range.start] == 0xE2 {
      // Text in typographic quotes (reported by the lexer): “…” or “…".
      start = token.range.start + 3
      if end - start >= 3 && bytes[end - 3] == 0xE2 && bytes[end - 2] == 0x80 && bytes[end - 1] == 0x9D {
        end -= 3
      } else if end > start && bytes[end - 1] == UInt8(ascii: "\"") {
        end -= 1
      }
    } else if end - token.range.start >= 2 && bytes[end - 1] == bytes[token.range.start] {
      end -= 1
    }
    let value = decodeEscapes(from: start, to: end)
    checkBidiControls(value, at: token.range)
    return TextLiteral(value: value, range: token.range, isBlock: false)
  }

  /// Warns about characters that make text display in another order than it is stored: a
  /// title could then read differently on the printout than what it says.
  mutating func checkBidiControls(_ value: String, at range: SourceRange) {
    // Every bidi control is outside ASCII.
    guard value.utf8.contains(where: { $0 >= 0x80 }) else { return }
    guard let scalar = value.unicodeScalars.first(where: { isBidiControl($0.value) }) else { return }
    report(
      .bidiControl,
      "this text contains U+\(hex(Int(scalar.value), width: 4)), which changes the order in which text is displayed",
      at: range, help: "remove the invisible control character; if it is needed, write it as \\u{\(hex(Int(scalar.value), width: 4))} so that it is seen")
  }

  /// Processes `\\`, `\"`, `\n`, `\t`, `\r` and `\u{…}` between two offsets.
  mutating func decodeEscapes(from start: Int, to end: Int) -> String {
    let bytes = source.bytes
    guard start < end else { return "" }
    if !bytes[start..<end].contains(UInt8(ascii: "\\")) {
      return String(decoding: bytes[start..<end], as: UTF8.self)
    }
    var output: [UInt8] = []
    output.reserveCapacity(end - start)
    var position = start
    while position < end {
      let byte = bytes[position]
      guard byte == UInt8(ascii: "\\"), position + 1 < end else {
        output.append(byte)
        position += 1
        continue
      }
      let next = bytes[position + 1]
      switch next {
      case UInt8(ascii: "\\"), UInt8(ascii: "\""):
        output.append(next)
        position += 2
      case UInt8(ascii: "n"):
        output.append(UInt8(ascii: "\n"))
        position += 2
      case UInt8(ascii: "t"):
        output.append(UInt8(ascii: "\t"))
        position += 2
      case UInt8(ascii: "r"):
        output.append(UInt8(ascii: "\r"))
        position += 2
      case UInt8(ascii: "u"):
        position = decodeUnicodeEscape(at: position, end: end, into: &output)
      default:
        let length = next < 0x80 ? 2 : 1 + max(1, validUTF8Length(bytes, position + 1))
        report(
          .invalidEscape, "unknown escape sequence `\(source.text(SourceRange(position, position + length)))`",
          at: SourceRange(position, position + length),
          help: "write `\\\\` for a backslash; the escapes are \\\\, \\\", \\n, \\t, \\r and \\u{…}")
        output.append(byte)
        position += 1
      }
    }
    return String(decoding: output, as: UTF8.self)
  }

  /// `\u{1F600}`: returns the offset after the escape.
  private mutating func decodeUnicodeEscape(at start: Int, end: Int, into output: inout [UInt8]) -> Int {
    let bytes = source.bytes
    var position = start + 2
    var value: UInt32 = 0
    var digits = 0
    var valid = position < end && bytes[position] == UInt8(ascii: "{")
    if valid {
      position += 1
      while position < end, let digit = hexDigit(bytes[position]), digits < 8 {
        value = value &* 16 &+ UInt32(digit)
        digits += 1
        position += 1
      }
      valid = digits > 0 && position < end && bytes[position] == UInt8(ascii: "}")
      if valid { position += 1 }
    }
    if valid, let scalar = Unicode.Scalar(value) {
      output.append(contentsOf: Array(String(Character(scalar)).utf8))
      return position
    }
    let range = SourceRange(start, max(position, start + 2))
    report(
      .invalidEscape, "invalid unicode escape `\(source.text(range))`", at: range,
      help: "write a code point in hexadecimal: `\\u{00E9}`")
    output.append(contentsOf: Array(source.text(range).utf8))
    return range.end
  }

  private func hexDigit(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }

  /// A `"""` block: the text starts on the line after the opening delimiter; the closing
  /// delimiter stands on a line of its own, and its indentation is removed from every line.
  mutating func decodeTextBlock(_ token: Token) -> String {
    let bytes = source.bytes
    let open = token.range.start
    let contentStart = open + 3
    let terminated = token.range.end - contentStart >= 3
      && bytes[token.range.end - 1] == UInt8(ascii: "\"")
      && bytes[token.range.end - 2] == UInt8(ascii: "\"")
      && bytes[token.range.end - 3] == UInt8(ascii: "\"")
    let close = terminated ? token.range.end - 3 : token.range.end

    // The rest of the opening line must be blank.
    var position = contentStart
    while position < close && (bytes[position] == UInt8(ascii: " ") || bytes[position] == UInt8(ascii: "\t") || bytes[position] == UInt8(ascii: "\r")) {
      position += 1
    }
    guard position < close && bytes[position] == UInt8(ascii: "\n") else {
      if terminated {
        report(
          .textBlockIndentation, "a text block's text must start on the line after `\"\"\"`",
          at: SourceRange(open, contentStart),
          help: "break the line after `\"\"\"`, or use a one-line string in double quotes")
      }
      return decodeEscapes(from: contentStart, to: close)
    }
    let firstLine = position + 1

    // The closing line: whitespace only before `"""`; that whitespace is the indentation.
    var indentStart = close
    while indentStart > firstLine && (bytes[indentStart - 1] == UInt8(ascii: " ") || bytes[indentStart - 1] == UInt8(ascii: "\t")) {
      indentStart -= 1
    }
    let closingOnOwnLine = indentStart == firstLine || bytes[indentStart - 1] == UInt8(ascii: "\n")
    if terminated && !closingOnOwnLine {
      report(
        .textBlockIndentation, "the closing `\"\"\"` must be on a line of its own",
        at: SourceRange(close, close + 3), help: "move `\"\"\"` to the next line")
    }
    let indent = closingOnOwnLine ? Array(bytes[indentStart..<close]) : []
    let contentEnd = closingOnOwnLine ? max(firstLine, indentStart - 1) : close

    var lines: [String] = []
    var lineStart = firstLine
    var reportedIndent = false
    while lineStart <= contentEnd {
      var lineEnd = lineStart
      while lineEnd < contentEnd && bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
      var visibleEnd = lineEnd
      if visibleEnd > lineStart && bytes[visibleEnd - 1] == UInt8(ascii: "\r") { visibleEnd -= 1 }
      let isBlank = bytes[lineStart..<visibleEnd].allSatisfy {
        $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t")
      }
      if isBlank {
        lines.append("")
      } else if visibleEnd - lineStart >= indent.count
        && Array(bytes[lineStart..<(lineStart + indent.count)]) == indent
      {
        lines.append(decodeEscapes(from: lineStart + indent.count, to: visibleEnd))
      } else {
        if !reportedIndent {
          reportedIndent = true
          report(
            .textBlockIndentation, "this line is indented less than the closing `\"\"\"`",
            at: SourceRange(lineStart, visibleEnd),
            notes: [DiagnosticNote("the closing `\"\"\"` sets the indentation", at: SourceRange(close, close + 3))],
            help: "indent every line of the text block at least as far as its closing `\"\"\"`")
        }
        lines.append(decodeEscapes(from: lineStart, to: visibleEnd))
      }
      if lineEnd >= contentEnd { break }
      lineStart = lineEnd + 1
    }
    if firstLine >= contentEnd && closingOnOwnLine { return "" }
    return lines.joined(separator: "\n")
  }

  // MARK: - Numbers

  /// Splits `1h30m` into `[(1, "h"), (30, "m")]`; nil when it is not number-then-letters pairs.
  /// Read from bytes: this runs for every duration in the file.
  private func quantityParts(_ text: Substring) -> [(number: Double, unit: String, text: Substring)]? {
    var parts: [(Double, String, Substring)] = []
    let utf8 = text.utf8
    var index = utf8.startIndex
    while index != utf8.endIndex {
      let numberStart = index
      var whole = 0.0
      var fraction = 0.0
      var scale = 0.1
      var digits = 0
      var seenPoint = false
      while index != utf8.endIndex {
        let byte = utf8[index]
        if byte >= 0x30 && byte <= 0x39 {
          if seenPoint {
            fraction += Double(byte - 0x30) * scale
            scale /= 10
          } else {
            whole = whole * 10 + Double(byte - 0x30)
          }
          digits += 1
        } else if byte == UInt8(ascii: ".") && !seenPoint {
          seenPoint = true
        } else {
          break
        }
        index = utf8.index(after: index)
      }
      guard digits > 0 else { return nil }
      let unitStart = index
      while index != utf8.endIndex, let byte = Optional(utf8[index]),
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A)
      {
        index = utf8.index(after: index)
      }
      let numberText = Substring(text[numberStart..<unitStart])
      parts.append((whole + fraction, String(text[unitStart..<index]), numberText))
    }
    return parts
  }

  /// The number of minutes a duration token stands for; reports and returns nil when invalid.
  mutating func decodeDuration(_ token: Token) -> Int? {
    if let minutes = plainDuration(token.range) { return minutes }
    let whole = text(token)
    let negative = whole.hasPrefix("-")
    let body = negative ? whole.dropFirst() : Substring(whole)
    guard let parts = quantityParts(body) else {
      report(
        .invalidNumber, "`\(clipped(whole))` is not a duration", at: token.range,
        help: "write a number followed by a unit: `45m`, `2h`, `1h30m`")
      return nil
    }
    if let typed = typedDuration(parts, token: token, negative: negative) { return typed }
    var total = 0.0
    var offset = token.range.start + (negative ? 1 : 0)
    for part in parts {
      let partRange = SourceRange(offset, offset + part.text.count + part.unit.count)
      offset = partRange.end
      if part.unit.isEmpty {
        report(
          .missingUnit, "`\(part.text)` has no unit", at: partRange,
          help: "add a unit: `m` minutes, `h` hours, `d` days, `w` weeks, `mo` months")
        return nil
      }
      guard let factor = minutesPerUnit.first(where: { $0.unit == part.unit })?.minutes else {
        let unitRange = SourceRange(partRange.start + part.text.count, partRange.end)
        let suggestion = closestName(to: part.unit, among: minutesPerUnit.map(\.unit))
        var help = "the units are `m` minutes, `h` hours, `d` days, `w` weeks and `mo` months"
        if part.unit == "s" || part.unit == "sec" { help = "durations are whole minutes; " + help }
        if part.unit == "min" || part.unit == "mins" { help = "write `m` for minutes" }
        else if part.unit == "hr" || part.unit == "hrs" || part.unit == "hours" { help = "write `h` for hours" }
        else if part.unit == "y" || part.unit == "yr" { help = "write `12mo` for a year" }
        else if let suggestion, part.unit.count > 1 { help = "did you mean `\(suggestion)`? " + help }
        report(.unknownUnit, "unknown duration unit `\(clipped(part.unit))`", at: unitRange, help: help)
        return nil
      }
      total += part.number * Double(factor)
    }
    guard total <= Double(maximumMinutes) else {
      report(
        .durationTooLarge, "`\(clipped(whole))` is longer than 100 years", at: token.range,
        help: "check the number and the unit")
      return nil
    }
    let minutes = total.rounded()
    if abs(total - minutes) > 1e-9 {
      // Computed from what was written: `1.33h` is 79.8 minutes; the nearest whole ones are
      // offered, since which is meant is not certain.
      let shown = (total * 10).rounded() / 10
      let lower = Int(total.rounded(.down))
      let upper = Int(total.rounded(.up))
      let nearest = formatDuration(Int(minutes))
      let other = formatDuration(Int(minutes) == lower ? upper : lower)
      report(
        .invalidNumber, "`\(clipped(whole))` is \(shown == shown.rounded() ? String(Int(shown)) : String(shown)) minutes, not a whole number of minutes", at: token.range,
        help: "durations are counted in whole minutes: write `\(nearest)` (or `\(other)`)")
      return nil
    }
    return negative ? -Int(minutes) : Int(minutes)
  }

  /// `2hrs`, `1hr30`, `90mins`, `2hours`: units as people type them, glued to the number.
  /// Reported with the canonical spelling and a fix (the meaning is certain), and read for what
  /// they mean; nil when some unit is not one of these (then the usual reports follow).
  private mutating func typedDuration(
    _ parts: [(number: Double, unit: String, text: Substring)], token: Token, negative: Bool
  ) -> Int? {
    let known = Set(TimeUnit.allCases.map(\.symbol))
    guard parts.contains(where: { !known.contains($0.unit) && !$0.unit.isEmpty }) else { return nil }
    var total = 0.0
    var written = negative ? "-" : ""
    for (position, part) in parts.enumerated() {
      let unit: TimeUnit
      if part.unit.isEmpty {
        // `1hr30`: a bare number after hours is minutes.
        guard position == parts.count - 1, position > 0, unitWord(parts[position - 1].unit) == .hour else { return nil }
        unit = .minute
      } else {
        guard let word = unitWord(part.unit) else { return nil }
        unit = word
      }
      guard part.number == part.number.rounded() else { return nil }
      total += part.number * Double(unit.minutes)
      written += String(part.text) + unit.symbol
    }
    guard total <= Double(maximumMinutes) else { return nil }
    report(
      .unknownUnit, "`\(text(token))` is written `\(written)`", at: token.range,
      help: "the units are `m` minutes, `h` hours, `d` days, `w` weeks and `mo` months, right after the number",
      fix: Fix("write `\(written)`", replacing: token.range, with: written))
    return negative ? -Int(total) : Int(total)
  }

  /// The minutes of a duration token written the usual way (`30m`, `1h30m`), or nil.
  func plainDurationOf(_ token: Token) -> Int? { plainDuration(token.range) }

  /// The minutes of a duration written the usual way — whole numbers each followed by a unit,
  /// as in `45m` or `1h30m` — read straight from the bytes; nil for anything else (fractions,
  /// missing or unknown units, very large numbers), which `decodeDuration` reads in full and
  /// reports. Most durations in a file take this path.
  private func plainDuration(_ range: SourceRange) -> Int? {
    source.bytes.withUnsafeBufferPointer { plainDuration(range, in: $0) }
  }

  private func plainDuration(_ range: SourceRange, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    var position = range.start
    let negative = position < range.end && bytes[position] == UInt8(ascii: "-")
    if negative { position += 1 }
    guard position < range.end else { return nil }
    var total = 0
    while position < range.end {
      var number = 0
      let digitsStart = position
      while position < range.end, bytes[position] >= 0x30, bytes[position] <= 0x39, position - digitsStart < 9 {
        number = number * 10 + Int(bytes[position] - 0x30)
        position += 1
      }
      let unitStart = position
      while position < range.end, (bytes[position] | 0x20) >= UInt8(ascii: "a"), (bytes[position] | 0x20) <= UInt8(ascii: "z") {
        position += 1
      }
      guard position > digitsStart, position > unitStart,
        let factor = TimeUnit(symbol: bytes[unitStart..<position])?.minutes
      else { return nil }
      total += number * factor
      guard total <= maximumMinutes else { return nil }
    }
    return negative ? -total : total
  }

  /// `T-48h` → anchor `T`, offset -2880.
  mutating func decodeTime(_ token: Token) -> TimePoint? {
    // The name is word bytes; the sign after it is `+`, `-`, or a dash pasted from Word for `-`
    // (three bytes, E2 80 93/94 or E2 88 92, reported by the lexer).
    let bytes = source.bytes
    if token.range.start < token.range.end, bytes[token.range.start] >= 0x30, bytes[token.range.start] <= 0x39 {
      return decodeClockTime(token)
    }
    var signStart = token.range.start
    while signStart < token.range.end, bytes[signStart] != UInt8(ascii: "+"), bytes[signStart] != UInt8(ascii: "-"), bytes[signStart] != 0xE2 {
      signStart += 1
    }
    guard signStart < token.range.end else { return nil }
    let plus = bytes[signStart] == UInt8(ascii: "+")
    let signLength = bytes[signStart] == 0xE2 ? 3 : 1
    let anchor = Identifier(name: source.text(SourceRange(token.range.start, signStart)), range: SourceRange(token.range.start, signStart))
    let durationToken = Token(kind: .quantity, range: SourceRange(signStart + signLength, token.range.end), atLineStart: false)
    guard let minutes = decodeDuration(durationToken) else { return nil }
    return TimePoint(anchor: anchor, offset: (plus ? 1 : -1) * minutes, range: token.range)
  }

  /// `23:30` where a time from the anchor belongs (the lexer makes one token of it): kept with
  /// its minutes after midnight for the graph builder, which knows the anchor's date and time.
  private mutating func decodeClockTime(_ token: Token) -> TimePoint? {
    let parts = text(token).split(separator: ":")
    guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), hour < 24, minute < 60 else {
      report(
        .invalidDateTime, "`\(text(token))` is not a time of day", at: token.range,
        help: "times are written from the anchor: `T+2h`, `T-30m`")
      return nil
    }
    let anchor = Identifier(name: "", range: token.range)
    return TimePoint(anchor: anchor, offset: 0, range: token.range, clock: hour * 60 + minute)
  }

  /// `99.9%`, `2s`, `4.0`, `500ms` as a measure.
  mutating func decodeMeasure(_ token: Token) -> Measure? {
    let whole = text(token)
    var numberText = Substring(whole)
    var unit = ""
    if token.kind == .percent {
      numberText = numberText.dropLast()
      unit = "%"
    } else if token.kind == .quantity {
      let digits = whole.prefix { $0.isNumber || $0 == "." || $0 == "-" }
      unit = String(whole.dropFirst(digits.count))
      numberText = digits
      guard unit.allSatisfy({ $0.isASCII && $0.isLetter }) else {
        report(
          .invalidNumber, "`\(clipped(whole))` is not a value", at: token.range,
          help: "write a number with at most one unit: `2s`, `99.9%`, `4.0`")
        return nil
      }
    }
    guard let number = Double(numberText), number.isFinite else {
      report(.invalidNumber, "`\(clipped(whole))` is not a number", at: token.range, help: nil)
      return nil
    }
    return Measure(number: number, unit: unit, text: whole, range: token.range)
  }
}
