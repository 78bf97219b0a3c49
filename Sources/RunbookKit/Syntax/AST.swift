// The typed syntax tree the parser builds. Every runbook element is a `Declaration` (keyword,
// optional id, title, attributes, child declarations); attribute values are typed. Broken input
// is kept as explicit `.invalid` values and `.unknown` declarations so that later phases can run
// without cascades of follow-on errors.

/// A name written in the source: an id, a role, a reference.
public struct Identifier: Hashable, Sendable {
  /// The name as written.
  public var name: String
  /// Where it was written.
  public var range: SourceRange
}

/// A decoded string literal or text block.
public struct TextLiteral: Hashable, Sendable {
  /// The decoded text (escapes processed, text-block indentation removed).
  public var value: String
  /// The literal's range, quotes included.
  public var range: SourceRange
  /// True for a `"""` text block.
  public var isBlock: Bool
}

/// A duration, or a range of durations, in whole minutes.
public struct DurationSpec: Hashable, Sendable {
  /// The shortest it may take, in minutes (equal to `maximum` for a fixed duration).
  @Narrow public var minimum: Int
  /// The longest it may take, in minutes (at most a hundred years: `maximumMinutes`).
  @Narrow public var maximum: Int
  /// True when written with a trailing `?`: an uncertain estimate.
  public var uncertain: Bool
  /// True for `tbd`: not yet known.
  public var toBeDecided: Bool
  /// Where the range of each end was written (for diagnostics about one end).
  public var minimumRange: SourceRange
  /// Where the upper end was written (equal to `minimumRange` for a fixed duration).
  public var maximumRange: SourceRange
  /// The whole spec.
  public var range: SourceRange
}

/// A time relative to the anchor, e.g. `T-48h`.
public struct TimePoint: Hashable, Sendable {
  /// The anchor name (`T`).
  public var anchor: Identifier
  /// Minutes after (positive) or before (negative) the anchor.
  public var offset: Int
  /// Where it was written.
  public var range: SourceRange
  /// For a clock time written where a time from the anchor belongs (`deadline 23:30`), its
  /// minutes after midnight: a mistake, which the graph builder reports with the time from the
  /// anchor it stands for. Nil for a time written from the anchor.
  public var clock: Int? = nil
}

/// A window `T-4h..T+12h` in which a stage or step must happen.
public struct TimeWindow: Hashable, Sendable {
  /// When the window opens.
  public var start: TimePoint
  /// When it closes.
  public var end: TimePoint
  /// The whole window.
  public var range: SourceRange
}

/// Whether every listed role must initial, or any one of them may.
public enum OwnerMode: String, Sendable {
  /// `owner a and b`: every role initials.
  case all
  /// `owner a or b`: any one role may initial.
  case any
}

/// `owner a and b`, `owner a or b`, `decided_by a`.
public struct OwnerExpr: Hashable, Sendable {
  /// The roles named, in order.
  public var roles: [Identifier]
  /// How they combine; `.all` for a single role.
  public var mode: OwnerMode
  /// Where the list was written.
  public var range: SourceRange
}

/// The kind of a field to fill in on the day.
public enum RecordKind: String, CaseIterable, Sendable {
  case date, time, datetime, text, number, initials
  case yesNo = "yes_no"

  /// The kind a word of the source names. (A switch on the words: `init(rawValue:)` searches a
  /// table of the names, several hundred instructions for every record of a large file.)
  init?(named word: String) {
    switch word {
    case "date": self = .date
    case "time": self = .time
    case "datetime": self = .datetime
    case "text": self = .text
    case "number": self = .number
    case "initials": self = .initials
    case "yes_no": self = .yesNo
    default: return nil
    }
  }
}

/// `record date "Date"`, `record yes_no "Any issues?" if_yes "Describe"`.
public struct RecordField: Hashable, Sendable {
  /// The kind of value.
  public var kind: RecordKind
  /// The label printed beside the blank; nil means the kind's own name.
  public var label: TextLiteral?
  /// For yes/no: what to fill in when the answer is yes.
  public var ifYes: TextLiteral?
  /// The whole field.
  public var range: SourceRange
}

