// The formatter behind `runbook fmt`: prints a parsed runbook in its canonical layout. Each
// statement is reprinted from its own tokens with canonical spacing, so nothing the author wrote
// is lost or reinterpreted; the syntax tree decides indentation and line breaks. Comments stay
// where they were (on their own line, or at the end of a statement's line); text blocks keep
// their text and move with their statement's indentation; runs of blank lines become one, and
// top-level blocks are separated by one. It reads the syntax tree only, never the graph.

/// Formats source that parsed without errors.
public enum Formatter {
  /// The canonical text of a file, or nil when it has syntax errors (then it is left alone).
  public static func format(_ tree: SyntaxTree) -> String? {
    guard let root = tree.root, !tree.diagnostics.contains(where: { $0.severity == .error }) else { return nil }
    var printer = Printer(source: tree.source, tokens: Lexer.lex(tree.source).tokens, comments: tree.comments)
    printer.file(root)
    return printer.text()
  }
}

private struct Printer {
  let source: SourceFile
  let tokens: [Token]
  let comments: [SourceRange]
  /// Comments already printed.
  var printed: [Bool]
  /// Every comment before this index has been printed: printing goes in source order, so
  /// the loops over comments start here instead of at the first comment.
  var nextComment = 0
  /// Output lines: the code, and a trailing comment kept apart so it can be aligned.
  var lines: [(indent: Int, code: String, comment: String?)] = []

  init(source: SourceFile, tokens: [Token], comments: [SourceRange]) {
    self.source = source
    self.tokens = tokens
    self.comments = comments
    self.printed = Array(repeating: false, count: comments.count)
  }

  // MARK: - Layout

  mutating func file(_ root: Declaration) {
    emitComments(before: root.range.start, indent: 0, after: nil)
    printDeclaration(root, indent: 0, alignID: 0)
    emitComments(before: source.bytes.count + 1, indent: 0, after: root.range.end)
  }

  /// Prints a declaration: its header line (keyword, id, title, inline attributes), then its
  /// block, one statement per line.
  mutating func printDeclaration(_ declaration: Declaration, indent: Int, alignID: Int) {
    let headerEnd = declaration.body?.start ?? declaration.range.end
    var header = statementText(from: declaration.keywordRange.start, to: headerEnd, indent: indent)
    if alignID > 0, let id = declaration.id {
      // Align the titles of a run of one-line declarations of the same kind.
      let prefix = source.text(declaration.keywordRange) + " " + id.name
      if header.hasPrefix(prefix + " ") {
        header = prefix + String(repeating: " ", count: max(1, alignID - id.name.count + 1)) + header.dropFirst(prefix.count + 1)
      }
    }
    guard let body = declaration.body else {
      lines.append((indent, header, nil))
      attachComments(inside: SourceRange(declaration.keywordRange.start, headerEnd), indent: indent)
      return
    }
    lines.append((indent, header + " {", nil))
    // A comment after the `{` belongs to the header's line.
    var lineEnd = body.start
    while lineEnd < source.bytes.count && source.bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
    attachComments(inside: SourceRange(declaration.keywordRange.start, min(lineEnd, body.end)), indent: indent)
    printBlock(declaration, body: body, indent: indent + 1)
    lines.append((indent, "}", nil))
  }

  /// The statements of a block in source order, with the comments between them.
  mutating func printBlock(_ declaration: Declaration, body: SourceRange, indent: Int) {
    enum Entry {
      case attribute(Attribute)
      case child(Declaration)
      var range: SourceRange {
        switch self {
        case .attribute(let attribute): attribute.range
        case .child(let child): child.range
        }
      }
    }
    var entries: [Entry] = declaration.attributes.filter { $0.range.start > body.start }.map(Entry.attribute)
    entries += declaration.children.map(Entry.child)
    entries.sort { $0.range.start < $1.range.start }
    let children: [Declaration?] = entries.map {
      if case .child(let child) = $0 { return child }
      return nil
    }
    let widths = alignments(children)
    let topLevel = declaration.kind == .runbook
    var previousEnd: Int? = nil
    var previousWasBlock = false
    for (position, entry) in entries.enumerated() {
      let isBlock: Bool
      if case .child(let child) = entry { isBlock = child.body != nil } else { isBlock = false }
      let start = entry.range.start
      let hadBlank = previousEnd.map { blankLineBetween($0, start) } ?? false
      let wantsBlank = previousEnd != nil && (hadBlank || (topLevel && (isBlock || previousWasBlock)))
      emitComments(before: start, indent: indent, after: previousEnd, blankBefore: wantsBlank)
      if wantsBlank && !lastLineIsBlankOrComment(since: previousEnd) { lines.append((indent, "", nil)) }
      switch entry {
      case .attribute(let attribute):
        lines.append((indent, statementText(from: attribute.range.start, to: attribute.range.end, indent: indent), nil))
        attachComments(inside: attribute.range, indent: indent)
      case .child(let child):
        printDeclaration(child, indent: indent, alignID: widths[position])
      }
      previousEnd = entry.range.end
      previousWasBlock = isBlock
    }
    emitComments(before: body.end - 1, indent: indent, after: previousEnd)
  }

