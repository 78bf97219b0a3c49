// Whole runs of the example runbooks through the real executable: the ClinSpark upgrade through
// its go decision and again through a no-go and the rollback, the CIPS checklist with its
// two-party initials, every refusal (each leaves the journal byte for byte as it was), tampering
// found by `verify`, writers killed at random moments, and two writers at once.
import XCTest

#if canImport(Glibc)
  import Glibc
#endif

/// A run in a temporary folder, with the test clock set for each command.
final class RunFixture {
  let folder: URL
  let journal: URL
  var now = "2026-12-05T18:00:00Z"

  init(example: String) throws {
    folder = try temporaryFolder()
    try FileManager.default.copyItem(
      at: repositoryRoot.appendingPathComponent("Examples/\(example).runbook"), to: folder.appendingPathComponent("\(example).runbook"))
    journal = folder.appendingPathComponent("\(example).journal")
  }

  @discardableResult
  func run(_ arguments: [String], at time: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
    if let time { now = time }
    return try runTool(["run"] + arguments, environment: ["RUNBOOK_NOW": now, "TZ": "UTC"], in: folder)
  }

  /// Runs a command that must be recorded.
  func ok(_ arguments: [String], at time: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
    let result = try run(arguments, at: time)
    XCTAssertEqual(result.status, 0, "\(arguments): \(result.stderr)", file: file, line: line)
  }

  /// Runs a command that must be refused with `message` in its explanation, and checks that the
  /// journal did not change.
  func refused(_ arguments: [String], _ message: String, at time: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
    let before = try Data(contentsOf: journal)
    let result = try run(arguments, at: time)
    XCTAssertEqual(result.status, 1, "\(arguments) should be refused: \(result.stdout)", file: file, line: line)
    XCTAssertTrue(result.stderr.contains(message), "\(arguments): expected \"\(message)\" in:\n\(result.stderr)", file: file, line: line)
    XCTAssertTrue(result.stderr.contains("nothing was recorded"), file: file, line: line)
    XCTAssertEqual(try Data(contentsOf: journal), before, "a refusal changed the journal", file: file, line: line)
  }

  func lines() throws -> [String] {
    try String(decoding: Data(contentsOf: journal), as: UTF8.self).split(separator: "\n").map(String.init)
  }
}

final class RunTests: XCTestCase {
  /// ClinSpark's preparation, validation and prep for the upgrade: steps 1 to 16.
  private func prepareClinSpark(_ run: RunFixture) throws {
    let preparation: [(String, String, String)] = [
      ("release_notes", "customer", "Cas Ng"), ("intent", "customer", "Cas Ng"), ("special_attention", "iqvia_pm", "Ida Lund"),
      ("request_val", "iqvia_pm", "Ida Lund"), ("upgrade_ticket", "customer", "Cas Ng"), ("provide_val", "engineer", "Eli Moss"),
      ("val_access", "iqvia_pm", "Ida Lund"), ("validation_scope", "customer", "Cas Ng"), ("test_new", "customer", "Cas Ng"),
      ("raise_tickets", "customer", "Cas Ng"),
    ]
    for (step, role, name) in preparation { try run.ok(["sign", step, "--as", role, "--by", name]) }
    try run.ok(["deviate", "config_issues", "--skip", "--as", "support", "--by", "Sue Park", "--reason", "No configuration issues arose"])
    try run.ok(["sign", "validation_done", "--as", "customer", "--by", "Cas Ng"])
    try run.ok(["sign", "initiate", "--as", "customer", "--by", "Cas Ng", "--value", "FHSD ticket number=FHSD-4711", "--value", "preferred_time_slot=Sat 5 Dec, 22:00"])
    for role in [("iqvia_pm", "Ida Lund"), ("engineer", "Eli Moss"), ("specialist", "Sol Reyes")] {
      try run.ok(["sign", "align", "--as", role.0, "--by", role.1])
    }
    try run.ok(["sign", "infrastructure", "--as", "engineer", "--by", "Eli Moss"])
    try run.ok(["sign", "schedule_slot", "--as", "iqvia_pm", "--by", "Ida Lund"])
  }

