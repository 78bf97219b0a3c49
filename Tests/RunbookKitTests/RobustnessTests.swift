// Inputs that must never crash, hang or overflow the stack: each gives located diagnostics (or
// none, when valid). These run the whole pipeline, as `runbook check` does.
import XCTest
@testable import RunbookKit

final class RobustnessTests: XCTestCase {
  private func codes(_ bytes: [UInt8]) -> [String] {
    Compiler.compile(SourceFile(path: "t", bytes: bytes)).diagnostics.map(\.code.rawValue)
  }

  func testEmptyFileAndBOMOnly() {
    XCTAssertEqual(codes([]), ["RB0106"])
    XCTAssertEqual(codes([0xEF, 0xBB, 0xBF]), ["RB0106"])
    XCTAssertEqual(codes(Array("   \n# only a comment\n".utf8)), ["RB0106"])
  }

  func testBOMAndCRLFAreAccepted() {
    XCTAssertEqual(codes([0xEF, 0xBB, 0xBF] + Array("runbook \"R\" {\r\n}\r\n".utf8)), [])
  }

  func testNULBytesAndInvalidUTF8AreLocated() {
    let compilation = Compiler.compile(SourceFile(path: "t", bytes: Array("runbook \"R\" {\n  note \"a".utf8) + [0, 0xFF] + Array("\"\n}\n".utf8)))
    XCTAssertEqual(compilation.diagnostics.map { "\($0.code.rawValue)@\(describe(compilation.source, $0.range.start))" }, ["RB0003@2:10", "RB0002@2:11"])
  }

  func testHundredThousandNestedBlocks() {
    let depth = 100_000
    let text = String(repeating: "stage s \"S\" {\n", count: depth) + String(repeating: "}\n", count: depth)
    let compilation = compile("runbook \"R\" {\n" + text + "}\n")
    XCTAssertEqual(compilation.tree.diagnostics.map(\.code), [.nestingTooDeep])
    // Every nested stage reuses the id `s`: the checker reports each, and nothing else.
    XCTAssertEqual(Set(compilation.diagnostics.map(\.code)), [.nestingTooDeep, .duplicateID])
    let bare = String(repeating: "{", count: depth)
    let unbalanced = compile("runbook \"R\" {\n" + bare)
    XCTAssertTrue(unbalanced.diagnostics.contains { $0.code == .nestingTooDeep || $0.code == .unclosedBlock })
    XCTAssertLessThan(unbalanced.diagnostics.count, 100)
  }

  func testUnterminatedLiteralsAtEndOfFile() {
    XCTAssertEqual(codes(Array("runbook \"R\" {\n  note \"open".utf8)), ["RB0004", "RB0103"])
    XCTAssertEqual(codes(Array("runbook \"R\" {\n  note \"\"\"\n    open".utf8)), ["RB0005", "RB0103"])
  }

  func testOneMegabyteSingleLine() {
    let title = String(repeating: "x", count: 1 << 20)
    XCTAssertEqual(codes(Array("runbook \"\(title)\" {}".utf8)), ["RB0703"])
    let junk = String(repeating: "x ", count: 1 << 19)
    XCTAssertEqual(codes(Array(junk.utf8)).first, "RB0101")
  }

  func testCRLFCopyOfEveryExampleIsClean() throws {
    let files = runbookFiles(in: "Examples")
    XCTAssertEqual(files.count, 4)
    for url in files {
      let text = try String(contentsOf: url, encoding: .utf8)
      let crlf = text.replacingOccurrences(of: "\n", with: "\r\n")
      let compilation = Compiler.compile(SourceFile(path: url.lastPathComponent, text: crlf))
      XCTAssertEqual(compilation.diagnostics.map(\.message), [], url.lastPathComponent)
      let original = Compiler.compile(SourceFile(path: url.lastPathComponent, text: text))
      XCTAssertEqual(original.tree.root?.children.count, compilation.tree.root?.children.count)
    }
  }

  func testEveryPrefixOfAnExampleTerminates() throws {
    // Truncation at every 97th byte: each prefix must give diagnostics, never a crash.
    let text = try String(contentsOf: repositoryRoot.appendingPathComponent("Examples/clinspark-upgrade.runbook"), encoding: .utf8)
    let bytes = Array(text.utf8)
    for end in stride(from: 0, to: bytes.count, by: 97) {
      _ = Compiler.compile(SourceFile(path: "t", bytes: Array(bytes[..<end])))
    }
  }
}
