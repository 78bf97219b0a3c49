// Keeps the TextMate grammar (Grammar/runbook.tmLanguage.json) honest against the lexer: a small
// TextMate tokenizer — each rule's regular expression tried at each position, the leftmost match
// winning and ties going to the rule listed first, `begin`/`end` rules scanned to their end —
// gives every token of every example a scope, which must be the one the lexer's token kind
// implies. Every keyword the lexer knows must be highlighted as a keyword.
import Foundation
import XCTest

@testable import RunbookKit

final class GrammarHighlightTests: XCTestCase {
  /// One rule, flattened from the grammar's includes.
  private struct Rule {
    var match: NSRegularExpression?
    var begin: NSRegularExpression?
    var end: NSRegularExpression?
    /// The scope of the whole match, and of each capture group.
    var name: String?
    var captures: [Int: String]
    /// For a `begin`/`end` rule: the rules inside it (escapes in a string).
    var inner: [Rule] = []
  }

  private static let rules: [Rule] = {
    let url = repositoryRoot.appendingPathComponent("Grammar/runbook.tmLanguage.json")
    guard let data = try? Data(contentsOf: url), let grammar = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let top = grammar["patterns"] as? [[String: Any]], let repository = grammar["repository"] as? [String: [String: Any]]
    else { return [] }
    func regex(_ pattern: Any?) -> NSRegularExpression? {
      (pattern as? String).flatMap { try? NSRegularExpression(pattern: $0, options: [.anchorsMatchLines]) }
    }
    func flatten(_ patterns: [[String: Any]]) -> [Rule] {
      patterns.flatMap { pattern -> [Rule] in
        if let include = pattern["include"] as? String, let target = repository[String(include.dropFirst())] {
          return flatten([target])
        }
        if pattern["match"] == nil && pattern["begin"] == nil, let inner = pattern["patterns"] as? [[String: Any]] { return flatten(inner) }
        var captures: [Int: String] = [:]
        for (key, value) in (pattern["captures"] as? [String: [String: String]]) ?? [:] {
          if let index = Int(key), let name = value["name"] { captures[index] = name }
        }
        let inner = (pattern["begin"] != nil ? pattern["patterns"] as? [[String: Any]] : nil).map(flatten) ?? []
        return [Rule(match: regex(pattern["match"]), begin: regex(pattern["begin"]), end: regex(pattern["end"]), name: pattern["name"] as? String, captures: captures, inner: inner)]
      }
    }
    return flatten(top)
  }()

  /// Scopes by UTF-16 offset of a line: what the grammar gives each character.
  private func scopes(of line: String) -> [String?] {
    let text = line as NSString
    var result = [String?](repeating: nil, count: text.length)
    var position = 0
    while position < text.length {
      var best: (rule: Rule, match: NSTextCheckingResult)?
      for rule in GrammarHighlightTests.rules {
        guard let pattern = rule.match ?? rule.begin,
          let match = pattern.firstMatch(in: line, range: NSRange(location: position, length: text.length - position)), match.range.length > 0
        else { continue }
        if best == nil || match.range.location < best!.match.range.location { best = (rule, match) }
      }
      guard let (rule, match) = best else { break }
      var end = match.range.location + match.range.length
      var innerScopes: [(NSRange, String?)] = []
      if rule.begin != nil, let closing = rule.end {
        // Inside the region the inner rules come first (an escaped quote does not end a string).
        var cursor = end
        end = text.length
        while cursor <= text.length {
          let rest = NSRange(location: cursor, length: text.length - cursor)
          let closeMatch = closing.firstMatch(in: line, range: rest)
          let innerMatch = rule.inner.compactMap { inner in inner.match?.firstMatch(in: line, range: rest).map { (inner, $0) } }
            .filter { $0.1.range.length > 0 }.min { $0.1.range.location < $1.1.range.location }
          if let (innerRule, found) = innerMatch, found.range.location < (closeMatch?.range.location ?? Int.max) {
            innerScopes.append((found.range, innerRule.name))
            cursor = found.range.location + found.range.length
            continue
          }
          end = closeMatch.map { $0.range.location + $0.range.length } ?? text.length
          break
        }
      }
      for offset in match.range.location..<end { result[offset] = rule.name }
      for (range, name) in innerScopes {
        for offset in range.location..<(range.location + range.length) { result[offset] = name }
      }
      for (group, name) in rule.captures where group < match.numberOfRanges {
        let range = match.range(at: group)
        guard range.location != NSNotFound else { continue }
        for offset in range.location..<(range.location + range.length) { result[offset] = name }
      }
      position = max(end, position + 1)
    }
    return result
  }

