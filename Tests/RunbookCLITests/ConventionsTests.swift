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
    XCTAssertEqual(try complete(bash, "runbook check --fo"), "--format")
    XCTAssertEqual(try complete(bash, "runbook run si"), "sign")
    XCTAssertEqual(try complete(bash, "runbook help ex"), "explain")
    XCTAssertEqual(try complete(bash, "runbook explain RB010"), (1...9).map { "RB010\($0)" }.joined(separator: "\n"))
    let manual = try runTool(["man"])
    XCTAssertTrue(manual.stdout.hasPrefix(".TH RUNBOOK 1"))
    for command in ["check", "build", "plan", "fmt", "run", "lsp", "explain"] {
      XCTAssertTrue(manual.stdout.contains(".SS \(command)"), command)
    }
    XCTAssertTrue(manual.stdout.contains("\\-\\-srcroot"))
    let man = try runProcess(envURL, ["sh", "-c", "command -v groff >/dev/null && groff -man -Tutf8 -ww -z 2>&1 || true"], stdin: Data(manual.stdout.utf8))
    XCTAssertEqual((man.stdout + man.stderr).trimmingCharacters(in: .whitespacesAndNewlines), "", "groff warns about the man page")
  }

  /// What bash's completion function offers for a command line (the last word being completed).
  private func complete(_ script: String, _ line: String) throws -> String {
    let words = line.split(separator: " ").map { "'\($0)'" }
    let probe = try runProcess(URL(fileURLWithPath: "/bin/bash"), ["-c", script + "\nCOMP_WORDS=(\(words.joined(separator: " "))); COMP_CWORD=\(words.count - 1); _runbook; printf '%s\\n' \"${COMPREPLY[@]}\""])
    return (probe.stdout + probe.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// fish's own completion engine (`complete -C`) on the generated script.
  func testFishCompletesCommandsOptionsAndSubcommands() throws {
    try requireProgram(["fish", "--version"], missing: "fish is not installed")
    let folder = try temporaryFolder()
    let script = folder.appendingPathComponent("runbook.fish")
    try runTool(["completions", "fish"]).stdout.write(to: script, atomically: true, encoding: .utf8)
    func complete(_ line: String) throws -> [String] {
      let result = try runProcess(envURL, ["fish", "--no-config", "-c", "source \(script.path); complete -C '\(line)'"], in: folder)
      XCTAssertEqual(result.stderr, "", line)
      return result.stdout.split(separator: "\n").map { String($0.split(separator: "\t").first ?? "") }
    }
    XCTAssertEqual(try complete("runbook chec"), ["check"])
    XCTAssertEqual(try complete("runbook check --fo"), ["--format"])
    XCTAssertEqual(try complete("runbook build x.runbook --an"), ["--anchor-at"])
    XCTAssertEqual(try complete("runbook run s"), ["sign", "start", "status"])
    XCTAssertEqual(try complete("runbook run sign x --o").sorted(), ["--out-of-order", "--output"])
    XCTAssertEqual(try complete("runbook explain RB010").count, 9)
  }

  /// zsh's completion system, loaded with compinit in an interactive zsh on a pseudo-terminal
  /// (zsh/zpty), with Tab typed after a partial command line: what the line then shows.
  func testZshCompletesInAnInteractiveShell() throws {
    try requireProgram(["zsh", "--version"], missing: "zsh is not installed")
    let folder = try temporaryFolder()
    let functions = folder.appendingPathComponent("functions")
    try FileManager.default.createDirectory(at: functions, withIntermediateDirectories: true)
    try runTool(["completions", "zsh"]).stdout.write(to: functions.appendingPathComponent("_runbook"), atomically: true, encoding: .utf8)
    try "".write(to: folder.appendingPathComponent("upgrade.runbook"), atomically: true, encoding: .utf8)
    let driver = """
      zmodload zsh/zpty
      zpty -b z zsh -f -i
      zpty -w z "fpath=($1 \\$fpath); autoload -Uz compinit; compinit -u -D; PROMPT='%% '; setopt nobeep"
      zpty -w -n z "$2"$'\\t'
      sleep 1
      zpty -w -n z $'\\t'
      sleep 1
      out=""
      while zpty -r -t z chunk; do out+=$chunk; done
      print -r -- "$out"
      zpty -d z
      """
    func screen(_ line: String) throws -> String {
      let result = try runProcess(envURL, ["timeout", "30", "zsh", "-f", "-c", driver, "driver", functions.path, line], in: folder)
      // Terminal control sequences removed, so that only the text shown is left.
      return result.stdout.replacingOccurrences(of: "\u{1B}\\[[0-9;?]*[A-Za-z]", with: "", options: .regularExpression)
    }
    XCTAssertTrue(try screen("runbook check --fo").contains("runbook check --format"))
    XCTAssertTrue(try screen("runbook chec").contains("runbook check"))
    let run = try screen("runbook run s")
    XCTAssertTrue(run.contains("sign") && run.contains("start") && run.contains("status"), run)
    XCTAssertTrue(try screen("runbook check upg").contains("runbook check upgrade.runbook"))
  }
}
