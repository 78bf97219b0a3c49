// Writes JSON straight into a string as it is produced, pretty-printed with two-space indents,
// keys in the order written. Streaming keeps big documents cheap: no tree of values is built.
// Strings are escaped exactly: quotes, backslashes, control characters, U+2028/U+2029 for
// JavaScript consumers, and the invisible U+FEFF.

/// A streaming JSON writer.
struct JSONWriter: ~Copyable {
  /// UTF-8 bytes, in a buffer of its own: the writer appends a few bytes at a time.
  private var output: ByteBuffer
  /// How many objects and arrays are open, whether the innermost has members yet, and the same
  /// for each one around it (kept apart, so that writing a member touches no array).
  private var depth = 0
  private var hasMembers = false
  /// Whether each object or array around the innermost has members: a bit each, the outermost
  /// lowest, for the first 64 levels (every document of runbook's is a dozen deep at most), and
  /// a list for any deeper. A push and a pop of an array, for every object and array written,
  /// were a twentieth of the JSON writer's work.
  private var outerHasMembers: UInt64 = 0
  private var deeperHasMembers: [Bool] = []
  /// Set after a key: the next value follows it on the same line.
  private var afterKey = false

  /// Room for `capacity` bytes, or a buffer's worth handed to `destination` at a time.
  init(capacity: Int = 0, streamingTo destination: DocumentDestination? = nil) {
    output = ByteBuffer(capacity: capacity, streamingTo: destination)
  }

  /// Ends the document with a final newline and returns its UTF-8 bytes; the writer is used up.
  consuming func finish() -> [UInt8] {
    finishDocument().bytes
  }

  /// Ends the document with a final newline and returns it in the buffer it was written into.
  consuming func finishDocument() -> RenderedDocument {
    output.append(UInt8(ascii: "\n"))
    return RenderedDocument(output)
  }

  /// Ends the document and returns it as a string.
  consuming func finishText() -> String {
    finishDocument().text
  }

  private mutating func beginValue() {
    if afterKey {
      afterKey = false
      return
    }
    guard depth > 0 else { return }
    if hasMembers { output.append(UInt8(ascii: ",")) }
    hasMembers = true
    newLine()
  }

  /// A line break and the indent of the current depth, after one test of the room left.
  private mutating func newLine() {
    let indent = 2 * depth
    output.write(atMost: 1 + indent + JSONWriter.indentSlack) { start in
      start.distance(to: JSONWriter.writeLineBreak(indent: indent, at: start))
    }
  }

  /// How far past an indent `writeLineBreak` may write: room a caller asks for beyond it.
  private static let indentSlack = 7

  /// Writes a line break and `indent` spaces at `start`, the spaces eight to a store: the last
  /// store may run up to `indentSlack` bytes past them, which what follows overwrites. Returns
  /// where the indent ends.
  @inline(__always)
  private static func writeLineBreak(indent: Int, at start: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
    start.pointee = 0x0A
    var filled = 0
    while filled < indent {
      UnsafeMutableRawPointer(start + 1 + filled).storeBytes(of: 0x2020_2020_2020_2020 as UInt64, as: UInt64.self)
      filled += 8
    }
    return start + 1 + indent
  }

  /// Writes `"key": ` in the open object; the value comes next. Keys written in the code are
  /// static text of letters, digits and `_`, which needs no escaping: copied as they are.
  ///
  /// The comma before it, the line break, the indent and the key are written in one go, after
  /// one test of the room left: a document has a key for every 28 bytes or so, and with each
  /// piece appended on its own (a test and a copy each) a key cost about 157 instructions; in one
  /// go about 121, about 110 with the indent written a word at a time, and about 88 with the
  /// key's own bytes copied a word at a time too (`copyShort`).
  mutating func key(_ name: StaticString) {
    guard depth > 0, !afterKey else {
      beginValue()
      output.append(UInt8(ascii: "\""))
      output.append(static: name)
      output.append(static: "\": ")
      afterKey = true
      return
    }
    let comma = hasMembers
    hasMembers = true
    afterKey = true
    let indent = 2 * depth
    let length = name.utf8CodeUnitCount
    output.write(atMost: indent + length + 6 + JSONWriter.indentSlack) { start in
      var at = start
      if comma {
        at.pointee = UInt8(ascii: ",")
        at += 1
      }
      at = JSONWriter.writeKeyText(name, at: JSONWriter.writeLineBreak(indent: indent, at: at))
      return start.distance(to: at)
    }
  }

