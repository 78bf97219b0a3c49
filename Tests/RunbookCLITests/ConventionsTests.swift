// The command line as people used to ruff, eslint and shellcheck type it: help for every
// command, `--opt=value`, `--color` with NO_COLOR, FORCE_COLOR and TERM=dumb, "did you mean"
// for commands and options, `--` everywhere, completions and the man page made from the help.
import XCTest

final class ConventionsTests: XCTestCase {
  func testEveryCommandHasItsOwnHelp() throws {
    for command in ["check", "build", "plan", "fmt", "lsp", "explain", "completions", "man"] {
      let viaFlag = try runTool([command, "--help"])
      XCTAssertEqual(viaFlag.status, 0, command)
      XCTAssertTrue(viaFlag.stdout.hasPrefix("usage: runbook \(command)"), viaFlag.stdout)
      let viaHelp = try runTool(["help", command])
      XCTAssertEqual(viaHelp.stdout, viaFlag.stdout, command)
    }
    XCTAssertTrue(try runTool(["check", "--help"]).stdout.contains("--srcroot DIR"))
    XCTAssertTrue(try runTool(["run", "--help"]).stdout.contains("sign STEP --as ROLE"))
    XCTAssertEqual(try runTool(["help", "chek"]).status, 2)
  }

  func testMisspeltCommandsAndOptionsGetASuggestion() throws {
    let command = try runTool(["chek", "x"])
    XCTAssertEqual(command.status, 2)
    XCTAssertTrue(command.stderr.contains("did you mean 'check'?"), command.stderr)
    let option = try runTool(["check", "--fromat", "json", "x.runbook"])
    XCTAssertEqual(option.status, 2)
    XCTAssertTrue(option.stderr.contains("did you mean '--format'?"), option.stderr)
  }

  func testOptionEqualsValueAndDoubleDash() throws {
    let folder = try temporaryFolder()
    try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("Examples/cips-update.runbook"), to: folder.appendingPathComponent("-odd.runbook"))
    let result = try runTool(["check", "--format=json", "--", "-odd.runbook"], in: folder)
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertEqual(result.stdout, "[]\n")
    XCTAssertEqual(try runTool(["explain", "--", "RB0102"]).status, 0)
    let plan = try runTool(["plan", "--format=json", "--anchor-at=2026-12-05 22:00 Europe/Berlin", "--", "-odd.runbook"], in: folder)
    XCTAssertEqual(plan.status, 0, plan.stderr)
    // Text given as a value is never split, even when it looks like `--option=value`.
    let run = try FileManager.default.temporaryDirectory.appendingPathComponent("runbook-conv-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("Examples/cips-update.runbook"), to: run.appendingPathComponent("c.runbook"))
    XCTAssertEqual(try runTool(["run", "start", "c.runbook", "--by=Ana Ruiz"], in: run).status, 0)
    XCTAssertEqual(try runTool(["run", "sign", "schedule", "--as=fusion", "--by", "Ana Ruiz", "--value=date=2026-12-05", "--note", "--keep=this"], in: run).status, 0)
    let journal = try String(contentsOf: run.appendingPathComponent("c.journal"), encoding: .utf8)
    XCTAssertTrue(journal.contains("\"by\":\"Ana Ruiz\"") && journal.contains("\"values\":{\"date\":\"2026-12-05\"}") && journal.contains("\"note\":\"--keep=this\""), journal)
  }

  func testColorFollowsTheConventions() throws {
    let folder = try temporaryFolder()
    try "runbook \"R\" {\n  stgae s \"S\" {\n  }\n}\n".write(to: folder.appendingPathComponent("r.runbook"), atomically: true, encoding: .utf8)
    let escape = "\u{1B}["
    XCTAssertTrue(try runTool(["check", "--color=always", "r.runbook"], in: folder).stdout.contains(escape))
    XCTAssertFalse(try runTool(["check", "r.runbook"], in: folder).stdout.contains(escape), "not a terminal")
    XCTAssertTrue(try runTool(["check", "r.runbook"], environment: ["FORCE_COLOR": "1", "NO_COLOR": ""], in: folder).stdout.contains(escape))
    XCTAssertFalse(try runTool(["check", "r.runbook"], environment: ["FORCE_COLOR": "1", "NO_COLOR": "1"], in: folder).stdout.contains(escape))
    XCTAssertFalse(try runTool(["check", "--color", "never", "r.runbook"], environment: ["FORCE_COLOR": "1", "NO_COLOR": ""], in: folder).stdout.contains(escape))
    XCTAssertEqual(try runTool(["check", "--color=sometimes", "r.runbook"], in: folder).status, 2)
  }

  func testCompletionsAndTheManPageComeFromTheHelp() throws {
    for shell in ["bash", "zsh", "fish"] {
      let script = try runTool(["completions", shell])
      XCTAssertEqual(script.status, 0)
      XCTAssertTrue(script.stdout.contains("--srcroot") || script.stdout.contains("-l srcroot"), shell)
      XCTAssertTrue(script.stdout.contains("check"), shell)
    }
    // The bash script is valid bash, and completes the options of `check`.
    let bash = try runTool(["completions", "bash"]).stdout
    let probe = try runProcess(URL(fileURLWithPath: "/bin/bash"), ["-c", bash + "\nCOMP_WORDS=(runbook check --fo); COMP_CWORD=2; _runbook; printf '%s\\n' \"${COMPREPLY[@]}\""])
    XCTAssertEqual((probe.stdout + probe.stderr).trimmingCharacters(in: .whitespacesAndNewlines), "--format")
    let manual = try runTool(["man"])
    XCTAssertTrue(manual.stdout.hasPrefix(".TH RUNBOOK 1"))
    for command in ["check", "build", "plan", "fmt", "run", "lsp", "explain"] {
      XCTAssertTrue(manual.stdout.contains(".SS \(command)"), command)
    }
    XCTAssertTrue(manual.stdout.contains("\\-\\-srcroot"))
    let man = try runProcess(envURL, ["sh", "-c", "command -v groff >/dev/null && groff -man -Tutf8 -ww -z 2>&1 || true"], stdin: Data(manual.stdout.utf8))
    XCTAssertEqual((man.stdout + man.stderr).trimmingCharacters(in: .whitespacesAndNewlines), "", "groff warns about the man page")
  }
}