/// A comparison operator in a measurable criterion.
public enum Comparison: String, Sendable {
  case less = "<"
  case lessEqual = "<="
  case greater = ">"
  case greaterEqual = ">="
  case equal = "=="
  case notEqual = "!="
}

/// A measured value such as `99.9%`, `2s` or `4.0`.
public struct Measure: Hashable, Sendable {
  /// The number.
  public var number: Double
  /// The unit as written: `%`, `s`, `m`, `h`, … or empty for a plain number.
  public var unit: String
  /// The value exactly as written.
  public var text: String
  /// Where it was written.
  public var range: SourceRange
}

/// A gate criterion: free text, or a measurable threshold.
public enum CriterionForm: Hashable, Sendable {
  /// `criterion "All validation steps performed"`.
  case text(TextLiteral)
  /// `criterion availability >= 99.9% "System availability"`.
  case measure(metric: Identifier, comparison: Comparison, value: Measure, label: TextLiteral?)
}

/// A criterion with its range.
public struct Criterion: Hashable, Sendable {
  /// What it says.
  public var form: CriterionForm
  /// Where it was written.
  public var range: SourceRange
}

/// The typed value of an attribute. The large values that few attributes have are boxed
/// (`indirect`), so that the common ones (text, owners, references, durations) keep every
/// attribute small: a file of a hundred thousand steps holds hundreds of thousands of them.
public enum AttributeValue: Hashable, Sendable {
  /// Text: `version`, `system`, `description`, `instructions`, `note`, contact fields, `text`.
  case text(TextLiteral)
  /// `anchor T "Go-live"`, with `at "2026-12-05 22:00 Europe/Berlin"` when its date is known.
  indirect case anchor(Identifier, TextLiteral, at: TextLiteral?)
  /// `owner …` or `decided_by …`.
  case owners(OwnerExpr)
  /// `after a, b` or `covers a, b`.
  case references([Identifier])
  /// `verifies x`, `by role`, `go -> x`.
  case reference(Identifier)
  /// `no_go -> rollback restore within 1h`.
  indirect case noGo(Identifier, within: DurationSpec?)
  /// `no_go -> stop`: a no-go ends the runbook; nothing has changed that needs rolling back.
  case stop
  /// `duration 3h..5h`.
  case duration(DurationSpec)
  /// `window T-4h..T+12h`.
  indirect case window(TimeWindow)
  /// `deadline T-48h`.
  indirect case deadline(TimePoint)
  /// A keyword on its own: `optional`, `parallel`.
  case flag
  /// `record date "Date"`.
  indirect case record(RecordField)
  /// `criterion …` or `no_go_if …`.
  indirect case criterion(Criterion)
  /// The attribute was written but its value could not be parsed; already reported.
  case invalid

  /// Whether it is `.invalid` (asked without `==`, which compares two whole values).
  var isInvalid: Bool {
    if case .invalid = self { return true }
    return false
  }
}

/// One attribute of a declaration, inline after the title or on its own line in the body.
///
/// The value comes first and the keyword's byte after it: laid out in that order an attribute
/// takes 56 bytes where it took 72, and a large runbook holds hundreds of thousands of them.
public struct Attribute: Hashable, Sendable {
  /// Its value.
  public var value: AttributeValue
  /// Which attribute.
  public var keyword: Keyword
  /// Where the keyword was written.
  public var keywordRange: SourceRange
  /// The whole attribute.
  public var range: SourceRange
}

/// The kinds of declaration.
public enum DeclarationKind: String, CaseIterable, Sendable {
  case runbook, role, stage, step, gate, rollback, signoff, template, contacts, contact
  /// A statement with an unknown keyword whose block was parsed for errors; already reported.
  case unknown
}

/// A runbook element: `keyword [id] "title" attributes… { body }`. Built once by the parser
/// (from a `DeclarationDraft`) and never changed. A class rather than a value: the checker hands
/// each declaration from pass to pass, and a copy of a reference is one count where a copy of
/// the value was four (id, title, attributes, children), a tenth of `check` on a large file.
public final class Declaration: Sendable {
  /// Its parts, as the parser read them (kept whole: taking the draft over as it is costs no
  /// copy of its id, title and lists).
  private let parts: DeclarationDraft