  /// Writes `"name": ` at `at`, the name's bytes a word at a time; returns where it ends.
  @inline(__always)
  private static func writeKeyText(_ name: StaticString, at: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
    let length = name.utf8CodeUnitCount
    at.pointee = UInt8(ascii: "\"")
    copyShort(name.utf8Start, length, to: at + 1)
    at[1 + length] = UInt8(ascii: "\"")
    at[2 + length] = UInt8(ascii: ":")
    at[3 + length] = 0x20
    return at + 4 + length
  }

  /// A key made at run time (a record's name, say), escaped as any string.
  mutating func key(text name: String) {
    beginValue()
    writeString(name, into: &output)
    output.append(UInt8(ascii: ":"))
    output.append(0x20)
    afterKey = true
  }

  mutating func object(_ body: (inout JSONWriter) -> Void) {
    open(UInt8(ascii: "{"))
    body(&self)
    close(UInt8(ascii: "}"))
  }

  mutating func array(_ body: (inout JSONWriter) -> Void) {
    open(UInt8(ascii: "["))
    body(&self)
    close(UInt8(ascii: "]"))
  }

  private mutating func open(_ bracket: UInt8) {
    beginValue()
    output.append(bracket)
    if depth < 64 {
      if hasMembers { outerHasMembers |= 1 << UInt64(depth) } else { outerHasMembers &= ~(1 << UInt64(depth)) }
    } else {
      deeperHasMembers.append(hasMembers)
    }
    hasMembers = false
    depth += 1
  }

  private mutating func close(_ bracket: UInt8) {
    let had = hasMembers
    depth -= 1
    hasMembers = depth < 64 ? outerHasMembers & (1 << UInt64(depth)) != 0 : deeperHasMembers.removeLast()
    if had { newLine() }
    output.append(bracket)
  }

  mutating func string(_ value: String?) {
    beginValue()
    if let value { writeString(value, into: &output) } else { output.append(static: "null") }
  }

  /// A string value written from its parts, without joining them first: `step:` and an id.
  /// The parts written in the code are plain ASCII and need no escaping.
  mutating func string(_ prefix: StaticString, _ value: String, _ suffix: StaticString = "") {
    beginValue()
    output.append(UInt8(ascii: "\""))
    output.append(static: prefix)
    writeStringContents(value, into: &output)
    output.append(static: suffix)
    output.append(UInt8(ascii: "\""))
  }

  mutating func int(_ value: Int?) {
    beginValue()
    guard let value else {
      output.append(static: "null")
      return
    }
    // Digits straight into the buffer: this runs for every line, column and number.
    output.append(decimal: value)
  }

  mutating func bool(_ value: Bool?) {
    beginValue()
    output.append(static: value.map { $0 ? "true" : "false" } ?? "null")
  }

  /// A number; whole numbers print without a fraction, non-finite ones as null.
  mutating func double(_ value: Double?) {
    beginValue()
    guard let value, value.isFinite else {
      output.append(static: "null")
      return
    }
    output.append(utf8: value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)")
  }

  mutating func null() {
    beginValue()
    output.append(static: "null")
  }

  // MARK: - Parts every document of runbook's has

  /// `"schema"`, `"compiler"` and `"source"`: what the document is and what it came from.
  mutating func documentHead(schema: String, sourceName: String, source: SourceFile) {
    field("schema", schema)
    object("compiler") { w in
      w.field("name", "runbook")
      w.field("version", RunbookInfo.version)
    }
    object("source") { w in
      w.field("name", sourceName)
      w.field("sha256", sha256Hex(source.bytes))
    }
  }

