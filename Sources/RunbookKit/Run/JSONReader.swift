// A strict reader for the small JSON documents the tool reads back: journal entries. Objects keep
// their members in written order; a repeated key, a trailing comma, a leading zero, a lone
// surrogate or anything after the value is an error. Depth and length are bounded, so hostile
// input costs linear time and bounded stack.

/// A JSON value.
public enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  /// A number, kept as written so that integers are read exactly.
  case number(String)
  case string(String)
  case array([JSONValue])
  /// Members in written order.
  case object([(String, JSONValue)])

  public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): true
    case (.bool(let a), .bool(let b)): a == b
    case (.number(let a), .number(let b)): a == b
    case (.string(let a), .string(let b)): a == b
    case (.array(let a), .array(let b)): a == b
    case (.object(let a), .object(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    default: false
    }
  }

  /// The member named `key` of an object.
  public subscript(key: String) -> JSONValue? {
    guard case .object(let members) = self else { return nil }
    return members.first { $0.0 == key }?.1
  }

  public var string: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  /// An integer written without fraction or exponent.
  public var integer: Int? {
    if case .number(let text) = self { return Int(text) }
    return nil
  }
}

/// Why a JSON text was not read, and the byte offset where reading stopped.
public struct JSONProblem: Error, Equatable, Sendable {
  public var message: String
  public var offset: Int
}

/// Reads one JSON value from UTF-8 bytes.
public func readJSON(_ bytes: ArraySlice<UInt8>, maximumDepth: Int = 16) -> Result<JSONValue, JSONProblem> {
  var reader = JSONReader(bytes: bytes, maximumDepth: maximumDepth)
  do throws(JSONProblem) {
    reader.skipSpace()
    let value = try reader.value(depth: 0)
    reader.skipSpace()
    guard reader.position == bytes.endIndex else { throw reader.problem("unexpected text after the value") }
    return .success(value)
  } catch {
    return .failure(error)
  }
}

private struct JSONReader {
  let bytes: ArraySlice<UInt8>
  let maximumDepth: Int
  var position: Int

  init(bytes: ArraySlice<UInt8>, maximumDepth: Int) {
    self.bytes = bytes
    self.maximumDepth = maximumDepth
    position = bytes.startIndex
  }

  func problem(_ message: String) -> JSONProblem {
    JSONProblem(message: message, offset: position - bytes.startIndex)
  }

  var current: UInt8? { position < bytes.endIndex ? bytes[position] : nil }

  mutating func skipSpace() {
    while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
  }

  mutating func expect(_ byte: UInt8, _ what: String) throws(JSONProblem) {
    guard current == byte else { throw problem("expected \(what)") }
    position += 1
  }

  mutating func value(depth: Int) throws(JSONProblem) -> JSONValue {
    guard depth < maximumDepth else { throw problem("nested too deeply") }
    guard let byte = current else { throw problem("the text ends where a value should be") }
    switch byte {
    case UInt8(ascii: "{"): return try object(depth: depth)
    case UInt8(ascii: "["): return try array(depth: depth)
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"): try word("true"); return .bool(true)
    case UInt8(ascii: "f"): try word("false"); return .bool(false)
    case UInt8(ascii: "n"): try word("null"); return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
    default: throw problem("unexpected character where a value should be")
    }
  }

  mutating func word(_ text: String) throws(JSONProblem) {
    for byte in text.utf8 {
      guard current == byte else { throw problem("unexpected character where a value should be") }
      position += 1
    }
  }

  mutating func object(depth: Int) throws(JSONProblem) -> JSONValue {
    position += 1
    var members: [(String, JSONValue)] = []
    var keys: Set<String> = []
    skipSpace()
    if current == UInt8(ascii: "}") {
      position += 1
      return .object(members)
    }
    while true {
      skipSpace()
      guard current == UInt8(ascii: "\"") else { throw problem("expected a member name in quotes") }
      let key = try string()
      guard keys.insert(key).inserted else { throw problem("the member \"\(key)\" appears twice") }
      skipSpace()
      try expect(UInt8(ascii: ":"), "':' after a member name")
      skipSpace()
      members.append((key, try value(depth: depth + 1)))
      skipSpace()
      if current == UInt8(ascii: ",") {
        position += 1
        continue
      }
      try expect(UInt8(ascii: "}"), "',' or '}'")
      return .object(members)
    }
  }

