// The document store of the language server: random edit sequences, applied as an editor sends
// them (ranges in UTF-16 or UTF-8), always leave the same text and the same diagnostics as a
// fresh check of that text.
import XCTest

@testable import RunbookKit

final class EditorDocumentTests: XCTestCase {
  func testRandomEditsMatchAFreshCheck() throws {
    let base = try String(contentsOf: repositoryRoot.appendingPathComponent("Examples/cips-update.runbook"), encoding: .utf8)
    let pieces = ["step x \"X\"", "\n", "owner fusion", "{", "}", "é", "😀", "\u{2013}", "\"", "  ", "after backup", "duration 2h", "#"]
    for encoding in [PositionEncoding.utf16, .utf8] {
      var random = SplitMix(state: encoding == .utf16 ? 16 : 8)
      var document = EditorDocument(uri: "file:///x.runbook", version: 1, text: base, encoding: encoding)
      var expected = base
      for step in 0..<300 {
        // A random range of the current text, given as the editor's positions.
        let scalars = Array(expected.unicodeScalars)
        let a = random.below(scalars.count + 1)
        let b = min(scalars.count, a + random.below(8))
        let insert = random.chance(70) ? pieces[random.below(pieces.count)] : ""
        func position(_ scalarIndex: Int) -> EditorPosition {
          let prefix = String(String.UnicodeScalarView(scalars[0..<scalarIndex]))
          let lines = prefix.split(separator: "\n", omittingEmptySubsequences: false)
          let last = String(lines.last ?? "")
          return EditorPosition(line: lines.count - 1, character: encoding == .utf8 ? last.utf8.count : last.utf16.count)
        }
        document.apply([(EditorRange(start: position(a), end: position(b)), insert)], version: step + 2)
        expected = String(String.UnicodeScalarView(scalars[0..<a])) + insert + String(String.UnicodeScalarView(scalars[b...]))
        XCTAssertEqual(String(decoding: document.bytes, as: UTF8.self), expected, "edit \(step) (\(encoding))")
        if step % 10 == 0 {
          XCTAssertEqual(document.compilation.diagnostics, compile(expected).diagnostics, "edit \(step) (\(encoding))")
        }
      }
    }
  }

  func testPositionsCountUTF16OrBytes() {
    let text = "runbook \"😀é\" {\n}\n"
    let utf16 = EditorDocument(uri: "u", version: 1, text: text, encoding: .utf16)
    let utf8 = EditorDocument(uri: "u", version: 1, text: text, encoding: .utf8)
    let brace = Array(text.utf8).firstIndex(of: UInt8(ascii: "{"))!
    XCTAssertEqual(utf16.position(of: brace), EditorPosition(line: 0, character: 14))
    XCTAssertEqual(utf8.position(of: brace), EditorPosition(line: 0, character: 17))
    XCTAssertEqual(utf16.offset(of: EditorPosition(line: 0, character: 14)), brace)
    XCTAssertEqual(utf8.offset(of: EditorPosition(line: 99, character: 5)), text.utf8.count)
    XCTAssertEqual(utf16.offset(of: EditorPosition(line: 1, character: 99)), text.utf8.count - 1)
  }
}
