// Table-driven tests of the lexer: input text, the token kinds it must produce, and the codes of
// the lexical diagnostics it must report.
import XCTest
@testable import RunbookKit

final class LexerTests: XCTestCase {
  private func kinds(_ text: String) -> (kinds: [TokenKind], texts: [String], codes: [String]) {
    let source = SourceFile(path: "t", text: text)
    let lexed = Lexer.lex(source)
    let tokens = lexed.tokens.dropLast()
    return (
      tokens.map(\.kind), tokens.map { source.text($0.range) },
      lexed.diagnostics.map(\.code.rawValue)
    )
  }

  func testTokenTable() {
    let table: [(String, [TokenKind], [String])] = [
      ("step", [.word], ["step"]),
      ("decided_by x_1", [.word, .word], ["decided_by", "x_1"]),
      ("\"a \\\" b\"", [.string], ["\"a \\\" b\""]),
      ("45m 2h 3d 1w 3mo", [.quantity, .quantity, .quantity, .quantity, .quantity], ["45m", "2h", "3d", "1w", "3mo"]),
      ("1h30m", [.quantity], ["1h30m"]),
      ("3h..5h", [.quantity, .dotDot, .quantity], ["3h", "..", "5h"]),
      ("45m..1h15m?", [.quantity, .dotDot, .quantity, .question], ["45m", "..", "1h15m", "?"]),
      ("T-48h", [.time], ["T-48h"]),
      ("T+2h30m", [.time], ["T+2h30m"]),
      ("T-4h..T+12h", [.time, .dotDot, .time], ["T-4h", "..", "T+12h"]),
      ("T..T+1h", [.word, .dotDot, .time], ["T", "..", "T+1h"]),
      ("99.9%", [.percent], ["99.9%"]),
      ("4.0", [.number], ["4.0"]),
      ("-2h", [.quantity], ["-2h"]),
      (">= <= < > == !=", [.greaterEqual, .lessEqual, .less, .greater, .equalEqual, .notEqual], [">=", "<=", "<", ">", "==", "!="]),
      ("go -> x", [.word, .arrow, .word], ["go", "->", "x"]),
      ("a, b", [.word, .comma, .word], ["a", ",", "b"]),
      ("{ }", [.leftBrace, .rightBrace], ["{", "}"]),
      ("x # comment \"not a string\"", [.word], ["x"]),
      ("\"\"\"\n  text\n  \"\"\"", [.textBlock], ["\"\"\"\n  text\n  \"\"\""]),
      ("\u{FEFF}step", [.word], ["step"]),
      ("a\r\nb", [.word, .word], ["a", "b"]),
      ("\ta\tb", [.word, .word], ["a", "b"]),
      ("\"caf\u{E9} \u{1F600}\"", [.string], ["\"caf\u{E9} \u{1F600}\""]),
    ]
    for (input, expectedKinds, expectedTexts) in table {
      let result = kinds(input)
      XCTAssertEqual(result.kinds, expectedKinds, "kinds of \(input.debugDescription)")
      XCTAssertEqual(result.texts, expectedTexts, "texts of \(input.debugDescription)")
      XCTAssertEqual(result.codes, [], "diagnostics of \(input.debugDescription)")
    }
  }

