// `runbook lsp` driven by an independent client: Tests/LSP/lsp_client_test.py, which uses
// PyPI's pygls as an editor would (installed by .ci/run). Skipped when pygls is missing, unless
// RUNBOOK_REQUIRE_TOOLS=1.
import XCTest

final class LanguageServerTests: XCTestCase {
  func testAnIndependentClientGetsEveryFeature() throws {
    let probe = Process()
    probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    probe.arguments = ["python3", "-c", "import pygls, lsprotocol"]
    probe.standardError = FileHandle.nullDevice
    try probe.run()
    probe.waitUntilExit()
    if probe.terminationStatus != 0 {
      if ProcessInfo.processInfo.environment["RUNBOOK_REQUIRE_TOOLS"] == "1" { XCTFail("pygls is not installed") }
      throw XCTSkip("pygls is not installed")
    }
    let script = repositoryRoot.appendingPathComponent("Tests/LSP/lsp_client_test.py").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script, toolURL.path]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0, text)
    XCTAssertTrue(text.contains("0 failures"), text)
  }
}
