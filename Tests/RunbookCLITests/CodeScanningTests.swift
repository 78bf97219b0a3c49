// SARIF as GitHub code scanning reads it, beyond the schema: fingerprints that survive unrelated
// edits, an invocation that fails when an input is missing (so an incomplete run never closes
// alerts), URIs relative to the repository root whatever the path given, rules with Markdown
// help, precision, severity and tags, and notes linked from the message.
import XCTest

final class CodeScanningTests: XCTestCase {
  private let broken = """
    runbook "R" {
      role ops "Ops"
      stage s "S" {
        step a "A" owner opps
        step b "B" owner ops after a
        step a "Again" owner ops
      }
    }

    """

  private func sarif(_ arguments: [String], in folder: URL) throws -> (log: [String: Any], run: [String: Any], text: String) {
    let result = try runTool(["check", "--format", "sarif"] + arguments, in: folder)
    let log = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let run = try XCTUnwrap((log["runs"] as? [[String: Any]])?.first)
    return (log, run, result.stdout)
  }

  private func fingerprints(_ run: [String: Any]) -> [String: String] {
    var byRule: [String: String] = [:]
    for result in run["results"] as? [[String: Any]] ?? [] {
      let rule = result["ruleId"] as? String ?? ""
      let message = (result["message"] as? [String: Any])?["text"] as? String ?? ""
      byRule[rule + " " + message] = (result["partialFingerprints"] as? [String: String])?["runbookFingerprint/v2"]
    }
    return byRule
  }

  func testFingerprintsSurviveAnUnrelatedEditAndTheLogValidates() throws {
    let folder = try temporaryFolder()
    let file = folder.appendingPathComponent("r.runbook")
    try broken.write(to: file, atomically: true, encoding: .utf8)
    let before = try sarif(["r.runbook"], in: folder)
    try validateJSON([before.text], schema: try sarifSchema())
    let first = fingerprints(before.run)
    XCTAssertEqual(first.count, 2, "\(first)")
    XCTAssertTrue(first.values.allSatisfy { $0.count == 32 })
    // A line inserted above moves every problem down a line; the fingerprints stay.
    try broken.replacingOccurrences(of: "  role ops \"Ops\"\n", with: "  role ops \"Ops\"\n  role qa \"QA\"\n").write(to: file, atomically: true, encoding: .utf8)
    let after = try sarif(["r.runbook"], in: folder)
    for (key, value) in first where !key.hasPrefix("RB0404") { XCTAssertEqual(fingerprints(after.run)[key], value, key) }
    let line = ((after.run["results"] as? [[String: Any]])?.first { $0["ruleId"] as? String == "RB0202" }?["locations"] as? [[String: Any]])
      .flatMap { (($0.first?["physicalLocation"] as? [String: Any])?["region"] as? [String: Any])?["startLine"] as? Int }
    XCTAssertEqual(line, 5, "the problem moved down a line")
  }

  func testAMissingInputIsAnUnsuccessfulRun() throws {
    let folder = try temporaryFolder()
    try broken.write(to: folder.appendingPathComponent("r.runbook"), atomically: true, encoding: .utf8)
    let result = try sarif(["r.runbook", "missing.runbook"], in: folder)
    let invocation = try XCTUnwrap((result.run["invocations"] as? [[String: Any]])?.first)
    XCTAssertEqual(invocation["executionSuccessful"] as? Bool, false)
    let notes = try XCTUnwrap(invocation["toolExecutionNotifications"] as? [[String: Any]])
    XCTAssertTrue(((notes.first?["message"] as? [String: Any])?["text"] as? String)?.contains("missing.runbook") == true)
    try validateJSON([result.text], schema: try sarifSchema())
    let clean = try sarif(["r.runbook"], in: folder)
    XCTAssertEqual(((clean.run["invocations"] as? [[String: Any]])?.first)?["executionSuccessful"] as? Bool, true)
  }

