// Keeps Grammar/runbook.ebnf honest: every keyword the parser knows appears in it as a terminal,
// every declaration shape's attributes appear in its rules, and every example in it compiles.
import XCTest
@testable import RunbookKit

final class GrammarTests: XCTestCase {
  private func grammar() throws -> String {
    try String(contentsOf: repositoryRoot.appendingPathComponent("Grammar/runbook.ebnf"), encoding: .utf8)
  }

  func testEveryKeywordIsATerminalOfTheGrammar() throws {
    let text = try grammar()
    for keyword in Keyword.allCases {
      XCTAssertTrue(text.contains("\"\(keyword.rawValue)\""), "keyword `\(keyword.rawValue)` is missing from the grammar")
    }
    for kind in RecordKind.allCases {
      XCTAssertTrue(text.contains("\"\(kind.rawValue)\""), "record kind `\(kind.rawValue)` is missing from the grammar")
    }
  }

  func testEveryDeclarationRuleListsTheAttributesTheParserAccepts() throws {
    let text = try grammar()
    for kind in DeclarationKind.allCases where kind != .unknown && kind != .runbook {
      // The rule for a kind and the rules for its attributes, up to the next declaration rule.
      guard let start = text.range(of: "\n\(kind.rawValue) ") else {
        XCTFail("no rule for `\(kind.rawValue)`")
        continue
      }
      let rule = text[start.lowerBound...].prefix(900)
      for attribute in DeclarationShape.of(kind).attributes {
        let spelled = rule.contains("\"\(attribute.rawValue)\"") || rule.contains(" \(attribute.rawValue) ")
          || rule.contains(" \(attribute.rawValue)\n") || rule.contains("| \(attribute.rawValue)")
          || rule.contains("contact_field") && ["name", "phone", "email", "chat", "location", "note"].contains(attribute.rawValue)
        XCTAssertTrue(spelled, "`\(attribute.rawValue)` of `\(kind.rawValue)` is missing from its grammar rule")
      }
    }
  }

  func testEveryExampleInTheGrammarCompilesCleanly() throws {
    let text = try grammar()
    var examples: [String] = []
    var rest = Substring(text)
    while let open = rest.range(of: "(* example\n") {
      guard let close = rest[open.upperBound...].range(of: "*)") else { break }
      examples.append(String(rest[open.upperBound..<close.lowerBound]))
      rest = rest[close.upperBound...]
    }
    XCTAssertGreaterThanOrEqual(examples.count, 3)
    for example in examples {
      let compilation = compile(example)
      XCTAssertEqual(compilation.diagnostics.map { "\($0.code.rawValue) \($0.message)" }, [], example)
    }
  }
}
