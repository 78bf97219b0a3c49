// Renders diagnostics for people, in the style of rustc and clang:
//   path:line:col: error[RB0102]: message
//      |
//   12 |   stgae prep "Preparation" {
//      |   ^^^^^
//      = help: did you mean `stage`?
// Source text is shown with control and bidirectional-override characters made visible, so a
// printed line can never disguise itself, and very long lines are shown as a window around the
// caret.

/// Turns diagnostics into text.
public struct DiagnosticRenderer: Sendable {
  /// Whether to use ANSI colours (only when writing to a terminal).
  public var color: Bool

  /// Creates a renderer.
  public init(color: Bool = false) {
    self.color = color
  }

  private func paint(_ text: String, _ code: String) -> String {
    color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }

  private func severityColor(_ severity: Severity) -> String {
    switch severity {
    case .error: "1;31"
    case .warning: "1;33"
    case .note: "1;36"
    }
  }

  /// Renders one diagnostic, ending with a newline.
  public func render(_ diagnostic: Diagnostic, in source: SourceFile) -> String {
    let position = source.lineColumn(of: diagnostic.range.start)
    let label = "\(diagnostic.severity.rawValue)[\(diagnostic.code.rawValue)]"
    var output = paint("\(displayPath(source.path)):\(position.line):\(position.column):", "1")
    output += " " + paint(label, severityColor(diagnostic.severity)) + ": "
    output += paint(visible(diagnostic.message), "1") + "\n"
    output += snippet(diagnostic.range, in: source, marker: "^", color: severityColor(diagnostic.severity))
    let lineDigits = String(source.lineIndex(of: diagnostic.range.start) + 1).count
    let gutterPad = String(repeating: " ", count: lineDigits + 1)
    for note in diagnostic.notes {
      if let range = note.range {
        let at = source.lineColumn(of: range.start)
        output += paint("\(displayPath(source.path)):\(at.line):\(at.column):", "1")
        output += " " + paint("note", "1;36") + ": " + visible(note.message) + "\n"
        output += snippet(range, in: source, marker: "-", color: "1;36")
      } else {
        output += gutterPad + paint("= note:", "1") + " " + visible(note.message) + "\n"
      }
    }
    if let help = diagnostic.help {
      output += gutterPad + paint("= help:", "1") + " " + visible(help) + "\n"
    }
    if let fix = diagnostic.fix {
      output += gutterPad + paint("= fix:", "1") + " " + visible(fix.description) + " (`runbook check --fix` does it)\n"
    }
    return output
  }

  /// A path made safe to print on one line.
  private func displayPath(_ path: String) -> String { visible(path) }

  /// The gutter, the source line and the underline for a range.
  private func snippet(_ range: SourceRange, in source: SourceFile, marker: String, color: String) -> String {
    let lineIndex = source.lineIndex(of: min(range.start, source.bytes.count))
    let line = source.lineRange(lineIndex)
    let start = min(max(range.start, line.start), line.end)
    let end = min(max(range.end, start), line.end)

    // Show at most a window of the line around the range, however long the line or the range
    // (a run of 200,000 stray characters is marked to the window's edge, then `…`).
    var windowStart = line.start
    if start - windowStart > 80 { windowStart = alignedToScalar(source.bytes, start - 60) }
    var windowEnd = line.end
    if windowEnd - windowStart > 160 { windowEnd = alignedToScalar(source.bytes, windowStart + 160) }
    windowEnd = min(windowEnd, line.end)

    let before = displayText(source.bytes, windowStart, start)
    let marked = displayText(source.bytes, start, min(end, windowEnd))
    let after = displayText(source.bytes, min(end, windowEnd), windowEnd)
    let leading = windowStart > line.start ? "…" : ""
    let trailing = windowEnd < line.end ? "…" : ""
    let number = String(lineIndex + 1)
    let pad = String(repeating: " ", count: number.count)
    let bar = paint("|", "1;34")
    var output = "\(pad) \(bar)\n"
    output += paint(number, "1;34") + " \(bar) \(leading)\(before.text)\(marked.text)\(after.text)\(trailing)\n"
    let underline = String(repeating: marker, count: max(1, marked.width))
    output += "\(pad) \(bar) " + String(repeating: " ", count: before.width + leading.count)
      + paint(underline, color) + "\n"
    return output
  }
}

/// Moves an offset back to the start of a UTF-8 scalar.
private func alignedToScalar(_ bytes: [UInt8], _ offset: Int) -> Int {
  var position = min(max(offset, 0), bytes.count)
  while position > 0 && position < bytes.count && bytes[position] & 0xC0 == 0x80 { position -= 1 }
  return position
}

