// The plan's outputs: golden text plans and Mermaid charts for every example (regenerated with
// RUNBOOK_UPDATE_GOLDEN=1), the JSON plan validated against Grammar/plan.schema.json, and the
// Mermaid chart held to the subset of gantt syntax it promises.
import XCTest
@testable import RunbookKit

final class PlanOutputTests: XCTestCase {
  private let examples = runbookFiles(in: "Examples")

  private func plan(_ url: URL) throws -> (Plan, Compilation) {
    let compilation = try compileExample(url)
    return (Plan(graph: compilation.graph!, diagnostics: compilation.diagnostics), compilation)
  }

  func testGoldenPlansForEveryExample() throws {
    let update = ProcessInfo.processInfo.environment["RUNBOOK_UPDATE_GOLDEN"] == "1"
    let folder = repositoryRoot.appendingPathComponent("Tests/RunbookKitTests/Golden/examples")
    for url in examples {
      let (plan, _) = try plan(url)
      let base = url.deletingPathExtension().lastPathComponent
      for (suffix, text) in [("plan.txt", PlanTextBackend.render(plan, sourceName: url.lastPathComponent)), ("mmd", MermaidBackend.render(plan))] {
        let golden = folder.appendingPathComponent("\(base).\(suffix)")
        if update {
          try Data(text.utf8).write(to: golden)
        } else {
          XCTAssertEqual(text, try String(contentsOf: golden, encoding: .utf8), "\(base).\(suffix) differs: run with RUNBOOK_UPDATE_GOLDEN=1 and review the diff")
        }
      }
    }
  }

  /// A step that waits for a hundred steps of another role: its walk back stops taking nodes at
  /// its bound, but the work among the nodes it has seen is still handed over (8 at most).
  func testAStepAfterAHundredOthersHasItsHandoffs() throws {
    let steps = (0..<100).map { "    step s\($0) \"S\($0)\"\n" }.joined()
    let ids = (0..<100).map { "s\($0)" }.joined(separator: ", ")
    let text = "runbook \"R\" {\n  role a \"A\"\n  role b \"B\"\n  stage wide \"Wide\" parallel owner a {\n" + steps
      + "  }\n  stage last \"Last\" owner b {\n    step done \"Done\" after \(ids)\n  }\n}\n"
    let compilation = compile(text)
    let graph = try XCTUnwrap(compilation.graph)
    let plan = Plan(graph: graph, diagnostics: compilation.diagnostics)
    let done = try XCTUnwrap(graph.steps.first { $0.id == "done" }).node
    let into = plan.handoffs.filter { $0.to == done }
    XCTAssertEqual(into.count, 8)
    XCTAssertTrue(into.allSatisfy { graph.owners(of: $0.from)?.roles == [0] })
  }

  /// Work passes between roles only where the set of owners changes: the same roles in another
  /// order, or joined by `or` instead of `and`, are no hand-off, for two, three and four roles.
  func testAHandoffIsAChangeInTheSetOfOwners() throws {
    let owners = [
      "ops and dba", "dba or ops", "ops and dba and qa", "qa and ops and dba", "ops and dba and qa and net",
      "net or qa or dba or ops", "ops", "ops", "dba and net", "net and dba",
    ]
    let steps = owners.enumerated().map { "    step s\($0.offset) \"S\($0.offset)\" owner \($0.element) duration 5m\n" }.joined()
    let roles = ["ops", "dba", "qa", "net"].map { "  role \($0) \"\($0.uppercased())\"\n" }.joined()
    let compilation = compile("runbook \"Owners\" {\n" + roles + "  stage s \"S\" {\n" + steps + "  }\n}\n")
    XCTAssertFalse(compilation.hasErrors, "\(compilation.diagnostics.map(\.message))")
    let graph = try XCTUnwrap(compilation.graph)
    let plan = Plan(graph: graph, diagnostics: compilation.diagnostics)
    let id = { (node: Int) in graph.steps.first { $0.node == node }?.id ?? "?" }
    XCTAssertEqual(plan.handoffs.map { "\(id($0.from))->\(id($0.to))" }, ["s1->s2", "s3->s4", "s5->s6", "s7->s8"])
  }

