// The README's "Common mistakes" section is made from the explanations behind `runbook explain`,
// so that the two never disagree. With RUNBOOK_UPDATE_GOLDEN=1 the section is rewritten.
import XCTest

@testable import RunbookKit

final class ReadmeTests: XCTestCase {
  /// The codes of the mistakes people make most, in the order a reader meets them.
  static let common: [DiagnosticCode] = [
    .invalidCharacter, .unknownUnit, .missingUnit, .invalidNumber, .unknownKeyword, .unclosedBlock,
    .misleadingIndentation, .undefinedRole, .undefinedReference, .wrongReferenceKind, .missingOwner,
    .sameRoleVerifies, .missingOutcome, .invertedRange, .windowCannotHold,
  ]

  /// The section as Markdown: per code, its title, summary, and the wrong and fixed runbooks.
  static func section() -> String {
    var text = ""
    for code in common {
      let explanation = code.explanation
      text += "\n### \(code.rawValue): \(code.title)\n\n\(explanation.summary)\n" + explanation.examplesMarkdown
    }
    return text + "\n"
  }

  func testCommonMistakesSectionMatchesTheExplanations() throws {
    let url = repositoryRoot.appendingPathComponent("README.md")
    let readme = try String(contentsOf: url, encoding: .utf8)
    let begin = "<!-- common-mistakes:begin -->\n"
    let end = "<!-- common-mistakes:end -->"
    let start = try XCTUnwrap(readme.range(of: begin), "the README has no common-mistakes section")
    let stop = try XCTUnwrap(readme.range(of: end, range: start.upperBound..<readme.endIndex))
    let expected = ReadmeTests.section()
    if ProcessInfo.processInfo.environment["RUNBOOK_UPDATE_GOLDEN"] == "1" {
      try (String(readme[..<start.upperBound]) + expected + String(readme[stop.lowerBound...])).write(to: url, atomically: true, encoding: .utf8)
      return
    }
    XCTAssertEqual(String(readme[start.upperBound..<stop.lowerBound]), expected, "the README's common mistakes differ from `runbook explain`; regenerate them")
  }
}
