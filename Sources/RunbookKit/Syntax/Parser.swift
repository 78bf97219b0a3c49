// The parser: hand-written recursive descent, one function per production, building the typed
// AST of AST.swift. Statements end at the end of a line. It never gives up: `expect` reports and
// carries on, broken statements are skipped to the next line (their blocks still parsed for
// errors), and nesting is limited so that no input can overflow the stack.

/// Parses one source file into a syntax tree.
public struct Parser {
  /// The deepest nesting of `{ }` blocks accepted.
  public static let maximumDepth = 32

  let source: SourceFile
  /// The tokens, read in place for the length of `parse` (a buffer rather than the array: the
  /// parser looks at the current token dozens of times a line, and an array checks each index).
  let tokens: UnsafeBufferPointer<Token>
  var index = 0
  var diagnostics: [Diagnostic] = []
  /// Diagnostics past the cap, counted.
  var droppedDiagnostics = 0
  /// How many of `diagnostics` the lexer made: they come first, in the order of the source.
  var lexedDiagnosticCount = 0
  var depth = 0

  /// Lexes and parses a file.
  public static func parse(_ source: SourceFile) -> SyntaxTree {
    // The size limit holds for every command (check, build, plan, fmt): nothing larger is lexed.
    if source.bytes.count > RunbookInfo.maximumFileBytes {
      let diagnostic = Diagnostic(
        .fileTooLarge,
        "the file is larger than 64 MiB (\(RunbookInfo.maximumFileBytes) bytes), the most a runbook may be",
        at: SourceRange.at(0), help: "split the runbook into several files")
      return SyntaxTree(source: source, root: nil, comments: [], diagnostics: [diagnostic])
    }
    let lexed = Lexer.lex(source)
    let balanced = BraceBalance.check(source, tokens: lexed.tokens)
    return balanced.tokens.withUnsafeBufferPointer { tokens in
      var parser = Parser(source: source, tokens: tokens)
      parser.diagnostics = lexed.diagnostics + balanced.diagnostics
      parser.lexedDiagnosticCount = lexed.diagnostics.count
      let root = parser.parseFile()
      if let summary = droppedSummary(parser.droppedDiagnostics, after: parser.diagnostics) { parser.diagnostics.append(summary) }
      return SyntaxTree(
        source: source, root: root, comments: lexed.comments, diagnostics: parser.diagnostics)
    }
  }

  private init(source: SourceFile, tokens: UnsafeBufferPointer<Token>) {
    self.source = source
    self.tokens = tokens
  }

  // MARK: - Vocabulary

  var current: Token { tokens[index] }

  var previousEnd: Int { index > 0 ? tokens[index - 1].range.end : 0 }

  func peek(_ ahead: Int = 1) -> Token { tokens[min(index + ahead, tokens.count - 1)] }

  func at(_ kind: TokenKind) -> Bool { current.kind == kind }

  /// How many tokens from the current one to the end of its line are `matching`: the most a
  /// list about to be read from the line can hold, so that it is allocated once.
  func countOnLine(where matching: (Token) -> Bool) -> Int {
    var count = 0
    var position = index
    while position < tokens.count, !tokens[position].atLineStart, tokens[position].kind != .leftBrace,
      tokens[position].kind != .rightBrace, tokens[position].kind != .endOfFile
    {
      if matching(tokens[position]) { count += 1 }
      position += 1
    }
    return count
  }

  /// True when the current token continues the statement being parsed: it is on the same line
  /// and is not a brace or the end of the file.
  var onSameLine: Bool {
    !current.atLineStart && current.kind != .leftBrace && current.kind != .rightBrace
      && current.kind != .endOfFile
  }

  mutating func advance() {
    if index < tokens.count - 1 { index += 1 }
  }

  mutating func eat(_ kind: TokenKind) -> Token? {
    guard at(kind) else { return nil }
    let token = current
    advance()
    return token
  }

