// The JSON writer's escaping, checked by parsing its output back with Foundation's parser.
import XCTest
@testable import RunbookKit

final class JSONWriterTests: XCTestCase {
  func testStringsFromAHostileAlphabetRoundTrip() throws {
    let alphabet: [String] = ["a", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{1}", "\u{1F}", "\u{7F}", "\u{2028}", "\u{2029}", "é", "€", "\u{1F600}", "\u{202E}", "\u{FEFF}", " ", "{", "]", ":", ","]
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<300 {
      let length = Int.random(in: 0...24, using: &generator)
      let text = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }.joined()
      var writer = JSONWriter()
      writer.array { w in
        w.string(text)
        w.object { w in
          w.key(text: text)
          w.string(text)
        }
      }
      let document = writer.finishText()
      let parsed = try JSONSerialization.jsonObject(with: Data(document.utf8), options: [.fragmentsAllowed]) as? [Any]
      XCTAssertEqual(parsed?.first as? String, text, document)
      XCTAssertEqual((parsed?.last as? [String: String])?[text], text)
      XCTAssertFalse(document.contains("\u{2028}") || document.contains("\u{0}"))
    }
  }

  func testLayout() {
    var writer = JSONWriter()
    writer.object { w in
      w.field("a", 1)
      w.array("empty") { _ in }
      w.object("nested") { w in w.field("b", nil as String?) }
      w.key("d")
      w.double(2.5)
    }
    let document = writer.finishText()
    XCTAssertEqual(document, "{\n  \"a\": 1,\n  \"empty\": [],\n  \"nested\": {\n    \"b\": null\n  },\n  \"d\": 2.5\n}\n")
  }

  /// Indents deeper than the writer's run of spaces are written in several copies.
  /// Keys of every length from 1 to 20 bytes, each copied a word at a time at every depth the
  /// documents use: written whole, nothing of the key before or after it lost or overwritten.
  func testKeysOfEveryLength() throws {
    let keys: [StaticString] = [
      "a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh", "abcdefghi", "abcdefghij",
      "abcdefghijk", "abcdefghijkl", "abcdefghijklm", "abcdefghijklmn", "abcdefghijklmno",
      "abcdefghijklmnop", "abcdefghijklmnopq", "abcdefghijklmnopqr", "abcdefghijklmnopqrs",
      "abcdefghijklmnopqrst",
    ]
    var writer = JSONWriter()
    writer.object { w in
      for (index, key) in keys.enumerated() { w.field(key, index) }
      w.object("deeper") { w in
        w.object("still") { w in
          for (index, key) in keys.enumerated().reversed() { w.field(key, index) }
        }
      }
    }
    let document = writer.finishText()
    let parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any])
    let deepest = try XCTUnwrap((parsed["deeper"] as? [String: Any])?["still"] as? [String: Int])
    for (index, key) in keys.enumerated() {
      XCTAssertEqual(parsed["\(key)"] as? Int, index, "\(key)")
      XCTAssertEqual(deepest["\(key)"], index, "\(key)")
    }
    XCTAssertTrue(document.contains("\n      \"abcdefghijklmnopqrst\": 19,\n"), document)
  }

  /// Members before and after a nested array at every level, past the 64 levels whose "has
  /// members" the writer keeps in bits: each comma where it belongs, read back level by level.
  func testMembersAroundNestingOfEveryDepth() throws {
    func nest(_ depth: Int, _ w: inout JSONWriter) {
      w.array { w in
        w.int(depth)
        if depth > 0 { nest(depth - 1, &w) }
        w.int(-depth)
      }
    }
    var writer = JSONWriter()
    nest(100, &writer)
    let document = writer.finishText()
    var level = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(document.utf8)) as? [Any], document)
    for depth in stride(from: 100, through: 1, by: -1) {
      XCTAssertEqual(level.count, 3)
      XCTAssertEqual(level.first as? Int, depth)
      XCTAssertEqual(level.last as? Int, -depth)
      level = try XCTUnwrap(level[1] as? [Any])
    }
    XCTAssertEqual(level.compactMap { $0 as? Int }, [0, 0])
  }

  /// A location written in one go is laid out exactly as the same object written member by
  /// member, at the top of an object, after other members, and deep down; numbers of every width.
  func testLocationWrittenInOneGoAsMemberByMember() {
    for numbers in [(1, 1, 1, 1), (12, 5, 12, 27), (1_234_567, 89, 9_876_543, 1_000_000_000), (Int.max, 0, 7, Int.max)] {
      func document(_ inOneGo: Bool) -> String {
        var writer = JSONWriter()
        func location(_ w: inout JSONWriter) {
          if inOneGo {
            w.location(line: numbers.0, column: numbers.1, endLine: numbers.2, endColumn: numbers.3)
          } else {
            w.object("location") { w in
              w.field("line", numbers.0)
              w.field("column", numbers.1)
              w.field("end_line", numbers.2)
              w.field("end_column", numbers.3)
            }
          }
        }
        writer.object { w in
          location(&w)
          w.field("after", 1)
          w.object("nested") { w in
            w.field("before", "x")
            location(&w)
            w.array("deeper") { w in w.object { w in w.object("deepest") { w in location(&w) } } }
          }
        }
        return writer.finishText()
      }
      XCTAssertEqual(document(true), document(false))
    }
  }

  func testIndentsDeeperThanTheRunOfSpaces() {
    func nest(_ depth: Int, _ w: inout JSONWriter) {
      if depth == 0 { return w.int(7) }
      w.array { w in nest(depth - 1, &w) }
    }
    var writer = JSONWriter()
    nest(150, &writer)
    var expected = ""
    for level in 0..<150 { expected += (level == 0 ? "" : "\n" + String(repeating: " ", count: 2 * level)) + "[" }
    expected += "\n" + String(repeating: " ", count: 300) + "7"
    for level in (0..<150).reversed() { expected += "\n" + String(repeating: " ", count: 2 * level) + "]" }
    let document = writer.finishText()
    XCTAssertEqual(document, expected + "\n")
  }

  func testGitHubEscaping() {
    XCTAssertEqual(
      ReportFormat.githubData("100% done\r\nnext ::error file=x::boom, a:b"),
      "100%25 done%0D%0Anext ::error file=x::boom, a:b")
    XCTAssertEqual(ReportFormat.githubProperty("a,b:c%\n"), "a%2Cb%3Ac%25%0A")
  }
}
