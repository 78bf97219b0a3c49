// Braces read with the indentation, before parsing. When a file has a `{` too many or a `}` too
// many, counting alone blames the end of the file, and the help it would give ("add `}` after
// the last line") silently nests the next stage inside the previous one. People indent what they
// mean, so the indentation says where a block was meant to end: the first line after a `{` that
// is indented no deeper than the line of the `{` — and is not its `}` — is where that block
// should have been closed; a `}` indented like the lines inside the block it closes is the one
// too many. The likely culprit is reported, and the token stream is repaired as the indentation
// reads (a `}` put in, or the extra one taken out), so that the parser reports nothing that
// follows from it. No machine fix is offered: where a block ends is the author's call.
//
// With balanced braces, a block whose first line is indented no deeper than its `{` line is
// warned about (RB0111), since the nesting then reads differently than it parses. The `runbook`
// block itself is the file's wrapper: many write its contents flush left, so it is exempt.

/// Finds unbalanced braces by indentation and repairs the token stream as it reads. Every pass
/// is one walk over the tokens: no input shape costs more than linear time.
struct BraceBalance {
  let source: SourceFile
  var tokens: [Token]
  var diagnostics: [Diagnostic] = []

  /// Checks and repairs; returns the tokens to parse and what was found.
  static func check(_ source: SourceFile, tokens: [Token]) -> (tokens: [Token], diagnostics: [Diagnostic]) {
    var balance = BraceBalance(source: source, tokens: tokens)
    balance.run()
    return (balance.tokens, balance.diagnostics)
  }

  private mutating func run() {
    var level = 0
    var extra = 0
    for token in tokens {
      if token.kind == .leftBrace { level += 1 }
      if token.kind == .rightBrace {
        if level == 0 { extra += 1 } else { level -= 1 }
      }
    }
    if level > 0 {
      closeUnclosed(count: level)
    } else if extra > 0 {
      removeExtra(count: extra)
    } else {
      warnAboutFlatBlocks()
    }
  }

  /// How far the line of a token that starts its line is indented (a tab counts as four): the
  /// whitespace right before it, since nothing else can precede it on its line.
  private func indentation(of tokenIndex: Int) -> Int {
    source.bytes.withUnsafeBufferPointer { indentation(before: tokens[tokenIndex].range.start, in: $0) }
  }

  /// The width of the spaces and tabs that start the line holding `position` in `bytes` (the
  /// first token's line: what stands before the token, such as a list marker the lexer skipped,
  /// does not change how deep the line is indented).
  private func indentation(before position: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
    var lineStart = position
    var width = 0
    while lineStart > 0 {
      let byte = bytes[lineStart - 1]
      if byte == UInt8(ascii: " ") { width += 1 } else if byte == UInt8(ascii: "\t") { width += 4 } else { break }
      lineStart -= 1
    }
    // Only blanks before the token, as on almost every line.
    if lineStart == 0 || bytes[lineStart - 1] == UInt8(ascii: "\n") { return width }
    while lineStart > 0 && bytes[lineStart - 1] != UInt8(ascii: "\n") { lineStart -= 1 }
    width = 0
    for index in lineStart..<position {
      let byte = bytes[index]
      if byte == UInt8(ascii: " ") { width += 1 } else if byte == UInt8(ascii: "\t") { width += 4 } else { break }
    }
    return width
  }

  /// "stage `prep`", from the first token of the line that opens a block.
  private func describeOpener(_ first: Int) -> String {
    let keyword = source.text(tokens[first].range)
    if first + 1 < tokens.count, tokens[first + 1].kind == .word, !tokens[first + 1].atLineStart {
      return "\(keyword) `\(source.text(tokens[first + 1].range))`"
    }
    return "`\(keyword)`"
  }

  /// The depth a block's lines are compared with: its opening line's indentation, or -1 for the
  /// `runbook` block, whose contents may stand flush left.
  private func wrapperDepth(_ opener: Int, _ depth: Int) -> Int {
    tokens[opener].keyword == .runbook ? -1 : depth
  }

  private func lineNumber(_ tokenIndex: Int) -> Int { source.lineIndex(of: tokens[tokenIndex].range.start) + 1 }

  /// An open block while reading: the line that opens it, its indentation, its `{`, and whether
  /// a line inside it has been seen.
  private struct OpenBlock {
    var opener: Int
    var depth: Int
    var brace: Int
    var hasContent = false
  }