  func text(_ token: Token) -> String { source.text(token.range) }

  /// The keyword the current token spells, if it is a word.
  var currentKeyword: Keyword? { current.keyword }

  /// How the current token reads in a message: "`owner`", "a string", "end of line".
  func describeCurrent(sameLineExpected: Bool = true) -> String {
    if current.kind == .endOfFile { return "end of file" }
    if sameLineExpected && current.atLineStart { return "end of line" }
    switch current.kind {
    case .word, .quantity, .number, .percent, .time:
      return "`\(clipped(text(current)))`"
    default:
      return current.kind.phrase
    }
  }

  mutating func report(
    _ code: DiagnosticCode, _ message: String, at range: SourceRange,
    notes: [DiagnosticNote] = [], help: String? = nil, fix: Fix? = nil
  ) {
    appendCapped(Diagnostic(code, message, at: range, notes: notes, help: help, fix: fix), to: &diagnostics, dropped: &droppedDiagnostics)
  }

  /// Reports a mistake that takes in one the lexer reported at `start` with `code`: the report
  /// takes the lexer's place, so that one mistake is one problem with one fix. (Found by halving
  /// the lexer's reports, which are in the order of the source.) Reported anew when the lexer's
  /// is not there.
  mutating func report(
    _ code: DiagnosticCode, _ message: String, at range: SourceRange, help: String? = nil, fix: Fix? = nil,
    replacingLexed lexedCode: DiagnosticCode, at start: Int
  ) {
    var low = 0
    var high = lexedDiagnosticCount
    while low < high {
      let middle = (low + high) / 2
      if diagnostics[middle].range.start < start { low = middle + 1 } else { high = middle }
    }
    if low < lexedDiagnosticCount, diagnostics[low].range.start == start, diagnostics[low].code == lexedCode {
      diagnostics[low] = Diagnostic(code, message, at: range, help: help, fix: fix)
    } else {
      report(code, message, at: range, help: help, fix: fix)
    }
  }

  /// Reports "expected X, found Y" at the current token (or just after the previous token when
  /// the line ended), without consuming anything.
  mutating func reportExpected(_ what: String, help: String? = nil) {
    let range = current.atLineStart || at(.endOfFile)
      ? SourceRange.at(previousEnd) : current.range
    report(.expectedToken, "expected \(what), found \(describeCurrent())", at: range, help: help)
  }

  /// Consumes a token of `kind` on the current line, or reports and returns nil.
  mutating func expect(_ kind: TokenKind, _ what: String? = nil, help: String? = nil) -> Token? {
    if at(kind) && !current.atLineStart { return eat(kind) }
    reportExpected(what ?? kind.phrase, help: help)
    return nil
  }

  // MARK: - File

  mutating func parseFile() -> Declaration? {
    var root: Declaration?
    if at(.endOfFile) {
      report(
        .missingRunbook, "the file has no runbook", at: SourceRange.at(current.range.start),
        help: "start the file with `runbook \"Title\" {` and close it with `}`")
      return nil
    }
    while !at(.endOfFile) {
      let start = index
      let keyword = currentKeyword
      if keyword == .runbook {
        let keywordRange = current.range
        let declaration = parseDeclaration(.runbook)
        if let first = root {
          report(
            .extraRunbook, "a file holds one runbook; this is a second one", at: keywordRange,
            notes: [DiagnosticNote("the first runbook starts here", at: first.keywordRange)],
            help: "move this runbook into a file of its own")
        } else {
          root = declaration
        }
      } else if let keyword, let kind = DeclarationShape.declarationKind(keyword) {
        report(
          .misplacedStatement, "`\(keyword.rawValue)` must be inside the runbook block",
          at: current.range,
          help: "put it between `runbook \"Title\" {` and the closing `}`")
        _ = parseDeclaration(kind)
      } else if at(.rightBrace) {
        report(
          .expectedToken, "unexpected `}` with no block open", at: current.range,
          help: "remove this `}` or the matching `{` is missing")
        advance()
      } else {
        reportExpected("`runbook`", help: "a file starts with `runbook \"Title\" {`")
        skipStatement(bodyKind: .runbook)
      }
      if index == start { advance() }
    }
    if root == nil && !diagnostics.contains(where: { $0.code == .missingRunbook }) {
      report(
        .missingRunbook, "the file has no runbook block", at: SourceRange.at(0),
        help: "start the file with `runbook \"Title\" {` and close it with `}`")
    }
    return root
  }

