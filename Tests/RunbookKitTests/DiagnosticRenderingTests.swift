// Golden files for rendered diagnostics: each Golden/diagnostics/NAME.runbook is checked and its
// rendering compared with NAME.txt. Set RUNBOOK_UPDATE_GOLDEN=1 to rewrite the .txt files, then
// review the diff.
import XCTest
@testable import RunbookKit

final class DiagnosticRenderingTests: XCTestCase {
  func testRenderedDiagnosticsMatchTheGoldenFiles() throws {
    let update = ProcessInfo.processInfo.environment["RUNBOOK_UPDATE_GOLDEN"] == "1"
    let files = runbookFiles(in: "Tests/RunbookKitTests/Golden/diagnostics")
    XCTAssertGreaterThanOrEqual(files.count, 3)
    for url in files {
      let bytes = [UInt8](try Data(contentsOf: url))
      let compilation = Compiler.compile(SourceFile(path: url.lastPathComponent, bytes: bytes))
      let renderer = DiagnosticRenderer(color: false)
      let rendered = compilation.diagnostics.map { renderer.render($0, in: compilation.source) }.joined()
      let golden = url.deletingPathExtension().appendingPathExtension("txt")
      if update {
        try Data(rendered.utf8).write(to: golden)
        continue
      }
      let expected = try String(contentsOf: golden, encoding: .utf8)
      XCTAssertEqual(rendered, expected, "\(url.lastPathComponent): run with RUNBOOK_UPDATE_GOLDEN=1 and review the diff")
    }
  }

  func testColourOnlyWhenAsked() throws {
    let compilation = compile("runbook \"R\" {\n  stgae\n}\n")
    let plain = DiagnosticRenderer(color: false).render(compilation.diagnostics[0], in: compilation.source)
    let coloured = DiagnosticRenderer(color: true).render(compilation.diagnostics[0], in: compilation.source)
    XCTAssertFalse(plain.contains("\u{1B}["))
    XCTAssertTrue(coloured.contains("\u{1B}[1;31merror[RB0102]"))
  }

  func testControlAndBidiCharactersAreShownEscaped() throws {
    let compilation = compile("runbook \"R\" {\n  stgae \"\u{202E}evil\"\n}\n")
    let rendered = DiagnosticRenderer().render(compilation.diagnostics[0], in: compilation.source)
    XCTAssertTrue(rendered.contains("<U+202E>evil"), rendered)
    XCTAssertFalse(rendered.contains("\u{202E}"))
  }

  /// However long the range, the snippet shows a window of the line: a run of 100,000 stray
  /// characters is marked to the window's edge and cut with `…`, not printed whole.
  func testALongRangeIsShownInAWindow() throws {
    let compilation = compile("runbook \"R\" { " + String(repeating: "@", count: 100_000) + " }\n")
    let diagnostic = try XCTUnwrap(compilation.diagnostics.first { $0.code == .invalidCharacter })
    XCTAssertEqual(diagnostic.range.end - diagnostic.range.start, 100_000)
    let lines = DiagnosticRenderer(color: false).render(diagnostic, in: compilation.source).split(separator: "\n")
    XCTAssertEqual(lines.count, 5, lines.joined(separator: "\n"))
    XCTAssertTrue(lines.allSatisfy { $0.unicodeScalars.count < 180 }, lines.map { "\($0.count)" }.joined(separator: ", "))
    XCTAssertTrue(lines[2].hasSuffix("@…"), String(lines[2]))
    XCTAssertTrue(lines[3].hasSuffix("^"), String(lines[3]))
  }
}