/// Source bytes as printable text and its width in columns: tabs become four spaces, control
/// characters and bidirectional overrides become `<U+XXXX>`, invalid bytes become U+FFFD.
private func displayText(_ bytes: [UInt8], _ start: Int, _ end: Int) -> (text: String, width: Int) {
  guard start < end else { return ("", 0) }
  var text = ""
  var width = 0
  for scalar in String(decoding: bytes[start..<end], as: UTF8.self).unicodeScalars {
    let shown = visibleScalar(scalar)
    text += shown
    width += shown.unicodeScalars.count
  }
  return (text, width)
}

private func visibleScalar(_ scalar: Unicode.Scalar) -> String {
  let value = scalar.value
  if value == 0x09 { return "    " }
  if isNeutralised(value) {
    return "<U+\(hex(Int(value), width: 4))>"
  }
  return String(Character(scalar))
}

/// True for scalars that no output shows as they are: C0 and C1 controls, DEL, the line and
/// paragraph separators, and the bidirectional formatting characters. The terminal shows them as
/// `<U+XXXX>`, Markdown, HTML and Mermaid replace or drop them, JSON writes them as `\u` escapes.
func isNeutralised(_ value: UInt32) -> Bool {
  value < 0x20 || value == 0x7F || (0x80...0x9F).contains(value) || value == 0x2028 || value == 0x2029
    || isBidiControl(value)
}

/// Bidirectional formatting characters that can make text display in a different order than it
/// is stored ("Trojan Source").
func isBidiControl(_ value: UInt32) -> Bool {
  (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value) || value == 0x200E
    || value == 0x200F || value == 0x061C
}

/// `visible(text)` clipped to `limit` shown scalars with "…": a `<U+XXXX>` marker is never cut in
/// half (it is left out whole when it would not fit).
public func visible(_ text: String, limit: Int) -> String {
  let shown = visible(text)
  if shown.utf8.count <= limit { return shown }
  // Nothing marked (a marker is longer than what it stands for): the first `limit` scalars.
  if shown.utf8.count == text.utf8.count {
    // ASCII (the common title): the first `limit` bytes are the first `limit` scalars.
    let asciiPrefix = text.utf8.withContiguousStorageIfAvailable { bytes -> String? in
      guard limit >= 0, !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
      return String(decoding: UnsafeBufferPointer(rebasing: bytes[..<limit]), as: UTF8.self) + "…"
    }
    if let asciiPrefix = asciiPrefix ?? nil { return asciiPrefix }
    let scalars = text.unicodeScalars
    guard let end = scalars.index(scalars.startIndex, offsetBy: limit, limitedBy: scalars.endIndex), end < scalars.endIndex else { return text }
    return String(scalars[..<end]) + "…"
  }
  // One pass over the scalars, each shown as itself or as its marker (no string per scalar:
  // long titles are clipped in every plan).
  var output = String.UnicodeScalarView()
  var width = 0
  var clippedAny = false
  for scalar in text.unicodeScalars {
    let marked = isNeutralised(scalar.value)
    let marker = marked ? "<U+\(hex(Int(scalar.value), width: 4))>" : ""
    let pieceWidth = marked ? marker.unicodeScalars.count : 1
    if width + pieceWidth > limit {
      clippedAny = true
      break
    }
    if marked { output.append(contentsOf: marker.unicodeScalars) } else { output.append(scalar) }
    width += pieceWidth
  }
  return clippedAny ? String(output) + "…" : String(output)
}

/// Text for one line of output: every control and bidi character shown as `<U+XXXX>`.
public func visible(_ text: String) -> String {
  // Most text has none: a scan of the bytes finds the few lead bytes that could start one
  // (ASCII controls, C1 controls as C2 80-9F, U+061C as D8 9C, the bidi marks as E2 80/81).
  func isSuspicious(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x7F || byte == 0xC2 || byte == 0xD8 || byte == 0xE2 }
  // Through the string's own storage where it has one: walking the UTF-8 view byte by byte was
  // most of the cost of every title in a plan.
  let suspicious = text.utf8.withContiguousStorageIfAvailable { $0.contains(where: isSuspicious) }
    ?? text.utf8.contains(where: isSuspicious)
  if !suspicious { return text }
  var output = ""
  for scalar in text.unicodeScalars {
    let value = scalar.value
    if isNeutralised(value) {
      output += "<U+\(hex(Int(value), width: 4))>"
    } else {
      output.append(Character(scalar))
    }
  }
  return output
}