  func testErrorTable() {
    let table: [(String, [String], [TokenKind])] = [
      ("a \u{0} b", ["RB0003"], [.word, .word]),
      ("a \u{201C}b\u{201D}", ["RB0001"], [.word, .string]),
      ("\"open", ["RB0004"], [.string]),
      ("\"\"\"\nnever closed", ["RB0005"], [.textBlock]),
      ("'single'", ["RB0001"], [.string]),
      ("a = b", ["RB0001"], [.word, .word]),
      ("a . b", ["RB0001"], [.word, .word]),
      // A run of the same stray byte is one problem; different ones are one each.
      ("x // y", ["RB0001"], [.word, .word]),
      ("x /@ y", ["RB0001", "RB0001"], [.word, .word]),
      // A dash standing between the ends of a range is read as `..`, and reported.
      ("2h - 3h", ["RB0001"], [.quantity, .dotDot, .quantity]),
      ("T-4h – T+2h", ["RB0001"], [.time, .dotDot, .time]),
      ("a - 3h", ["RB0001"], [.word, .quantity]),
      // Names joined as a document joins them are read as `and`, and reported.
      ("ops & dba", ["RB0001"], [.word, .word, .word]),
      ("ops/dba", ["RB0001"], [.word, .word, .word]),
      ("\"x\" & dba", ["RB0001"], [.string, .word]),
      // A YAML colon after a keyword, and an estimate marked with `~`.
      ("owner: ops", ["RB0001"], [.word, .word]),
      ("x: ops", ["RB0001"], [.word, .word]),
      ("~2h", ["RB0001"], [.quantity]),
      // Arrows as written elsewhere, read as `->`.
      ("go => b", ["RB0001"], [.word, .arrow, .word]),
      ("go \u{2192} b", ["RB0001"], [.word, .arrow, .word]),
      ("go: b", ["RB0001"], [.word, .arrow, .word]),
      // A list marker before a statement is skipped, and reported; not one mid-line.
      ("1. step", ["RB0001"], [.word]),
      ("  - step", ["RB0001"], [.word]),
      ("x\n* step", ["RB0001"], [.word, .word]),
      ("-3h", [], [.quantity]),
      // A clock time is one token, read as a time and reported by the graph builder.
      ("23:30", [], [.time]),
      ("1:30x", ["RB0001"], [.number, .quantity]),
    ]
    for (input, codes, expectedKinds) in table {
      let result = kinds(input)
      XCTAssertEqual(result.codes, codes, "diagnostics of \(input.debugDescription)")
      XCTAssertEqual(result.kinds, expectedKinds, "kinds of \(input.debugDescription)")
    }
  }

  func testInvalidUTF8IsReportedAtItsByte() {
    var bytes = Array("step \"ok".utf8)
    bytes += [0xFF, 0xC0, 0xAF]
    bytes += Array("\" x \u{0}".utf8)
    bytes += [0xED, 0xA0, 0x80]  // an encoded surrogate
    let source = SourceFile(path: "t", bytes: bytes)
    let lexed = Lexer.lex(source)
    let found = lexed.diagnostics.map { "\($0.code.rawValue)@\($0.range.start)" }
    // Outside a string, a run of bad bytes is one problem covering the run.
    XCTAssertEqual(found, ["RB0002@8", "RB0002@9", "RB0002@10", "RB0003@15", "RB0002@16"])
    XCTAssertEqual(lexed.diagnostics.last?.range, SourceRange(16, 19))
    XCTAssertEqual(lexed.diagnostics.last?.message, "3 bytes that are not UTF-8, starting with 0xED")
    let nuls = Lexer.lex(SourceFile(path: "t", bytes: Array("a".utf8) + [UInt8](repeating: 0, count: 100_000) + Array("b".utf8)))
    XCTAssertEqual(nuls.diagnostics.map(\.message), ["100000 NUL bytes in source"])
    XCTAssertEqual(nuls.diagnostics.first?.range, SourceRange(1, 100_001))
  }

  func testLineAndColumnCountScalars() {
    let source = SourceFile(path: "t", text: "ab\n\u{E9}\u{E9}x\r\nlast")
    XCTAssertEqual(source.lineColumn(of: 0), LineColumn(line: 1, column: 1))
    XCTAssertEqual(source.lineColumn(of: 7), LineColumn(line: 2, column: 3))
    XCTAssertEqual(source.lineColumn(of: 10), LineColumn(line: 3, column: 1))
    XCTAssertEqual(source.text(source.lineRange(1)), "\u{E9}\u{E9}x")
    let withBOM = SourceFile(path: "t", bytes: [0xEF, 0xBB, 0xBF] + Array("ab".utf8))
    XCTAssertEqual(withBOM.lineColumn(of: 4), LineColumn(line: 1, column: 2))
  }

  /// Columns count scalars, and a byte that belongs to no valid UTF-8 sequence counts as one:
  /// two stray continuation bytes are two columns, and a range over one byte is one column wide.
  /// A run of one stray character is one problem that covers the run: a file of a million `(`
  /// is one error, not a thousand and a count.
  func testARunOfOneStrayCharacterIsOneProblem() {
    let messages = { (text: String) in Lexer.lex(SourceFile(path: "t", text: text)).diagnostics.map(\.message) }
    XCTAssertEqual(messages("a ( b"), ["unexpected character `(`"])
    XCTAssertEqual(messages("a ((( b"), ["unexpected characters `(((`"])
    XCTAssertEqual(messages(String(repeating: "(", count: 200_000)), ["200000 unexpected characters `(` in a row"])
    let run = Lexer.lex(SourceFile(path: "t", text: "x " + String(repeating: "@", count: 20) + " y"))
    XCTAssertEqual(run.diagnostics.map(\.range), [SourceRange(2, 22)])
  }