  /// For each entry, the width to which a one-line `role` id is padded: the longest id of the
  /// run of such lines (with no blank line between them) it belongs to, or 0 when it stands
  /// alone. One pass over the entries: runs of thousands of roles stay linear.
  func alignments(_ entries: [Declaration?]) -> [Int] {
    func oneLine(_ index: Int) -> Declaration? {
      guard index >= 0, index < entries.count, let child = entries[index],
        child.kind == .role, child.body == nil, child.id != nil
      else { return nil }
      return child
    }
    var widths = [Int](repeating: 0, count: entries.count)
    var index = 0
    while index < entries.count {
      guard oneLine(index) != nil else {
        index += 1
        continue
      }
      var last = index
      while let current = oneLine(last), let next = oneLine(last + 1), !blankLineBetween(current.range.end, next.range.start) {
        last += 1
      }
      if last > index {
        let width = (index...last).compactMap { oneLine($0)?.id?.name.count }.max() ?? 0
        for position in index...last { widths[position] = width }
      }
      index = last + 1
    }
    return widths
  }

  // MARK: - Tokens

  /// A statement's tokens on one line with canonical spacing.
  func statementText(from start: Int, to end: Int, indent: Int) -> String {
    var text = ""
    var previous: Token?
    var index = firstToken(atOrAfter: start)
    while index < tokens.count, tokens[index].range.start < end, tokens[index].kind != .endOfFile {
      let token = tokens[index]
      if let previous, needsSpace(previous, token) { text += " " }
      text += token.kind == .textBlock ? reindented(token, indent: indent + 1) : source.text(token.range)
      previous = token
      index += 1
    }
    return text
  }

  func needsSpace(_ previous: Token, _ next: Token) -> Bool {
    switch (previous.kind, next.kind) {
    case (_, .comma), (_, .dotDot), (.dotDot, _), (_, .question): false
    default: true
    }
  }

  func firstToken(atOrAfter offset: Int) -> Int {
    var low = 0
    var high = tokens.count
    while low < high {
      let mid = (low + high) / 2
      if tokens[mid].range.start < offset { low = mid + 1 } else { high = mid }
    }
    return low
  }

  /// A text block moved to a new indentation: the old closing indentation is replaced by the
  /// new one on every line; the text itself is unchanged.
  func reindented(_ token: Token, indent: Int) -> String {
    let raw = source.text(token.range).replacingLineEnds()
    var lines = raw.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard lines.count >= 2 else { return raw }
    let closing = lines[lines.count - 1]
    let oldIndent = closing.prefix { $0 == " " || $0 == "\t" }.count
    let newIndent = String(repeating: "  ", count: indent)
    for index in 1..<lines.count {
      let line = lines[index]
      if line.allSatisfy({ $0 == " " || $0 == "\t" }) && index != lines.count - 1 {
        lines[index] = ""
      } else {
        lines[index] = newIndent + line.dropFirst(min(oldIndent, line.prefix { $0 == " " || $0 == "\t" }.count))
      }
    }
    return lines.joined(separator: "\n")
  }

  // MARK: - Comments and blank lines

  func blankLineBetween(_ start: Int, _ end: Int) -> Bool {
    var newlines = 0
    var position = max(0, start)
    while position < min(end, source.bytes.count) {
      if source.bytes[position] == UInt8(ascii: "\n") {
        newlines += 1
        if newlines >= 2 { return true }
      } else if source.bytes[position] == UInt8(ascii: "#") {
        newlines = 0
      }
      position += 1
    }
    return false
  }