  // MARK: - Declarations

  /// declaration = keyword [ identifier ] string { attribute } [ block ] ;
  mutating func parseDeclaration(_ kind: DeclarationKind) -> Declaration {
    let keywordToken = current
    advance()
    let shape = DeclarationShape.of(kind)
    var declaration = DeclarationDraft(kind: kind, at: keywordToken.range)

    if at(.word) && !current.atLineStart
      && (peek().kind == .string || peek().kind == .textBlock || kind != .step
        || currentKeyword == nil)
    {
      declaration.id = Identifier(name: text(current), range: current.range)
      advance()
    }
    if shape.requiresID && declaration.id == nil {
      report(
        .missingID, "a \(kind.rawValue) needs an id", at: SourceRange.at(keywordToken.range.end),
        help: "write an id after `\(kind.rawValue)`, e.g. `\(kind.rawValue) \(exampleID(kind)) \"Title\"`")
    }
    if (at(.string) || at(.textBlock)) && !current.atLineStart {
      declaration.title = parseText()
      // Only a token glued to the end of the title can be the rest of a title with inner quotes.
      if current.range.start == previousEnd && !current.atLineStart && current.kind != .endOfFile,
        let joined = titleWithInnerQuotes(declaration.title)
      {
        declaration.title = joined
      }
    } else {
      var help = "write the title in double quotes: `\(kind.rawValue) \(declaration.id?.name ?? exampleID(kind)) \"Title\"`"
      if at(.word) && currentKeyword == nil && !current.atLineStart {
        help = "put the title in double quotes"
      }
      if !(shape.requiresID && declaration.id == nil) {
        reportExpected("the \(kind.rawValue)'s title in quotes", help: help)
      }
      if at(.word) && currentKeyword == nil && !current.atLineStart {
        skipToBlockOrLineEnd()
      }
    }

    // Sized once for the attributes on its line: grown one at a time, each growth was an
    // allocation, a copy and a release.
    if onSameLine { declaration.attributes.reserveCapacity(countOnLine { $0.keyword.map(shape.accepts) ?? false }) }
    while onSameLine {
      if let attribute = parseAttribute(of: kind, inline: true) {
        declaration.attributes.append(attribute)
      }
    }
    if at(.leftBrace) {
      if current.atLineStart {
        report(
          .expectedToken, "`{` must be on the same line as the \(kind.rawValue)",
          at: current.range, help: "move `{` up to the end of the line above")
      }
      parseBody(into: &declaration, shape: shape)
    }
    declaration.range = keywordToken.range.union(SourceRange.at(previousEnd))
    checkDuplicateAttributes(declaration.attributes, of: kind, shape: shape)
    return Declaration(declaration)
  }

