// The lexer: a small state machine over the file's UTF-8 bytes that produces tokens and the
// ranges of comments. It never stops and never throws: a bad byte is reported with its location
// and skipped, so the parser sees a clean token stream.

/// The result of lexing one file.
public struct LexedFile: Sendable {
  /// The tokens, ending with exactly one `.endOfFile` token.
  public var tokens: [Token]
  /// The byte ranges of `#` comments, in source order, for the formatter.
  public var comments: [SourceRange]
  /// Lexical errors: bad bytes, unterminated literals.
  public var diagnostics: [Diagnostic]
}

/// Splits source bytes into tokens.
public struct Lexer {
  /// The file's bytes, read in place for the length of `lex` (a buffer rather than the array:
  /// every byte of the file is read through it, and an array checks each index).
  private let bytes: UnsafeBufferPointer<UInt8>
  private let keywords = KeywordTable.shared
  private var position: Int
  private var atLineStart = true
  private var tokens: [Token] = []
  private var comments: [SourceRange] = []
  private var diagnostics: [Diagnostic] = []
  /// Diagnostics past the cap, counted.
  private var droppedDiagnostics = 0

  /// Lexes a whole file.
  public static func lex(_ source: SourceFile) -> LexedFile {
    source.bytes.withUnsafeBufferPointer { bytes in
      var lexer = Lexer(bytes: bytes, position: SourceFile.byteOrderMarkLength(source.bytes))
      lexer.run()
      if let summary = droppedSummary(lexer.droppedDiagnostics, after: lexer.diagnostics) { lexer.diagnostics.append(summary) }
      return LexedFile(tokens: lexer.tokens, comments: lexer.comments, diagnostics: lexer.diagnostics)
    }
  }

  private init(bytes: UnsafeBufferPointer<UInt8>, position: Int) {
    self.bytes = bytes
    self.position = position
    // About one token per five bytes in real runbooks: sized once rather than grown.
    tokens.reserveCapacity(bytes.count / 5 + 16)
  }

  private func peek(_ ahead: Int = 0) -> UInt8 {
    let index = position + ahead
    return index < bytes.count ? bytes[index] : 0
  }

  private var atEnd: Bool { position >= bytes.count }

  private mutating func emit(_ kind: TokenKind, from start: Int, keyword: Keyword? = nil, plainText: Bool = false) {
    var token = Token(kind: kind, range: SourceRange(start, position), atLineStart: atLineStart, keyword: keyword)
    token.isPlainText = plainText
    tokens.append(token)
    atLineStart = false
  }

  private mutating func report(
    _ code: DiagnosticCode, _ message: String, _ range: SourceRange, help: String? = nil,
    notes: [DiagnosticNote] = [], fix: Fix? = nil
  ) {
    appendCapped(Diagnostic(code, message, at: range, notes: notes, help: help, fix: fix), to: &diagnostics, dropped: &droppedDiagnostics)
  }

  /// Whether another problem would be kept rather than only counted (past the cap).
  private var keepsDiagnostics: Bool { diagnostics.count < RunbookInfo.maximumKeptDiagnostics }

  // MARK: - Main loop

