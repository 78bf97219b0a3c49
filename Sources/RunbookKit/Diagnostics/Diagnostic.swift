// Diagnostics are data: a code, a severity, a range, a message, notes and help. Detecting a
// problem (lexer, parser, checker) and rendering it (DiagnosticRenderer) are kept apart.

/// How serious a diagnostic is.
public enum Severity: String, Sendable, Comparable {
  case error
  case warning
  case note

  private var rank: Int {
    switch self {
    case .error: 0
    case .warning: 1
    case .note: 2
    }
  }

  public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// A secondary message attached to a diagnostic, optionally pointing at its own location.
public struct DiagnosticNote: Hashable, Sendable {
  /// What the note says, lowercase, e.g. "the `{` opened here".
  public var message: String
  /// Where it points, if anywhere.
  public var range: SourceRange?

  /// Creates a note.
  public init(_ message: String, at range: SourceRange? = nil) {
    self.message = message
    self.range = range
  }
}

/// One problem found in a source file.
public struct Diagnostic: Hashable, Sendable {
  /// The stable code, e.g. `RB0102`.
  public var code: DiagnosticCode
  /// The severity; by default the code's own.
  public var severity: Severity
  /// The bytes the diagnostic is about.
  public var range: SourceRange
  /// A one-line, lowercase headline: "expected a string, found `{`".
  public var message: String
  /// Further notes, some pointing at other places in the file.
  public var notes: [DiagnosticNote]
  /// What to do about it, in plain words.
  public var help: String?
  /// The edit that fixes it, when the right edit is certain (`runbook check --fix` applies it).
  public var fix: Fix?

  /// Creates a diagnostic with the code's default severity.
  public init(
    _ code: DiagnosticCode, _ message: String, at range: SourceRange,
    notes: [DiagnosticNote] = [], help: String? = nil, fix: Fix? = nil
  ) {
    self.code = code
    self.severity = code.defaultSeverity
    self.range = range
    self.message = message
    self.notes = notes
    self.help = help
    self.fix = fix
  }
}

/// A machine-applicable fix: replacements of byte ranges, made only where the right edit is
/// certain (a typographic quote, a pasted dash, `2hrs`), never a guess.
public struct Fix: Hashable, Sendable {
  /// What the fix does: "replace `–` with `..`".
  public var description: String
  /// The replacements, in source order, not overlapping.
  public var edits: [TextEdit]

  public init(_ description: String, _ edits: [TextEdit]) {
    self.description = description
    self.edits = edits
  }

  /// One replacement.
  public init(_ description: String, replacing range: SourceRange, with text: String) {
    self.init(description, [TextEdit(range: range, replacement: text)])
  }
}

/// Replace the bytes of `range` with `replacement`.
public struct TextEdit: Hashable, Sendable {
  public var range: SourceRange
  public var replacement: String

  public init(range: SourceRange, replacement: String) {
    self.range = range
    self.replacement = replacement
  }
}

/// Applies the fixes of diagnostics to a file's bytes: each fix whole or not at all, skipping
/// one that overlaps a fix already taken. Returns the new bytes and the fixes applied.
public func applyFixes(_ diagnostics: [Diagnostic], to bytes: [UInt8]) -> (bytes: [UInt8], applied: [Diagnostic]) {
  var taken: [(Diagnostic, [TextEdit])] = []
  var covered: [SourceRange] = []
  for diagnostic in diagnostics.sorted(by: { ($0.fix?.edits.first?.range.start ?? 0) < ($1.fix?.edits.first?.range.start ?? 0) }) {
    guard let fix = diagnostic.fix, !fix.edits.isEmpty else { continue }
    let overlaps = fix.edits.contains { edit in
      edit.range.end > bytes.count || covered.contains { $0.start < max(edit.range.end, edit.range.start + 1) && edit.range.start < max($0.end, $0.start + 1) }
    }
    guard !overlaps else { continue }
    covered += fix.edits.map(\.range)
    taken.append((diagnostic, fix.edits))
  }
  let edits = taken.flatMap(\.1).sorted { $0.range.start < $1.range.start }
  var output: [UInt8] = []
  output.reserveCapacity(bytes.count)
  var position = 0
  for edit in edits {
    output += bytes[position..<edit.range.start]
    output += Array(edit.replacement.utf8)
    position = edit.range.end
  }
  output += bytes[position...]
  return (output, taken.map(\.0))
}

/// Diagnostics in the order a reader expects: by position, then by code.
public func sortedDiagnostics(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
  diagnostics.enumerated().sorted { a, b in
    if a.element.range.start != b.element.range.start {
      return a.element.range.start < b.element.range.start
    }
    if a.element.code.rawValue != b.element.code.rawValue {
      return a.element.code.rawValue < b.element.code.rawValue
    }
    return a.offset < b.offset
  }.map(\.element)
}

/// Appends a diagnostic unless `list` already holds as many as a phase keeps; then it is only
/// counted in `dropped`, and `keptSummary` later adds one RB0705 that says how many.
func appendCapped(_ diagnostic: Diagnostic, to list: inout [Diagnostic], dropped: inout Int) {
  if list.count < RunbookInfo.maximumKeptDiagnostics {
    list.append(diagnostic)
  } else {
    dropped += 1
  }
}

/// The RB0705 that ends a list that reached the cap: at the last kept diagnostic.
func droppedSummary(_ dropped: Int, after list: [Diagnostic]) -> Diagnostic? {
  guard dropped > 0 else { return nil }
  let range = list.last?.range ?? SourceRange.at(0)
  return Diagnostic(
    .tooManyDiagnostics,
    "\(dropped) more \(dropped == 1 ? "problem" : "problems") found after these \(list.count) \(dropped == 1 ? "is" : "are") not listed",
    at: SourceRange(range.end, range.end),
    help: "fix the problems listed, then check again")
}
