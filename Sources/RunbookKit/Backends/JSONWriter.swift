// Writes JSON straight into a string as it is produced, pretty-printed with two-space indents,
// keys in the order written. Streaming keeps big documents cheap: no tree of values is built.
// Strings are escaped exactly: quotes, backslashes, control characters, U+2028/U+2029 for
// JavaScript consumers, and the invisible U+FEFF.

/// A streaming JSON writer.
struct JSONWriter {
  /// UTF-8 bytes: appending bytes is several times cheaper than appending to a String.
  private var output: [UInt8] = []
  /// For each open object or array: whether it has members yet.
  private var hasMembers: [Bool] = []
  /// Set after a key: the next value follows it on the same line.
  private var afterKey = false

  init(capacity: Int = 0) {
    output.reserveCapacity(capacity)
  }

  /// The finished document, with a final newline.
  var document: String { String(decoding: documentBytes, as: UTF8.self) }

  /// The finished document as UTF-8 bytes, with a final newline (no copy into a String).
  var documentBytes: [UInt8] {
    var bytes = output
    bytes.append(UInt8(ascii: "\n"))
    return bytes
  }

  private mutating func beginValue() {
    if afterKey {
      afterKey = false
      return
    }
    guard let last = hasMembers.last else { return }
    if last { output.append(UInt8(ascii: ",")) }
    output.append(UInt8(ascii: "\n"))
    hasMembers[hasMembers.count - 1] = true
    indent()
  }

  private mutating func indent() {
    for _ in 0..<hasMembers.count {
      output.append(0x20)
      output.append(0x20)
    }
  }

  /// Writes `"key": ` in the open object; the value comes next.
  mutating func key(_ name: String) {
    beginValue()
    writeString(name, into: &output)
    output.append(UInt8(ascii: ":"))
    output.append(0x20)
    afterKey = true
  }

  mutating func object(_ body: (inout JSONWriter) -> Void) {
    open("{")
    body(&self)
    close("}")
  }

  mutating func array(_ body: (inout JSONWriter) -> Void) {
    open("[")
    body(&self)
    close("]")
  }

  private mutating func open(_ bracket: String) {
    beginValue()
    output += bracket.utf8
    hasMembers.append(false)
  }

  private mutating func close(_ bracket: String) {
    let had = hasMembers.removeLast()
    if had {
      output.append(UInt8(ascii: "\n"))
      indent()
    }
    output += bracket.utf8
  }

  mutating func string(_ value: String?) {
    beginValue()
    if let value { writeString(value, into: &output) } else { output += "null".utf8 }
  }

  mutating func int(_ value: Int?) {
    beginValue()
    output += (value.map(String.init) ?? "null").utf8
  }

  mutating func bool(_ value: Bool?) {
    beginValue()
    output += (value.map { $0 ? "true" : "false" } ?? "null").utf8
  }

  /// A number; whole numbers print without a fraction, non-finite ones as null.
  mutating func double(_ value: Double?) {
    beginValue()
    guard let value, value.isFinite else {
      output += "null".utf8
      return
    }
    output += (value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)").utf8
  }

  mutating func null() {
    beginValue()
    output += "null".utf8
  }

  // MARK: - Conveniences for `"key": value`

  mutating func field(_ name: String, _ value: String?) {
    key(name)
    string(value)
  }

  mutating func field(_ name: String, _ value: Int?) {
    key(name)
    int(value)
  }

  mutating func field(_ name: String, _ value: Bool) {
    key(name)
    bool(value)
  }

  mutating func field(_ name: String, strings: [String]) {
    key(name)
    array { writer in
      for value in strings { writer.string(value) }
    }
  }

  mutating func object(_ name: String, _ body: (inout JSONWriter) -> Void) {
    key(name)
    object(body)
  }

  mutating func array(_ name: String, _ body: (inout JSONWriter) -> Void) {
    key(name)
    array(body)
  }
}

/// Writes a JSON string literal as UTF-8. Runs of plain text are copied as slices.
func writeString(_ value: String, into output: inout [UInt8]) {
  output.append(UInt8(ascii: "\""))
  let utf8 = value.utf8
  var plainStart = utf8.startIndex
  var index = utf8.startIndex
  while index != utf8.endIndex {
    let byte = utf8[index]
    var escape: String?
    var length = 1
    switch byte {
    case 0x22: escape = "\\\""
    case 0x5C: escape = "\\\\"
    case 0x0A: escape = "\\n"
    case 0x0D: escape = "\\r"
    case 0x09: escape = "\\t"
    case 0..<0x20, 0x7F: escape = "\\u" + hex(Int(byte), width: 4).lowercased()
    case 0xE2:
      // U+2028 and U+2029 (E2 80 A8, E2 80 A9) end lines in JavaScript.
      let second = utf8.index(after: index)
      if second != utf8.endIndex, utf8[second] == 0x80 {
        let third = utf8.index(after: second)
        if third != utf8.endIndex, utf8[third] == 0xA8 || utf8[third] == 0xA9 {
          escape = utf8[third] == 0xA8 ? "\\u2028" : "\\u2029"
          length = 3
        }
      }
    case 0xEF:
      // U+FEFF (EF BB BF), an invisible byte-order mark: escaped so that it is seen, and so
      // that no parser mistakes it for the start of a stream.
      let second = utf8.index(after: index)
      if second != utf8.endIndex, utf8[second] == 0xBB {
        let third = utf8.index(after: second)
        if third != utf8.endIndex, utf8[third] == 0xBF {
          escape = "\\ufeff"
          length = 3
        }
      }
    default:
      break
    }
    if let escape {
      output += utf8[plainStart..<index]
      output += escape.utf8
      index = utf8.index(index, offsetBy: length)
      plainStart = index
    } else {
      index = utf8.index(after: index)
    }
  }
  output += utf8[plainStart..<utf8.endIndex]
  output.append(UInt8(ascii: "\""))
}