  /// `"Check the "main" server"`: a title with quotes inside it reads as a string, a word glued
  /// to it and another string glued to that. Read as the one title it is, reported with the fix
  /// (the inner quotes escaped), so that the attributes after it still count.
  mutating func titleWithInnerQuotes(_ title: TextLiteral?) -> TextLiteral? {
    guard let title, !title.isBlock, source.bytes[title.range.end - 1] == UInt8(ascii: "\"") else { return nil }
    var look = 0
    var end = title.range.end
    while peek(look).range.start == end, !peek(look).atLineStart, [.word, .number, .quantity, .percent, .time].contains(peek(look).kind) {
      end = peek(look).range.end
      look += 1
    }
    let closing = peek(look)
    guard look > 0, closing.kind == .string, closing.range.start == end, source.bytes[closing.range.end - 1] == UInt8(ascii: "\""),
      closing.range.end - closing.range.start >= 2
    else { return nil }
    let range = title.range.union(closing.range)
    let innerOpen = SourceRange(title.range.end - 1, title.range.end)
    let innerClose = SourceRange(closing.range.start, closing.range.start + 1)
    for _ in 0...look { advance() }
    let inner = source.text(SourceRange(innerOpen.end, innerClose.start))
    let value = title.value + "\"" + inner + "\"" + decodeEscapes(from: closing.range.start + 1, to: closing.range.end - 1)
    report(
      .unterminatedString, "this title has double quotes inside it, which end it early", at: range,
      help: "write a quote inside text as `\\\"`: \"… \\\"\(clipped(inner))\\\" …\", or use single quotes inside",
      fix: Fix("escape the inner quotes", [TextEdit(range: innerOpen, replacement: "\\\""), TextEdit(range: innerClose, replacement: "\\\"")]))
    return TextLiteral(value: value, range: range, isBlock: false)
  }

  func exampleID(_ kind: DeclarationKind) -> String {
    switch kind {
    case .role: "customer"
    case .rollback: "restore"
    case .stage: "preparation"
    case .gate: "go_no_go"
    default: "my_\(kind.rawValue)"
    }
  }

  /// block = "{" { attribute | declaration } "}" ;
  mutating func parseBody(into declaration: inout DeclarationDraft, shape: DeclarationShape) {
    guard let open = eat(.leftBrace) else { return }
    depth += 1
    defer { depth -= 1 }
    if depth > Parser.maximumDepth {
      report(
        .nestingTooDeep, "blocks are nested more than \(Parser.maximumDepth) deep",
        at: open.range, help: "flatten the runbook: stages nest a few levels, not hundreds")
      skipBalancedBlock(openedAt: open)
      declaration.body = open.range.union(SourceRange.at(previousEnd))
      return
    }
    while true {
      if at(.rightBrace) {
        advance()
        break
      }
      if at(.endOfFile) {
        let what = declaration.kind == .unknown ? "block" : "\(declaration.kind.rawValue) block"
        report(
          .unclosedBlock, "expected `}` to close the \(what), found end of file",
          at: current.range,
          notes: [DiagnosticNote("the `{` opened here", at: open.range)],
          help: "add `}` after the last line of the \(what)")
        break
      }
      let start = index
      parseStatement(into: &declaration, shape: shape)
      if index == start { advance() }
    }
    declaration.body = open.range.union(SourceRange.at(previousEnd))
  }

