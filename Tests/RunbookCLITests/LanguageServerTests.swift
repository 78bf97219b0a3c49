// `runbook lsp` driven by an independent client: Tests/LSP/lsp_client_test.py, which uses
// PyPI's pygls as an editor would (installed by .ci/run). Skipped when pygls is missing, unless
// RUNBOOK_REQUIRE_TOOLS=1.
import XCTest

final class LanguageServerTests: XCTestCase {
  func testAnIndependentClientGetsEveryFeature() throws {
    try requirePython("pygls, lsprotocol")
    let script = repositoryRoot.appendingPathComponent("Tests/LSP/lsp_client_test.py").path
    let result = try runProcess(envURL, ["python3", script, toolURL.path])
    XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
    XCTAssertTrue(result.stdout.contains("0 failures"), result.stdout + result.stderr)
  }
}
