// Schedules computed by hand, asserted exactly: earliest start and finish (best and worst),
// latest start, slack and the critical path. Times are minutes from the anchor, or from zero
// when the runbook has no windows.
import XCTest
@testable import RunbookKit

private struct Planned {
  let plan: Plan
  var graph: RunbookGraph { plan.graph }
  var schedule: Schedule { plan.schedule }

  init(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
    let compilation = compile(text)
    plan = Plan(graph: compilation.graph!, diagnostics: compilation.diagnostics)
  }

  func node(_ id: String) -> Int {
    if let step = graph.steps.first(where: { $0.id == id }) { return step.node }
    if let gate = graph.gates.first(where: { $0.id == id }) { return gate.node }
    fatalError("no step \(id)")
  }

  /// [best start, best finish, worst start, worst finish, latest start, slack]
  func times(_ id: String) -> [Int] {
    let n = node(id)
    return [schedule.startBest[n], schedule.finishBest[n], schedule.startWorst[n], schedule.finishWorst[n], schedule.latestStart[n], schedule.slack[n]]
  }

  var criticalPath: [String] { plan.criticalPath.map(id(of:)) }

  func id(of node: Int) -> String {
    if case .step(let index) = graph.nodes[node] { return graph.steps[index].id }
    if case .gate(let index) = graph.nodes[node] { return graph.gates[index].id }
    return "?"
  }
}

final class ScheduleTests: XCTestCase {
  /// The schedule reads the worst-case times the check of windows computed (over every edge)
  /// instead of computing them again (over the edges without `no_go`): it is the same schedule
  /// either way, for every runbook of the repository with windows or deadlines.
  func testTheScheduleFromTheCheckedTimesIsTheScheduleComputedAfresh() throws {
    var reused = 0
    for url in runbookFiles(in: "Examples") + runbookFiles(in: "Tests/RunbookKitTests/Fixtures") {
      let compilation = Compiler.compile(SourceFile(path: url.path, bytes: Array(try Data(contentsOf: url))))
      guard var graph = compilation.graph, graph.flowTimes != nil else { continue }
      reused += 1
      let fromCheck = Schedule.compute(graph)
      graph.flowTimes = nil
      let afresh = Schedule.compute(graph)
      let name = url.lastPathComponent
      XCTAssertEqual(fromCheck.order, afresh.order, name)
      XCTAssertEqual(fromCheck.startWorst, afresh.startWorst, name)
      XCTAssertEqual(fromCheck.finishWorst, afresh.finishWorst, name)
      XCTAssertEqual(fromCheck.startBest, afresh.startBest, name)
      XCTAssertEqual(fromCheck.finishBest, afresh.finishBest, name)
      XCTAssertEqual(fromCheck.latestStart, afresh.latestStart, name)
      XCTAssertEqual(fromCheck.slack, afresh.slack, name)
      XCTAssertEqual(fromCheck.rank, afresh.rank, name)
      XCTAssertEqual(fromCheck.start, afresh.start, name)
      XCTAssertEqual([fromCheck.endBest, fromCheck.endWorst], [afresh.endBest, afresh.endWorst], name)
    }
    XCTAssertGreaterThan(reused, 5, "too few runbooks with windows or deadlines to compare")
  }

  /// a (1h..2h) → b (2h..3h) and c (1h) → d (30m).
  /// Worst: a 0–120, b 120–300, c 120–180, d 300–330. Best: a 0–60, b 60–180, c 60–120,
  /// d 180–210. Latest starts (worst): d 300, b 120, c 240, a 0. Slack: c 120, others 0.
  func testDiamondWithRanges() {
    let planned = Planned("""
      runbook "Diamond" {
        role ops "Ops"
        stage s "S" parallel owner ops {
          step a "A" duration 1h..2h
          step b "B" after a duration 2h..3h
          step c "C" after a duration 1h
          step d "D" after b, c duration 30m
        }
      }
      """)
    XCTAssertEqual(planned.times("a"), [0, 60, 0, 120, 0, 0])
    XCTAssertEqual(planned.times("b"), [60, 180, 120, 300, 120, 0])
    XCTAssertEqual(planned.times("c"), [60, 120, 120, 180, 240, 120])
    XCTAssertEqual(planned.times("d"), [180, 210, 300, 330, 300, 0])
    XCTAssertEqual(planned.criticalPath, ["a", "b", "d"])
    XCTAssertEqual([planned.schedule.endBest, planned.schedule.endWorst], [210, 330])
    XCTAssertFalse(planned.schedule.anchored)
    // a comes first; b and c depend only on a, so they may run together; d after both.
    XCTAssertEqual(planned.plan.group[planned.node("b")], planned.plan.group[planned.node("c")])
    XCTAssertNotEqual(planned.plan.group[planned.node("a")], planned.plan.group[planned.node("b")])
  }