  /// Reads the blocks by indentation: a line indented no deeper than a block's opening line,
  /// other than that block's own `}`, ends the block — and if the block had no `}` there, it is
  /// where one was meant to be. The first `count` such places get a `}`.
  private mutating func closeUnclosed(count: Int) {
    var stack: [OpenBlock] = []
    var insertions: [(before: Int, block: OpenBlock)] = []
    var lineFirst = 0
    var lineDepth = 0
    for index in tokens.indices where insertions.count < count {
      let token = tokens[index]
      if token.atLineStart && token.kind != .endOfFile {
        lineFirst = index
        lineDepth = indentation(of: index)
        let depth = lineDepth
        while let top = stack.last, depth <= top.depth {
          if token.kind == .rightBrace && depth == top.depth { break }
          stack.removeLast()
          if top.hasContent && insertions.count < count { insertions.append((index, top)) }
        }
        if token.kind != .rightBrace, !stack.isEmpty { stack[stack.count - 1].hasContent = true }
      }
      if token.kind == .leftBrace {
        stack.append(OpenBlock(opener: lineFirst, depth: wrapperDepth(lineFirst, lineDepth), brace: index))
      } else if token.kind == .rightBrace, !stack.isEmpty {
        stack.removeLast()
      }
    }
    guard !insertions.isEmpty else { return }
    for insertion in insertions.prefix(RunbookInfo.maximumKeptDiagnostics) {
      let what = describeOpener(insertion.block.opener)
      let line = lineNumber(insertion.before)
      diagnostics.append(Diagnostic(
        .unclosedBlock, "the `{` of \(what) on line \(lineNumber(insertion.block.brace)) is never closed",
        at: tokens[insertion.block.brace].range,
        notes: [DiagnosticNote("line \(line), \(describeOpener(insertion.before)), is indented like \(what), so \(what) probably ends before it", at: tokens[insertion.before].range)],
        help: "add `}` on a line of its own before line \(line), indented like \(what)"))
    }
    // Put each `}` in where the indentation says, in one pass.
    let before = Set(insertions.map(\.before))
    var repaired: [Token] = []
    repaired.reserveCapacity(tokens.count + insertions.count)
    for (index, token) in tokens.enumerated() {
      if before.contains(index) {
        let end = index > 0 ? tokens[index - 1].range.end : 0
        repaired.append(Token(kind: .rightBrace, range: SourceRange.at(end), atLineStart: false))
      }
      repaired.append(token)
    }
    tokens = repaired
  }

  /// A `}` at the start of a line, indented deeper than the line of the `{` it closes, is
  /// indented like the block's contents: the likely one too many.
  private mutating func removeExtra(count: Int) {
    var stack: [OpenBlock] = []
    var removals: [(brace: Int, opener: Int)] = []
    var lineFirst = 0
    var lineDepth = 0
    for (index, token) in tokens.enumerated() {
      if token.atLineStart {
        lineFirst = index
        lineDepth = indentation(of: index)
      }
      if token.kind == .leftBrace { stack.append(OpenBlock(opener: lineFirst, depth: lineDepth, brace: index)) }
      guard token.kind == .rightBrace, let open = stack.popLast() else { continue }
      if removals.count < count, token.atLineStart, lineDepth > open.depth {
        removals.append((index, open.opener))
        stack.append(open)  // read on as if this `}` were not there
      }
    }
    for removal in removals.prefix(RunbookInfo.maximumKeptDiagnostics) {
      let what = describeOpener(removal.opener)
      diagnostics.append(Diagnostic(
        .expectedToken, "this `}` is one too many: it is indented like the lines inside \(what), which it would close",
        at: tokens[removal.brace].range,
        notes: [DiagnosticNote("\(what) opens here; its own `}` comes later, indented like it", at: tokens[removal.opener].range)],
        help: "remove this `}`"))
    }
    let removed = Set(removals.map(\.brace))
    tokens = tokens.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
  }

  /// With balanced braces: a line directly inside a block but indented no deeper than the
  /// block's own first line (in a file that indents at all) reads as a sibling, not a child.
  /// Once per block.
  private mutating func warnAboutFlatBlocks() {
    guard tokens.contains(where: { $0.atLineStart && $0.kind != .endOfFile && $0.range.start > 0
      && (source.bytes[$0.range.start - 1] == UInt8(ascii: " ") || source.bytes[$0.range.start - 1] == UInt8(ascii: "\t")) })
    else { return }
    // Every line's indentation is measured: the file's bytes are read in place for the walk.
    let bytes = source.bytes
    bytes.withUnsafeBufferPointer { warnAboutFlatBlocks(in: $0) }
  }

  private mutating func warnAboutFlatBlocks(in bytes: UnsafeBufferPointer<UInt8>) {
    var stack: [(block: OpenBlock, warned: Bool)] = []
    var lineFirst = 0
    var lineDepth = 0
    var warned = 0
    for (index, token) in tokens.enumerated() where token.kind != .endOfFile {
      if token.atLineStart {
        lineFirst = index
        lineDepth = indentation(before: token.range.start, in: bytes)
        if token.kind != .rightBrace, let top = stack.last, !top.warned, lineDepth <= top.block.depth,
          warned < RunbookInfo.maximumKeptDiagnostics
        {
          warned += 1
          stack[stack.count - 1].warned = true
          let what = describeOpener(top.block.opener)
          diagnostics.append(Diagnostic(
            .misleadingIndentation, "line \(lineNumber(index)) is inside \(what) but indented as if it were beside it",
            at: token.range,
            notes: [DiagnosticNote("\(what) opens here", at: tokens[top.block.opener].range)],
            help: "indent the lines of a block further than its first line (`runbook fmt` does it), or close \(what) where you meant it to end"))
        }
      }
      if token.kind == .leftBrace {
        stack.append((OpenBlock(opener: lineFirst, depth: wrapperDepth(lineFirst, lineDepth), brace: index), false))
      } else if token.kind == .rightBrace, !stack.isEmpty {
        stack.removeLast()
      }
    }
  }
}
