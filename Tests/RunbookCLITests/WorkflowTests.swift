// The README's GitHub Actions workflow, taken from the README itself: it parses as YAML with
// the shape GitHub expects, and its shell steps run as they would on a runner — the build step
// syntax-checked (it would take minutes), the rest run against a copy of the examples with the
// built runbook on PATH.
import XCTest

final class WorkflowTests: XCTestCase {
  func testTheReadmeWorkflowStepsRun() throws {
    let workflow = try readmeWorkflow()
    XCTAssertFalse(workflow.contains("example.com"), "no placeholder URL")
    // Parsed by PyYAML, the steps come out as (name, run, if) in order.
    let script = """
      import json, sys, yaml
      workflow = yaml.safe_load(sys.stdin)
      steps = workflow["jobs"]["lint"]["steps"]
      assert workflow["permissions"]["actions"] == "read"
      print(json.dumps([{"name": s.get("name", s.get("uses")), "run": s.get("run"), "if": s.get("if")} for s in steps]))
      """
    let parsed = try python(script, input: workflow)
    guard let steps = try JSONSerialization.jsonObject(with: Data(parsed.utf8)) as? [[String: Any]] else {
      return XCTFail("the workflow did not parse: \(parsed)")
    }
    XCTAssertTrue(steps.contains { ($0["name"] as? String)?.hasPrefix("github/codeql-action/upload-sarif") == true && ($0["if"] as? String)?.contains("!cancelled()") == true })
    // The repository with runbooks: a copy of the examples, one of them broken.
    let folder = try temporaryFolder()
    let runbooks = folder.appendingPathComponent("runbooks")
    try FileManager.default.createDirectory(at: runbooks, withIntermediateDirectories: true)
    for name in ["cips-update", "clinspark-upgrade"] {
      try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("Examples/\(name).runbook"), to: runbooks.appendingPathComponent("\(name).runbook"))
    }
    let path = toolURL.deletingLastPathComponent().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    for step in steps {
      guard let run = step["run"] as? String else { continue }
      let name = step["name"] as? String ?? ""
      let result = try shell(name == "Build runbook" ? "bash -n <<'STEP'\n\(run)STEP" : run, in: folder, path: path)
      XCTAssertEqual(result.status, 0, "\(name): \(result.output)")
    }
    let sarif = try Data(contentsOf: folder.appendingPathComponent("runbook.sarif"))
    let log = try XCTUnwrap(JSONSerialization.jsonObject(with: sarif) as? [String: Any])
    XCTAssertEqual(((log["runs"] as? [[String: Any]])?.first?["invocations"] as? [[String: Any]])?.first?["executionSuccessful"] as? Bool, true)
    // A broken runbook fails the check step but still leaves its SARIF.
    try "runbook \"R\" {\n  stgae s \"S\" {\n  }\n}\n".write(to: runbooks.appendingPathComponent("broken.runbook"), atomically: true, encoding: .utf8)
    let check = try shell(steps.first { $0["name"] as? String == "Check runbooks" }?["run"] as? String ?? "false", in: folder, path: path)
    XCTAssertNotEqual(check.status, 0)
    XCTAssertTrue(check.output.contains("::error file=runbooks/broken.runbook"), check.output)
    let upload = try shell(steps.first { $0["name"] as? String == "SARIF for code scanning" }?["run"] as? String ?? "false", in: folder, path: path)
    XCTAssertEqual(upload.status, 0, "the SARIF step leaves a SARIF file even when runbooks have errors")
  }

  /// actionlint, with shellcheck for the `run:` scripts, finds nothing in the README's workflow:
  /// expressions, action inputs, runner labels, deprecated action versions, shell mistakes.
  func testTheReadmeWorkflowPassesActionlint() throws {
    try requireProgram(["actionlint", "--version"], missing: "actionlint is not installed")
    try requireProgram(["shellcheck", "--version"], missing: "shellcheck is not installed")
    let folder = try temporaryFolder()
    let workflows = folder.appendingPathComponent(".github/workflows")
    try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
    try readmeWorkflow().write(to: workflows.appendingPathComponent("runbooks.yml"), atomically: true, encoding: .utf8)
    let lint = try runProcess(envURL, ["actionlint", "-no-color", "-shellcheck", "shellcheck", ".github/workflows/runbooks.yml"], in: folder)
    XCTAssertEqual(lint.status, 0, lint.stdout + lint.stderr)
    XCTAssertEqual(lint.stdout + lint.stderr, "")
    // The same actionlint does find mistakes: an outdated action and a misspelt expression.
    let broken = try readmeWorkflow().replacingOccurrences(of: "actions/checkout@v6", with: "actions/checkout@v2")
      .replacingOccurrences(of: "!cancelled()", with: "!canceled()")
    try broken.write(to: workflows.appendingPathComponent("runbooks.yml"), atomically: true, encoding: .utf8)
    let caught = try runProcess(envURL, ["actionlint", "-no-color", ".github/workflows/runbooks.yml"], in: folder)
    XCTAssertNotEqual(caught.status, 0)
    XCTAssertTrue(caught.stdout.contains("actions/checkout@v2") && caught.stdout.contains("canceled"), caught.stdout)
  }

  /// The workflow, as the README shows it between its markers.
  private func readmeWorkflow() throws -> String {
    let readme = try String(contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
    let start = try XCTUnwrap(readme.range(of: "<!-- workflow:begin -->\n```yaml\n"))
    let end = try XCTUnwrap(readme.range(of: "```\n<!-- workflow:end -->", range: start.upperBound..<readme.endIndex))
    return String(readme[start.upperBound..<end.lowerBound])
  }

  private func shell(_ script: String, in folder: URL, path: String) throws -> (status: Int32, output: String) {
    let result = try runProcess(
      URL(fileURLWithPath: "/bin/bash"), ["-e", "-c", script],
      environment: ["PATH": path, "GITHUB_PATH": folder.appendingPathComponent("github-path").path, "NO_COLOR": "1"], in: folder)
    return (result.status, result.stdout + result.stderr)
  }

  private func python(_ script: String, input: String) throws -> String {
    try requirePython("yaml")
    let result = try runProcess(envURL, ["python3", "-c", script], stdin: Data(input.utf8))
    return result.stdout + result.stderr
  }
}

/// The pre-commit hooks as pre-commit runs them: each hook's `entry` with the staged files.
final class PreCommitHookTests: XCTestCase {
  func testEveryHookRunsOnRunbooks() throws {
    let script = """
      import json, sys, yaml
      print(json.dumps(yaml.safe_load(open(sys.argv[1]))))
      """
    try requirePython("yaml")
    let data = Data(try runProcess(envURL, ["python3", "-c", script, repositoryRoot.appendingPathComponent(".pre-commit-hooks.yaml").path]).stdout.utf8)
    let hooks = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    XCTAssertEqual(Set(hooks.compactMap { $0["language"] as? String }), ["swift", "system"])
    let folder = try temporaryFolder()
    let file = folder.appendingPathComponent("a.runbook")
    for hook in hooks {
      try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("Examples/cips-update.runbook"), to: file)
      XCTAssertEqual(hook["files"] as? String, "\\.runbook$")
      let entry = (hook["entry"] as? String ?? "").split(separator: " ").map(String.init)
      XCTAssertEqual(entry.first, "runbook")
      let result = try runTool(Array(entry.dropFirst()) + ["a.runbook"], in: folder)
      XCTAssertEqual(result.status, 0, "\(hook["id"] ?? ""): \(result.stdout)\(result.stderr)")
      try FileManager.default.removeItem(at: file)
    }
  }
}