  /// One line of a block: a child declaration or an attribute.
  mutating func parseStatement(into declaration: inout DeclarationDraft, shape: DeclarationShape) {
    guard at(.word) else {
      // A statement starts its line: what stands there is reported where it stands.
      let range = at(.endOfFile) ? SourceRange.at(previousEnd) : current.range
      // A title on its own line in a stage is a step without its keyword.
      let untitledStep = at(.string) && (declaration.kind == .stage || declaration.kind == .rollback)
      report(
        .expectedToken, "expected \(statementPhrase(declaration.kind)), found \(describeCurrent(sameLineExpected: false))", at: range,
        help: untitledStep ? "a step starts with `step`: `step \(clipped(text(current)))`" : nil,
        fix: untitledStep ? Fix("write `step` before it", replacing: SourceRange.at(range.start), with: "step ") : nil)
      skipStatement(bodyKind: declaration.kind)
      return
    }
    let keyword = current.keyword
    if let keyword, let kind = DeclarationShape.declarationKind(keyword),
      shape.allows(kind)
    {
      declaration.children.append(parseDeclaration(kind))
      return
    }
    if let keyword, shape.accepts(keyword) {
      if let attribute = parseAttribute(of: declaration.kind, inline: false) {
        declaration.attributes.append(attribute)
      }
      expectEndOfStatement(after: keyword.rawValue, bodyKind: declaration.kind)
      return
    }
    let suggestion = reportUnknownStatement(text(current), keyword: keyword, in: declaration.kind, shape: shape)
    if let meant = suggestion.flatMap(Keyword.init(rawValue:)), shape.accepts(meant) {
      if let attribute = recoverMisspelt(meant) {
        declaration.attributes.append(attribute)
        return
      }
      let start = current.range
      skipStatement(bodyKind: declaration.kind)
      declaration.attributes.append(misspelt(meant, at: start))
      return
    }
    var unknown = DeclarationDraft(kind: .unknown, at: current.range)
    // The block of a misspelt statement is still parsed, as the kind the user most likely
    // meant, so the errors inside it are reported too.
    let meant = (keyword ?? suggestion.flatMap(Keyword.init(rawValue:)))
    let guess = meant.flatMap(DeclarationShape.declarationKind) ?? declaration.kind
    unknown.children = skipStatement(bodyKind: guess)
    if !unknown.children.isEmpty { declaration.children.append(Declaration(unknown)) }
  }

  /// A misspelt keyword (`no_goo -> rollback back`), just reported, read as the keyword it most
  /// likely is: when the rest of the line parses cleanly as that keyword's value, the attribute is
  /// kept whole — so nothing is reported as missing because of the misspelling — and the
  /// diagnostic gets the fix, which the clean parse makes certain. Otherwise nothing is consumed
  /// and nil is returned.
  mutating func recoverMisspelt(_ meant: Keyword, inline: Bool = false) -> Attribute? {
    let start = index
    let reported = diagnostics.count
    let keywordToken = current
    advance()
    let value = parseAttributeValue(meant)
    // A statement must end with its value; an inline attribute may be followed by others.
    guard !value.isInvalid, diagnostics.count == reported, inline || !onSameLine else {
      index = start
      diagnostics.removeLast(diagnostics.count - reported)
      return nil
    }
    if reported > 0, diagnostics[reported - 1].range == keywordToken.range {
      diagnostics[reported - 1].fix = Fix("write `\(meant.rawValue)`", replacing: keywordToken.range, with: meant.rawValue)
    }
    return Attribute(value: value, keyword: meant, keywordRange: keywordToken.range, range: keywordToken.range.union(SourceRange.at(previousEnd)))
  }

  func statementPhrase(_ kind: DeclarationKind) -> String {
    switch kind {
    case .runbook: "a statement such as `stage` or `role`"
    case .stage, .rollback: "a statement such as `step`"
    case .contacts: "`contact`"
    default: "an attribute such as `note`"
    }
  }

  /// Reports a statement word that is unknown or misplaced; returns the suggested word, if any.
  @discardableResult
  mutating func reportUnknownStatement(
    _ word: String, keyword: Keyword?, in kind: DeclarationKind, shape: DeclarationShape
  ) -> String? {
    let place = kind == .unknown ? "here" : "in a \(kind.rawValue)"
    if let keyword {
      let homes = DeclarationShape.owners(of: keyword).map { "`\($0.rawValue)`" }
        + DeclarationKind.allCases.filter { DeclarationShape.of($0).children.contains { $0.rawValue == keyword.rawValue } }
          .map { "`\($0.rawValue)`" }
      let help = homes.isEmpty
        ? "`\(word)` cannot start a line" : "`\(word)` belongs in \(listPhrase(homes, conjunction: "or"))"
      report(.misplacedStatement, "`\(word)` is not allowed \(place)", at: current.range, help: help)
      return nil
    }
    let candidates = shape.attributes.map(\.rawValue) + shape.children.map(\.rawValue)
    var help = "expected one of \(listPhrase(candidates.map { "`\($0)`" }, conjunction: "or"))"
    let suggestion = closestName(to: word, among: candidates)
    if let suggestion {
      help = "did you mean `\(suggestion)`?"
    }
    report(.unknownKeyword, "unknown keyword `\(clipped(word))` \(place)", at: current.range, help: help)
    return suggestion
  }