  private mutating func run() {
    while !atEnd {
      let byte = peek()
      let start = position
      switch byte {
      case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
        // Indentation is most of the blank space in a runbook: a run is skipped at once.
        position += 1
        while position < bytes.count && (bytes[position] == UInt8(ascii: " ") || bytes[position] == UInt8(ascii: "\t")) { position += 1 }
      case UInt8(ascii: "\n"):
        position += 1
        atLineStart = true
      case UInt8(ascii: "#"):
        lexComment()
      case UInt8(ascii: "\""):
        if peek(1) == UInt8(ascii: "\"") && peek(2) == UInt8(ascii: "\"") {
          lexTextBlock()
        } else {
          lexString()
        }
      case UInt8(ascii: "'"):
        lexSingleQuotedString()
      case UInt8(ascii: "0")...UInt8(ascii: "9"):
        if atLineStart, let marker = listMarker(at: start) {
          skipListMarker(marker)
        } else {
          lexNumber(from: start)
        }
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "_"):
        lexWord()
      case UInt8(ascii: "-"):
        if peek(1) == UInt8(ascii: ">") {
          position += 2
          emit(.arrow, from: start)
        } else if isDigit(peek(1)) {
          position += 1
          lexNumber(from: start)
        } else if atLineStart, let marker = listMarker(at: start) {
          skipListMarker(marker)
        } else if let next = spacedDashInRange(at: start, length: 1) {
          rangeDash(from: start, length: 1, name: "a hyphen", text: "-", next: next)
        } else {
          invalidASCII(byte)
        }
      case UInt8(ascii: "."):
        if peek(1) == UInt8(ascii: ".") {
          position += 2
          emit(.dotDot, from: start)
        } else {
          invalidASCII(byte)
        }
      // (One `where` for each pattern: a `where` binds only the pattern it follows.)
      case UInt8(ascii: "&") where joinsTwoNames(at: start), UInt8(ascii: "/") where joinsTwoNames(at: start):
        nameJoiner(byte)
      case UInt8(ascii: ":") where tokens.last?.range.end == start && (tokens.last?.keyword == .go || tokens.last?.keyword == .noGo):
        // `go: next`, `no_go: rollback restore`: the colon stands for the arrow.
        position += 1
        report(
          .invalidCharacter, "a gate's outcome is written with `->`, not `:`", SourceRange(start, position),
          help: "`go -> next_step`, `no_go -> rollback restore within 1h`",
          fix: Fix("write ` ->`", replacing: SourceRange(start, position), with: " ->"))
        emit(.arrow, from: start)
      case UInt8(ascii: ":") where colonAfterKeyword(at: start):
        position += 1
        let keyword = tokens.last.map { String(decoding: bytes[$0.range.start..<$0.range.end], as: UTF8.self) } ?? ""
        report(
          .invalidCharacter, "`\(keyword):` is written `\(keyword)`, without the colon", SourceRange(start, position),
          help: "an attribute takes its value after a space: `owner ops`, `duration 2h`, `after backup`",
          fix: Fix("delete the `:`", replacing: SourceRange(start, position), with: ""))
      case UInt8(ascii: "*"), UInt8(ascii: "["):
        if atLineStart, let marker = listMarker(at: start) {
          skipListMarker(marker)
        } else {
          invalidASCII(byte)
        }
      case UInt8(ascii: "~") where isDigit(peek(1)):
        approximately()
      case UInt8(ascii: ","): single(.comma)
      case UInt8(ascii: "{"): single(.leftBrace)
      case UInt8(ascii: "}"): single(.rightBrace)
      case UInt8(ascii: "?"): single(.question)
      case UInt8(ascii: "<"): operatorToken(.less, orEqual: .lessEqual)
      case UInt8(ascii: ">"): operatorToken(.greater, orEqual: .greaterEqual)
      case UInt8(ascii: "="):
        if peek(1) == UInt8(ascii: "=") {
          position += 2
          emit(.equalEqual, from: start)
        } else if peek(1) == UInt8(ascii: ">") {
          arrowAsWritten(from: start, length: 2, name: "`=>`")
        } else {
          position += 1
          report(
            .invalidCharacter, "unexpected character `=`", SourceRange(start, position),
            help: "attributes take their value without `=` (write `owner customer`); compare with `==`")
        }
      case UInt8(ascii: "!"):
        if peek(1) == UInt8(ascii: "=") {
          position += 2
          emit(.notEqual, from: start)
        } else {
          invalidASCII(byte)
        }
      case 0:
        // A run of NUL bytes is one problem (a file saved as UTF-16 or binary has thousands).
        while !atEnd && peek() == 0 { position += 1 }
        report(
          .nulByte, position - start == 1 ? "NUL byte in source" : "\(position - start) NUL bytes in source",
          SourceRange(start, position),
          help: "remove the NUL byte; the file may have been saved in a binary or UTF-16 format")
      case 0x80...0xFF:
        invalidNonASCII()
      default:
        invalidASCII(byte)
      }
    }
    tokens.append(
      Token(kind: .endOfFile, range: SourceRange.at(bytes.count), atLineStart: true))
  }

  private mutating func single(_ kind: TokenKind) {
    let start = position
    position += 1
    emit(kind, from: start)
  }

  private mutating func operatorToken(_ kind: TokenKind, orEqual: TokenKind) {
    let start = position
    if peek(1) == UInt8(ascii: "=") {
      position += 2
      emit(orEqual, from: start)
    } else {
      position += 1
      emit(kind, from: start)
    }
  }

  // MARK: - Words, numbers, times

  private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

  /// Letters, digits and `_`: one bit for each byte below 128, in two words (bytes 0–63, whose
  /// digits are bits 48–57, and bytes 64–127, whose letters are bits 1–26 and 33–58 and `_` bit
  /// 31). Every byte of every word goes through this test.
  private func isWordByte(_ byte: UInt8) -> Bool {
    let bits: UInt64 = byte < 64 ? 0x03FF_0000_0000_0000 : 0x07FF_FFFE_87FF_FFFE
    return byte < 128 && (bits >> UInt64(byte & 63)) & 1 != 0
  }

  private mutating func lexWord() {
    let start = position
    position += 1
    while position < bytes.count && isWordByte(bytes[position]) { position += 1 }
    // `T-48h`: an anchor name glued to a signed duration is one time token.
    let sign = peek()
    if (sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-")) && isDigit(peek(1)) {
      position += 1
      scanNumberBody()
      emit(.time, from: start)
      return
    }
    // `T–4h`: a dash pasted from Word for the minus sign.
    if peek() == 0xE2, let dash = pastedDash(at: position), isDigit(peek(dash.length)) {
      let dashRange = SourceRange(position, position + dash.length)
      report(
        .invalidCharacter, "\(dash.name) `\(dash.text)` used as a minus sign, as Word types it", dashRange,
        help: "write a plain hyphen-minus `-`: `\(String(decoding: bytes[start..<position], as: UTF8.self))-…`",
        fix: Fix("replace `\(dash.text)` with `-`", replacing: dashRange, with: "-"))
      position += dash.length
      scanNumberBody()
      emit(.time, from: start)
      return
    }
    // `no-go`, `decided-by`: a keyword written with hyphens is read as the keyword it means.
    if peek() == UInt8(ascii: "-") && isWordByte(peek(1)) && !isDigit(peek(1)) {
      var end = position
      var joined = Array(bytes[start..<position])
      while end < bytes.count && bytes[end] == UInt8(ascii: "-") && end + 1 < bytes.count && isWordByte(bytes[end + 1]) && !isDigit(bytes[end + 1]) {
        var next = end + 1
        while next < bytes.count && isWordByte(bytes[next]) { next += 1 }
        let candidate = joined + [UInt8(ascii: "_")] + Array(bytes[(end + 1)..<next])
        guard Keyword.lookup(candidate, 0, candidate.count) != nil || end == position else { break }
        joined = candidate
        end = next
      }
      if end > position, let keyword = Keyword.lookup(joined, 0, joined.count) {
        let written = String(decoding: bytes[start..<end], as: UTF8.self)
        let meant = String(decoding: joined, as: UTF8.self)
        position = end
        emit(.word, from: start, keyword: keyword)
        report(
          .unknownKeyword, "`\(written)` is written `\(meant)`", SourceRange(start, end),
          help: "keywords join their words with `_`, not `-`",
          fix: Fix("write `\(meant)`", replacing: SourceRange(start, end), with: meant))
        return
      }
    }
    emit(.word, from: start, keyword: keywords.lookup(bytes, start, position))
    if position - start > RunbookInfo.maximumNameBytes {
      report(
        .nameTooLong, "this name is \(position - start) characters long; the limit is \(RunbookInfo.maximumNameBytes)",
        SourceRange(start, position), help: "use a short id; put the description in the title")
    }
  }

  /// Scans digits, an optional fraction, and any glued unit letters and further digits
  /// (`1h30m`). A `.` is taken only when a digit follows, so `3h..5h` stops before `..`.
  /// Returns true when the body contained letters.
  @discardableResult
  private mutating func scanNumberBody() -> Bool {
    var hasLetters = false
    while !atEnd {
      let byte = peek()
      if isDigit(byte) {
        position += 1
      } else if byte == UInt8(ascii: ".") && isDigit(peek(1)) {
        position += 1
      } else if isWordByte(byte) {
        hasLetters = true
        position += 1
      } else {
        break
      }
    }
    return hasLetters
  }

  private mutating func lexNumber(from start: Int) {
    let hasLetters = scanNumberBody()
    // `22:00`: a clock time, as a document gives one, where a time from the anchor belongs. One
    // token, so that the parser reads it as a time and the graph builder reports it with the
    // time from the anchor it stands for.
    if !hasLetters, position - start <= 2, isDigit(bytes[start]), peek() == UInt8(ascii: ":"), isDigit(peek(1)), isDigit(peek(2)), !isWordByte(peek(3)) {
      position += 3
      emit(.time, from: start)
      return
    }
    if !hasLetters && peek() == UInt8(ascii: "%") {
      position += 1
      emit(.percent, from: start)
    } else {
      emit(hasLetters ? .quantity : .number, from: start)
    }
  }

  // MARK: - Comments and literals

  private mutating func lexComment() {
    let start = position
    while !atEnd && peek() != UInt8(ascii: "\n") {
      if !skipTextByte() { position += 1 }
    }
    var end = position
    if end > start && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
    comments.append(SourceRange(start, end))
  }

  /// Inside a comment or literal: reports a NUL byte or invalid UTF-8 at `position` and skips it.
  /// Returns false (and does not move) for an ordinary byte.
  private mutating func skipTextByte() -> Bool {
    let byte = peek()
    if byte == 0 {
      report(
        .nulByte, "NUL byte in source", SourceRange(position, position + 1),
        help: "remove the NUL byte; the file may have been saved in a binary or UTF-16 format")
      position += 1
      return true
    }
    if byte < 0x80 { return false }
    let length = validUTF8Length(bytes, position)
    if length == 0 {
      report(
        .invalidUTF8, "invalid UTF-8 byte 0x\(hex(byte))", SourceRange(position, position + 1),
        help: "save the file as UTF-8")
      position += 1
    } else {
      position += length
    }
    return true
  }

  private mutating func lexString() {
    let start = position
    position += 1
    // The common string — ASCII text, no escapes — is read in one tight loop and marked plain.
    var plainEnd = position
    while plainEnd + 8 <= bytes.count {
      let word = UnsafeRawPointer(bytes.baseAddress! + plainEnd).loadUnaligned(as: UInt64.self)
      if !Lexer.allPlainText(word) { break }
      plainEnd += 8
    }
    while plainEnd < bytes.count {
      let byte = bytes[plainEnd]
      guard byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\\") && byte != UInt8(ascii: "\"") else { break }
      plainEnd += 1
    }
    if plainEnd < bytes.count && bytes[plainEnd] == UInt8(ascii: "\"") {
      position = plainEnd + 1
      emit(.string, from: start, plainText: true)
      reportIfTooLong(from: start, limit: RunbookInfo.maximumStringBytes, what: "string")
      return
    }
    while !atEnd {
      let byte = peek()
      if byte == UInt8(ascii: "\"") {
        position += 1
        emit(.string, from: start)
        reportIfTooLong(from: start, limit: RunbookInfo.maximumStringBytes, what: "string")
        return
      }
      if byte == UInt8(ascii: "\n") || (byte == UInt8(ascii: "\r") && peek(1) == UInt8(ascii: "\n")) {
        break
      }
      if byte == UInt8(ascii: "\\") && peek(1) != UInt8(ascii: "\n") && peek(1) != 0 {
        position += 1
      }
      if !skipTextByte() { position += 1 }
    }
    report(
      .unterminatedString, "unterminated string", SourceRange(start, position),
      help: "add the closing `\"` on the same line; for text over several lines use a `\"\"\"` block")
    emit(.string, from: start)
  }

  /// Whether all eight bytes of `word` are plain text: printable ASCII, neither `"` nor `\`.
  /// (A byte is zero after an exclusive or with its value; the test for a zero byte, or one
  /// below 0x20, is exact once no byte has its high bit set.)
  private static func allPlainText(_ word: UInt64) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    func hasZeroByte(_ value: UInt64) -> Bool { (value &- ones) & ~value & highs != 0 }
    if word & highs != 0 { return false }
    if (word &- ones &* 0x20) & ~word & highs != 0 { return false }
    return !hasZeroByte(word ^ (ones &* 0x7F)) && !hasZeroByte(word ^ (ones &* 0x22)) && !hasZeroByte(word ^ (ones &* 0x5C))
  }

  /// `'like this'`: reported, then read as a string so that one mistake gives one error.
  private mutating func lexSingleQuotedString() {
    let start = position
    var end = position + 1
    while end < bytes.count && bytes[end] != UInt8(ascii: "'") && bytes[end] != UInt8(ascii: "\n") {
      end += 1
    }
    guard end < bytes.count && bytes[end] == UInt8(ascii: "'") else {
      invalidASCII(UInt8(ascii: "'"))
      return
    }
    position = start + 1
    while position < end {
      if !skipTextByte() { position += 1 }
    }
    position = end + 1
    report(
      .invalidCharacter, "strings use double quotes, not single quotes", SourceRange(start, position),
      help: "write \"\(String(decoding: bytes[(start + 1)..<end], as: UTF8.self))\"")
    emit(.string, from: start)
  }

  private mutating func lexTextBlock() {
    let start = position
    position += 3
    while !atEnd {
      let byte = peek()
      if byte == UInt8(ascii: "\"") && peek(1) == UInt8(ascii: "\"") && peek(2) == UInt8(ascii: "\"") {
        position += 3
        emit(.textBlock, from: start)
        reportIfTooLong(from: start, limit: RunbookInfo.maximumTextBlockBytes, what: "text block")
        return
      }
      if byte == UInt8(ascii: "\\") && peek(1) == UInt8(ascii: "\"") {
        position += 2
        continue
      }
      if !skipTextByte() { position += 1 }
    }
    report(
      .unterminatedTextBlock, "unterminated text block", SourceRange(start, start + 3),
      help: "close the text block with `\"\"\"` on a line of its own")
    emit(.textBlock, from: start)
  }

  private mutating func reportIfTooLong(from start: Int, limit: Int, what: String) {
    guard position - start > limit else { return }
    report(
      .textTooLong, "this \(what) is \(position - start) bytes long; the limit is \(limit)",
      SourceRange(start, min(position, start + 3)),
      help: "shorten it; long text belongs in the document the runbook points to")
  }

  // MARK: - Bad bytes

  /// A byte that has no place outside quotes; a run of the same byte is one problem.
  private mutating func invalidASCII(_ byte: UInt8) {
    let start = position
    position += 1
    while position < bytes.count && bytes[position] == byte { position += 1 }
    let count = position - start
    // Past the cap a problem is only counted: its message is not made.
    guard keepsDiagnostics else {
      droppedDiagnostics += 1
      return
    }
    report(.invalidCharacter, Lexer.unexpected(byte, count: count), SourceRange(start, position), help: Lexer.invalidHelp(byte, count: count))
  }

  /// "unexpected character `(`", "unexpected characters `//`", "5000 unexpected characters `(`".
  private static func unexpected(_ byte: UInt8, count: Int) -> String {
    guard byte >= 0x20 && byte < 0x7F else {
      return count == 1 ? "unexpected character U+\(hex(byte, width: 4))" : "\(count) unexpected characters U+\(hex(byte, width: 4))"
    }
    let character = String(Character(Unicode.Scalar(byte)))
    if count == 1 { return "unexpected character `\(character)`" }
    if count <= 8 { return "unexpected characters `\(String(repeating: character, count: count))`" }
    return "\(count) unexpected characters `\(character)` in a row"
  }

  private static func invalidHelp(_ byte: UInt8, count: Int) -> String {
    if byte == UInt8(ascii: "'") { return "strings use double quotes: \"like this\"" }
    if byte == UInt8(ascii: "/") { return "comments start with `#`" }
    return count == 1 ? "remove it, or put the text in quotes" : "remove them, or put the text in quotes"
  }

  private mutating func invalidNonASCII() {
    let start = position
    if atLineStart, let marker = listMarker(at: start) {
      skipListMarker(marker)
      return
    }
    let length = validUTF8Length(bytes, position)
    if length == 0 {
      // A run of bytes that are not UTF-8 is one problem.
      position += 1
      while !atEnd && peek() >= 0x80 && validUTF8Length(bytes, position) == 0 { position += 1 }
      report(
        .invalidUTF8,
        position - start == 1 ? "invalid UTF-8 byte 0x\(hex(bytes[start]))" : "\(position - start) bytes that are not UTF-8, starting with 0x\(hex(bytes[start]))",
        SourceRange(start, position), help: "save the file as UTF-8")
      return
    }
    if let dash = pastedDash(at: start) ?? pastedEllipsis(at: start), dashInRange(before: start, after: start + dash.length) {
      // `3h–5h`, `1h…2h`: a range pasted from Word; read as `..`, so that the rest of the line
      // is not lost to follow-on errors.
      position += dash.length
      report(
        .invalidCharacter, "\(dash.name) `\(dash.text)` in a range, as pasted from Word", SourceRange(start, position),
        help: "ranges are written with two dots: `3h..5h`",
        fix: Fix("replace `\(dash.text)` with `..`", replacing: SourceRange(start, position), with: ".."))
      emit(.dotDot, from: start)
      return
    }
    if let dash = pastedDash(at: start), let next = spacedDashInRange(at: start, length: dash.length) {
      rangeDash(from: start, length: dash.length, name: dash.name, text: dash.text, next: next)
      return
    }
    if start + 2 < bytes.count, bytes[start] == 0xE2, (bytes[start + 1] == 0x86 || bytes[start + 1] == 0x87), bytes[start + 2] == 0x92 {
      // `→`, `⇒`: the arrows Word's AutoCorrect makes of `->` and `=>`.
      arrowAsWritten(from: start, length: 3, name: bytes[start + 1] == 0x86 ? "an arrow `→`" : "a double arrow `⇒`")
      return
    }
    if let opening = curlyQuote(at: start), opening.opens {
      lexCurlyQuotedString(from: start, quoteLength: opening.length)
      return
    }
    position += length
    let scalar = String(decoding: bytes[start..<position], as: UTF8.self).unicodeScalars.first
    let value = scalar?.value ?? 0
    let code = "U+" + hex(Int(value), width: 4)
    let range = SourceRange(start, position)
    if let name = pastedSpaceName(value) {
      // Read as a space: the text around it stays as it was written.
      report(
        .invalidCharacter, "\(name) (\(code)), as pasted from Word or Outlook; it looks like a space but is not one", range,
        help: value == 0x200B || value == 0x2060 ? "delete it" : "replace it with a plain space",
        fix: Fix(value == 0x200B || value == 0x2060 ? "delete it" : "replace it with a plain space", replacing: range, with: value == 0x200B || value == 0x2060 ? "" : " "))
      return
    }
    if (0xFF01...0xFF5E).contains(value), let ascii = Unicode.Scalar(value - 0xFEE0) {
      report(
        .invalidCharacter, "full-width `\(Character(scalar!))` (\(code)), as typed with an East Asian input method", range,
        help: "write the plain `\(Character(ascii))`",
        fix: Fix("replace it with `\(Character(ascii))`", replacing: range, with: String(Character(ascii))))
      return
    }
    var help = "names use letters A-Z, digits and `_`; put other text in quotes"
    var fix: Fix?
    if [0x201C, 0x201D, 0x201E, 0x2018, 0x2019].contains(value) {
      help = "this is a typographic quote; use a straight `\"` instead"
      fix = Fix("replace it with `\"`", replacing: range, with: "\"")
    } else if value == 0x00D7 {
      help = "the language has no arithmetic: write the total, such as `1h30m`, or put the text in quotes"
    } else if let dash = pastedDash(at: start) {
      help = "write `..` for a range (`3h..5h`) or `-` for a minus sign (`T-4h`); \(dash.name) may stand only inside quotes"
    }
    report(.invalidCharacter, "unexpected character \(code)", range, help: help, fix: fix)
  }

  // MARK: - Text pasted from word processors

  /// An en dash, em dash or minus sign at `index`, as Word puts them in for `-`.
  private func pastedDash(at index: Int) -> (length: Int, name: String, text: String)? {
    guard index + 2 < bytes.count, bytes[index] == 0xE2 else { return nil }
    switch (bytes[index + 1], bytes[index + 2]) {
    case (0x80, 0x93): return (3, "an en dash", "–")
    case (0x80, 0x94): return (3, "an em dash", "—")
    case (0x88, 0x92): return (3, "a minus sign", "−")
    default: return nil
    }
  }

  /// The ellipsis `…`, which word processors make of `...`.
  private func pastedEllipsis(at index: Int) -> (length: Int, name: String, text: String)? {
    guard index + 2 < bytes.count, bytes[index] == 0xE2, bytes[index + 1] == 0x80, bytes[index + 2] == 0xA6 else { return nil }
    return (3, "an ellipsis", "…")
  }

  /// Whether a dash stands between the two ends of a range: a duration, number or time (or the
  /// anchor's name) right before it, and a digit or the anchor's name right after.
  private func dashInRange(before start: Int, after end: Int) -> Bool {
    guard let previous = tokens.last, previous.range.end == start else { return false }
    guard [.quantity, .number, .time, .word].contains(previous.kind) else { return false }
    guard end < bytes.count else { return false }
    let next = bytes[end]
    return isDigit(next) || (previous.kind != .word && isWordByte(next)) || (previous.kind == .word && isWordByte(next) && previous.range.end - previous.range.start <= 2)
  }

  /// `owner ops & dba`, `owner ops/dba`: whether the byte at `start` stands between two names
  /// on one line, as a list of roles in a document joins them.
  private func joinsTwoNames(at start: Int) -> Bool {
    guard let previous = tokens.last, previous.kind == .word, blanksOnly(bytes, from: previous.range.end, to: start) else { return false }
    let next = skippingBlanks(from: start + 1)
    return next < bytes.count && isWordByte(bytes[next]) && !isDigit(bytes[next])
  }

  /// The offset of the first byte at or after `index` that is not a space or tab.
  private func skippingBlanks(from index: Int) -> Int {
    var next = index
    while next < bytes.count && (bytes[next] == UInt8(ascii: " ") || bytes[next] == UInt8(ascii: "\t")) { next += 1 }
    return next
  }

  /// `&` or `/` between two names: read as `and`, so that the line reads on, and reported: `&`
  /// with the fix that writes `and`, `/` with the choice it leaves open (all or any one).
  private mutating func nameJoiner(_ byte: UInt8) {
    let start = position
    position += 1
    let range = SourceRange(start, position)
    let glued = tokens.last?.range.end == start
    let after = position < bytes.count && bytes[position] != UInt8(ascii: " ") && bytes[position] != UInt8(ascii: "\t")
    if byte == UInt8(ascii: "&") {
      let written = (glued ? " " : "") + "and" + (after ? " " : "")
      report(
        .invalidCharacter, "`&` between two names is written `and`", range,
        help: "`owner ops and dba` when every role initials, `owner ops or dba` when any one may",
        fix: Fix("write `and`", replacing: range, with: written))
    } else {
      report(
        .invalidCharacter, "`/` between two names: write `and` or `or`", range,
        help: "`owner ops and dba` when every role initials, `owner ops or dba` when any one may; read as `and` until it is written")
    }
    emit(.word, from: start, keyword: .and)
  }

  /// `~2h`: an estimate marked as a document marks it. Reported with the way to write it (`2h?`),
  /// and with the fix that writes it when the duration stands alone; the duration is then read.
  private mutating func approximately() {
    let start = position
    position += 1
    var end = position
    while end < bytes.count && isWordByte(bytes[end]) { end += 1 }
    let alone = end == bytes.count || [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r")].contains(bytes[end])
    let duration = String(decoding: bytes[position..<end], as: UTF8.self)
    report(
      .invalidCharacter, "`~\(duration)` is an estimate; it is written `\(duration)?`", SourceRange(start, position),
      help: "a duration that is only an estimate takes `?` after it: `2h?`, `2h..3h?`",
      fix: alone ? Fix("write `\(duration)?`", [TextEdit(range: SourceRange(start, position), replacement: ""), TextEdit(range: SourceRange.at(end), replacement: "?")]) : nil)
  }

  /// `- step …`, `* step …`, `• step …`, `1. step …`, `2) step …`, `[ ] step …`: the marker a
  /// list in a document puts before each line, at `index`, the first thing on its line, with a
  /// space and a letter after it. Its length and the spaces after it, or nil. (Asked only where
  /// a line starts with one of the marker's bytes, so that other lines pay nothing for it.)
  private func listMarker(at index: Int) -> (length: Int, spaces: Int)? {
    var end = index
    if end < bytes.count, bytes[end] == UInt8(ascii: "-") || bytes[end] == UInt8(ascii: "*") {
      end += 1
    } else if end + 2 < bytes.count, bytes[end] == 0xE2, bytes[end + 1] == 0x80, bytes[end + 2] == 0xA2 {
      end += 3  // •
    } else if end + 2 < bytes.count, bytes[end] == UInt8(ascii: "["), bytes[end + 1] == UInt8(ascii: " ") || bytes[end + 1] == UInt8(ascii: "x"), bytes[end + 2] == UInt8(ascii: "]") {
      end += 3
    } else {
      while end < bytes.count && end - index < 3 && isDigit(bytes[end]) { end += 1 }
      guard end > index, end < bytes.count, bytes[end] == UInt8(ascii: ".") || bytes[end] == UInt8(ascii: ")") else { return nil }
      end += 1
    }
    let next = skippingBlanks(from: end)
    guard next > end, next < bytes.count, (bytes[next] | 0x20) >= UInt8(ascii: "a"), (bytes[next] | 0x20) <= UInt8(ascii: "z") else { return nil }
    return (end - index, next - end)
  }

  /// A list marker is reported with the fix that deletes it, and skipped: the statement after it
  /// is read as it stands.
  private mutating func skipListMarker(_ marker: (length: Int, spaces: Int)) {
    let start = position
    position += marker.length
    let shown = String(decoding: bytes[start..<position], as: UTF8.self)
    report(
      .invalidCharacter, "`\(shown)` before a statement, as a list in a document has it", SourceRange(start, position),
      help: "statements stand on their own lines without bullets or numbers: the checklist numbers the steps itself",
      fix: Fix("delete `\(shown)`", replacing: SourceRange(start, position + marker.spaces), with: ""))
  }

  /// `=>`, `→`, `⇒` for `->`: read as the arrow, and reported with the fix that writes it.
  private mutating func arrowAsWritten(from start: Int, length: Int, name: String) {
    position = start + length
    let range = SourceRange(start, position)
    report(
      .invalidCharacter, "\(name) is written `->`", range,
      help: "a gate's outcome is written with a hyphen and `>`: `go -> next_step`" + (length == 3 ? "; Word's AutoCorrect turns `->` into `→`" : ""),
      fix: Fix("write `->`", replacing: range, with: "->"))
    emit(.arrow, from: start)
  }

  /// `owner: ops`, `duration: 2h`: a colon right after an attribute's keyword, as YAML writes it.
  private func colonAfterKeyword(at start: Int) -> Bool {
    guard let previous = tokens.last, previous.kind == .word, previous.range.end == start, let keyword = previous.keyword else { return false }
    switch keyword {
    case .and, .or, .tbd, .stop, .at: return false
    default: return true
    }
  }

  /// `2h - 3h`, `2h – 3h`, `T-4h - T+2h`: whether the dash at `start` stands between the two
  /// ends of a range with spaces around it: a duration, number or time before it on its line,
  /// then the dash, then (after spaces) a digit, or for a time the anchor's name. Where the next
  /// end starts, if so.
  private func spacedDashInRange(at start: Int, length: Int) -> Int? {
    guard let previous = tokens.last, [.quantity, .number, .time].contains(previous.kind), blanksOnly(bytes, from: previous.range.end, to: start)
    else { return nil }
    let next = skippingBlanks(from: start + length)
    guard next < bytes.count, isDigit(bytes[next]) || (previous.kind == .time && isWordByte(bytes[next])) else { return nil }
    return next
  }

  /// A dash between the ends of a range, spaces around it, as a document writes it: read as
  /// `..`, so that the range is read and nothing else on the line is lost, and reported with the
  /// fix that closes the range up.
  private mutating func rangeDash(from start: Int, length: Int, name: String, text: String, next: Int) {
    position = start + length
    let written = SourceRange(tokens.last?.range.end ?? start, next)
    report(
      .invalidCharacter, "\(name) `\(text)` between the ends of a range", SourceRange(start, position),
      help: "a range is written with two dots and no spaces, shortest first: `3h..5h`, `T-4h..T+2h`",
      fix: Fix("write `..`", replacing: written, with: ".."))
    emit(.dotDot, from: start)
  }

  /// The name of a character that looks like a space but is not one, or nil.
  private func pastedSpaceName(_ value: UInt32) -> String? {
    switch value {
    case 0x00A0: "a non-breaking space"
    case 0x202F: "a narrow non-breaking space"
    case 0x2007: "a figure space"
    case 0x2000...0x200A: "a typographic space"
    case 0x3000: "an ideographic space"
    case 0x205F: "a mathematical space"
    case 0x200B: "a zero-width space"
    case 0x2060: "a word joiner"
    default: nil
    }
  }

  /// A typographic quote at `index`: its length and whether it opens a quotation.
  private func curlyQuote(at index: Int) -> (length: Int, opens: Bool)? {
    guard index + 2 < bytes.count, bytes[index] == 0xE2, bytes[index + 1] == 0x80 else { return nil }
    switch bytes[index + 2] {
    case 0x9C, 0x9E: return (3, true)  // “ „
    case 0x9D: return (3, false)  // ”
    default: return nil
    }
  }

  /// `“Title”`: a string in typographic quotes, as Word writes it. Reported with a fix that
  /// straightens both quotes, and read as a string, so that one mistake gives one error.
  private mutating func lexCurlyQuotedString(from start: Int, quoteLength: Int) {
    var end = start + quoteLength
    while end < bytes.count && bytes[end] != UInt8(ascii: "\n") {
      if let close = curlyQuote(at: end), !close.opens { break }
      if bytes[end] == UInt8(ascii: "\"") { break }
      end += 1
    }
    guard end < bytes.count && bytes[end] != UInt8(ascii: "\n") else {
      // No closing quote on the line: the rest of the line is taken as the text, so that the
      // one mistake gives one error.
      position = start + quoteLength
      while position < end {
        if !skipTextByte() { position += 1 }
      }
      report(
        .invalidCharacter, "a typographic quote `“` opens text that is never closed", SourceRange(start, start + quoteLength),
        help: "use straight double quotes around the text, closed on the same line: \"like this\"")
      emit(.string, from: start)
      return
    }
    let closeLength = bytes[end] == UInt8(ascii: "\"") ? 1 : 3
    position = start + quoteLength
    while position < end {
      if !skipTextByte() { position += 1 }
    }
    position = end + closeLength
    var edits = [TextEdit(range: SourceRange(start, start + quoteLength), replacement: "\"")]
    if closeLength == 3 { edits.append(TextEdit(range: SourceRange(end, end + 3), replacement: "\"")) }
    report(
      .invalidCharacter, "text in typographic quotes “…”, as Word writes it", SourceRange(start, position),
      help: "use straight double quotes: \"like this\"", fix: Fix("straighten the quotes", edits))
    emit(.string, from: start)
  }
}