  /// Every step of a parallel stage waits for the stage's start alone, and each is handed the
  /// work of the stage before by its own owners: a step owned by the same role has no hand-off.
  func testEachStepOfAParallelStageHasItsOwnHandoffs() throws {
    let compilation = compile("""
      runbook "Parallel" {
        role a "A"
        role b "B"
        stage first "First" parallel owner a {
          step a1 "A1" duration 5m
          step a2 "A2" duration 5m
          step a3 "A3" duration 5m
        }
        stage second "Second" parallel owner b {
          step b1 "B1" duration 5m
          step b2 "B2" duration 5m owner a
          step b3 "B3" duration 5m
        }
      }
      """)
    XCTAssertFalse(compilation.hasErrors, "\(compilation.diagnostics.map(\.message))")
    let graph = try XCTUnwrap(compilation.graph)
    let plan = Plan(graph: graph, diagnostics: compilation.diagnostics)
    let id = { (node: Int) in graph.steps.first { $0.node == node }?.id ?? "?" }
    XCTAssertEqual(Set(plan.handoffs.map { "\(id($0.from))->\(id($0.to))" }), ["a1->b1", "a2->b1", "a3->b1", "a1->b3", "a2->b3", "a3->b3"])
    XCTAssertEqual(plan.handoffs.count, 6)
  }

  /// Titles in the table are clipped as `visible(_:limit:)` clips them, whatever follows the
  /// clipping width: a control character or a non-ASCII letter past it, or within it.
  func testTitlesInThePlanAreClippedAsVisibleClipsThem() throws {
    let titles = [
      String(repeating: "a", count: 60), String(repeating: "b", count: 61), String(repeating: "c", count: 60) + "\u{7F}",
      String(repeating: "d", count: 60) + "\u{202E}x", String(repeating: "e", count: 59) + "\u{7F}" + String(repeating: "f", count: 9),
      "é" + String(repeating: "g", count: 70), String(repeating: "h", count: 60) + "é",
    ]
    let steps = titles.enumerated().map { "    step s\($0.offset) \"\($0.element)\" duration 5m\n" }.joined()
    let compilation = compile("runbook \"Titles\" {\n  role ops \"Ops\"\n  stage s \"S\" owner ops {\n" + steps + "  }\n}\n")
    let plan = Plan(graph: try XCTUnwrap(compilation.graph), diagnostics: compilation.diagnostics)
    let rows = PlanTextBackend.render(plan, sourceName: "titles.runbook").split(separator: "\n").map(String.init)
    for title in titles {
      let shown = visible(title, limit: 60)
      XCTAssertTrue(rows.contains { $0.contains(" " + shown + " ") && $0.hasSuffix("Ops") }, "\(shown) not in the table")
    }
  }

  /// Work on a dependency cycle cannot be scheduled: it is listed by number and title.
  func testWorkOnACycleIsListedAsNotScheduled() throws {
    let compilation = compile("""
      runbook "Cycle" {
        role ops "Ops"
        stage s "S" parallel owner ops {
          step a "Take the backup" duration 5m after b
          step b "Stop the services" duration 5m after a
        }
      }
      """)
    let plan = Plan(graph: try XCTUnwrap(compilation.graph), diagnostics: compilation.diagnostics)
    let text = PlanTextBackend.render(plan, sourceName: "cycle.runbook")
    XCTAssertTrue(text.contains("Not scheduled (on or after a dependency cycle): 2 items\n  1 \"Take the backup\", 2 \"Stop the services\"\n"), text)
  }

  func testTheClinSparkPlanIsRightOnInspection() throws {
    let (plan, _) = try plan(repositoryRoot.appendingPathComponent("Examples/clinspark-upgrade.runbook"))
    let schedule = plan.schedule
    let graph = plan.graph
    // Preparation (two weeks at worst) and validation (three months) are planned backwards from
    // the day of upgrade, whose window opens at T-4h.
    XCTAssertEqual(schedule.start, -240 - 2 * 10_080 - 3 * 43_200)
    let upgradeTest = try XCTUnwrap(graph.steps.first { $0.id == "upgrade_test" })
    let gate = try XCTUnwrap(graph.gates.first)
    XCTAssertGreaterThanOrEqual(schedule.startWorst[upgradeTest.node], schedule.finishWorst[gate.node])
    XCTAssertTrue(graph.edges.contains { $0.origin == .go && $0.from == gate.node && $0.to == upgradeTest.node })
    XCTAssertEqual(schedule.rollbacks.first?.bound, 60)
    XCTAssertEqual(schedule.pointsOfNoReturn, [upgradeTest.node])
    // The day of upgrade takes hours: from T-4h to T+5h at worst (final testing takes up to 5h).
    XCTAssertEqual(schedule.endWorst, 300)
  }