  func testStrayBytesEachTakeAColumn() {
    let source = SourceFile(path: "t", bytes: Array("ab".utf8) + [0x80, 0x80] + Array("é".utf8) + [0xBF] + Array("z".utf8))
    XCTAssertEqual(source.lineColumn(of: 2).column, 3)
    XCTAssertEqual(source.lineColumn(of: 3).column, 4)
    XCTAssertEqual(source.lineColumn(of: 4).column, 5)
    XCTAssertEqual(source.lineColumn(of: 6).column, 6)  // after é (two bytes, one scalar)
    XCTAssertEqual(source.lineColumn(of: 7).column, 7)  // after the stray 0xBF
    let quoted = SourceFile(path: "t", bytes: Array("step \"a".utf8) + [0x80, 0x80] + Array("b\"".utf8))
    let lexed = Lexer.lex(quoted)
    let columns = lexed.diagnostics.map { (quoted.lineColumn(of: $0.range.start).column, quoted.lineColumn(of: $0.range.end).column) }
    XCTAssertEqual(columns.map(\.0), [8, 9])
    XCTAssertEqual(columns.map(\.1), [9, 10])
  }

  /// Keywords are found by comparing packed words: every keyword is found wherever it stands
  /// (mid-file, or in the last bytes, where the words cannot be loaded whole), and a word that
  /// only starts or ends like a keyword is not one.
  func testEveryKeywordIsFoundAndNothingElse() {
    for (index, keyword) in Keyword.allCases.enumerated() {
      XCTAssertEqual(keyword.ordinal, index)
      let word = keyword.rawValue
      for text in ["\(word) x", "x \(word)", "\(word)"] {
        let tokens = Lexer.lex(SourceFile(path: "t", text: text)).tokens
        XCTAssertTrue(tokens.contains { $0.keyword == keyword }, text)
      }
      for other in ["\(word)x", "x\(word)", String(word.dropLast()), "\(word)_"] where Keyword(rawValue: other) == nil {
        let tokens = Lexer.lex(SourceFile(path: "t", text: other + " y")).tokens
        XCTAssertNil(tokens[0].keyword, other)
      }
    }
  }

