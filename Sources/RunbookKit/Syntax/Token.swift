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
  /// For a one-line string: its bytes between the quotes are ASCII with no backslash, so its
  /// value is those bytes as they are (no escapes to decode, no control or bidi character to
  /// look for). Set by the lexer, which has read every byte anyway.
  public var isPlainText = false
  /// The bytes it covers (a range keeps its offsets in 32 bits: a large file has millions of
  /// tokens, so a token of 12 bytes rather than 32 is a visible saving).
  public var range: SourceRange

  public init(kind: TokenKind, range: SourceRange, atLineStart: Bool, keyword: Keyword? = nil) {
    self.kind = kind
    self.atLineStart = atLineStart
    self.keyword = keyword
    self.range = range
  }
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
  /// The keyword's place in `allCases` (there are fewer than 64), for sets of keywords kept as
  /// the bits of one word. An enum without payloads is stored as its case's index in one byte;
  /// a test checks that this agrees with `allCases`.
  var ordinal: Int { Int(unsafeBitCast(self, to: UInt8.self)) }

  /// Where the search for packed bytes starts in the keyword table.
  fileprivate static func slot(_ low: UInt64, _ high: UInt64) -> Int {
    Int(truncatingIfNeeded: ((low ^ high &* 0x2545_F491_4F6C_DD1D) &* 0x9E37_79B9_7F4A_7C15) >> 57)
  }

  /// Up to 16 bytes packed into two words, the first byte lowest.
  fileprivate static func pack(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (low: UInt64, high: UInt64) {
    let length = end - start
    if start + 16 <= bytes.count, let base = bytes.baseAddress {
      // Two loads, and the bytes past the word masked off.
      var low = UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self)
      var high = UnsafeRawPointer(base + start + 8).loadUnaligned(as: UInt64.self)
      if length < 8 {
        low &= (1 << (8 * UInt64(length))) - 1
        high = 0
      } else if length == 8 {
        high = 0
      } else if length < 16 {
        high &= (1 << (8 * UInt64(length - 8))) - 1
      }
      return (low, high)
    }
    var low: UInt64 = 0
    var high: UInt64 = 0
    var offset = end - 1
    while offset >= start {
      if offset - start >= 8 { high = high << 8 | UInt64(bytes[offset]) } else { low = low << 8 | UInt64(bytes[offset]) }
      offset -= 1
    }
    return (low, high)
  }

  fileprivate static func pack(_ bytes: [UInt8], _ start: Int, _ end: Int) -> (low: UInt64, high: UInt64) {
    bytes.withUnsafeBufferPointer { pack($0, start, end) }
  }

  /// The keyword spelled by `bytes[start..<end]`, if any.
  static func lookup(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Keyword? {
    bytes.withUnsafeBufferPointer { lookup($0, start, end) }
  }

  /// The keyword spelled by `bytes[start..<end]`, if any.
  static func lookup(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Keyword? {
    KeywordTable.shared.lookup(bytes, start, end)
  }
}

/// Every keyword as its bytes packed into two little-endian words, in a table of 128 slots by a
/// hash of those words (a taken slot sends the next keyword of that hash to the slot after): a
/// word of the source is classified by one multiply and, nearly always, one comparison. The
/// lexer keeps the table at hand: reached through the global, every look-up first checked that
/// the global had been made, a fifth of its cost.
struct KeywordTable: Sendable {
  static let shared = KeywordTable()

  private let slots: [(low: UInt64, high: UInt64, keyword: Keyword?)]

  private init() {
    var slots = [(low: UInt64, high: UInt64, keyword: Keyword?)](repeating: (0, 0, nil), count: 128)
    for keyword in Keyword.allCases {
      let bytes = Array(keyword.rawValue.utf8)
      let packed = Keyword.pack(bytes, 0, bytes.count)
      var slot = Keyword.slot(packed.low, packed.high)
      while slots[slot].keyword != nil { slot = (slot + 1) & 127 }
      slots[slot] = (packed.low, packed.high, keyword)
    }
    self.slots = slots
  }

  /// The keyword spelled by `bytes[start..<end]`, if any.
  func lookup(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Keyword? {
    let length = end - start
    // The longest keyword, `instructions`, has 12 bytes; two words hold 16.
    guard length >= 1 && length <= 16 else { return nil }
    let packed = Keyword.pack(bytes, start, end)
    var slot = Keyword.slot(packed.low, packed.high)
    while let keyword = slots[slot].keyword {
      if slots[slot].low == packed.low && slots[slot].high == packed.high { return keyword }
      slot = (slot + 1) & 127
    }
    return nil
  }
}