  /// `"anchor": {"name", "description", "at"}`, or null; `at` is `{"time", "zone"}` (ISO 8601
  /// with the offset, and the zone's name) when the anchor's date is known, else null.
  mutating func anchor(_ graph: RunbookGraph) {
    key("anchor")
    guard let name = graph.anchorName else { return null() }
    object { w in
      w.field("name", name)
      w.field("description", graph.anchorDescription ?? "")
      w.key("at")
      guard let time = graph.anchorTime else { return w.null() }
      w.object { w in
        w.field("time", Clock(time).iso(0))
        w.field("zone", time.zone)
      }
    }
  }

  // MARK: - Conveniences for `"key": value`

  mutating func field(_ name: StaticString, _ value: String?) {
    key(name)
    string(value)
  }

  /// `"key": "value"` for a value from the code, not the runbook (a kind, a mode, a code):
  /// letters, digits and `_`, written as they are, without the scan for what to escape.
  mutating func field(_ name: StaticString, code value: String) {
    assert(value.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) })
    key(name)
    beginValue()
    output.append(UInt8(ascii: "\""))
    output.append(utf8: value)
    output.append(UInt8(ascii: "\""))
  }

  mutating func field(_ name: StaticString, _ value: Int?) {
    key(name)
    int(value)
  }

  mutating func field(_ name: StaticString, _ value: Bool) {
    key(name)
    bool(value)
  }

  mutating func field(_ name: StaticString, strings: [String]) {
    key(name)
    array { writer in
      for value in strings { writer.string(value) }
    }
  }

  mutating func object(_ name: StaticString, _ body: (inout JSONWriter) -> Void) {
    key(name)
    object(body)
  }

  mutating func array(_ name: StaticString, _ body: (inout JSONWriter) -> Void) {
    key(name)
    array(body)
  }

  /// `"location": {"line": …, "column": …, "end_line": …, "end_column": …}`, laid out as
  /// `object` lays it out, written in one go after one test of the room left: every element of
  /// a document has one, and member by member its four keys, the brackets and the numbers cost
  /// about as much as the rest of a step.
  mutating func location(line: Int, column: Int, endLine: Int, endColumn: Int) {
    key("location")
    afterKey = false
    let inner = 2 * (depth + 1)
    let outer = 2 * depth
    // `{`; each member's line break and indent, `"end_column": ` at most (15), its digits and a
    // comma; the closing line break, indent and `}`, and what the last indent may run past.
    let memberRoom = 1 + inner + 15 + maximumDecimalLength + 1
    let room = 1 + 4 * memberRoom + 1 + outer + 1 + JSONWriter.indentSlack
    output.write(atMost: room) { start in
      var at = start
      at.pointee = UInt8(ascii: "{")
      at += 1
      func member(_ name: StaticString, _ value: Int, last: Bool = false) {
        at = JSONWriter.writeKeyText(name, at: JSONWriter.writeLineBreak(indent: inner, at: at))
        at += writeDecimal(value, to: at)
        if !last {
          at.pointee = UInt8(ascii: ",")
          at += 1
        }
      }
      member("line", line)
      member("column", column)
      member("end_line", endLine)
      member("end_column", endColumn, last: true)
      at = JSONWriter.writeLineBreak(indent: outer, at: at)
      at.pointee = UInt8(ascii: "}")
      return start.distance(to: at) + 1
    }
  }
}

/// The bytes that may need an escape: quote, backslash, controls, DEL, and C2, D8, E2 and EF,
/// which lead the few non-ASCII scalars written as `\u` escapes (below).
private let jsonAttentionBytes: [Bool] = (0..<256).map { byte in
  byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F || byte == 0xC2 || byte == 0xD8 || byte == 0xE2 || byte == 0xEF
}

/// Writes a JSON string literal as UTF-8, scanning the string's contiguous bytes.
func writeString<Sink: ByteSink & ~Copyable>(_ value: String, into output: inout Sink) {
  output.append(UInt8(ascii: "\""))
  writeStringContents(value, into: &output)
  output.append(UInt8(ascii: "\""))
}

