// Every diagnostic code has an explanation, and every example in the explanations is checked: the
// wrong example produces the code, the fixed one does not and has no errors at all. Codes whose
// examples cannot be written as text (bad bytes, file size) are produced here from bytes.
import XCTest
@testable import RunbookKit

final class ExplanationTests: XCTestCase {
  func testEveryCodeHasAnExplanationWithCheckedExamples() {
    let withoutTextExamples: Set<DiagnosticCode> = [.invalidUTF8, .nulByte, .fileTooLarge, .textTooLong, .tooManySteps, .tooManyDiagnostics]
    for code in DiagnosticCode.allCases {
      let explanation = code.explanation
      XCTAssertGreaterThan(explanation.summary.count, 40, "\(code.rawValue) needs a real explanation")
      guard let wrong = explanation.wrong, let fixed = explanation.fixed else {
        XCTAssertTrue(withoutTextExamples.contains(code), "\(code.rawValue) has no examples")
        continue
      }
      let wrongCodes = compile(wrong).diagnostics.map(\.code)
      XCTAssertTrue(wrongCodes.contains(code), "\(code.rawValue): the wrong example gives \(wrongCodes.map(\.rawValue))")
      let fixedDiagnostics = compile(fixed).diagnostics
      XCTAssertFalse(fixedDiagnostics.contains { $0.code == code }, "\(code.rawValue): the fixed example still gives it")
      XCTAssertEqual(
        fixedDiagnostics.filter { $0.severity == .error }.map { "\($0.code.rawValue) \($0.message)" }, [],
        "\(code.rawValue): the fixed example has errors")
    }
  }

  func testCodesWithoutTextExamplesAreProducedFromBytes() throws {
    let valid = Array("runbook \"R\" {\n}\n".utf8)
    let invalidUTF8 = Compiler.compile(SourceFile(path: "t", bytes: valid + [0xC3]))
    XCTAssertEqual(invalidUTF8.diagnostics.map(\.code), [.invalidUTF8])
    let nul = Compiler.compile(SourceFile(path: "t", bytes: valid + [0]))
    XCTAssertEqual(nul.diagnostics.map(\.code), [.nulByte])
    let longString = "runbook \"" + String(repeating: "x", count: RunbookInfo.maximumStringBytes) + "\" {\n}\n"
    XCTAssertEqual(compile(longString).diagnostics.map(\.code), [.textTooLong])
    let steps = "runbook \"R\" {\n  role a \"A\"\n  stage s \"S\" owner a {\n" + String(repeating: "    step \"x\"\n", count: 12) + "  }\n}\n"
    let tree = parse(steps)
    let (graph, diagnostics) = GraphBuilder.build(try XCTUnwrap(tree.root), source: tree.source, maximumSteps: 10)
    XCTAssertEqual(diagnostics.map(\.code), [.tooManySteps])
    XCTAssertEqual(graph.steps.count, 10)
    // More problems than a phase keeps: the first thousand, then one RB0705 that counts the rest.
    let noisy = compile("runbook \"R\" {\n" + String(repeating: "@ ", count: 1_500) + "\n}\n")
    XCTAssertEqual(noisy.diagnostics.count, RunbookInfo.maximumKeptDiagnostics + 1)
    XCTAssertEqual(noisy.diagnostics.last?.code, .tooManyDiagnostics)
    XCTAssertEqual(noisy.diagnostics.last?.message, "500 more problems found after these 1000 are not listed")
    let huge = [UInt8](repeating: UInt8(ascii: " "), count: RunbookInfo.maximumFileBytes + 1)
    XCTAssertEqual(Compiler.compile(SourceFile(path: "t", bytes: huge)).diagnostics.map(\.code), [.fileTooLarge])
  }

  func testCodesAreUniqueAndStable() {
    let raw = DiagnosticCode.allCases.map(\.rawValue)
    XCTAssertEqual(Set(raw).count, raw.count)
    XCTAssertTrue(raw.allSatisfy { $0.count == 6 && $0.hasPrefix("RB") })
    XCTAssertEqual(DiagnosticCode.unknownKeyword.rawValue, "RB0102")
    XCTAssertEqual(DiagnosticCode.dependencyCycle.rawValue, "RB0301")
  }
}
