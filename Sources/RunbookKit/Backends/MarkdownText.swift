// Text from the runbook made literal in Markdown (CommonMark with GitHub's extensions: tables,
// autolinks, strikethrough, math). Escaping works on Unicode scalars, never on characters: a
// combining mark after `|` or a prepended character before `<` is a separate scalar, so the
// special character is still seen and escaped. Control and bidirectional-formatting characters
// become U+FFFD, so they can neither break a line nor reorder what a reader sees. Web addresses
// are written as links whose address is never escaped (a backslash inside an address that GitHub
// autolinks would become part of it).

/// The ASCII characters that can start or end inline markup (or a table cell), backslash-escaped.
private let markdownSpecialTable: [Bool] = {
  var table = [Bool](repeating: false, count: 128)
  for scalar in "\\`*_[]<>|~#&!$".unicodeScalars { table[Int(scalar.value)] = true }
  return table
}()

/// Whether a scalar is one of the ASCII characters above.
private func isMarkdownSpecial(_ value: UInt32) -> Bool { value < 128 && markdownSpecialTable[Int(value)] }

/// What the scan for plain text makes of each byte: 0 nothing, 1 maybe escaped (the characters
/// above, controls, and C2, D8 and E2, which lead the few non-ASCII scalars that are ever
/// changed: C1 controls, U+061C, separators and bidi controls), 2 `/` and 3 `.`, which may end
/// the `://` or `www.` of an address.
private let markdownScanTable: [UInt8] = {
  var table = [UInt8](repeating: 0, count: 256)
  for value in 0..<128 where markdownSpecialTable[value] { table[value] = 1 }
  for value in 0..<0x20 { table[value] = 1 }
  for value in [0x7F, 0xC2, 0xD8, 0xE2] { table[value] = 1 }
  table[Int(UInt8(ascii: "/"))] = 2
  table[Int(UInt8(ascii: "."))] = 3
  return table
}()

/// Text from the source made literal in Markdown: every scalar that could start markup is
/// backslash-escaped, line breaks and tabs become spaces, controls and bidi controls U+FFFD, and
/// `http://` and `https://` addresses become autolinks (`<https://…>`) and `www.` addresses links,
/// so that they keep working without an escape inside them.
func escapeInline(_ text: String) -> String {
  if text.withUTF8InPlace(isPlainInline) { return text }
  let scalars = Array(text.unicodeScalars)
  var output = String.UnicodeScalarView()
  var index = 0
  while index < scalars.count {
    if let end = addressEnd(scalars, from: index) {
      appendAddress(scalars[index..<end], to: &output)
      index = end
      continue
    }
    appendEscaped(scalars[index], to: &output)
    index += 1
  }
  return String(output)
}

/// `escapeInline(text)` appended to `out`: text that needs nothing, as most does, is copied
/// from its own bytes, with no string made.
func appendInline(_ text: String, to out: inout TextBuffer) {
  let copied = text.utf8.withContiguousStorageIfAvailable { bytes in
    guard isPlainInline(bytes) else { return false }
    out.bytes.append(bytes: bytes)
    return true
  }
  if copied != true { out.append(escapeInline(text)) }
}

/// Whether `escapeInline` leaves these bytes as they are. Most text needs nothing: one pass
/// looks for what could need escaping. Of the non-ASCII scalars only those led by C2 (C1
/// controls), D8 (U+061C) and E2 (separators and bidi controls) are ever changed; an address
/// shows as `://` or `www.`.
private func isPlainInline(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
  markdownScanTable.withUnsafeBufferPointer { table in
    // Four bytes at a time while all four are plain: one test for four, where nearly every
    // byte of every title is plain. The first group that is not is read again byte by byte.
    var start = 0
    while start + 4 <= bytes.count {
      let kinds = table[Int(bytes[start])] | table[Int(bytes[start + 1])] | table[Int(bytes[start + 2])] | table[Int(bytes[start + 3])]
      if kinds != 0 { break }
      start += 4
    }
    for index in start..<bytes.count {
      switch table[Int(bytes[index])] {
      case 0: continue
      case 1: return false
      // `://` and `www.`, looked for at their last byte.
      case 2: if index >= 2 && bytes[index - 1] == UInt8(ascii: "/") && bytes[index - 2] == UInt8(ascii: ":") { return false }
      default: if index >= 3 && bytes[index - 1] == UInt8(ascii: "w") && bytes[index - 2] == UInt8(ascii: "w") && bytes[index - 3] == UInt8(ascii: "w") { return false }
      }
    }
    return true
  }
}

private func appendEscaped(_ scalar: Unicode.Scalar, to output: inout String.UnicodeScalarView) {
  let value = scalar.value
  if value == 0x0A || value == 0x0D || value == 0x09 {
    output.append(" ")
  } else if isNeutralised(value) {
    output.append("\u{FFFD}")
  } else {
    if isMarkdownSpecial(value) { output.append("\\") }
    output.append(scalar)
  }
}