  /// ClinSpark up to the go/no-go decision: preparation, validation, prep and the day itself.
  private func clinSparkToTheGate() throws -> RunFixture {
    let run = try RunFixture(example: "clinspark-upgrade")
    try run.ok(["start", "clinspark-upgrade.runbook", "--by", "Pat Kim"], at: "2026-09-01T08:00:00Z")
    try prepareClinSpark(run)
    try run.ok(["anchor", "2026-12-05 22:00 Europe/Berlin", "--by", "Pat Kim"], at: "2026-12-05T17:00:00Z")
    try run.ok(["sign", "quiesce", "--as", "customer", "--by", "Cas Ng"], at: "2026-12-05T17:30:00Z")
    try run.ok(["deviate", "data_updates", "--skip", "--as", "customer", "--by", "Cas Ng", "--reason", "One version only"])
    try run.ok(["sign", "proceed", "--as", "customer", "--by", "Cas Ng"])
    try run.ok(["sign", "backup", "--as", "engineer", "--by", "Eli Moss"], at: "2026-12-05T19:00:00Z")
    try run.ok(["sign", "upgrade_main", "--as", "engineer", "--by", "Eli Moss"], at: "2026-12-05T21:05:00Z")
    try run.ok(["sign", "main_upgraded", "--as", "engineer", "--by", "Eli Moss"], at: "2026-12-05T23:00:00Z")
    try run.ok(["sign", "final_qc_main", "--as", "customer", "--by", "Cas Ng"], at: "2026-12-06T02:30:00Z")
    return run
  }

  func testClinSparkThroughTheGoDecision() throws {
    let run = try clinSparkToTheGate()
    let status = try run.run(["status"])
    XCTAssertEqual(status.status, 0)
    XCTAssertTrue(status.stdout.contains("Open gate:"), status.stdout)
    XCTAssertTrue(status.stdout.contains("latest no-go: T+11h (Sun 6 Dec 09:00), so that the rollback (up to 1h) finishes by T+12h"), status.stdout)
    XCTAssertTrue(status.stdout.contains("Customer  24 `go_no_go`"), status.stdout)
    try run.ok(["decide", "go_no_go", "go", "--as", "customer", "--by", "Cas Ng", "--reason", "QC of all configuration items passed"], at: "2026-12-06T02:40:00Z")
    try run.ok(["sign", "upgrade_test", "--as", "engineer", "--by", "Eli Moss"])
    try run.ok(["sign", "test_upgraded", "--as", "engineer", "--by", "Eli Moss"], at: "2026-12-06T04:00:00Z")
    try run.ok(["sign", "final_qc_test", "--as", "customer", "--by", "Cas Ng"], at: "2026-12-06T06:00:00Z")
    let last = try run.run(["sign", "close", "--as", "customer", "--by", "Cas Ng"])
    XCTAssertEqual(last.status, 0, last.stderr)
    XCTAssertTrue(last.stdout.contains("the run is finished: every step is done"), last.stdout)
    try run.refused(["note", "one more thing", "--by", "Cas Ng"], "the run is finished")
    let verify = try run.run(["verify"])
    XCTAssertEqual(verify.status, 0, verify.stderr)
    XCTAssertTrue(verify.stdout.contains("ok: \(try run.lines().count) entries, hash chain intact"), verify.stdout)
    // The rollback never ran: the report says so, and holds every signature.
    let report = try run.run(["report", "--to", "json"])
    let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
    XCTAssertEqual(json["outcome"] as? String, "completed")
    let work = try XCTUnwrap(json["work"] as? [[String: Any]])
    XCTAssertEqual(work.first { $0["id"] as? String == "reinstall" }?["state"] as? String, "closed")
    XCTAssertEqual(work.first { $0["id"] as? String == "go_no_go" }?["decision"] as? String, "go")
    XCTAssertEqual(work.first { $0["id"] as? String == "config_issues" }?["state"] as? String, "skipped")
    let markdown = try run.run(["report", "--to", "markdown"]).stdout
    XCTAssertTrue(markdown.contains("FHSD-4711"))
    XCTAssertTrue(markdown.contains("go by Cas Ng (Customer)"), markdown)
  }

