// End-to-end tests of the `runbook` executable through its real command line: arguments, exit
// statuses, standard output and standard error.
import XCTest

/// Runs the built `runbook` executable.
func runTool(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:], in directory: URL? = nil)
  throws -> (status: Int32, stdout: String, stderr: String)
{
  let process = Process()
  process.executableURL = toolURL
  process.arguments = arguments
  var env = ProcessInfo.processInfo.environment
  env["NO_COLOR"] = "1"
  for (key, value) in environment { env[key] = value }
  process.environment = env
  if let directory { process.currentDirectoryURL = directory }
  let output = Pipe()
  let error = Pipe()
  let input = Pipe()
  process.standardOutput = output
  process.standardError = error
  process.standardInput = input
  try process.run()
  if let stdin { input.fileHandleForWriting.write(stdin) }
  try input.fileHandleForWriting.close()
  // Read both pipes before waiting, so a large output cannot fill a pipe and stall the child.
  let group = DispatchGroup()
  nonisolated(unsafe) var errorData = Data()
  group.enter()
  DispatchQueue.global().async {
    errorData = error.fileHandleForReading.readDataToEndOfFile()
    group.leave()
  }
  let outputData = output.fileHandleForReading.readDataToEndOfFile()
  group.wait()
  process.waitUntilExit()
  return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
}

/// The `runbook` executable built beside the test bundle.
let toolURL: URL = {
  let testBinary = URL(fileURLWithPath: CommandLine.arguments[0])
  var folder = testBinary.deletingLastPathComponent()
  while folder.path != "/" {
    let candidate = folder.appendingPathComponent("runbook")
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue {
      return candidate
    }
    folder = folder.deletingLastPathComponent()
  }
  return URL(fileURLWithPath: ".build/debug/runbook")
}()

let repositoryRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A fresh temporary folder for one test.
func temporaryFolder() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("runbook-cli-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

final class CheckCommandTests: XCTestCase {
  func testExamplesCheckClean() throws {
    let result = try runTool(["check", "Examples"], in: repositoryRoot)
    XCTAssertEqual(result.status, 0, result.stdout)
    XCTAssertTrue(result.stdout.hasSuffix("checked 4 files, 0 errors, 0 warnings\n"), result.stdout)
  }

  func testErrorsExitOneWithLocatedDiagnostics() throws {
    let folder = try temporaryFolder()
    let file = folder.appendingPathComponent("bad.runbook")
    try Data("runbook \"R\" {\n  stgae s \"S\" {\n  }\n}\n".utf8).write(to: file)
    let result = try runTool(["check", file.path])
    XCTAssertEqual(result.status, 1)
    XCTAssertTrue(result.stdout.contains("bad.runbook:2:3: error[RB0102]: unknown keyword `stgae` in a runbook"), result.stdout)
    XCTAssertTrue(result.stdout.contains("= help: did you mean `stage`?"), result.stdout)
    XCTAssertTrue(result.stdout.hasSuffix("checked 1 file, 1 error, 0 warnings\n"), result.stdout)
  }

  func testStandardInputWithAName() throws {
    let result = try runTool(["check", "--stdin-filename", "piped.runbook", "-"], stdin: Data("runbook \"R\" {\n  x\n}\n".utf8))
    XCTAssertEqual(result.status, 1)
    XCTAssertTrue(result.stdout.hasPrefix("piped.runbook:2:3: error[RB0102]"), result.stdout)
  }

  func testMissingFileIsAnIOError() throws {
    let result = try runTool(["check", "no/such/file.runbook"])
    XCTAssertEqual(result.status, 2)
    XCTAssertTrue(result.stdout.contains("no/such/file.runbook: error: no such file or folder"), result.stdout)
  }

  func testFolderWithoutRunbooksIsAnError() throws {
    let folder = try temporaryFolder()
    let result = try runTool(["check", folder.path])
    XCTAssertEqual(result.status, 2)
    XCTAssertTrue(result.stdout.contains("no *.runbook files found"), result.stdout)
  }

  func testUsageErrorsExitTwo() throws {
    let noCommand = try runTool([])
    XCTAssertEqual(noCommand.status, 2)
    XCTAssertTrue(noCommand.stderr.contains("usage: runbook"))
    let unknown = try runTool(["chek", "x"])
    XCTAssertEqual(unknown.status, 2)
    XCTAssertTrue(unknown.stderr.contains("unknown command 'chek'"), unknown.stderr)
    let badOption = try runTool(["check", "--frobnicate", "x"])
    XCTAssertEqual(badOption.status, 2)
    let noPaths = try runTool(["check"])
    XCTAssertEqual(noPaths.status, 2)
  }

  func testHelpAndVersion() throws {
    let help = try runTool(["--help"])
    XCTAssertEqual(help.status, 0)
    XCTAssertTrue(help.stdout.contains("check"))
    let version = try runTool(["--version"])
    XCTAssertEqual(version.status, 0)
    XCTAssertTrue(version.stdout.hasPrefix("runbook "), version.stdout)
  }
}

final class ExplainAndWarningTests: XCTestCase {
  func testExplainPrintsTheExamples() throws {
    let result = try runTool(["explain", "rb0303"])
    XCTAssertEqual(result.status, 0)
    XCTAssertTrue(result.stdout.hasPrefix("RB0303: `after` points forward in a sequential stage (error)"), result.stdout)
    XCTAssertTrue(result.stdout.contains("This runbook produces RB0303:"))
    XCTAssertTrue(result.stdout.contains("Fixed:"))
    let unknown = try runTool(["explain", "RB0399"])
    XCTAssertEqual(unknown.status, 2)
    XCTAssertTrue(unknown.stderr.contains("unknown diagnostic code 'RB0399'"), unknown.stderr)
  }

  func testExplainListNamesEveryCode() throws {
    let result = try runTool(["explain", "--list"])
    XCTAssertEqual(result.status, 0)
    XCTAssertTrue(result.stdout.contains("RB0404  warning  role never used"), result.stdout)
    XCTAssertGreaterThan(result.stdout.split(separator: "\n").count, 40)
  }

  func testWarningsPassUnlessWerror() throws {
    let text = Data("runbook \"R\" {\n  role a \"A\"\n  role unused \"Unused\"\n  stage s \"S\" owner a {\n    step \"x\"\n  }\n}\n".utf8)
    let plain = try runTool(["check", "-"], stdin: text)
    XCTAssertEqual(plain.status, 0, plain.stdout)
    XCTAssertTrue(plain.stdout.contains("<stdin>:3:8: warning[RB0404]"), plain.stdout)
    XCTAssertTrue(plain.stdout.hasSuffix("checked 1 file, 0 errors, 1 warning\n"), plain.stdout)
    let strict = try runTool(["check", "--werror", "-"], stdin: text)
    XCTAssertEqual(strict.status, 1)
    XCTAssertTrue(strict.stdout.contains("<stdin>:3:8: error[RB0404]"), strict.stdout)
    let quiet = try runTool(["check", "--quiet", "-"], stdin: text)
    XCTAssertEqual(quiet.status, 0)
    XCTAssertFalse(quiet.stdout.contains("RB0404"), quiet.stdout)
  }
}

final class BuildCommandTests: XCTestCase {
  func testMarkdownToStandardOutputAndToAFile() throws {
    let example = repositoryRoot.appendingPathComponent("Examples/cips-update.runbook").path
    let printed = try runTool(["build", example, "--to", "markdown"])
    XCTAssertEqual(printed.status, 0, printed.stderr)
    XCTAssertTrue(printed.stdout.hasPrefix("# CIPS Update Shared Checklist\n"))
    let folder = try temporaryFolder()
    let output = folder.appendingPathComponent("checklist.md")
    let written = try runTool(["build", example, "--to", "markdown", "-o", output.path])
    XCTAssertEqual(written.status, 0)
    XCTAssertEqual(written.stdout, "")
    XCTAssertEqual(try String(contentsOf: output, encoding: .utf8), printed.stdout)
  }

  func testJSONIsByteIdenticalAcrossRuns() throws {
    let example = repositoryRoot.appendingPathComponent("Examples/caresync-go-live.runbook").path
    let first = try runTool(["build", example, "--to", "json"])
    let second = try runTool(["build", example, "--to", "json"])
    XCTAssertEqual(first.status, 0)
    XCTAssertEqual(first.stdout, second.stdout)
    XCTAssertTrue(first.stdout.contains("\"schema\": \"runbook-graph/1\""))
  }

  func testErrorsWriteNothingAndLeaveAnExistingOutputUntouched() throws {
    let folder = try temporaryFolder()
    let input = folder.appendingPathComponent("broken.runbook")
    try Data("runbook \"R\" {\n  stage s \"S\" {\n    step \"x\" owner nobody\n  }\n}\n".utf8).write(to: input)
    let output = folder.appendingPathComponent("out.md")
    try Data("previous contents".utf8).write(to: output)
    let result = try runTool(["build", input.path, "--to", "markdown", "-o", output.path])
    XCTAssertEqual(result.status, 1)
    XCTAssertEqual(result.stdout, "")
    XCTAssertTrue(result.stderr.contains("broken.runbook:3:20: error[RB0202]"), result.stderr)
    XCTAssertTrue(result.stderr.contains("nothing written"), result.stderr)
    XCTAssertEqual(try String(contentsOf: output, encoding: .utf8), "previous contents")
    let fresh = folder.appendingPathComponent("fresh.json")
    let again = try runTool(["build", input.path, "--to", "json", "-o", fresh.path])
    XCTAssertEqual(again.status, 1)
    XCTAssertFalse(FileManager.default.fileExists(atPath: fresh.path))
  }

  func testBuildUsageErrors() throws {
    XCTAssertEqual(try runTool(["build", "x.runbook"]).status, 2)
    XCTAssertEqual(try runTool(["build", "x.runbook", "--to", "pdf"]).status, 2)
    XCTAssertEqual(try runTool(["build", "--to", "json"]).status, 2)
    XCTAssertEqual(try runTool(["build", "missing.runbook", "--to", "json"]).status, 2)
  }
}

final class PlanCommandTests: XCTestCase {
  func testPlanTextAndJSON() throws {
    let example = repositoryRoot.appendingPathComponent("Examples/clinspark-upgrade.runbook").path
    let text = try runTool(["plan", example])
    XCTAssertEqual(text.status, 0, text.stderr)
    XCTAssertTrue(text.stdout.contains("Starts T-3mo2w4h"), text.stdout)
    XCTAssertTrue(text.stdout.contains("no-go → rollback \"Revert to the old situation\""))
    let json = try runTool(["plan", example, "--format", "json"])
    XCTAssertEqual(json.status, 0)
    XCTAssertTrue(json.stdout.contains("\"schema\": \"runbook-plan/1\""))
    let built = try runTool(["build", example, "--to", "plan"])
    XCTAssertEqual(built.stdout, json.stdout)
    let mermaid = try runTool(["build", example, "--to", "mermaid"])
    XCTAssertTrue(mermaid.stdout.hasPrefix("gantt\n"))
  }

  func testAPlanWithErrorsIsStillPrintedAndExitsOne() throws {
    let text = Data("""
      runbook "Late" {
        anchor T "Zero"
        role ops "Ops"
        stage day "Day" owner ops {
          window T..T+2h
          step a "Long step" duration 3h
        }
      }

      """.utf8)
    let result = try runTool(["plan", "-"], stdin: text)
    XCTAssertEqual(result.status, 1)
    XCTAssertTrue(result.stderr.contains("<stdin>:5:5: error[RB0304]"), result.stderr)
    XCTAssertTrue(result.stdout.contains("Long step"), result.stdout)
    XCTAssertTrue(result.stdout.contains("✗ error[RB0304]"), result.stdout)
  }
}