  /// a (1h) starts at T; b's window opens at T+3h, so b waits: 180–240. a may slip 2h.
  func testAWindowForcesAWait() {
    let planned = Planned("""
      runbook "Wait" {
        anchor T "Zero"
        role ops "Ops"
        stage day "Day" owner ops {
          window T..T+8h
          step a "A" duration 1h
          step b "B" duration 1h window T+3h..T+6h
        }
      }
      """)
    XCTAssertEqual(planned.times("a"), [0, 60, 0, 60, 120, 120])
    XCTAssertEqual(planned.times("b"), [180, 240, 180, 240, 180, 0])
    XCTAssertEqual(planned.criticalPath, ["b"])
    XCTAssertTrue(planned.schedule.anchored)
  }

  /// Unanchored work before the first window is planned backwards from it: two weeks of
  /// preparation then the day, whose window opens at T-4h, so preparation starts at T-2w4h.
  func testTimeFlowsBackwardsFromTheFirstWindow() {
    let planned = Planned("""
      runbook "Backwards" {
        anchor T "Zero"
        role ops "Ops"
        stage prep "Preparation" owner ops {
          step p1 "Plan" duration 1w
          step p2 "Rehearse" duration 1w
        }
        stage day "Day" owner ops {
          window T-4h..T+12h
          step go "Go" duration 2h..4h
        }
      }
      """)
    let twoWeeks = 2 * 10_080
    XCTAssertEqual(planned.schedule.start, -240 - twoWeeks)
    XCTAssertEqual(planned.times("p1"), [-240 - twoWeeks, -240 - 10_080, -240 - twoWeeks, -240 - 10_080, -240 - twoWeeks, 0])
    XCTAssertEqual(planned.times("go"), [-240, -120, -240, 0, -240, 0])
    XCTAssertEqual(planned.criticalPath, ["p1", "p2", "go"])
    XCTAssertEqual([planned.schedule.endBest, planned.schedule.endWorst], [-120, 0])
  }

  /// The window closes at T+2h but the work takes 3h: RB0304, and the slack is -1h.
  func testAWindowThatCannotHold() {
    let planned = Planned("""
      runbook "Late" {
        anchor T "Zero"
        role ops "Ops"
        stage day "Day" owner ops {
          window T..T+2h
          step a "A" duration 3h
        }
      }
      """)
    XCTAssertEqual(planned.times("a"), [0, 180, 0, 180, -60, -60])
    XCTAssertEqual(planned.plan.diagnostics.map(\.code), [.windowCannotHold])
    let stageStart = planned.graph.stages[1].startNode
    XCTAssertEqual(planned.plan.flags[stageStart]?.map(\.code), [.windowCannotHold])
    XCTAssertTrue(PlanTextBackend.render(planned.plan, sourceName: "late.runbook").contains("✗ error[RB0304]"))
  }

  /// The gate's rollback takes 45m + 20m..30m = 65m..75m against a 1h bound; it runs from the
  /// gate's finish (a: 0–1h, so 60).
  func testAGateWhoseRollbackExceedsItsBound() throws {
    let planned = Planned("""
      runbook "Rollback" {
        role ops "Ops"
        role lead "Lead"
        stage day "Day" owner ops {
          step a "A" duration 1h
          gate g "G" {
            decided_by lead
            criterion "ok"
            go -> b
            no_go -> rollback undo within 1h
          }
          step b "B" duration 30m
        }
        rollback undo "Undo" owner ops {
          step r1 "Restore" duration 45m
          step r2 "Verify" duration 20m..30m
        }
      }
      """)
    let run = try XCTUnwrap(planned.schedule.rollbacks.first)
    XCTAssertEqual([run.start, run.lengthBest, run.lengthWorst, run.bound ?? 0], [60, 65, 75, 60])
    XCTAssertEqual(planned.plan.flags[planned.node("g")]?.map(\.code), [.rollbackTooLong])
    XCTAssertEqual(planned.times("b"), [60, 90, 60, 90, 60, 0])
    XCTAssertEqual(planned.schedule.pointsOfNoReturn, [planned.node("b")])
    let text = PlanTextBackend.render(planned.plan, sourceName: "x")
    XCTAssertTrue(text.contains("no-go → rollback \"Undo\": takes 1h5m..1h15m, over its 1h bound by 15m"), text)
    XCTAssertTrue(text.contains("---- point of no return"), text)
  }

