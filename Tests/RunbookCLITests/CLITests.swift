// End-to-end tests of the `runbook` executable through its real command line: arguments, exit
// statuses, standard output and standard error.
import XCTest

/// Runs the built `runbook` executable (with NO_COLOR set, unless the environment says otherwise).
func runTool(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:], in directory: URL? = nil)
  throws -> (status: Int32, stdout: String, stderr: String)
{
  try runProcess(toolURL, arguments, stdin: stdin, environment: ["NO_COLOR": "1"].merging(environment) { $1 }, in: directory)
}

/// Runs a program with its standard input given, its environment extended, and its output read:
/// the one way the tests start programs (the tool, Python with its client libraries, a shell).
func runProcess(_ executable: URL, _ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:], in directory: URL? = nil)
  throws -> (status: Int32, stdout: String, stderr: String)
{
  let process = Process()
  process.executableURL = executable
  process.arguments = arguments
  var env = ProcessInfo.processInfo.environment
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

/// `python3` (or any program) through `/usr/bin/env`.
let envURL = URL(fileURLWithPath: "/usr/bin/env")

/// Skips the test when a program it needs does not run (`["zsh", "--version"]`), or fails it
/// when RUNBOOK_REQUIRE_TOOLS=1 (as in CI, which installs them).
func requireProgram(_ probe: [String], missing: String) throws {
  guard try runProcess(envURL, probe).status != 0 else { return }
  if ProcessInfo.processInfo.environment["RUNBOOK_REQUIRE_TOOLS"] == "1" { XCTFail(missing) }
  throw XCTSkip(missing)
}

/// Skips the test when Python lacks a module it needs (`"pygls, lsprotocol"`), as above.
func requirePython(_ modules: String) throws {
  try requireProgram(["python3", "-c", "import \(modules)"], missing: "Python lacks \(modules)")
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

/// Validates JSON documents against a JSON Schema with Python's `jsonschema` (the draft the
/// schema names); skips when it is not installed, unless RUNBOOK_REQUIRE_TOOLS=1.
func validateJSON(_ documents: [String], schema: URL, file: StaticString = #filePath, line: UInt = #line) throws {
  let script = """
    import json, sys, jsonschema
    schema = json.load(open(sys.argv[1]))
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    for document in sys.stdin.read().split("\\u0000"):
        validator(schema).validate(json.loads(document))
    """
  try requirePython("jsonschema")
  let check = try runProcess(envURL, ["python3", "-c", script, schema.path], stdin: Data(documents.joined(separator: "\u{0}").utf8))
  XCTAssertEqual(check.status, 0, check.stderr, file: file, line: line)
}

/// The official SARIF 2.1.0 schema, in the project's shared folder beside the repository (or
/// above it); the test is skipped without it, unless RUNBOOK_REQUIRE_TOOLS=1.
func sarifSchema() throws -> URL {
  var parent = repositoryRoot
  var schema = parent.appendingPathComponent("shared/schemas/sarif-schema-2.1.0.json")
  while !FileManager.default.fileExists(atPath: schema.path) && parent.path != "/" {
    parent = parent.deletingLastPathComponent()
    schema = parent.appendingPathComponent("shared/schemas/sarif-schema-2.1.0.json")
  }
  guard FileManager.default.fileExists(atPath: schema.path) else {
    if ProcessInfo.processInfo.environment["RUNBOOK_REQUIRE_TOOLS"] == "1" { XCTFail("missing \(schema.path)") }
    throw XCTSkip("the SARIF schema is not beside the repository")
  }
  return schema
}

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

  func testAFolderWithoutRunbooksIsNothingToCheck() throws {
    // As ruff does: nothing to check is said, and is not a failure; a missing path is.
    let folder = try temporaryFolder()
    let result = try runTool(["check", folder.path])
    XCTAssertEqual(result.status, 0)
    XCTAssertTrue(result.stdout.contains("no *.runbook files found") && result.stdout.contains("nothing to check"), result.stdout)
    XCTAssertEqual(try runTool(["check", folder.appendingPathComponent("missing").path]).status, 2)
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
    XCTAssertTrue(json.stdout.contains("\"schema\": \"runbook-plan/2\""))
    let built = try runTool(["build", example, "--to", "plan"])
    XCTAssertEqual(built.stdout, json.stdout)
    let mermaid = try runTool(["build", example, "--to", "mermaid"])
    XCTAssertTrue(mermaid.stdout.hasPrefix("gantt\n"))
  }

  /// `--anchor-at` gives T its date (or replaces the runbook's `at`); a bad one is a usage error.
  func testAnchorAtGivesClockTimes() throws {
    let example = repositoryRoot.appendingPathComponent("Examples/clinspark-upgrade.runbook").path
    let text = try runTool(["plan", example, "--anchor-at", "2026-12-05 22:00 Europe/Berlin"])
    XCTAssertEqual(text.status, 0, text.stderr)
    XCTAssertTrue(text.stdout.contains("Time zero T: Start of the actual upgrade of Prod MAIN, Sat 5 Dec 2026 22:00 Europe/Berlin (UTC+01:00)"), text.stdout)
    XCTAssertTrue(text.stdout.contains("Start       Clock            Finish"), text.stdout)
    let chart = try runTool(["build", example, "--to", "mermaid", "--anchor-at", "2026-12-05T22:00+01:00"])
    XCTAssertEqual(chart.status, 0, chart.stderr)
    XCTAssertTrue(chart.stdout.contains("dateFormat YYYY-MM-DD HH:mm"), chart.stdout)
    let bad = try runTool(["plan", example, "--anchor-at", "2026-03-29 02:30 Europe/Berlin"])
    XCTAssertEqual(bad.status, 2)
    XCTAssertTrue(bad.stderr.contains("--anchor-at: 2026-03-29 02:30 does not exist in Europe/Berlin"), bad.stderr)
    XCTAssertTrue(bad.stderr.contains("help: choose a time that exists, such as 03:00"), bad.stderr)
    XCTAssertEqual(try runTool(["plan", example, "--anchor-at"]).status, 2)
  }

  /// Arguments echoed in messages never carry a raw escape sequence or bell to the terminal.
  func testMessagesShowControlCharactersVisibly() throws {
    for arguments in [["che\u{1B}[31mck"], ["explain", "\u{07}RB01"], ["check", "--format", "\u{1B}]0;x\u{07}", "."], ["fmt", "--\u{1B}x"]] {
      let result = try runTool(arguments)
      XCTAssertEqual(result.status, 2, "\(arguments)")
      XCTAssertFalse(result.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, result.stderr)
      XCTAssertTrue(result.stderr.contains("<U+001B>") || result.stderr.contains("<U+0007>"), result.stderr)
    }
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

/// A runbook with one error and one warning whose messages quote hostile text.
private let hostileRunbook = """
  runbook "Formats" {
    role customer "Customer"
    role unused_role "Unused"
    stage s "S" owner customer {
      step "x" owner cust, tom
    }
  }

  """

final class CheckFormatTests: XCTestCase {
  private func fileWith(_ text: String, name: String = "formats.runbook") throws -> (folder: URL, file: URL) {
    let folder = try temporaryFolder()
    let file = folder.appendingPathComponent(name)
    try Data(text.utf8).write(to: file)
    return (folder, file)
  }

  func testJSONFormatIsADocumentedArray() throws {
    let (folder, _) = try fileWith(hostileRunbook)
    let result = try runTool(["check", "--format", "json", "formats.runbook"], in: folder)
    XCTAssertEqual(result.status, 1)
    XCTAssertTrue(result.stderr.contains("checked 1 file, 3 errors, 1 warning"), result.stderr)
    let array = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
    XCTAssertEqual(array.count, 4)
    let first = array[0]
    XCTAssertEqual(first["path"] as? String, "formats.runbook")
    XCTAssertEqual(Set(first.keys), ["path", "severity", "code", "message", "range", "notes", "help", "fix"])
    let range = try XCTUnwrap(first["range"] as? [String: [String: Int]])
    XCTAssertEqual(range["start"]?["line"], 3)
    XCTAssertEqual(range["start"]?["column"], 8)
    XCTAssertEqual(range["start"]?["offset"], 54)
  }

  func testGitHubFormatEscapesMessagesAndProperties() throws {
    let (folder, _) = try fileWith(hostileRunbook, name: "a,b:c%.runbook")
    let result = try runTool(["check", "--format", "github", "."], in: folder)
    XCTAssertEqual(result.status, 1)
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
    XCTAssertEqual(lines.count, 4)
    for line in lines {
      XCTAssertTrue(line.hasPrefix("::error file=") || line.hasPrefix("::warning file="), String(line))
      XCTAssertTrue(line.contains("file=a%2Cb%3Ac%25.runbook,line="), String(line))
      // Exactly one `::` separates the parameters from the message.
      let afterCommand = line.dropFirst(2)
      XCTAssertEqual(afterCommand.components(separatedBy: "::").count, 2, String(line))
    }
    XCTAssertTrue(result.stdout.contains("::warning file=a%2Cb%3Ac%25.runbook,line=3,col=8,endLine=3,endColumn=19,title=RB0404 role never used::"), result.stdout)
    XCTAssertTrue(result.stdout.contains("%0Ahelp: "), result.stdout)
  }

  func testSARIFValidatesAgainstTheOfficialSchema() throws {
    let schema = try sarifSchema()
    let (folder, _) = try fileWith(hostileRunbook)
    let result = try runTool(["check", "--format", "sarif", "formats.runbook"], in: folder)
    XCTAssertEqual(result.status, 1)
    let log = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    XCTAssertEqual(log["version"] as? String, "2.1.0")
    let run = try XCTUnwrap((log["runs"] as? [[String: Any]])?.first)
    XCTAssertEqual(run["columnKind"] as? String, "unicodeCodePoints")
    let results = try XCTUnwrap(run["results"] as? [[String: Any]])
    XCTAssertEqual(results.count, 4)
    try validateJSON([result.stdout], schema: schema)
  }

  func testQuietAndStdinFilename() throws {
    let result = try runTool(["check", "--quiet", "--stdin-filename", "pipe.runbook", "-"], stdin: Data(hostileRunbook.utf8))
    XCTAssertEqual(result.status, 1)
    XCTAssertFalse(result.stdout.contains("warning["), result.stdout)
    XCTAssertTrue(result.stdout.contains("pipe.runbook:5:20: error[RB0202]"), result.stdout)
  }

  func testSuppressionsThroughTheTool() throws {
    let used = "runbook \"R\" {\n  role a \"A\"\n  # runbook:ignore RB0404 kept for contacts\n  role b \"B\"\n  stage s \"S\" owner a {\n    step \"x\"\n  }\n}\n"
    let usedResult = try runTool(["check", "-"], stdin: Data(used.utf8))
    XCTAssertEqual(usedResult.status, 0)
    XCTAssertTrue(usedResult.stdout.hasSuffix("checked 1 file, 0 errors, 0 warnings\n"), usedResult.stdout)
    let unused = used.replacingOccurrences(of: "role b \"B\"", with: "role b \"B\" name \"x\"\n  signoff \"s\" by b")
    let unusedResult = try runTool(["check", "--werror", "-"], stdin: Data(unused.utf8))
    XCTAssertEqual(unusedResult.status, 1)
    XCTAssertTrue(unusedResult.stdout.contains("error[RB0801]"), unusedResult.stdout)
    let unknown = used.replacingOccurrences(of: "RB0404", with: "RB4404")
    let unknownResult = try runTool(["check", "-"], stdin: Data(unknown.utf8))
    XCTAssertTrue(unknownResult.stdout.contains("warning[RB0802]"), unknownResult.stdout)
    XCTAssertTrue(unknownResult.stdout.contains("warning[RB0404]"), unknownResult.stdout)
  }

  func testManyFilesInOneRunAndAnUnreadableOne() throws {
    let folder = try temporaryFolder()
    for index in 0..<1000 {
      let text = index == 500 ? "runbook \"R\" {\n  stgae\n}\n" : "runbook \"R\(index)\" {\n  role a \"A\"\n  stage s \"S\" owner a {\n    step \"x\"\n  }\n}\n"
      try Data(text.utf8).write(to: folder.appendingPathComponent(String(format: "r%04d.runbook", index)))
    }
    let locked = folder.appendingPathComponent("r9999.runbook")
    try Data("runbook \"R\" {\n}\n".utf8).write(to: locked)
    try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: locked.path)
    defer { try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: locked.path) }
    let result = try runTool(["check", folder.path])
    if getuid() == 0 {
      // root reads any file, so the unreadable one is read like the others.
      XCTAssertEqual(result.status, 1)
      XCTAssertTrue(result.stdout.hasSuffix("checked 1001 files, 1 error, 0 warnings\n"), String(result.stdout.suffix(200)))
    } else {
      XCTAssertEqual(result.status, 2)
      XCTAssertTrue(result.stdout.contains("r9999.runbook: error: cannot open the file"), result.stdout)
      XCTAssertTrue(result.stdout.hasSuffix("checked 1000 files, 1 error, 0 warnings, 1 unreadable\n"), String(result.stdout.suffix(200)))
    }
    XCTAssertTrue(result.stdout.contains("r0500.runbook:2:3: error[RB0102]"), String(result.stdout.prefix(400)))
  }
}

final class FormatCommandTests: XCTestCase {
  func testFormatInPlaceCheckAndStdin() throws {
    let folder = try temporaryFolder()
    let file = folder.appendingPathComponent("messy.runbook")
    let messy = "runbook   \"R\" {\n    role a \"A\"   # the only role\n  stage s \"S\" owner a {\n step \"x\"\n  }\n}\n"
    try Data(messy.utf8).write(to: file)
    let check = try runTool(["fmt", "--check", folder.path])
    XCTAssertEqual(check.status, 1)
    XCTAssertTrue(check.stdout.contains("messy.runbook"), check.stdout)
    XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), messy, "--check must not change files")
    let fix = try runTool(["fmt", file.path])
    XCTAssertEqual(fix.status, 0, fix.stderr)
    let formatted = try String(contentsOf: file, encoding: .utf8)
    XCTAssertEqual(formatted, "runbook \"R\" {\n  role a \"A\"  # the only role\n\n  stage s \"S\" owner a {\n    step \"x\"\n  }\n}\n")
    XCTAssertEqual(try runTool(["fmt", "--check", file.path]).status, 0)
    let piped = try runTool(["fmt", "-"], stdin: Data(messy.utf8))
    XCTAssertEqual(piped.stdout, formatted)
  }

  func testAFileWithSyntaxErrorsIsNotTouched() throws {
    let folder = try temporaryFolder()
    let file = folder.appendingPathComponent("broken.runbook")
    let broken = "runbook   \"R\" {\n  stgae s \"S\" {\n  }\n}\n"
    try Data(broken.utf8).write(to: file)
    let result = try runTool(["fmt", file.path])
    XCTAssertEqual(result.status, 1)
    XCTAssertTrue(result.stderr.contains("error[RB0102]"), result.stderr)
    XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), broken)
  }

  func testTheExamplesAreFormatted() throws {
    let result = try runTool(["fmt", "--check", "Examples"], in: repositoryRoot)
    XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
  }
}