  func testURIsAreRelativeToTheRepositoryRootAndRulesCarryWhatCodeScanningShows() throws {
    let root = try temporaryFolder()
    let nested = root.appendingPathComponent("ops/runbooks")
    try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
    try broken.write(to: nested.appendingPathComponent("r.runbook"), atomically: true, encoding: .utf8)
    // Run from inside the nested folder, naming the file by an absolute path, with --srcroot.
    let result = try sarif(["--srcroot", root.path, nested.appendingPathComponent("r.runbook").path], in: nested)
    let location = ((result.run["results"] as? [[String: Any]])?.first?["locations"] as? [[String: Any]])?.first
    let artifact = (location?["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any]
    XCTAssertEqual(artifact?["uri"] as? String, "ops/runbooks/r.runbook")
    XCTAssertEqual(artifact?["uriBaseId"] as? String, "%SRCROOT%")
    let base = (result.run["originalUriBaseIds"] as? [String: Any])?["%SRCROOT%"] as? [String: Any]
    XCTAssertTrue((base?["uri"] as? String)?.hasPrefix("file:///") == true && (base?["uri"] as? String)?.hasSuffix("/") == true)
    XCTAssertEqual((result.run["automationDetails"] as? [String: Any])?["id"] as? String, "runbook/")
    let rules = (((result.run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]]) ?? []
    let rule = try XCTUnwrap(rules.first { $0["id"] as? String == "RB0202" })
    XCTAssertTrue(((rule["help"] as? [String: Any])?["markdown"] as? String)?.contains("Wrong:") == true)
    let properties = rule["properties"] as? [String: Any]
    XCTAssertEqual(properties?["precision"] as? String, "very-high")
    XCTAssertEqual(properties?["problem.severity"] as? String, "error")
    XCTAssertEqual(properties?["tags"] as? [String], ["runbook", "names"])
    // The duplicate id's note is a related location, linked from the message.
    let duplicate = try XCTUnwrap((result.run["results"] as? [[String: Any]])?.first { $0["ruleId"] as? String == "RB0201" })
    XCTAssertTrue(((duplicate["message"] as? [String: Any])?["text"] as? String)?.contains("See [first used here](0).") == true)
    XCTAssertEqual((duplicate["relatedLocations"] as? [[String: Any]])?.first?["id"] as? Int, 0)
    try validateJSON([result.text], schema: try sarifSchema())
  }

  func testDocumentationLinksOnlyWhereTheTeamSaysItsDocumentationIs() throws {
    let folder = try temporaryFolder()
    try broken.write(to: folder.appendingPathComponent("r.runbook"), atomically: true, encoding: .utf8)
    func driver(_ run: [String: Any]) -> [String: Any] { (run["tool"] as? [String: Any])?["driver"] as? [String: Any] ?? [:] }
    func helpUri(_ run: [String: Any], _ code: String) -> String? {
      ((driver(run)["rules"] as? [[String: Any]])?.first { $0["id"] as? String == code })?["helpUri"] as? String
    }
    // Without an address no link is made up.
    let plain = try sarif(["r.runbook"], in: folder)
    XCTAssertNil(driver(plain.run)["informationUri"])
    XCTAssertNil(helpUri(plain.run, "RB0202"))
    // A page per code, with `{code}`; the log still validates.
    let wiki = try sarif(["--docs-url=https://wiki.example.org/runbook/{code}", "r.runbook"], in: folder)
    try validateJSON([wiki.text], schema: try sarifSchema())
    XCTAssertEqual(driver(wiki.run)["informationUri"] as? String, "https://wiki.example.org/runbook/")
    XCTAssertEqual(helpUri(wiki.run, "RB0202"), "https://wiki.example.org/runbook/RB0202")
    // One page, with the code as its fragment.
    let page = try sarif(["--docs-url", "https://git.example.org/tools/runbook/README.md", "r.runbook"], in: folder)
    XCTAssertEqual(driver(page.run)["informationUri"] as? String, "https://git.example.org/tools/runbook/README.md")
    XCTAssertEqual(helpUri(page.run, "RB0203"), "https://git.example.org/tools/runbook/README.md#rb0203")
    // What is not an absolute web address is a usage error.
    for bad in ["wiki/runbook", "https://", "https://a b", "javascript:alert(1)"] {
      let result = try runTool(["check", "--format", "sarif", "--docs-url", bad, "r.runbook"], in: folder)
      XCTAssertEqual(result.status, 2, bad)
      XCTAssertTrue(result.stderr.contains("--docs-url needs an absolute http or https address"), result.stderr)
    }
  }

}

/// GitHub annotations past GitHub's limit, and the job summary.
final class GitHubAnnotationTests: XCTestCase {
  func testPastTenAnnotationsTheRestAreCountedAndSummarised() throws {
    let folder = try temporaryFolder()
    var steps = ""
    for index in 0..<14 { steps += "    step s\(index) \"S\(index)\" owner nobody\(index)\n" }
    try "runbook \"Many\" {\n  role ops \"Ops\"\n  stage s \"S\" {\n\(steps)  }\n}\n".write(
      to: folder.appendingPathComponent("many.runbook"), atomically: true, encoding: .utf8)
    let summary = folder.appendingPathComponent("summary.md")
    let result = try runTool(["check", "--format", "github", "many.runbook"], environment: ["GITHUB_STEP_SUMMARY": summary.path], in: folder)
    XCTAssertEqual(result.status, 1)
    let lines = result.stdout.split(separator: "\n")
    XCTAssertEqual(lines.filter { $0.hasPrefix("::error ") }.count, 10)
    XCTAssertEqual(lines.filter { $0.hasPrefix("::warning ") }.count, 1)
    XCTAssertEqual(lines.filter { $0.hasPrefix("many.runbook:") && $0.contains(": error[RB0202]: ") }.count, 4)
    XCTAssertTrue(lines.contains { $0.hasPrefix("::notice title=runbook::4 more errors than GitHub shows as annotations") }, result.stdout)
    let table = try String(contentsOf: summary, encoding: .utf8)
    XCTAssertTrue(table.contains("| 1 | 14 | 1 |"), table)
    XCTAssertTrue(table.contains("| many.runbook:4:24 | error | RB0202 |"), table)
  }
}
