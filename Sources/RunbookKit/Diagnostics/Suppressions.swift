// Suppression comments: `# runbook:ignore CODE [reason]` silences one warning code on the next
// statement, and `# runbook:ignore-file CODE [reason]` silences it in the whole file. Errors
// cannot be silenced. A suppression that silences nothing, names an unknown code, or is
// misspelt is itself a warning, so that suppressions never rot silently.

/// Applies the suppression comments of a parsed file to its diagnostics.
struct Suppressions {
  private struct Directive {
    var code: DiagnosticCode
    /// The bytes it applies to: the next statement, or the whole file.
    var scope: SourceRange
    /// Where the code was written, for diagnostics about the directive itself.
    var codeRange: SourceRange
    var used = false
  }

  /// Returns the diagnostics that remain, plus any about the suppressions themselves.
  static func apply(to diagnostics: [Diagnostic], tree: SyntaxTree) -> [Diagnostic] {
    var directives: [Directive] = []
    var problems: [Diagnostic] = []
    let bytes = tree.source.bytes
    var statements: [SourceRange]?
    for comment in tree.comments {
      let text = tree.source.text(SourceRange(comment.start + 1, comment.end))
      let trimmed = text.drop { $0 == " " || $0 == "\t" }
      guard trimmed.hasPrefix("runbook:") else { continue }
      let words = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" })
      let verb = words[0].dropFirst("runbook:".count)
      let verbStart = comment.start + 1 + (text.utf8.count - trimmed.utf8.count)
      guard verb == "ignore" || verb == "ignore-file" else {
        problems.append(Diagnostic(
          .malformedSuppression, "unknown instruction `runbook:\(clipped(String(verb)))`",
          at: SourceRange(verbStart, verbStart + words[0].utf8.count),
          help: "write `# runbook:ignore CODE reason` or `# runbook:ignore-file CODE reason`"))
        continue
      }
      guard words.count >= 2 else {
        problems.append(Diagnostic(
          .malformedSuppression, "`runbook:\(verb)` needs the code to silence",
          at: SourceRange(verbStart, verbStart + words[0].utf8.count),
          help: "name the warning, e.g. `# runbook:\(verb) RB0404 the auditor only signs`"))
        continue
      }
      let codeText = String(words[1])
      let codeOffset = verbStart + (trimmed.utf8.count - trimmed.drop { $0 != " " && $0 != "\t" }.drop { $0 == " " || $0 == "\t" }.utf8.count)
      let codeRange = SourceRange(codeOffset, codeOffset + codeText.utf8.count)
      guard let code = DiagnosticCode(rawValue: codeText.uppercased()) else {
        let suggestion = closestName(to: codeText.uppercased(), among: DiagnosticCode.allCases.map(\.rawValue))
        problems.append(Diagnostic(
          .unknownSuppressionCode, "`\(clipped(codeText))` is not a diagnostic code", at: codeRange,
          help: suggestion.map { "did you mean \($0)? `runbook explain --list` lists every code" }
            ?? "`runbook explain --list` lists every code"))
        continue
      }
      guard code.defaultSeverity == .warning else {
        problems.append(Diagnostic(
          .errorNotSuppressible, "\(code.rawValue) is an error and cannot be suppressed", at: codeRange,
          help: "fix the problem instead; `runbook explain \(code.rawValue)` shows how"))
        continue
      }
      if verb == "ignore-file" {
        directives.append(Directive(code: code, scope: SourceRange(0, bytes.count), codeRange: codeRange))
      } else {
        if statements == nil { statements = statementRanges(tree) }
        let scope = nextStatement(after: comment.end, in: statements ?? []) ?? SourceRange.at(comment.end)
        directives.append(Directive(code: code, scope: scope, codeRange: codeRange))
      }
    }
    guard !directives.isEmpty || !problems.isEmpty else { return diagnostics }
    var kept: [Diagnostic] = []
    for diagnostic in diagnostics {
      var silenced = false
      if diagnostic.severity == .warning {
        for index in directives.indices
        where directives[index].code == diagnostic.code
          && diagnostic.range.start >= directives[index].scope.start
          && diagnostic.range.start < max(directives[index].scope.end, directives[index].scope.start + 1)
        {
          directives[index].used = true
          silenced = true
        }
      }
      if !silenced { kept.append(diagnostic) }
    }
    for directive in directives where !directive.used {
      problems.append(Diagnostic(
        .unusedSuppression, "this suppression of \(directive.code.rawValue) silences nothing",
        at: directive.codeRange,
        help: "remove the comment; there is no \(directive.code.rawValue) warning where it applies"))
    }
    return kept + problems
  }

  /// The ranges of every statement (declaration or attribute), sorted by start.
  private static func statementRanges(_ tree: SyntaxTree) -> [SourceRange] {
    var ranges: [SourceRange] = []
    var stack: [Declaration] = tree.root.map { [$0] } ?? []
    while let declaration = stack.popLast() {
      ranges.append(declaration.range)
      for attribute in declaration.attributes { ranges.append(attribute.range) }
      stack += declaration.children
    }
    return ranges.sorted { ($0.start, -$0.end) < ($1.start, -$1.end) }
  }

  /// The outermost statement that starts first after `offset`.
  private static func nextStatement(after offset: Int, in ranges: [SourceRange]) -> SourceRange? {
    var low = 0
    var high = ranges.count
    while low < high {
      let mid = (low + high) / 2
      if ranges[mid].start < offset { low = mid + 1 } else { high = mid }
    }
    return low < ranges.count ? ranges[low] : nil
  }
}