  mutating func array(depth: Int) throws(JSONProblem) -> JSONValue {
    position += 1
    var elements: [JSONValue] = []
    skipSpace()
    if current == UInt8(ascii: "]") {
      position += 1
      return .array(elements)
    }
    while true {
      skipSpace()
      elements.append(try value(depth: depth + 1))
      skipSpace()
      if current == UInt8(ascii: ",") {
        position += 1
        continue
      }
      try expect(UInt8(ascii: "]"), "',' or ']'")
      return .array(elements)
    }
  }

  mutating func number() throws(JSONProblem) -> String {
    let start = position
    if current == UInt8(ascii: "-") { position += 1 }
    guard let first = current, (0x30...0x39).contains(first) else { throw problem("a number needs digits") }
    position += 1
    if first == 0x30, let next = current, (0x30...0x39).contains(next) { throw problem("a number cannot start with 0") }
    while let byte = current, (0x30...0x39).contains(byte) { position += 1 }
    if current == UInt8(ascii: ".") {
      position += 1
      guard let byte = current, (0x30...0x39).contains(byte) else { throw problem("a fraction needs digits") }
      while let byte = current, (0x30...0x39).contains(byte) { position += 1 }
    }
    if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
      position += 1
      if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
      guard let byte = current, (0x30...0x39).contains(byte) else { throw problem("an exponent needs digits") }
      while let byte = current, (0x30...0x39).contains(byte) { position += 1 }
    }
    return String(decoding: bytes[start..<position], as: UTF8.self)
  }

  mutating func string() throws(JSONProblem) -> String {
    position += 1
    var scalars = String.UnicodeScalarView()
    var plainStart = position
    while true {
      guard let byte = current else { throw problem("a string is not closed") }
      if byte == UInt8(ascii: "\"") {
        try appendPlain(from: plainStart, into: &scalars)
        position += 1
        return String(scalars)
      }
      if byte < 0x20 { throw problem("a control character inside a string must be escaped") }
      if byte != UInt8(ascii: "\\") {
        position += 1
        continue
      }
      try appendPlain(from: plainStart, into: &scalars)
      position += 1
      guard let escape = current else { throw problem("a string is not closed") }
      position += 1
      switch escape {
      case UInt8(ascii: "\""): scalars.append("\"")
      case UInt8(ascii: "\\"): scalars.append("\\")
      case UInt8(ascii: "/"): scalars.append("/")
      case UInt8(ascii: "b"): scalars.append("\u{8}")
      case UInt8(ascii: "f"): scalars.append("\u{C}")
      case UInt8(ascii: "n"): scalars.append("\n")
      case UInt8(ascii: "r"): scalars.append("\r")
      case UInt8(ascii: "t"): scalars.append("\t")
      case UInt8(ascii: "u"):
        var value = try hexQuad()
        if (0xD800...0xDBFF).contains(value) {
          guard current == UInt8(ascii: "\\") else { throw problem("a lone surrogate in a \\u escape") }
          position += 1
          try expect(UInt8(ascii: "u"), "a low surrogate")
          let low = try hexQuad()
          guard (0xDC00...0xDFFF).contains(low) else { throw problem("a lone surrogate in a \\u escape") }
          value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(value) {
          throw problem("a lone surrogate in a \\u escape")
        }
        guard let scalar = Unicode.Scalar(value) else { throw problem("an invalid \\u escape") }
        scalars.append(scalar)
      default:
        throw problem("an unknown escape in a string")
      }
      plainStart = position
    }
  }

  /// Appends the unescaped bytes since `start`, which must be valid UTF-8.
  mutating func appendPlain(from start: Int, into scalars: inout String.UnicodeScalarView) throws(JSONProblem) {
    guard start < position else { return }
    var iterator = bytes[start..<position].makeIterator()
    var decoder = UTF8()
    while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let scalar): scalars.append(scalar)
      case .emptyInput: return
      case .error: throw problem("a string holds bytes that are not UTF-8")
      }
    }
  }

  mutating func hexQuad() throws(JSONProblem) -> UInt32 {
    var value: UInt32 = 0
    for _ in 0..<4 {
      guard let byte = current else { throw problem("a \\u escape needs four hexadecimal digits") }
      let digit: UInt32
      switch byte {
      case 0x30...0x39: digit = UInt32(byte - 0x30)
      case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
      case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
      default: throw problem("a \\u escape needs four hexadecimal digits")
      }
      value = value << 4 | digit
      position += 1
    }
    return value
  }
}