  /// A word goes on through letters, digits and `_`, and stops at every other byte: each of
  /// the 256 bytes after `ab`, tested against the rule written out.
  func testWordsAreLettersDigitsAndUnderscores() {
    for value in 0...255 {
      let byte = UInt8(value)
      let isWordByte = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A)
        || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F
      let tokens = Lexer.lex(SourceFile(path: "t", bytes: Array("ab".utf8) + [byte] + Array("c d".utf8))).tokens
      XCTAssertEqual(tokens[0].kind, .word, "byte \(value)")
      XCTAssertEqual(tokens[0].range.end, isWordByte ? 4 : 2, "byte \(value)")
    }
  }

  /// Record kinds are read by their names, the names `RecordKind`'s raw values give.
  func testEveryRecordKindIsReadByItsName() {
    for kind in RecordKind.allCases { XCTAssertEqual(RecordKind(named: kind.rawValue), kind) }
    for word in ["Date", "yes-no", "yesno", "", "date_", "initial"] { XCTAssertNil(RecordKind(named: word), word) }
  }

  /// Line starts and columns, counted eight bytes at a time, agree with a plain count on random
  /// text of ASCII, multi-byte characters, stray bytes and long lines.
  func testLineAndColumnAgreeWithAPlainCount() {
    var random = SystemRandomNumberGenerator()
    let pieces: [[UInt8]] = [Array("a".utf8), Array("é".utf8), Array("–".utf8), Array("😀".utf8), [0x80], [0xBF, 0x80], [0xE2, 0x80], Array("\n".utf8), Array(repeating: UInt8(ascii: "x"), count: 5000)]
    for _ in 0..<40 {
      var bytes: [UInt8] = []
      for _ in 0..<Int.random(in: 0...400, using: &random) { bytes += pieces.randomElement(using: &random)! }
      let source = SourceFile(path: "t", bytes: bytes)
      // The reference: a column for every byte that is not the continuation of a valid sequence.
      var counts = [Int](repeating: 0, count: bytes.count + 1)
      var line = 1
      var column = 1
      var lines = [Int](repeating: 1, count: bytes.count + 1)
      var position = 0
      while position < bytes.count {
        counts[position] = column
        lines[position] = line
        if bytes[position] == UInt8(ascii: "\n") {
          line += 1
          column = 1
          position += 1
          continue
        }
        let length = max(1, validUTF8Length(bytes, position))
        for inner in 1..<length where position + inner <= bytes.count {
          counts[position + inner] = column + 1
          lines[position + inner] = line
        }
        column += 1
        position += length
      }
      counts[bytes.count] = column
      lines[bytes.count] = line
      for offset in stride(from: 0, through: bytes.count, by: max(1, bytes.count / 50)) {
        // Only offsets at the start of a character have a column of their own.
        guard offset == bytes.count || bytes[offset] & 0xC0 != 0x80 || offset == 0 || validUTF8Length(bytes, offset) == 1 else { continue }
        let found = source.lineColumn(of: offset)
        XCTAssertEqual(found.line, lines[offset], "line at \(offset)")
        if bytes.indices.contains(offset) && bytes[offset] & 0xC0 == 0x80 { continue }
        XCTAssertEqual(found.column, counts[offset], "column at \(offset)")
      }
    }
  }

  /// A column found from an earlier one on its line (as the JSON document finds each element's
  /// end from its start), and one found inside blocks of plain text by subtraction, agree with
  /// the column found from the line's start.
  func testColumnsFromAnEarlierOffsetAgree() {
    var random = SystemRandomNumberGenerator()
    let pieces: [[UInt8]] = [Array("a".utf8), Array("é".utf8), Array("😀".utf8), [0x80], Array("\n".utf8), Array("\r\n".utf8), Array(repeating: UInt8(ascii: "x"), count: 5000)]
    for round in 0..<30 {
      var bytes: [UInt8] = round % 3 == 0 ? [0xEF, 0xBB, 0xBF] : []
      for _ in 0..<Int.random(in: 0...60, using: &random) { bytes += pieces.randomElement(using: &random)! }
      let source = SourceFile(path: "t", bytes: bytes)
      for _ in 0..<200 {
        let first = Int.random(in: 0...bytes.count, using: &random)
        let second = min(bytes.count + 1, first + Int.random(in: 0...6000, using: &random))
        let known = source.lineColumn(of: first)
        let found = source.lineColumn(of: second, after: first, at: known)
        XCTAssertEqual(found, source.lineColumn(of: second), "from \(first) to \(second)")
      }
    }
  }

  /// A line looked for near another (as the JSON writer does, from the last location) is the
  /// line the table gives, wherever the hint is; a renamed file keeps its lines and columns.
  func testLinesFoundNearAHintAndInARenamedFileAgree() {
    var random = SystemRandomNumberGenerator()
    let pieces: [[UInt8]] = [Array("ab".utf8), Array("é".utf8), [0x80], Array("\n".utf8), Array("\n\n\n".utf8), Array("\r\n".utf8)]
    for _ in 0..<30 {
      var bytes: [UInt8] = []
      for _ in 0..<Int.random(in: 0...80, using: &random) { bytes += pieces.randomElement(using: &random)! }
      let source = SourceFile(path: "t", bytes: bytes)
      let renamed = source.renamed(to: "shown/t")
      XCTAssertEqual(renamed.path, "shown/t")
      XCTAssertEqual(renamed.lineStarts, source.lineStarts)
      for _ in 0..<200 {
        let offset = Int.random(in: 0...bytes.count, using: &random)
        let hint = Int.random(in: -2...(source.lineStarts.count + 2), using: &random)
        XCTAssertEqual(source.lineIndex(of: offset, near: hint), source.lineIndex(of: offset), "\(offset) near \(hint)")
        XCTAssertEqual(source.lineColumn(of: offset, nearLine: hint), source.lineColumn(of: offset))
        XCTAssertEqual(renamed.lineColumn(of: offset), source.lineColumn(of: offset))
      }
    }
  }
}