  /// A rollback entered by several gates is placed once: its steps are listed after the first
  /// gate, and each later run refers to them from its own start (in text, in the JSON plan, in
  /// the chart and on the page).
  func testARollbackEnteredBySeveralGatesIsListedOnce() throws {
    var text = "runbook \"Shared\" {\n  role ops \"Ops\"\n  stage s \"S\" owner ops {\n"
    text += gateChain(3, decidedBy: "ops", noGo: "rollback r", duration: " duration 5m")
    text += "    step done \"Done\" duration 1m\n  }\n  rollback r \"Undo\" owner ops {\n    step u0 \"Undo 0\" duration 20m\n    step u1 \"Undo 1\" duration 20m\n  }\n}\n"
    let compilation = compile(text)
    XCTAssertFalse(compilation.hasErrors, "\(compilation.diagnostics.map(\.message))")
    let plan = Plan(graph: try XCTUnwrap(compilation.graph), diagnostics: compilation.diagnostics)
    XCTAssertEqual(plan.schedule.rollbacks.map(\.repeatsEarlierRun), [false, true, true])
    XCTAssertEqual(plan.schedule.rollbacks.map { Array($0.nodes).filter { plan.graph.isWork($0.node) }.map(\.start) }, [[5, 25], [10, 30], [15, 35]])
    let rendered = PlanTextBackend.render(plan, sourceName: "shared.runbook")
    let start = try XCTUnwrap(rendered.range(of: "Rollbacks\n")).lowerBound
    let section = String(rendered[start...])
    XCTAssertTrue(section.hasPrefix("""
      Rollbacks
        "Undo" after a no-go at 2 "Gate 0 (gate)"
          starts +5m, takes 40m
          +5m         +25m        8    Undo 0                                                        Ops
          +25m        +45m        9    Undo 1                                                        Ops
        "Undo" after a no-go at 4 "Gate 1 (gate)"
          starts +10m, takes 40m
          the same steps as listed after 2 "Gate 0 (gate)", starting +10m
        "Undo" after a no-go at 6 "Gate 2 (gate)"
          starts +15m, takes 40m
          the same steps as listed after 2 "Gate 0 (gate)", starting +15m

      """), section)
    XCTAssertEqual(MermaidBackend.render(plan).components(separatedBy: "section Rollback").count, 2)
    let json = PlanJSONBackend.render(plan, source: compilation.source, sourceName: "shared.runbook")
    let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    let runs = try XCTUnwrap(document["rollbacks"] as? [[String: Any]])
    XCTAssertEqual(runs.map { ($0["steps"] as? [[String: Any]])?.compactMap { $0["start"] as? Int } ?? [] }, [[5, 25], [], []])
    XCTAssertEqual(runs.map { $0["same_steps_as"] as? String ?? "-" }, ["-", "g0", "g0"])
    XCTAssertEqual(runs.map { $0["start"] as? Int ?? -1 }, [5, 10, 15])
    try assertValidPlan(json)
  }

  /// A plan months long counted in minutes has times wider than the header's columns: the
  /// columns widen, so that every row's values start where the header's names do.
  func testTheTableWidensForLongTimes() throws {
    let compilation = compile("""
      runbook "Long" {
        role ops "Ops"
        stage s "S" owner ops {
          step a "Build the new site" duration 5mo
          step b "Wait for the vendor" duration 2d18h58m
          gate g "Go?" {
            decided_by ops
            criterion "site up"
            go -> c
            no_go -> stop
          }
          step c "Cut over" duration 1m
        }
      }
      """)
    XCTAssertFalse(compilation.hasErrors, "\(compilation.diagnostics.map(\.message))")
    let plan = Plan(graph: try XCTUnwrap(compilation.graph), diagnostics: compilation.diagnostics)
    let lines = PlanTextBackend.render(plan, sourceName: "long.runbook").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let header = try XCTUnwrap(lines.first { $0.hasPrefix("Start ") })
    let columns = ["Finish", "Slack", "Grp", "#", "Step", "Owner"].map { name in header.range(of: name).map { header.distance(from: header.startIndex, to: $0.lowerBound) } ?? -1 }
    let rows = lines.filter { $0.hasPrefix("+") || $0.hasPrefix("0m ") }
    XCTAssertEqual(rows.count, 4)
    XCTAssertTrue(rows.contains { $0.hasPrefix("+5mo2d18h58m ") }, rows.joined(separator: "\n"))
    for row in rows {
      let scalars = Array(row.unicodeScalars)
      for (name, column) in zip(["Finish", "Slack", "Grp", "#", "Step", "Owner"], columns) {
        XCTAssertTrue(column > 0 && scalars[column - 1] == " " && scalars[column] != " ", "\(name) at \(column): \(row)")
      }
    }
    let criterion = try XCTUnwrap(lines.first { $0.contains("go if: site up") })
    XCTAssertEqual(criterion.prefix { $0 == " " }.count, columns[4] + 1)
  }