  /// The scope prefixes a token kind may have.
  private func allowed(_ token: Token) -> [String] {
    switch token.kind {
    case .word: token.keyword == nil ? ["variable.", "entity.name."] : ["keyword.", "storage.type.", "entity.name."]
    case .string: ["string.quoted.double"]
    case .textBlock: ["string.quoted.triple"]
    case .number, .quantity, .percent: ["constant.numeric"]
    case .time: ["constant.numeric.time"]
    case .dotDot, .arrow, .less, .lessEqual, .greater, .greaterEqual, .equalEqual, .notEqual, .question: ["keyword.operator."]
    case .leftBrace, .rightBrace, .comma: ["punctuation."]
    case .endOfFile: []
    }
  }

  func testEveryExampleTokenGetsTheScopeItsKindImplies() throws {
    XCTAssertGreaterThan(GrammarHighlightTests.rules.count, 10, "the grammar did not load")
    let examples = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("Examples").path).filter { $0.hasSuffix(".runbook") }
    XCTAssertEqual(examples.count, 4)
    for name in examples {
      let text = try String(contentsOf: repositoryRoot.appendingPathComponent("Examples/\(name)"), encoding: .utf8)
      let source = SourceFile(path: name, bytes: Array(text.utf8))
      let lexed = Lexer.lex(source)
      // Lines are highlighted one at a time, as editors do; text blocks span lines, so their
      // tokens are checked at their first line only.
      let lines = text.components(separatedBy: "\n")
      var lineScopes: [Int: [String?]] = [:]
      var checked = 0
      for token in lexed.tokens where token.kind != .endOfFile && token.kind != .textBlock {
        let at = source.lineColumn(of: token.range.start)
        let line = lines[at.line - 1]
        if lineScopes[at.line] == nil { lineScopes[at.line] = scopes(of: line) }
        // The token's first character, as a UTF-16 offset in its line.
        let prefix = String(decoding: source.bytes[source.lineStarts[at.line - 1]..<token.range.start], as: UTF8.self)
        let offset = (prefix as NSString).length
        let scope = lineScopes[at.line]?[offset] ?? nil
        let expected = allowed(token)
        XCTAssertTrue(expected.contains { scope?.hasPrefix($0) == true },
          "\(name):\(at.line):\(at.column) `\(source.text(token.range))` (\(token.kind)) got \(scope ?? "no scope"), expected \(expected)")
        checked += 1
      }
      for comment in lexed.comments {
        let at = source.lineColumn(of: comment.start)
        let prefix = String(decoding: source.bytes[source.lineStarts[at.line - 1]..<comment.start], as: UTF8.self)
        let scope = scopes(of: lines[at.line - 1])[(prefix as NSString).length]
        XCTAssertTrue(scope?.hasPrefix("comment.line") == true, "\(name):\(at.line) comment got \(scope ?? "no scope")")
      }
      XCTAssertGreaterThan(checked, 100)
    }
  }

  func testEveryKeywordIsHighlightedAsAKeyword() {
    for keyword in Keyword.allCases {
      let scope = scopes(of: "  \(keyword.rawValue) x")[2]
      XCTAssertTrue(scope?.hasPrefix("keyword.") == true || scope?.hasPrefix("storage.type.") == true, "`\(keyword.rawValue)` got \(scope ?? "no scope")")
    }
  }

  func testTheTrickyShapes() {
    let line = "    window T-48h..T+1h30m deadline T duration 3h..5h? # runbook:ignore RB0404 on purpose"
    let result = scopes(of: line)
    func scope(at needle: String) -> String? { result[(line as NSString).range(of: needle).location] }
    XCTAssertEqual(scope(at: "T-48h"), "constant.numeric.time.runbook")
    XCTAssertEqual(scope(at: "..T+"), "keyword.operator.range.runbook")
    XCTAssertEqual(scope(at: "T+1h30m"), "constant.numeric.time.runbook")
    XCTAssertEqual(scope(at: "3h.."), "constant.numeric.duration.runbook")
    XCTAssertEqual(scope(at: "?"), "keyword.operator.uncertain.runbook")
    XCTAssertTrue(scope(at: "runbook:ignore")?.contains("keyword.other.suppression") == true)
    let string = "    step \"A \\\"quoted\\\" \\u{00E9} title\" owner a and b"
    let stringScopes = scopes(of: string)
    XCTAssertEqual(stringScopes[(string as NSString).range(of: "\\\"").location], "constant.character.escape.runbook")
    XCTAssertEqual(stringScopes[(string as NSString).range(of: "title").location], "string.quoted.double.runbook")
    XCTAssertEqual(stringScopes[(string as NSString).range(of: "and").location], "keyword.operator.logical.runbook")
  }
}
