// The mistakes project managers make, one class per fixture in Fixtures/mistakes: each must be
// reported at the right line and column, with the right code and words, and with exactly the
// expected number of errors and warnings — so that nothing is missed and nothing follows from
// the one mistake. Fixtures marked `fixes-to-clean` must check clean after their fixes.
import XCTest

@testable import RunbookKit

final class AuthoringMistakeTests: XCTestCase {
  private struct Expectation {
    var line: Int
    var column: Int
    var code: String
    var words: String
  }

  private struct Fixture {
    var name: String
    var text: String
    var expectations: [Expectation] = []
    var errors = 0
    var warnings = 0
    var fixesToClean = false
  }

  private var fixtures: [Fixture] {
    get throws {
      let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/mistakes")
      let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".runbook") }.sorted()
      return try names.map { name in
        let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        var fixture = Fixture(name: name, text: text)
        for line in text.split(separator: "\n") where line.hasPrefix("# ") {
          let parts = line.dropFirst(2).split(separator: " ", maxSplits: 3).map(String.init)
          switch parts.first {
          case "expect":
            let position = parts[1].split(separator: ":").compactMap { Int($0) }
            let words = parts[3].dropFirst().dropLast().replacingOccurrences(of: "\\\"", with: "\"")
            fixture.expectations.append(Expectation(line: position[0], column: position[1], code: parts[2], words: words))
          case "errors": fixture.errors = Int(parts[1]) ?? -1
          case "warnings": fixture.warnings = Int(parts[1]) ?? -1
          case "fixes-to-clean": fixture.fixesToClean = true
          default: break
          }
        }
        return fixture
      }
    }
  }

  func testEveryClassIsFoundAtItsPlaceWithNoFollowOnNoise() throws {
    let all = try fixtures
    XCTAssertGreaterThanOrEqual(all.count, 15)
    for fixture in all {
      let compilation = compile(fixture.text)
      let diagnostics = compilation.diagnostics
      XCTAssertFalse(fixture.expectations.isEmpty, "\(fixture.name) expects nothing")
      for expected in fixture.expectations {
        let found = diagnostics.contains { diagnostic in
          let at = compilation.source.lineColumn(of: diagnostic.range.start)
          return at.line == expected.line && at.column == expected.column && diagnostic.code.rawValue == expected.code
            && (diagnostic.message + " " + (diagnostic.help ?? "") + " " + diagnostic.notes.map(\.message).joined(separator: " ")).contains(expected.words)
        }
        XCTAssertTrue(found, "\(fixture.name): no \(expected.code) at \(expected.line):\(expected.column) saying \"\(expected.words)\"; got:\n"
          + diagnostics.map { "\(compilation.source.lineColumn(of: $0.range.start).line):\(compilation.source.lineColumn(of: $0.range.start).column) \($0.code.rawValue) \($0.message) | \($0.help ?? "")" }.joined(separator: "\n"))
      }
      XCTAssertEqual(diagnostics.filter { $0.severity == .error }.count, fixture.errors, "\(fixture.name): error count")
      XCTAssertEqual(diagnostics.filter { $0.severity == .warning }.count, fixture.warnings, "\(fixture.name): warning count")
    }
  }

  func testCertainFixesLeaveACleanFileAndAreIdempotent() throws {
    for fixture in try fixtures where fixture.fixesToClean {
      var bytes = Array(fixture.text.utf8)
      for _ in 0..<4 {
        let (fixed, applied) = applyFixes(compile(String(decoding: bytes, as: UTF8.self)).diagnostics, to: bytes)
        if applied.isEmpty { break }
        bytes = fixed
      }
      let after = compile(String(decoding: bytes, as: UTF8.self))
      XCTAssertEqual(after.diagnostics.filter { $0.severity == .error }.map(\.message), [], "\(fixture.name) is not clean after its fixes")
      XCTAssertTrue(applyFixes(after.diagnostics, to: bytes).applied.isEmpty, "\(fixture.name): fixing again changes something")
    }
  }

  func testUncertainMistakesCarryNoFix() throws {
    for fixture in try fixtures where ["fractional-duration.runbook", "unclosed-brace-mid-file.runbook", "extra-brace.runbook", "owner-named-by-display-name.runbook"].contains(fixture.name) {
      XCTAssertTrue(compile(fixture.text).diagnostics.allSatisfy { $0.fix == nil }, "\(fixture.name) offers a guess as a fix")
    }
  }
}
