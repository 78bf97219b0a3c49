// Tokens: a kind plus a byte range. Token text is read back from the source when needed, and
// literal values (strings, durations) are decoded by Literals.swift, so the lexer holds no text.

/// What kind of token this is.
public enum TokenKind: UInt8, Sendable {
  /// An identifier or keyword: `[A-Za-z_][A-Za-z0-9_]*`.
  case word
  /// A one-line string literal: `"Review the release notes"`.
  case string
  /// A multi-line text block delimited by `"""`.
  case textBlock
  /// A plain number: `12`, `4.0`, `-3`.
  case number
  /// A number with units: `45m`, `1h30m`, `3mo`, `2s`.
  case quantity
  /// A percentage: `99.9%`.
  case percent
  /// A time relative to an anchor: `T-48h`, `T+2h30m`.
  case time
  /// `..`, between the two ends of a range.
  case dotDot
  /// `->`, after a gate outcome.
  case arrow
  /// `,`, between list items.
  case comma
  /// `{`
  case leftBrace
  /// `}`
  case rightBrace
  /// `?`, after an uncertain estimate.
  case question
  /// `<`
  case less
  /// `<=`
  case lessEqual
  /// `>`
  case greater
  /// `>=`
  case greaterEqual
  /// `==`
  case equalEqual
  /// `!=`
  case notEqual
  /// The end of the input.
  case endOfFile

  /// The phrase used for this kind in messages: "expected a string".
  public var phrase: String {
    switch self {
    case .word: "a name"
    case .string: "a string"
    case .textBlock: "a text block"
    case .number: "a number"
    case .quantity: "a duration"
    case .percent: "a percentage"
    case .time: "a time such as `T-4h`"
    case .dotDot: "`..`"
    case .arrow: "`->`"
    case .comma: "`,`"
    case .leftBrace: "`{`"
    case .rightBrace: "`}`"
    case .question: "`?`"
    case .less: "`<`"
    case .lessEqual: "`<=`"
    case .greater: "`>`"
    case .greaterEqual: "`>=`"
    case .equalEqual: "`==`"
    case .notEqual: "`!=`"
    case .endOfFile: "end of file"
    }
  }

  /// Whether this kind is a comparison operator of a gate criterion.
  public var isComparison: Bool {
    switch self {
    case .less, .lessEqual, .greater, .greaterEqual, .equalEqual, .notEqual: true
    default: false
    }
  }
}

/// One token: its kind, its bytes, and whether it is the first token on its line.
public struct Token: Sendable {
  /// The kind of token.
  public var kind: TokenKind
  /// True when only whitespace or comments precede it on its line. Statements end at the end of
  /// a line, so the parser uses this where another language would use a semicolon.
  public var atLineStart: Bool
  /// For a word, the keyword it spells, if any (classified once, by the lexer).
  public var keyword: Keyword?
  /// The byte offsets, in 32 bits: files are limited to 64 MiB (RB0701), and a large file has
  /// millions of tokens, so a token of 12 bytes rather than 32 is a visible saving.
  private var start: UInt32
  private var end: UInt32

  public init(kind: TokenKind, range: SourceRange, atLineStart: Bool, keyword: Keyword? = nil) {
    self.kind = kind
    self.atLineStart = atLineStart
    self.keyword = keyword
    self.start = UInt32(clamping: range.start)
    self.end = UInt32(clamping: range.end)
  }

  /// The bytes it covers.
  public var range: SourceRange { SourceRange(Int(start), Int(end)) }
}

/// The statement and attribute words of the language. Words are contextual: a keyword can still
/// be used as an id where an id is expected, but a statement must start with one of these.
public enum Keyword: String, CaseIterable, Sendable {
  case runbook, version, system, description, instructions, note, anchor
  case role, stage, step, gate, rollback, signoff, template, contacts, contact
  case owner, after, duration, window, deadline, verifies, optional, parallel, record
  case decidedBy = "decided_by"
  case criterion
  case noGoIf = "no_go_if"
  case go
  case noGo = "no_go"
  case within, by, covers
  case name, phone, email, chat, location, text
  case ifYes = "if_yes"
  case and, or, tbd, stop, at
}

extension Keyword {
  /// Keywords by length, as bytes, for classifying words without building strings.
  private static let byLength: [[(bytes: [UInt8], keyword: Keyword)]] = {
    var table = [[(bytes: [UInt8], keyword: Keyword)]](repeating: [], count: 17)
    for keyword in Keyword.allCases {
      let bytes = Array(keyword.rawValue.utf8)
      table[bytes.count].append((bytes, keyword))
    }
    return table
  }()

  /// The keyword spelled by `bytes[start..<end]`, if any.
  static func lookup(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Keyword? {
    let length = end - start
    guard length < byLength.count else { return nil }
    candidates: for candidate in byLength[length] {
      for offset in 0..<length where bytes[start + offset] != candidate.bytes[offset] { continue candidates }
      return candidate.keyword
    }
    return nil
  }
}