/// The length (1-4) of the valid UTF-8 sequence starting at `index`, or 0 if it is invalid
/// (overlong forms, surrogates and values beyond U+10FFFF are invalid).
public func validUTF8Length(_ bytes: [UInt8], _ index: Int) -> Int {
  bytes.withUnsafeBufferPointer { validUTF8Length($0, index) }
}

/// The length (1-4) of the valid UTF-8 sequence starting at `index` of a buffer, or 0 if it is
/// invalid.
func validUTF8Length(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int {
  let first = bytes[index]
  if first < 0x80 { return 1 }
  let length: Int
  var lowest: UInt8 = 0x80
  var highest: UInt8 = 0xBF
  switch first {
  case 0xC2...0xDF: length = 2
  case 0xE0: length = 3; lowest = 0xA0
  case 0xE1...0xEC, 0xEE...0xEF: length = 3
  case 0xED: length = 3; highest = 0x9F
  case 0xF0: length = 4; lowest = 0x90
  case 0xF1...0xF3: length = 4
  case 0xF4: length = 4; highest = 0x8F
  default: return 0
  }
  guard index + length <= bytes.count else { return 0 }
  let second = bytes[index + 1]
  guard second >= lowest && second <= highest else { return 0 }
  for offset in 2..<length where bytes[index + offset] & 0xC0 != 0x80 { return 0 }
  return length
}

/// Upper-case hexadecimal, zero-padded to `width` digits.
func hex<T: BinaryInteger>(_ value: T, width: Int = 2) -> String {
  let digits = String(value, radix: 16, uppercase: true)
  return String(repeating: "0", count: max(0, width - digits.count)) + digits
}

/// Whether `bytes` from `start` to `end` are spaces and tabs only (or none): false when `end`
/// comes before `start`. Asked of the source by the lexer and by the parser.
func blanksOnly<Bytes: RandomAccessCollection>(_ bytes: Bytes, from start: Int, to end: Int) -> Bool
where Bytes.Element == UInt8, Bytes.Index == Int {
  guard start <= end else { return false }
  for index in start..<end where bytes[index] != UInt8(ascii: " ") && bytes[index] != UInt8(ascii: "\t") { return false }
  return true
}