  /// In a parallel stage everything starts together; the stage ends with its longest step.
  func testAParallelStage() {
    let planned = Planned("""
      runbook "Parallel" {
        role ops "Ops"
        stage s "S" parallel owner ops {
          step a "A" duration 1h
          step b "B" duration 3h
          step c "C" duration 2h
        }
        stage t "T" owner ops {
          step d "D" duration 1h
        }
      }
      """)
    XCTAssertEqual(planned.times("a"), [0, 60, 0, 60, 120, 120])
    XCTAssertEqual(planned.times("b"), [0, 180, 0, 180, 0, 0])
    XCTAssertEqual(planned.times("c"), [0, 120, 0, 120, 60, 60])
    XCTAssertEqual(planned.times("d"), [180, 240, 180, 240, 180, 0])
    XCTAssertEqual(planned.criticalPath, ["b", "d"])
    let groups = Set(["a", "b", "c"].map { planned.plan.group[planned.node($0)] })
    XCTAssertEqual(groups.count, 1)
  }

  /// A sequential stage holding a parallel section and a step: x 0–1h, y 0–2h, z 2h–2h30m.
  func testNestedStages() {
    let planned = Planned("""
      runbook "Nested" {
        role ops "Ops"
        stage outer "Outer" owner ops {
          stage inner "Inner" parallel {
            step x "X" duration 1h
            step y "Y" duration 2h
          }
          step z "Z" duration 30m
        }
      }
      """)
    XCTAssertEqual(planned.times("x"), [0, 60, 0, 60, 60, 60])
    XCTAssertEqual(planned.times("y"), [0, 120, 0, 120, 0, 0])
    XCTAssertEqual(planned.times("z"), [120, 150, 120, 150, 120, 0])
    XCTAssertEqual(planned.criticalPath, ["y", "z"])
  }

  /// A stage's own duration holds its end even when its steps are shorter or have none.
  func testStageDurationWithoutStepDurations() {
    let planned = Planned("""
      runbook "Stage duration" {
        role ops "Ops"
        stage a "A" owner ops {
          duration 1w..2w
          step s1 "One"
        }
        stage b "B" owner ops {
          step s2 "Two" duration 1d
        }
      }
      """)
    XCTAssertEqual(planned.times("s2"), [10_080, 11_520, 20_160, 21_600, 20_160, 0])
    XCTAssertEqual(planned.schedule.stepsWithoutDuration.map { planned.graph.steps[$0].id }, ["s1"])
  }

  func testAHundredThousandStepChainPlans() {
    var text = "runbook \"Chain\" {\n  role ops \"Operations\"\n  stage s \"S\" owner ops {\n"
    for index in 0..<100_000 { text += "    step s\(index) \"Step \(index)\" duration 1m\n" }
    text += "  }\n}\n"
    let planned = Planned(text)
    XCTAssertEqual(planned.schedule.endWorst, 100_000)
    XCTAssertEqual(planned.plan.criticalPath.count, 100_000)
  }
}

// MARK: - Windows: latest times, stage spans and critical chains

final class WindowScheduleTests: XCTestCase {
  /// The cutover stage's window closes at T-1h, and its last item is a gate whose `go` leaves the
  /// stage, so nothing links its steps to the stage's end. A parallel 12h announcement keeps the
  /// runbook going until T, then `verify` takes 1h.
  ///
  /// Block start: the window opens at T-12h after 2w2d of preparation, so preparation starts at
  /// T-2w2d12h. backup T-12h..T-11h, switch T-11h..T-10h10m, the gate at T-10h10m; announce
  /// T-12h..T; verify T..T+1h. Latest finish of the gate: the window's close T-1h (not verify's
  /// latest start T); switch T-1h, backup T-1h50m. Slack of all three: 9h10m (not 10h10m).
  static let cutover = """
    runbook "Cutover" {
      anchor T "Cutover"
      role eng "Engineer"
      stage prep "Preparation" owner eng {
        step plan "Plan" duration 2w2d
      }
      stage day "Day" parallel owner eng {
        stage cut "Cutover" {
          window T-12h..T-1h
          step backup "Backup" duration 1h
          step switch "Switch" duration 50m
          gate decide "Go?" {
            decided_by eng
            go -> verify
            no_go -> stop
          }
        }
        stage comms "Comms" {
          step announce "Announce" duration 12h
        }
      }
      stage wrap "Wrap-up" owner eng {
        step verify "Verify" duration 1h
      }
    }
    """

  func testLatestTimesRespectTheCloseOfAnEnclosingWindow() {
    let planned = Planned(Self.cutover)
    XCTAssertEqual(planned.plan.diagnostics.filter { $0.severity == .error }.map(\.message), [])
    // [best start, best finish, worst start, worst finish, latest start, slack]
    XCTAssertEqual(planned.times("plan"), [-23_760, -720, -23_760, -720, -23_760, 0])
    XCTAssertEqual(planned.times("backup"), [-720, -660, -720, -660, -170, 550])
    XCTAssertEqual(planned.times("switch"), [-660, -610, -660, -610, -110, 550])
    XCTAssertEqual(planned.times("decide"), [-610, -610, -610, -610, -60, 550])
    XCTAssertEqual(planned.times("announce"), [-720, 0, -720, 0, -720, 0])
    XCTAssertEqual(planned.times("verify"), [0, 60, 0, 60, 0, 0])
    XCTAssertEqual(planned.schedule.latestFinish[planned.node("decide")], -60)
  }

