// The formatter's properties, on every example, every fixture, every grammar example and every
// explanation example that parses: idempotent (fmt(fmt(x)) == fmt(x)), meaning-preserving (the
// JSON of fmt(x) equals the JSON of x, locations aside) and comment-preserving (the same comments
// in the same order). Files with syntax errors are left alone.
import XCTest
@testable import RunbookKit

final class FormatterTests: XCTestCase {
  /// Every runbook text the repository holds that parses without syntax errors.
  private func corpus() throws -> [(name: String, text: String)] {
    var texts: [(String, String)] = []
    for folder in ["Examples", "Tests/RunbookKitTests/Fixtures", "Tests/RunbookKitTests/Golden/diagnostics"] {
      for url in runbookFiles(in: folder) {
        texts.append((url.lastPathComponent, String(decoding: try Data(contentsOf: url), as: UTF8.self)))
      }
    }
    let grammar = try String(contentsOf: repositoryRoot.appendingPathComponent("Grammar/runbook.ebnf"), encoding: .utf8)
    for (index, part) in grammar.components(separatedBy: "(* example\n").dropFirst().enumerated() {
      texts.append(("grammar example \(index + 1)", part.components(separatedBy: "*)")[0]))
    }
    for code in DiagnosticCode.allCases {
      if let wrong = code.explanation.wrong { texts.append(("\(code.rawValue) wrong", wrong)) }
      if let fixed = code.explanation.fixed { texts.append(("\(code.rawValue) fixed", fixed)) }
    }
    return texts
  }

  func testIdempotentMeaningAndCommentPreserving() throws {
    var formattedCount = 0
    for (name, text) in try corpus() {
      let tree = parse(text)
      guard let once = Formatter.format(tree) else {
        XCTAssertTrue(tree.diagnostics.contains { $0.severity == .error }, "\(name) was refused without a syntax error")
        continue
      }
      formattedCount += 1
      let twice = try XCTUnwrap(Formatter.format(parse(once)), "\(name): the formatted text no longer parses")
      XCTAssertEqual(twice, once, "\(name): formatting is not idempotent")
      XCTAssertEqual(try meaning(once), try meaning(text), "\(name): formatting changed the meaning")
      XCTAssertEqual(commentTexts(once), commentTexts(text), "\(name): formatting lost or moved comments")
      // Formatting indents every block, so the warning about misleading indentation is the one
      // diagnostic it may (and should) remove.
      let codes = { (text: String) in compile(text).diagnostics.map(\.code).filter { $0 != .misleadingIndentation } }
      XCTAssertEqual(codes(once), codes(text), "\(name): formatting changed the diagnostics")
    }
    XCTAssertGreaterThan(formattedCount, 50)
  }

  func testTheExamplesAreFormatted() throws {
    for url in runbookFiles(in: "Examples") {
      let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
      XCTAssertEqual(Formatter.format(parse(text)), text, "\(url.lastPathComponent) is not in canonical form: run runbook fmt Examples")
    }
  }

  func testCanonicalLayout() throws {
    let messy = """
      # header comment
      runbook   "R"{
      \tversion   "1"
          role a "A"   # first
        role longer_name "B"
      stage s "S"   parallel owner a and longer_name {   # the stage
      step x "X" duration 3h .. 5h ?
            step "y" after x ,x # dup is allowed
        gate g "G" {
      decided_by a
        criterion availability>=99.9%
        go->z
        no_go -> stop
      }



        step z "Z" {
         note \"\"\"
              text stays
                as written
              \"\"\"
        }
      }
      signoff "Done" by a
      }
      # trailing
      """
    let formatted = try XCTUnwrap(Formatter.format(parse(messy)))
    XCTAssertEqual(formatted, """
      # header comment
      runbook "R" {
        version "1"
        role a           "A"  # first
        role longer_name "B"

        stage s "S" parallel owner a and longer_name {  # the stage
          step x "X" duration 3h..5h?
          step "y" after x, x                           # dup is allowed
          gate g "G" {
            decided_by a
            criterion availability >= 99.9%
            go -> z
            no_go -> stop
          }

          step z "Z" {
            note \"\"\"
              text stays
                as written
              \"\"\"
          }
        }

        signoff "Done" by a
      }
      # trailing

      """)
  }

  func testFilesWithSyntaxErrorsAreNotFormatted() {
    XCTAssertNil(Formatter.format(parse("runbook \"R\" {\n  stgae s \"S\" {\n  }\n}\n")))
    XCTAssertNotNil(Formatter.format(parse("runbook \"R\" {\n  stage s \"S\" {\n    step \"x\" owner nobody\n  }\n}\n")), "semantic errors do not stop formatting")
  }

  // MARK: - Helpers

  /// The JSON of a runbook's graph with every location and the source hash removed.
  private func meaning(_ text: String) throws -> NSDictionary? {
    let compilation = compile(text)
    guard compilation.graph != nil else { return nil }
    let json = JSONBackend.render(compilation, sourceName: "x")
    var object = try JSONSerialization.jsonObject(with: Data(json.utf8))
    object = strip(object)
    return object as? NSDictionary
  }

  private func strip(_ value: Any) -> Any {
    if let dictionary = value as? [String: Any] {
      var result: [String: Any] = [:]
      for (key, item) in dictionary where key != "location" && key != "source" { result[key] = strip(item) }
      return result
    }
    // The warning about misleading indentation is not part of the meaning: formatting removes it.
    if let array = value as? [Any] {
      return array.filter { ($0 as? [String: Any])?["code"] as? String != DiagnosticCode.misleadingIndentation.rawValue }.map(strip)
    }
    return value
  }

  private func commentTexts(_ text: String) -> [String] {
    let source = SourceFile(path: "t", text: text)
    return Lexer.lex(source).comments.map { source.text($0).trimmingSpaces }
  }
}