/// What goes between the quotes of a JSON string literal.
private func writeStringContents<Sink: ByteSink & ~Copyable>(_ value: String, into output: inout Sink) {
  jsonAttentionBytes.withUnsafeBufferPointer { attention in
    value.withUTF8InPlace { writeStringContents(bytes: $0, attention: attention, into: &output) }
  }
}

private func writeStringContents<Sink: ByteSink & ~Copyable>(
  bytes: UnsafeBufferPointer<UInt8>, attention: UnsafeBufferPointer<Bool>, into output: inout Sink
) {
  var plainStart = 0
  var index = 0
  let count = bytes.count
  while index < count {
    let byte = bytes[index]
    // Most bytes need nothing: skip them with one look-up. C2, D8, E2 and EF lead the few
    // non-ASCII scalars written as `\u` escapes: C1 controls, the bidi controls, the line and
    // paragraph separators (which end a line in JavaScript) and the byte-order mark, so that no
    // reader of the JSON text sees them act.
    if !attention[Int(byte)] {
      index += 1
      continue
    }
    var escape: String?
    var length = 1
    if byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F {
      switch byte {
      case 0x22: escape = "\\\""
      case 0x5C: escape = "\\\\"
      case 0x0A: escape = "\\n"
      case 0x0D: escape = "\\r"
      case 0x09: escape = "\\t"
      default: escape = "\\u" + hex(Int(byte), width: 4).lowercased()
      }
    } else if byte == 0xC2 && index + 1 < count && bytes[index + 1] >= 0x80 && bytes[index + 1] <= 0x9F {
      escape = "\\u00" + hex(Int(bytes[index + 1]), width: 2).lowercased()
      length = 2
    } else if byte == 0xD8 && index + 1 < count && bytes[index + 1] == 0x9C {
      escape = "\\u061c"
      length = 2
    } else if byte == 0xE2 && index + 2 < count && (bytes[index + 1] == 0x80 || bytes[index + 1] == 0x81) {
      let value = 0x2000 + Int(bytes[index + 1] & 0x3F) << 6 + Int(bytes[index + 2] & 0x3F)
      if value == 0x2028 || value == 0x2029 || isBidiControl(UInt32(value)) {
        escape = "\\u" + hex(value, width: 4).lowercased()
        length = 3
      }
    } else if byte == 0xEF && index + 2 < count && bytes[index + 1] == 0xBB && bytes[index + 2] == 0xBF {
      escape = "\\ufeff"
      length = 3
    }
    if let escape {
      output.append(bytes: UnsafeBufferPointer(rebasing: bytes[plainStart..<index]))
      output.append(utf8: escape)
      index += length
      plainStart = index
    } else {
      index += 1
    }
  }
  output.append(bytes: UnsafeBufferPointer(rebasing: bytes[plainStart..<count]))
}

/// Copies the `count` bytes of a key a word at a time: two loads and two stores for 4 to 16
/// bytes, where byte by byte a key cost about 33 instructions more. The last word is the one
/// that ends where the key does (overlapping the one before), so that every load is inside the
/// key and every store inside the room. (Every short append done this way, in `ByteBuffer`,
/// made the other backends dearer: their pieces are copied well enough by `memcpy`.)
@inline(__always)
private func copyShort(_ source: UnsafePointer<UInt8>, _ count: Int, to target: UnsafeMutablePointer<UInt8>) {
  let from = UnsafeRawPointer(source)
  let to = UnsafeMutableRawPointer(target)
  if count >= 8 {
    var offset = 0
    while offset + 8 < count {
      to.storeBytes(of: from.loadUnaligned(fromByteOffset: offset, as: UInt64.self), toByteOffset: offset, as: UInt64.self)
      offset += 8
    }
    to.storeBytes(of: from.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self), toByteOffset: count - 8, as: UInt64.self)
  } else if count >= 4 {
    to.storeBytes(of: from.loadUnaligned(as: UInt32.self), as: UInt32.self)
    to.storeBytes(of: from.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self), toByteOffset: count - 4, as: UInt32.self)
  } else {
    for index in 0..<count { target[index] = source[index] }
  }
}