  func testAStageSpansItsWorkEvenWhenAGateLeavesIt() {
    let planned = Planned(Self.cutover)
    let stage = planned.graph.stages.firstIndex { $0.id == "cut" }!
    XCTAssertEqual([planned.schedule.stageStart[stage], planned.schedule.stageFinish[stage]], [-720, -610])
    let text = PlanTextBackend.render(planned.plan, sourceName: "cutover.runbook")
    XCTAssertTrue(text.contains("[Day › Cutover]  window T-12h to T-1h · T-12h → T-10h10m"), text)
  }

  func testCriticalPathFollowsRealDependencies() {
    let planned = Planned(Self.cutover)
    // plan → (day's start) → announce → (day's end, wrap's start) → verify; the cutover steps
    // have slack and are not on it.
    XCTAssertEqual(planned.schedule.criticalChains.map { $0.nodes.map(planned.id(of:)) }, [["plan", "announce", "verify"]])
    XCTAssertEqual(planned.schedule.criticalChains.first?.start, .start)
  }

  /// One parallel stage with two 1h steps: two chains of one step each, not `1 → 2`.
  func testParallelCriticalWorkIsTwoChains() {
    let planned = Planned("""
      runbook "Parallel" {
        role ops "Ops"
        stage s "S" parallel owner ops {
          step a "A" duration 1h
          step b "B" duration 1h
        }
      }
      """)
    XCTAssertEqual(planned.criticalPath, ["a", "b"])
    XCTAssertEqual(planned.schedule.criticalChains.map { $0.nodes.map(planned.id(of:)) }, [["a"], ["b"]])
    let text = PlanTextBackend.render(planned.plan, sourceName: "p.runbook")
    XCTAssertTrue(text.contains("Critical path (marked * above), in 2 chains:\n  from the start, each: 1, 2\n"), text)
    XCTAssertFalse(text.contains("1 → 2"), text)
  }

  /// A chain whose start a window fixes says so: prep (2h, planned backwards) is not critical
  /// when the windowed work that follows starts at the opening anyway and has slack before the
  /// runbook's end; the windowed chain is.
  func testAChainThatWaitsForAWindowSaysSo() {
    let planned = Planned("""
      runbook "Window" {
        anchor T "Go-live"
        role ops "Ops"
        stage prep "Prep" owner ops {
          step p "Prepare" duration 2h
        }
        stage day "Day" parallel owner ops {
          stage early "Early" {
            step x "X" duration 1h
          }
          stage late "Late" {
            window T+1h..T+5h
            step y "Y" duration 2h
            step z "Z" duration 1h
          }
        }
      }
      """)
    // Block start: the late window opens at T+1h with 2h of preparation before it: T-1h.
    // p T-1h..T+1h, x T+1h..T+2h, y T+1h..T+3h, z T+3h..T+4h; the end is T+4h.
    XCTAssertEqual(planned.times("p"), [-60, 60, -60, 60, -60, 0])
    XCTAssertEqual(planned.times("x"), [60, 120, 60, 120, 180, 120])
    XCTAssertEqual(planned.times("y"), [60, 180, 60, 180, 60, 0])
    XCTAssertEqual(planned.times("z"), [180, 240, 180, 240, 180, 0])
    // y waits for p (they finish and open together; a predecessor is preferred on a tie).
    XCTAssertEqual(planned.schedule.criticalChains.map { $0.nodes.map(planned.id(of:)) }, [["p", "y", "z"]])
  }

  func testAWindowThatOpensLateStartsAChain() {
    let planned = Planned("""
      runbook "Window" {
        anchor T "Go-live"
        role ops "Ops"
        stage a "A" owner ops {
          window T-4h..T
          step one "One" duration 1h
        }
        stage b "B" owner ops {
          window T+2h..T+6h
          step two "Two" duration 4h
        }
      }
      """)
    // one T-4h..T-3h (slack: it may finish by the close T, and two does not need it before
    // T+2h: latest start T-1h, slack 3h); two waits for its window: T+2h..T+6h, no slack.
    XCTAssertEqual(planned.times("one"), [-240, -180, -240, -180, -60, 180])
    XCTAssertEqual(planned.times("two"), [120, 360, 120, 360, 120, 0])
    XCTAssertEqual(planned.schedule.criticalChains, [CriticalChain(start: .window, opening: 120, nodes: [planned.node("two")])])
    let text = PlanTextBackend.render(planned.plan, sourceName: "w.runbook")
    XCTAssertTrue(text.contains("Critical path (marked * above):\n  waits for window T+2h: 2\n"), text)
  }
}