  func onSameLine(_ start: Int, _ end: Int) -> Bool {
    var position = max(0, start)
    while position < min(end, source.bytes.count) {
      if source.bytes[position] == UInt8(ascii: "\n") { return false }
      position += 1
    }
    return true
  }

  func commentText(_ index: Int) -> String {
    var text = source.text(comments[index])
    while text.hasSuffix(" ") || text.hasSuffix("\t") { text.removeLast() }
    return text
  }

  /// Prints the comments that start before `offset`: one on the line where the previous
  /// statement ended stays at the end of that line; the others get lines of their own, with a
  /// blank line kept where the source had one.
  mutating func emitComments(before offset: Int, indent: Int, after previousEnd: Int?, blankBefore: Bool = false) {
    var lastEnd = previousEnd
    var first = true
    while nextComment < comments.count && printed[nextComment] { nextComment += 1 }
    var index = nextComment - 1
    while index + 1 < comments.count && comments[index + 1].start < offset {
      index += 1
      if printed[index] { continue }
      printed[index] = true
      let comment = comments[index]
      if let lastEnd, first, onSameLine(lastEnd, comment.start), let last = lines.indices.last, lines[last].comment == nil, !lines[last].code.isEmpty {
        lines[last].comment = commentText(index)
      } else {
        if let lastEnd, blankLineBetween(lastEnd, comment.start) || (first && blankBefore), lines.last.map({ !$0.code.isEmpty || $0.comment != nil }) ?? false {
          lines.append((indent, "", nil))
        }
        lines.append((indent, "", commentText(index)))
      }
      lastEnd = comment.end
      first = false
    }
  }

  /// Comments written inside one statement (a line broken after a comma): the first goes to
  /// the end of the statement's line, any others on lines of their own before it.
  mutating func attachComments(inside range: SourceRange, indent: Int) {
    var found: [Int] = []
    while nextComment < comments.count && printed[nextComment] { nextComment += 1 }
    var index = nextComment
    while index < comments.count && comments[index].start < range.end {
      if !printed[index] && comments[index].start >= range.start { found.append(index) }
      index += 1
    }
    guard !found.isEmpty, !lines.isEmpty else { return }
    for index in found { printed[index] = true }
    let line = lines.removeLast()
    for index in found.dropLast() { lines.append((indent, "", commentText(index))) }
    lines.append(line)
    if lines[lines.count - 1].comment == nil {
      lines[lines.count - 1].comment = commentText(found[found.count - 1])
    } else {
      lines.insert((indent, "", commentText(found[found.count - 1])), at: lines.count - 1)
    }
  }

  func lastLineIsBlankOrComment(since previousEnd: Int?) -> Bool {
    guard let last = lines.last else { return true }
    return last.code.isEmpty && last.comment == nil
  }

  // MARK: - Output

  /// The lines joined, with trailing comments of consecutive lines aligned.
  func text() -> String {
    var output: [String] = []
    var index = 0
    while index < lines.count {
      // A run of consecutive code lines, at least one of which has a trailing comment.
      var end = index
      while end < lines.count, !lines[end].code.isEmpty { end += 1 }
      if end == index {
        let line = lines[index]
        output.append(line.comment.map { String(repeating: "  ", count: line.indent) + $0 } ?? "")
        index += 1
        continue
      }
      let run = lines[index..<end]
      let width = run.filter { $0.comment != nil }.map { $0.indent * 2 + $0.code.count }.max() ?? 0
      for line in run {
        let code = String(repeating: "  ", count: line.indent) + line.code
        if let comment = line.comment {
          let pad = width <= 80 ? width - code.count + 2 : 2
          output.append(code + String(repeating: " ", count: max(2, pad)) + comment)
        } else {
          output.append(code)
        }
      }
      index = end
    }
    while output.last == "" { output.removeLast() }
    return output.joined(separator: "\n") + "\n"
  }
}

extension String {
  fileprivate func replacingLineEnds() -> String {
    var output = ""
    var previousCR = false
    for scalar in unicodeScalars {
      if scalar == "\r" {
        previousCR = true
        continue
      }
      if previousCR && scalar != "\n" { output.append("\n") }
      previousCR = false
      output.unicodeScalars.append(scalar)
    }
    if previousCR { output.append("\n") }
    return output
  }
}
