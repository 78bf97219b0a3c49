// `runbook check --fix` end to end: certain fixes applied in place, the file checked clean
// afterwards and unchanged by a second run; uncertain mistakes left alone; fixes in JSON and SARIF.
import XCTest

/// `runbook check --fix` through the executable, on the fixtures of authoring mistakes.
final class FixCommandTests: XCTestCase {
  private func fixture(_ name: String, in folder: URL) throws -> URL {
    let target = folder.appendingPathComponent(name)
    try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("Tests/RunbookKitTests/Fixtures/mistakes/\(name)"), to: target)
    return target
  }

  func testFixesAreAppliedRecheckCleanAndAreIdempotent() throws {
    let folder = try temporaryFolder()
    let pasted = try fixture("pasted-from-word.runbook", in: folder)
    let durations = try fixture("durations-as-typed.runbook", in: folder)
    let before = try Data(contentsOf: pasted)
    let result = try runTool(["check", "--fix", "pasted-from-word.runbook", "durations-as-typed.runbook"], in: folder)
    XCTAssertEqual(result.status, 0, result.stdout)
    XCTAssertTrue(result.stdout.contains("pasted-from-word.runbook: fixed 8 problems"), result.stdout)
    XCTAssertTrue(result.stdout.contains("durations-as-typed.runbook: fixed 8 problems"), result.stdout)
    XCTAssertTrue(result.stdout.contains("checked 2 files, 0 errors, 0 warnings"), result.stdout)
    let fixed = try String(contentsOf: pasted, encoding: .utf8)
    XCTAssertNotEqual(try Data(contentsOf: pasted), before)
    XCTAssertTrue(fixed.contains("window T-4h..T+12h") && fixed.contains("duration 1h..2h") && fixed.contains("step d \"Notify users\"") && fixed.contains("no_go -> stop"), fixed)
    XCTAssertTrue(try String(contentsOf: durations, encoding: .utf8).contains("step h \"H\" duration 1h..3h"))
    // Checked again, clean; fixed again, nothing changes.
    let snapshot = try Data(contentsOf: pasted)
    let again = try runTool(["check", "--fix", "pasted-from-word.runbook"], in: folder)
    XCTAssertEqual(again.status, 0)
    XCTAssertFalse(again.stdout.contains("fixed"), again.stdout)
    XCTAssertEqual(try Data(contentsOf: pasted), snapshot)
  }

  func testAFileWhoseFixIsUncertainIsLeftAlone() throws {
    let folder = try temporaryFolder()
    let fraction = try fixture("fractional-duration.runbook", in: folder)
    let unclosed = try fixture("unclosed-brace-mid-file.runbook", in: folder)
    let before = (try Data(contentsOf: fraction), try Data(contentsOf: unclosed))
    let result = try runTool(["check", "--fix", "fractional-duration.runbook", "unclosed-brace-mid-file.runbook"], in: folder)
    XCTAssertEqual(result.status, 1)
    XCTAssertFalse(result.stdout.contains("fixed"), result.stdout)
    XCTAssertTrue(result.stdout.contains("write `1h20m` (or `1h19m`)"), result.stdout)
    XCTAssertEqual(try Data(contentsOf: fraction), before.0)
    XCTAssertEqual(try Data(contentsOf: unclosed), before.1)
    // Standard input cannot be fixed in place.
    XCTAssertEqual(try runTool(["check", "--fix", "-"], stdin: Data("x".utf8), in: folder).status, 2)
  }

  func testFixesTravelInJSONAndSARIF() throws {
    let folder = try temporaryFolder()
    _ = try fixture("pasted-from-word.runbook", in: folder)
    let json = try runTool(["check", "--format", "json", "pasted-from-word.runbook"], in: folder)
    let array = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
    let fix = try XCTUnwrap(array.first { ($0["message"] as? String)?.contains("ellipsis") == true }?["fix"] as? [String: Any])
    XCTAssertEqual((fix["edits"] as? [[String: Any]])?.first?["replacement"] as? String, "..")
    let sarif = try runTool(["check", "--format", "sarif", "pasted-from-word.runbook"], in: folder)
    XCTAssertTrue(sarif.stdout.contains("\"fixes\""))
    XCTAssertTrue(sarif.stdout.contains("\"insertedContent\""))
    try validateJSON([sarif.stdout], schema: try sarifSchema())
  }
}