  /// What it declares.
  public var kind: DeclarationKind { parts.kind }
  /// Where its keyword was written.
  public var keywordRange: SourceRange { parts.keywordRange }
  /// The id, when one was written.
  public var id: Identifier? { parts.id }
  /// The title; nil only when it was missing (already reported).
  public var title: TextLiteral? { parts.title }
  /// Attributes in source order, inline ones first.
  public var attributes: [Attribute] { parts.attributes }
  /// Nested declarations in source order.
  public var children: [Declaration] { parts.children }
  /// The `{`…`}` of the body, when it has one.
  public var body: SourceRange? { parts.body }
  /// From the keyword to the end of the body or line.
  public var range: SourceRange { parts.range }

  /// The keywords of its attributes, one bit each (by `Keyword.ordinal`): most declarations
  /// have few attributes or none, and most questions about them are answered by this alone.
  private let keywords: UInt64

  /// The declaration the parser has finished reading.
  init(_ draft: consuming DeclarationDraft) {
    parts = draft
    keywords = keywordBits(of: parts.attributes).keywords
  }

  /// The first attribute with this keyword.
  public func attribute(_ keyword: Keyword) -> Attribute? {
    attributeIndex(keyword).map { parts.attributes[$0] }
  }

  /// Where in `attributes` the first attribute with this keyword is, if anywhere: for reading
  /// a value in place, without copying the attribute.
  public func attributeIndex(_ keyword: Keyword) -> Int? {
    guard has(keyword) else { return nil }
    return parts.attributes.firstIndex { $0.keyword == keyword }
  }

  /// Whether an attribute with this keyword is given.
  public func has(_ keyword: Keyword) -> Bool {
    keywords & (1 << UInt64(keyword.ordinal)) != 0
  }

  /// Every attribute with this keyword, in order.
  public func attributes(_ keyword: Keyword) -> [Attribute] {
    has(keyword) ? parts.attributes.filter { $0.keyword == keyword } : []
  }
}

/// The keywords of `attributes`, one bit each (by `Keyword.ordinal`), and whether one of them is
/// given more than once: what a declaration answers `has` from, and what the parser's check for
/// duplicate attributes starts from.
func keywordBits(of attributes: [Attribute]) -> (keywords: UInt64, repeated: Bool) {
  var keywords: UInt64 = 0
  var repeated = false
  for index in attributes.indices {
    let bit: UInt64 = 1 << UInt64(attributes[index].keyword.ordinal)
    if keywords & bit != 0 { repeated = true }
    keywords |= bit
  }
  return (keywords, repeated)
}

/// A declaration while the parser reads it: the same parts as `Declaration`, filled in as they
/// are read. Not copyable, so that the declaration made from it takes it over: as a copyable
/// value it was copied whole at that point (id, title and both lists counted up, then down).
///
/// Laid out small, the one-byte kind after the title and the body without an optional's byte: a
/// declaration object of at most 120 bytes takes a 128-byte block of memory where 136 took 144.
struct DeclarationDraft: ~Copyable, Sendable {
  var id: Identifier? = nil
  var title: TextLiteral? = nil
  var kind: DeclarationKind
  var keywordRange: SourceRange
  var attributes: [Attribute] = []
  var children: [Declaration] = []
  var range: SourceRange
  /// The body's range; empty when there is none (a body holds at least its `{`).
  private var bodyRange = SourceRange.at(0)

  var body: SourceRange? {
    get { bodyRange.start == bodyRange.end ? nil : bodyRange }
    set { bodyRange = newValue ?? SourceRange.at(0) }
  }

  /// A declaration of `kind` whose keyword (or first token) is at `range`, nothing read yet.
  init(kind: DeclarationKind, at range: SourceRange) {
    self.kind = kind
    self.keywordRange = range
    self.range = range
  }
}

/// The result of parsing one file.
public struct SyntaxTree: Sendable {
  /// The file parsed.
  public var source: SourceFile
  /// The `runbook` block, if one was found.
  public var root: Declaration?
  /// The byte ranges of comments, for the formatter.
  public var comments: [SourceRange]
  /// Lexical and syntax errors, in the order found.
  public var diagnostics: [Diagnostic]
}
