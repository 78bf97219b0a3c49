// A JSON value with ordered object keys, and its serialisation. Key order is the order written
// by the backend, so output is stable and reads in a logical order; strings are escaped exactly
// (quotes, backslashes, control characters, and U+2028/U+2029 for JavaScript consumers).

/// A JSON document.
public indirect enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  public static func == (a: JSONValue, b: JSONValue) -> Bool {
    switch (a, b) {
    case (.null, .null): true
    case (.bool(let x), .bool(let y)): x == y
    case (.int(let x), .int(let y)): x == y
    case (.double(let x), .double(let y)): x == y
    case (.string(let x), .string(let y)): x == y
    case (.array(let x), .array(let y)): x == y
    case (.object(let x), .object(let y)): x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
    default: false
    }
  }

  /// An optional string as a string or null.
  static func string(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }

  /// An optional integer as a number or null.
  static func int(_ value: Int?) -> JSONValue { value.map(JSONValue.int) ?? .null }

  /// Pretty-printed with two-space indentation and a final newline.
  public func serialized() -> String {
    var output = ""
    write(into: &output, indent: 0)
    output += "\n"
    return output
  }

  private func write(into output: inout String, indent: Int) {
    switch self {
    case .null: output += "null"
    case .bool(let value): output += value ? "true" : "false"
    case .int(let value): output += String(value)
    case .double(let value):
      if value.isFinite {
        output += value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
      } else {
        output += "null"
      }
    case .string(let value): writeString(value, into: &output)
    case .array(let items):
      if items.isEmpty {
        output += "[]"
        return
      }
      output += "[\n"
      for (offset, item) in items.enumerated() {
        output += String(repeating: "  ", count: indent + 1)
        item.write(into: &output, indent: indent + 1)
        output += offset == items.count - 1 ? "\n" : ",\n"
      }
      output += String(repeating: "  ", count: indent) + "]"
    case .object(let members):
      if members.isEmpty {
        output += "{}"
        return
      }
      output += "{\n"
      for (offset, member) in members.enumerated() {
        output += String(repeating: "  ", count: indent + 1)
        writeString(member.0, into: &output)
        output += ": "
        member.1.write(into: &output, indent: indent + 1)
        output += offset == members.count - 1 ? "\n" : ",\n"
      }
      output += String(repeating: "  ", count: indent) + "}"
    }
  }
}

/// Writes a JSON string literal.
func writeString(_ value: String, into output: inout String) {
  output += "\""
  for scalar in value.unicodeScalars {
    switch scalar {
    case "\"": output += "\\\""
    case "\\": output += "\\\\"
    case "\n": output += "\\n"
    case "\r": output += "\\r"
    case "\t": output += "\\t"
    case "\u{2028}", "\u{2029}": output += "\\u" + hex(Int(scalar.value), width: 4).lowercased()
    default:
      if scalar.value < 0x20 || scalar.value == 0x7F {
        output += "\\u" + hex(Int(scalar.value), width: 4).lowercased()
      } else {
        output.unicodeScalars.append(scalar)
      }
    }
  }
  output += "\""
}