  func testClinSparkThroughNoGoAndTheRollback() throws {
    let run = try clinSparkToTheGate()
    try run.refused(["sign", "reinstall", "--as", "engineer", "--by", "Eli Moss"], "belongs to the rollback `revert`, which runs only after a no-go at gate 24")
    try run.ok(["decide", "go_no_go", "no_go", "--as", "customer", "--by", "Cas Ng", "--reason", "Report exports broken"], at: "2026-12-06T02:40:00Z")
    try run.refused(["sign", "upgrade_test", "--as", "engineer", "--by", "Eli Moss"], "will not happen: gate 24 `go_no_go` (Go / No-Go decision) was decided no-go")
    let status = try run.run(["status"]).stdout
    XCTAssertTrue(status.contains("29  `reinstall`"), status)
    let done = try run.run(["sign", "reinstall", "--as", "engineer", "--by", "Eli Moss"], at: "2026-12-06T03:30:00Z")
    XCTAssertTrue(done.stdout.contains("the run is finished: rolled back: `revert` is done"), done.stdout)
    XCTAssertEqual(try run.run(["verify"]).status, 0)
    let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try run.run(["report", "--to", "json"]).stdout.utf8)) as? [String: Any])
    XCTAssertEqual(json["outcome"] as? String, "rolled_back")
    XCTAssertEqual((json["work"] as? [[String: Any]])?.first { $0["id"] as? String == "upgrade_test" }?["state"] as? String, "closed")
    // Both the journal's lines and the JSON report hold to their schemas, by a real validator.
    try validateJSON(try run.lines(), schema: repositoryRoot.appendingPathComponent("Grammar/journal.schema.json"))
    try validateJSON([try run.run(["report", "--to", "json"]).stdout], schema: repositoryRoot.appendingPathComponent("Grammar/run-report.schema.json"))
  }

  func testCIPSWithTwoPartyInitials() throws {
    let run = try RunFixture(example: "cips-update")
    try run.ok(["start", "cips-update.runbook", "--by", "Ana Ruiz"], at: "2026-12-05T18:00:00Z")
    try run.ok(["sign", "schedule", "--as", "fusion", "--by", "Ana Ruiz", "--value", "date=2026-12-05"])
    var status = try run.run(["status"]).stdout
    XCTAssertTrue(status.contains("owed by Client"), status)
    try run.refused(["sign", "schedule", "--as", "client", "--by", "ana  ruiz"], "each role's initials must be a different person's")
    try run.refused(["sign", "schedule", "--as", "client", "--by", "Bo Li"], "add --value time=")
    try run.refused(["sign", "schedule", "--as", "client", "--by", "Bo Li", "--value", "time=25:00"], "is not a time on a 24-hour clock")
    try run.ok(["sign", "schedule", "--as", "client", "--by", "Bo Li", "--value", "time=22:00"])
    for (step, roles) in [
      ("build_allowed", ["fusion"]), ("users_notified", ["client"]), ("backup", ["fusion", "client"]), ("staged", ["fusion"]),
      ("workflows_saved", ["client"]), ("access", ["fusion", "client"]), ("logged_out", ["fusion", "client"]),
      ("services_stopped", ["fusion"]), ("installers", ["fusion"]),
    ] {
      for role in roles { try run.ok(["sign", step, "--as", role, "--by", role == "fusion" ? "Ana Ruiz" : "Bo Li"]) }
    }
    try run.ok(["deviate", "database_upgrade", "--skip", "--as", "fusion", "--by", "Ana Ruiz", "--reason", "No schema change in this release"])
    for (step, roles) in [
      ("version_confirmed", ["fusion"]), ("basic_tests", ["fusion", "client"]), ("services_restarted", ["fusion"]),
      ("workflows_tested", ["client"]), ("integrations", ["client"]), ("back_online", ["client"]), ("documented", ["fusion"]),
    ] {
      for role in roles { try run.ok(["sign", step, "--as", role, "--by", role == "fusion" ? "Ana Ruiz" : "Bo Li"]) }
    }
    try run.refused(["sign", "issues", "--as", "client", "--by", "Bo Li", "--value", "issues=yes"], "--value if_yes_briefly_describe=")
    try run.ok(["sign", "issues", "--as", "client", "--by", "Bo Li", "--value", "issues=yes", "--value", "if_yes=Ward 3 printer queue restarted"])
    try run.refused(["sign", "issues", "--as", "fusion", "--by", "Ana Ruiz"], "is already done")
    try run.ok(["sign", "team_lead", "--as", "fusion", "--by", "Fay Lead"])
    try run.ok(["sign", "client_rep", "--as", "client", "--by", "Cy Rep"])
    status = try run.run(["status"]).stdout
    XCTAssertTrue(status.contains("finished: every step is done"), status)
    let markdown = try run.run(["report", "--to", "markdown"]).stdout
    XCTAssertTrue(markdown.contains("| 4 | Database backup completed | Fusion: Ana Ruiz (performed, Sat 5 Dec 18:00)<br>Client: Bo Li (performed, Sat 5 Dec 18:00) |"), markdown)
    XCTAssertTrue(markdown.contains("if\\_yes\\_briefly\\_describe = Ward 3 printer queue restarted"), markdown)
    XCTAssertTrue(markdown.contains("| Fusion Team Lead | Fusion | Fay Lead | approved |"), markdown)
    let html = try run.run(["report", "--to", "html"]).stdout
    XCTAssertTrue(html.contains("<title>CIPS Update Shared Checklist — run report</title>"))
    XCTAssertTrue(html.contains("Signed in the journal, entry"))
  }

  func testEveryRefusal() throws {
    let run = try clinSparkToTheGate()
    // A role that does not own the step; a role the runbook does not have.
    try run.refused(["decide", "go_no_go", "go", "--as", "engineer", "--by", "Eli Moss", "--reason", "x"], "does not decide gate 24")
    try run.refused(["sign", "upgrade_test", "--as", "custmer", "--by", "Cas Ng"], "did you mean `customer`?")
    // Before its dependencies: the message names what is missing and who owes it.
    try run.refused(["sign", "test_upgraded", "--as", "engineer", "--by", "Eli Moss"], "it waits for step 25 `upgrade_test`")
    try run.refused(["sign", "upgrade_test", "--as", "engineer", "--by", "Eli Moss"], "waits for gate 24 `go_no_go` (Go / No-Go decision), owed by Customer")
    // Signing twice.
    try run.refused(["sign", "backup", "--as", "engineer", "--by", "Eli Moss"], "already initialled by IQVIA Engineer")
    // A decision without its reason is a usage error; a go before the gate's prerequisites (in a
    // fresh run) is refused below.
    XCTAssertEqual(try run.run(["decide", "go_no_go", "go", "--as", "customer", "--by", "Cas Ng"]).status, 2)
    try run.ok(["decide", "go_no_go", "go", "--as", "customer", "--by", "Cas Ng", "--reason", "QC passed"], at: "2026-12-06T02:40:00Z")
    try run.refused(["decide", "go_no_go", "no_go", "--as", "customer", "--by", "Cas Ng", "--reason", "x"], "is already decided: go")
    // The rollback is closed by the go.
    try run.refused(["sign", "reinstall", "--as", "engineer", "--by", "Eli Moss"], "will not happen")
    // The window closes at T+12h (Sun 6 Dec 10:00 in Berlin): late work needs a deviation first.
    try run.ok(["sign", "upgrade_test", "--as", "engineer", "--by", "Eli Moss"], at: "2026-12-06T08:00:00Z")
    try run.refused(["sign", "test_upgraded", "--as", "engineer", "--by", "Eli Moss"], "is late: its window closed at T+12h (Sun 6 Dec 10:00)", at: "2026-12-06T09:30:00Z")
    try run.ok(["deviate", "test_upgraded", "--late", "--as", "engineer", "--by", "Eli Moss", "--reason", "Upgrade of TEST took longer"])
    try run.ok(["sign", "test_upgraded", "--as", "engineer", "--by", "Eli Moss"])
    // The verifier may not be the one who did the work it checks.
    try run.ok(["deviate", "final_qc_test", "--late", "--as", "customer", "--by", "Cas Ng", "--reason", "Follows the late upgrade"])
    try run.refused(["sign", "final_qc_test", "--as", "customer", "--by", "Eli Moss"], "cannot also verify it")
    // --at in the future, or before the run started.
    try run.refused(["note", "x", "--by", "A", "--at", "2027-01-01 10:00 UTC"], "is in the future")
    // A changed runbook: refused until acknowledged, then the run goes on.
    let runbook = run.folder.appendingPathComponent("clinspark-upgrade.runbook")
    try (String(contentsOf: runbook, encoding: .utf8) + "\n# Reviewed on the day.\n").write(to: runbook, atomically: true, encoding: .utf8)
    try run.refused(["sign", "final_qc_test", "--as", "customer", "--by", "Cas Ng"], "changed since the run started")
    try run.ok(["deviate", "--runbook-changed", "--as", "customer", "--by", "Cas Ng", "--reason", "A comment was added; no step changed"])
    try run.ok(["sign", "final_qc_test", "--as", "customer", "--by", "Cas Ng"])
    XCTAssertEqual(try run.run(["verify"]).status, 0)
  }

  func testWindowsAndGatesBeforeTheirTime() throws {
    let run = try RunFixture(example: "clinspark-upgrade")
    try run.ok(["start", "clinspark-upgrade.runbook", "--by", "Pat Kim", "--anchor-at", "2026-12-05 22:00 Europe/Berlin"], at: "2026-12-01T10:00:00Z")
    // An out-of-order deviation lets one step go ahead of its predecessors, and only that one.
    try run.ok(["deviate", "val_access", "--out-of-order", "--as", "iqvia_pm", "--by", "Ida Lund", "--reason", "Access checked early"])
    try run.ok(["sign", "val_access", "--as", "iqvia_pm", "--by", "Ida Lund"])
    try run.refused(["sign", "intent", "--as", "customer", "--by", "Cas Ng"], "cannot be done yet: it waits for step 1 `release_notes`")
    let status = try run.run(["status"]).stdout
    XCTAssertTrue(status.contains("allowed out of order"), status)
    XCTAssertTrue(status.contains("T = Sat 5 Dec 2026 22:00 Europe/Berlin (UTC+01:00) (planned)"), status)
    // A gate before its prerequisites.
    try run.refused(["decide", "go_no_go", "go", "--as", "customer", "--by", "Cas Ng", "--reason", "early"], "cannot be done yet")
    try run.ok(["sign", "release_notes", "--as", "customer", "--by", "Cas Ng"])
    try run.ok(["sign", "intent", "--as", "customer", "--by", "Cas Ng"])
    try run.ok(["deviate", "special_attention", "--skip", "--as", "iqvia_pm", "--by", "Ida Lund", "--reason", "Told in the kick-off"])
    // The day's work may not start before its window opens (T-4h = 18:00 Berlin).
    try run.ok(["deviate", "quiesce", "--late", "--as", "customer", "--by", "Cas Ng", "--reason", "Planning ahead"])
    XCTAssertEqual(try run.run(["sign", "quiesce", "--as", "customer", "--by", "Cas Ng"]).status, 1)
  }

  func testAWindowThatHasNotOpened() throws {
    let run = try RunFixture(example: "clinspark-upgrade")
    try run.ok(["start", "clinspark-upgrade.runbook", "--by", "Pat Kim", "--anchor-at", "2026-12-05 22:00 Europe/Berlin"], at: "2026-12-01T10:00:00Z")
    try prepareClinSpark(run)
    try run.refused(["sign", "quiesce", "--as", "customer", "--by", "Cas Ng"], "before its window opens at T-4h (Sat 5 Dec 18:00)")
    try run.ok(["sign", "quiesce", "--as", "customer", "--by", "Cas Ng"], at: "2026-12-05T17:00:00Z")
    // T was planned at the start; recording it as reached later moves it only while no windowed
    // work depends on it.
    try run.refused(["anchor", "now", "--by", "Pat Kim"], "T cannot move once work was checked against it")
  }

  // MARK: - Tampering

  private func finishedCIPSJournal() throws -> RunFixture {
    let run = try RunFixture(example: "cips-update")
    try run.ok(["start", "cips-update.runbook", "--by", "Ana Ruiz"], at: "2026-12-05T18:00:00Z")
    try run.ok(["sign", "schedule", "--as", "fusion", "--by", "Ana Ruiz", "--value", "date=2026-12-05", "--value", "time=22:00"], at: "2026-12-05T18:01:00Z")
    try run.ok(["sign", "schedule", "--as", "client", "--by", "Bo Li"], at: "2026-12-05T18:02:00Z")
    try run.ok(["sign", "build_allowed", "--as", "fusion", "--by", "Ana Ruiz"], at: "2026-12-05T18:03:00Z")
    try run.ok(["note", "Ward 3 is still busy", "--by", "Bo Li"], at: "2026-12-05T18:04:00Z")
    try run.ok(["sign", "users_notified", "--as", "client", "--by", "Bo Li"], at: "2026-12-05T18:05:00Z")
    return run
  }

  private func verifyFails(_ run: RunFixture, naming text: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let result = try run.run(["verify"])
    XCTAssertEqual(result.status, 1, "verify accepted a tampered journal", file: file, line: line)
    XCTAssertTrue(result.stderr.contains(text), "expected \"\(text)\" in:\n\(result.stderr)", file: file, line: line)
  }

  func testTamperingIsFoundAndNamed() throws {
    let run = try finishedCIPSJournal()
    let original = try Data(contentsOf: run.journal)
    let lines = try run.lines()
    XCTAssertEqual(try run.run(["verify"]).status, 0)
    // A changed byte in every entry, at several places: each named by its entry.
    for (index, line) in lines.enumerated() {
      for position in [2, line.utf8.count / 3, line.utf8.count / 2, line.utf8.count - 10] {
        var bytes = Array(line.utf8)
        bytes[position] = bytes[position] == UInt8(ascii: "a") ? UInt8(ascii: "b") : UInt8(ascii: "a")
        var edited = lines
        edited[index] = String(decoding: bytes, as: UTF8.self)
        try Data((edited.joined(separator: "\n") + "\n").utf8).write(to: run.journal)
        try verifyFails(run, naming: "entry \(index + 1)")
      }
    }
    // An entry deleted.
    var edited = lines
    edited.remove(at: 2)
    try Data((edited.joined(separator: "\n") + "\n").utf8).write(to: run.journal)
    try verifyFails(run, naming: "entry 3 is numbered 4")
    // Two entries swapped.
    edited = lines
    edited.swapAt(3, 4)
    try Data((edited.joined(separator: "\n") + "\n").utf8).write(to: run.journal)
    try verifyFails(run, naming: "entry 4 is numbered 5")
    // Truncated mid-line: the torn entry is named, never counted.
    try original.prefix(original.count - 40).write(to: run.journal)
    try verifyFails(run, naming: "entry \(lines.count) is torn")
    let status = try run.run(["status"])
    XCTAssertEqual(status.status, 1)
    // The torn line is moved out, with a record of it, and the run goes on.
    let repaired = try run.run(["repair", "--by", "Ana Ruiz", "--reason", "Power cut during the last entry"])
    XCTAssertEqual(repaired.status, 0, repaired.stderr)
    let saved = try Data(contentsOf: run.folder.appendingPathComponent("cips-update.journal.torn-\(lines.count)"))
    XCTAssertEqual(saved, original.prefix(original.count - 40).suffix(lines.last!.utf8.count - 39))
    XCTAssertEqual(try run.run(["verify"]).status, 0)
    try run.refused(["repair", "--by", "Ana Ruiz", "--reason", "again"], "the journal is not damaged")
    try run.ok(["sign", "users_notified", "--as", "client", "--by", "Bo Li"], at: "2026-12-05T18:10:00Z")
    // The next writer does the same by itself, and says so.
    let whole = try Data(contentsOf: run.journal)
    try whole.prefix(whole.count - 25).write(to: run.journal)
    let signed = try run.run(["sign", "users_notified", "--as", "client", "--by", "Bo Li"], at: "2026-12-05T18:11:00Z")
    XCTAssertEqual(signed.status, 0, signed.stderr)
    XCTAssertTrue(signed.stderr.contains("was cut off by a crash before it was finished"), signed.stderr)
    XCTAssertEqual(try run.run(["verify"]).status, 0)
    XCTAssertEqual(try run.lines().filter { $0.contains("\"action\":\"repair\"") }.count, 2)
    // Damage other than a torn line is not repaired.
    try original.write(to: run.journal)
    var changed = lines
    changed[1] = changed[1].replacingOccurrences(of: "Ana Ruiz", with: "Ana Ruis")
    try Data((changed.joined(separator: "\n") + "\n").utf8).write(to: run.journal)
    try run.refused(["repair", "--by", "Ana Ruiz", "--reason", "x"], "is not a torn last line")
  }

  // MARK: - Crashes and concurrency

  func testKilledWritersNeverLeaveAHalfEntry() throws {
    let run = try RunFixture(example: "cips-update")
    try run.ok(["start", "cips-update.runbook", "--by", "Ana Ruiz"])
    var recorded: [String] = []
    var generator = SystemRandomNumberGenerator()
    for attempt in 0..<200 {
      let process = Process()
      process.executableURL = toolURL
      process.arguments = ["run", "note", "note \(attempt)", "--by", "Writer"]
      process.currentDirectoryURL = run.folder
      var environment = ProcessInfo.processInfo.environment
      environment["RUNBOOK_NOW"] = "2026-12-05T18:00:00Z"
      process.environment = environment
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      usleep(UInt32.random(in: 0...40_000, using: &generator))
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      if process.terminationReason == .exit && process.terminationStatus == 0 { recorded.append("note \(attempt)") }
    }
    // SIGKILL can stop a write part way (the kernel checks for it between pages): verify then
    // names the torn entry and accepts nothing of it, and the next writer moves it aside.
    var verify = try run.run(["verify"])
    if verify.status != 0 {
      XCTAssertTrue(verify.stderr.contains("is torn"), verify.stderr)
      try run.ok(["note", "after the kills", "--by", "Writer"])
      verify = try run.run(["verify"])
    }
    XCTAssertEqual(verify.status, 0, verify.stderr)
    let notes = try run.lines().dropFirst().filter { !$0.contains("\"action\":\"repair\"") }
    // Every writer that reported success is in the journal; a killed one is in it whole or not
    // at all.
    let texts = notes.compactMap { line -> String? in
      guard let range = line.range(of: "\"note\":\"") else { return nil }
      return String(line[range.upperBound...].prefix { $0 != "\"" })
    }
    XCTAssertEqual(texts.count, notes.count)
    for text in recorded { XCTAssertTrue(texts.contains(text), "\(text) was reported recorded but is missing") }
    XCTAssertEqual(Set(texts).count, texts.count)
    // Each torn write is kept beside the journal, and each keeps a repair entry.
    let saved = try FileManager.default.contentsOfDirectory(atPath: run.folder.path).filter { $0.contains(".journal.torn-") }
    XCTAssertEqual(saved.count, try run.lines().filter { $0.contains("\"action\":\"repair\"") }.count)
  }

  func testConcurrentWritersNeverInterleave() throws {
    let run = try RunFixture(example: "cips-update")
    try run.ok(["start", "cips-update.runbook", "--by", "Ana Ruiz"])
    let group = DispatchGroup()
    let failures = LockedCounter()
    let folder = run.folder
    for writer in ["A", "B"] {
      group.enter()
      DispatchQueue.global().async {
        for index in 0..<40 {
          let result = try? runTool(["run", "note", "\(writer) \(index)", "--by", "Writer \(writer)"], environment: ["RUNBOOK_NOW": "2026-12-05T18:00:00Z"], in: folder)
          if result?.status != 0 { failures.add() }
        }
        group.leave()
      }
    }
    group.wait()
    XCTAssertEqual(failures.value, 0)
    XCTAssertEqual(try run.run(["verify"]).status, 0)
    let lines = try run.lines()
    XCTAssertEqual(lines.count, 81)
    for writer in ["A", "B"] {
      for index in 0..<40 { XCTAssertEqual(lines.filter { $0.contains("\"note\":\"\(writer) \(index)\"") }.count, 1) }
    }
  }
}

/// A counter shared by threads.
final class LockedCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var count = 0
  func add() { lock.lock(); count += 1; lock.unlock() }
  var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