/// Where a web address starting at `start` ends: it starts a word with `http://`, `https://` or
/// `www.`, runs to the next space or control, and leaves out trailing punctuation and an
/// unbalanced closing parenthesis, as GitHub does. Nil when no address starts there.
private func addressEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
  if start > 0 {
    let before = scalars[start - 1]
    guard before == " " || before == "(" || before == "\t" || before == "\n" || before == "\"" else { return nil }
  }
  func has(_ prefix: String) -> Bool {
    var index = start
    for scalar in prefix.unicodeScalars {
      guard index < scalars.count, scalars[index].properties.lowercaseMapping == String(scalar) else { return false }
      index += 1
    }
    return true
  }
  let prefixLength: Int
  if has("https://") { prefixLength = 8 } else if has("http://") { prefixLength = 7 } else if has("www.") { prefixLength = 4 } else { return nil }
  var end = start
  while end < scalars.count {
    let value = scalars[end].value
    if value <= 0x20 || isNeutralised(value) || value == 0x3C || value == 0x3E || value == 0x60 || value == 0x22 { break }
    end += 1
  }
  // Trailing punctuation is not part of the address; nor is a `)` that closes nothing.
  while end > start + prefixLength {
    let last = scalars[end - 1]
    if ".,:;!?'*_~".unicodeScalars.contains(last) {
      end -= 1
    } else if last == ")" {
      let opened = scalars[start..<end].filter { $0 == "(" }.count
      let closed = scalars[start..<end].filter { $0 == ")" }.count
      guard closed > opened else { break }
      end -= 1
    } else {
      break
    }
  }
  // A scheme and nothing after it, or `www.` alone, is no address.
  return end > start + prefixLength ? end : nil
}

/// An address as a link: `<https://…>` (an autolink, in which nothing is escaped), or
/// `[www.…](<http://www.…>)`, whose text is escaped as usual, for `www.` and for addresses that
/// had to be encoded. `|` and `\` are percent-encoded in
/// the address (a `|` would split a table row); both mean the same to a web server.
private func appendAddress(_ address: ArraySlice<Unicode.Scalar>, to output: inout String.UnicodeScalarView) {
  var target = String.UnicodeScalarView()
  for scalar in address {
    switch scalar {
    case "|": target.append(contentsOf: "%7C".unicodeScalars)
    case "\\": target.append(contentsOf: "%5C".unicodeScalars)
    default: target.append(scalar)
    }
  }
  // An autolink shows its address as its text; where the address had to be encoded, or has no
  // scheme, a link shows the text as written instead.
  if address.first == "w" || address.first == "W" || address.contains("|") || address.contains("\\") {
    let scheme = address.first == "w" || address.first == "W" ? "http://" : ""
    output.append("[")
    for scalar in address { appendEscaped(scalar, to: &output) }
    output.append(contentsOf: "](<\(scheme)".unicodeScalars)
    output.append(contentsOf: target)
    output.append(contentsOf: ">)".unicodeScalars)
  } else {
    output.append("<")
    output.append(contentsOf: target)
    output.append(">")
  }
}

/// Escapes what would start a block (a list, a quote, a heading, a rule, a table row, an ordered
/// list) at the start of a line. Looks at scalars: a combining mark after `>` does not hide it.
func escapeLineStart(_ text: String) -> String {
  let scalars = text.unicodeScalars
  guard let first = scalars.first else { return text }
  if "-+=>".unicodeScalars.contains(first) { return "\\" + text }
  var digits = 0
  for scalar in scalars {
    guard scalar.value >= 0x30 && scalar.value <= 0x39 else { break }
    digits += 1
  }
  if digits > 0, digits <= 9 {
    let index = scalars.index(scalars.startIndex, offsetBy: digits)
    if index < scalars.endIndex, scalars[index] == "." || scalars[index] == ")" {
      var output = String.UnicodeScalarView(scalars[..<index])
      output.append("\\")
      output.append(contentsOf: scalars[index...])
      return String(output)
    }
  }
  return text
}

/// Text for a table cell: escaped inline text, pipes included.
func escapeCell(_ text: String) -> String { escapeInline(text) }

/// A code span that holds `text` literally, whatever backticks it contains. Inside a code span
/// nothing is markup, but line breaks, controls and bidi controls are still neutralised.
func codeSpan(_ text: String) -> String {
  let body = neutralised(text, lineBreaks: " ")
  let fence = String(repeating: "`", count: longestRun(of: "`", in: body) + 1)
  let pad = body.hasPrefix("`") || body.hasSuffix("`") ? " " : ""
  return fence + pad + body + pad + fence
}

/// `text` with controls and bidi controls as U+FFFD, tabs as spaces, and line breaks as
/// `lineBreaks` (nil keeps them): for code blocks and spans, where nothing else is markup.
func neutralised(_ text: String, lineBreaks: String?) -> String {
  var clean = String.UnicodeScalarView()
  for scalar in text.unicodeScalars {
    let value = scalar.value
    if value == 0x0A || value == 0x0D, let lineBreaks {
      clean.append(contentsOf: lineBreaks.unicodeScalars)
    } else if value == 0x0A {
      clean.append(scalar)
    } else if value == 0x09 {
      clean.append(" ")
    } else if isNeutralised(value) {
      clean.append("\u{FFFD}")
    } else {
      clean.append(scalar)
    }
  }
  return String(clean)
}

/// The longest run of one ASCII scalar in `text`.
func longestRun(of character: Unicode.Scalar, in text: String) -> Int {
  var longest = 0
  var current = 0
  for each in text.unicodeScalars {
    current = each == character ? current + 1 : 0
    longest = max(longest, current)
  }
  return longest
}