  /// Validates a JSON plan against Grammar/plan.schema.json (with the PyPI `jsonschema`).
  func assertValidPlan(_ document: String, file: StaticString = #filePath, line: UInt = #line) throws {
    try requireTool("python3", check: ["-c", "import jsonschema"])
    let schema = repositoryRoot.appendingPathComponent("Grammar/plan.schema.json").path
    let result = try runProgram("python3", ["-c", validatePlanScript, schema], input: Data(document.utf8))
    XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
  }

  func testJSONPlansValidateAgainstTheirSchema() throws {
    try requireTool("python3", check: ["-c", "import jsonschema"])
    let schema = repositoryRoot.appendingPathComponent("Grammar/plan.schema.json").path
    let script = validatePlanScript
    for url in examples {
      let (plan, compilation) = try plan(url)
      let document = PlanJSONBackend.render(plan, source: compilation.source, sourceName: url.lastPathComponent)
      let result = try runProgram("python3", ["-c", script, schema], input: Data(document.utf8))
      XCTAssertEqual(result.status, 0, "\(url.lastPathComponent): \(result.stderr)")
      let broken = document.replacingOccurrences(of: "\"critical\": true", with: "\"critical\": \"yes\"")
      XCTAssertNotEqual(try runProgram("python3", ["-c", script, schema], input: Data(broken.utf8)).status, 0)
    }
  }

  func testMermaidUsesOnlyTheGanttSyntaxItPromises() throws {
    let task = try NSRegularExpression(pattern: "^  [^:;#\\n]+ :(crit, )?(milestone, )?t[0-9]+, (after t[0-9]+|[0-9]+), [0-9]+m$")
    for url in examples {
      let (plan, _) = try plan(url)
      let chart = MermaidBackend.render(plan)
      let lines = chart.split(separator: "\n").map(String.init)
      XCTAssertEqual(Array(lines.prefix(1)), ["gantt"])
      var ids: Set<String> = []
      for line in lines.dropFirst() {
        if line.hasPrefix("  title ") || line == "  dateFormat X" || line == "  dateFormat YYYY-MM-DD HH:mm" || line.hasPrefix("  axisFormat ") { continue }
        if line.hasPrefix("  section ") {
          XCTAssertFalse(line.dropFirst(10).contains(":"), line)
          continue
        }
        let range = NSRange(line.startIndex..., in: line)
        XCTAssertNotNil(task.firstMatch(in: line, range: range), "\(url.lastPathComponent): \(line)")
        let fields = line.split(separator: ":").last!.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let id = fields.first { $0.hasPrefix("t") && Int($0.dropFirst()) != nil }!
        XCTAssertTrue(ids.insert(id).inserted, "duplicate task id \(id)")
        if let after = fields.first(where: { $0.hasPrefix("after ") }) {
          XCTAssertTrue(ids.contains(String(after.dropFirst(6))), "\(line) refers to a task not yet defined")
        }
      }
      XCTAssertTrue(chart.contains("crit"), url.lastPathComponent)
    }
  }
}

/// Checks the schema (argument 1) and validates the JSON document on standard input against it.
private let validatePlanScript = """
  import json, sys, jsonschema
  schema = json.load(open(sys.argv[1]))
  jsonschema.Draft202012Validator.check_schema(schema)
  jsonschema.Draft202012Validator(schema).validate(json.load(sys.stdin))
  """