  /// Reports anything left on the line after a complete statement, and skips it.
  mutating func expectEndOfStatement(after what: String, bodyKind: DeclarationKind) {
    guard onSameLine else { return }
    report(
      .expectedToken, "expected end of line after `\(what)`, found \(describeCurrent())",
      at: current.range, help: "start each statement on a new line")
    skipStatement(bodyKind: bodyKind)
  }

  // MARK: - Recovery

  /// Skips the rest of the current statement: tokens up to the next line or closing brace. A
  /// block opened on the skipped line is parsed as a body of `bodyKind`, so that errors inside it
  /// are still found; its declarations are returned.
  @discardableResult
  mutating func skipStatement(bodyKind: DeclarationKind) -> [Declaration] {
    if !onSameLine && !at(.leftBrace) { advance() }
    while onSameLine { advance() }
    guard at(.leftBrace) && !current.atLineStart else { return [] }
    var holder = DeclarationDraft(kind: .unknown, at: current.range)
    parseBody(into: &holder, shape: DeclarationShape.of(bodyKind))
    return holder.children
  }

  /// Skips to the end of the line or to a `{` on it, without consuming the `{`.
  mutating func skipToBlockOrLineEnd() {
    while onSameLine { advance() }
  }

  /// Skips a block whose `{` has been consumed, to its matching `}`, without recursion.
  mutating func skipBalancedBlock(openedAt open: Token) {
    var level = 1
    while level > 0 {
      switch current.kind {
      case .leftBrace: level += 1
      case .rightBrace: level -= 1
      case .endOfFile:
        report(
          .unclosedBlock, "expected `}` to close the block, found end of file", at: current.range,
          notes: [DiagnosticNote("the `{` opened here", at: open.range)],
          help: "add the missing `}`")
        return
      default: break
      }
      advance()
    }
  }

  mutating func checkDuplicateAttributes(_ attributes: [Attribute], of kind: DeclarationKind, shape: DeclarationShape) {
    // One bit per keyword: the common case, no attribute given twice, costs no table at all.
    guard keywordBits(of: attributes).repeated else { return }
    // At most one entry per keyword, so the list stays short however many attributes there are.
    var seen: [Attribute] = []
    for attribute in attributes where !shape.isRepeatable(attribute.keyword) {
      if let first = seen.first(where: { $0.keyword == attribute.keyword }) {
        report(
          .duplicateAttribute,
          "`\(attribute.keyword.rawValue)` is given twice for this \(kind.rawValue)",
          at: attribute.keywordRange,
          notes: [DiagnosticNote("first given here", at: first.keywordRange)],
          help: attribute.keyword == .owner
            ? "list every owner in one `owner` attribute: `owner a and b`"
            : "keep one of them")
      } else {
        seen.append(attribute)
      }
    }
  }
}

// MARK: - Helpers shared with the checker

/// `a`, `a or b`, `a, b or c`.
func listPhrase(_ items: [String], conjunction: String) -> String {
  switch items.count {
  case 0: return ""
  case 1: return items[0]
  default: return items.dropLast().joined(separator: ", ") + " \(conjunction) " + items[items.count - 1]
  }
}

/// Shortens text quoted in a message to a readable length.
func clipped(_ text: String, limit: Int = 40) -> String {
  // Scalars, not characters: counting grapheme clusters was a visible cost in large plans.
  if text.utf8.count <= limit { return text }
  let scalars = text.unicodeScalars
  guard scalars.count > limit else { return text }
  var clippedText = String.UnicodeScalarView()
  clippedText.append(contentsOf: scalars.prefix(limit))
  return String(clippedText) + "…"
}
