// Checker tests: every check of the validated graph, each with the exact code and position marked
// inline (⟨CODE⟩ stands where the diagnostic must start) and a near miss that must not produce it.
import XCTest
@testable import RunbookKit

/// A runbook with roles `customer` and `engineer` (each signing at the end, so neither is
/// unused), the anchor `T`, and the given body.
private func runbook(_ body: String) -> String {
  """
  runbook "Checks" {
    anchor T "Upgrade starts"
    role customer "Customer"
    role engineer "Engineer"
  \(body)
    signoff "Customer" by customer
    signoff "Engineer" by engineer
  }

  """
}

final class CheckerTests: XCTestCase {
  // MARK: - Names

  func testDuplicateIDs() {
    assertDiagnostics(runbook("""
        stage s "S" owner customer {
          step a "A"
          step ⟨RB0201⟩a "A again"
        }
      """))
    assertDiagnostics(runbook("""
        stage s "S" owner customer {
          step a "A"
          step b "B"
        }
      """))
  }

  func testUndefinedRoleWithSuggestion() throws {
    assertDiagnostics(runbook("""
        stage s "S" {
          step a "A" owner ⟨RB0202⟩custmer and engineer
        }
      """))
    let compilation = compile(runbook("stage s \"S\" {\n  step a \"A\" owner custmer\n}"))
    XCTAssertEqual(compilation.diagnostics.first { $0.code == .undefinedRole }?.help, "did you mean `customer`? or declare it: `role custmer \"Display name\"`")
    assertDiagnostics(runbook("""
        stage s "S" {
          step a "A" owner customer and engineer
        }
      """))
  }

  func testUndefinedReferences() throws {
    assertDiagnostics(runbook("""
        stage s "S" owner customer {
          step backup "Backup"
          step b "B" after ⟨RB0203⟩bakup
        }
      """))
    let compilation = compile(runbook("stage s \"S\" owner customer {\n  step backup \"Backup\"\n  step b \"B\" after bakup\n}"))
    XCTAssertEqual(compilation.diagnostics.first?.help, "did you mean `backup`?")
    assertDiagnostics(runbook("""
        stage s "S" owner customer {
          step backup "Backup"
          step b "B" after backup
        }
      """))
  }

  func testUndefinedRollbackAndWrongKind() {
    let gate = { (target: String) in
      runbook("""
          stage s "S" owner engineer {
            gate g "G" {
              decided_by customer
              criterion "ok"
              go -> done
              no_go -> rollback \(target)
            }
            step done "Done"
          }
          rollback restore "Restore" owner engineer {
            step "Re-install"
          }
        """)
    }
    assertDiagnostics(gate("⟨RB0204⟩restor"))
    assertDiagnostics(gate("⟨RB0206⟩done"), ignoring: [.rollbackNeverEntered])
    assertDiagnostics(gate("restore"))
  }

  func testUndefinedAnchor() {
    assertDiagnostics(runbook("""
        stage s "S" owner customer {
          window ⟨RB0205⟩X-4h..T
          step "A"
        }
      """))
    assertDiagnostics(runbook("""
        stage s "S" owner customer {
          window T-4h..T
          step "A"
        }
      """))
  }

  // MARK: - Ordering

  func testCyclePrintsTheWholeCycle() throws {
    let text = runbook("""
        stage s "S" parallel owner customer {
          step a "A" after c
          step b "B" after a
          step c "C" after b
        }
      """)
    assertDiagnostics(text.replacingOccurrences(of: "step b \"B\" after a", with: "step b \"B\" after ⟨RB0301⟩a"))
    let cycle = try XCTUnwrap(compile(text).diagnostics.first)
    XCTAssertEqual(cycle.message, "dependency cycle: `a` → `b` → `c` → `a`")
    XCTAssertEqual(cycle.notes.count, 2)
    assertDiagnostics(text.replacingOccurrences(of: "step a \"A\" after c", with: "step a \"A\""))
  }

  func testDependencyOnALaterStage() {
    assertDiagnostics(runbook("""
        stage one "One" owner customer {
          step a "A" after ⟨RB0302⟩b
        }
        stage two "Two" owner customer {
          step b "B"
        }
      """))
    assertDiagnostics(runbook("""
        stage one "One" owner customer {
          step b "B"
        }
        stage two "Two" owner customer {
          step a "A" after b
        }
      """))
  }

  func testForwardAfterInASequentialStage() {
    assertDiagnostics(runbook("""
        stage s "S" owner customer {
          step a "A" after ⟨RB0303⟩b
          step b "B"
        }
      """))
    // The near miss: the same order is fine in a parallel stage.
    assertDiagnostics(runbook("""
        stage s "S" parallel owner customer {
          step a "A" after b
          step b "B"
        }
      """))
  }

  func testWindowThatCannotHold() throws {
    let text = { (close: String) in
      runbook("""
          stage prep "Preparation" owner customer {
            duration 3mo
            step "Validate"
          }
          stage day "Day" owner engineer {
            window T-1h..T+\(close)
            step backup "Backup" duration 1h
            step upgrade "Upgrade" duration 2h..4h
          }
        """)
    }
    // Worst case: opens at T-1h, then 1h + 4h: finishes at T+4h.
    assertDiagnostics(text("3h").replacingOccurrences(of: "window T-1h", with: "⟨RB0304⟩window T-1h"))
    let late = try XCTUnwrap(compile(text("3h")).diagnostics.first)
    XCTAssertEqual(late.message, "`upgrade` must be done by T+3h (the window of stage `day`), but can finish as late as T+4h")
    // Exactly enough, and the three months of unanchored preparation never count against it.
    assertDiagnostics(text("4h"))
  }

  /// Every late step behind the same chain is reported with that chain, as far as it goes: the
  /// chain is summed up once per node (a walk of the whole chain for each report made this shape
  /// cost the square of its size), so the reports must read as if each had walked it.
  func testLateStepsBehindOneLongChainEachShowTheChain() throws {
    var text = "  stage chain \"Chain\" owner customer window T+1h..T+1000h {\n"
    for index in 0..<40 { text += "    step c\(index) \"C\(index)\" duration 10m\n" }
    text += "  }\n  stage late \"Late\" owner customer parallel {\n"
    for index in 0..<30 { text += "    step l\(index) \"L\(index)\" duration \(index + 1)m deadline T+5h\n" }
    text += "  }\n"
    let diagnostics = compile(runbook(text)).diagnostics.filter { $0.code == .windowCannotHold }
    XCTAssertEqual(diagnostics.count, 30)
    for (index, late) in diagnostics.enumerated() {
      // The chain opens at T+1h and takes 400 minutes; the step itself takes index + 1.
      let finish = 60 + 400 + index + 1
      let time = "T+\(finish / 60)h" + (finish % 60 == 0 ? "" : "\(finish % 60)m")
      XCTAssertEqual(late.message, "`l\(index)` must be done by T+5h (its deadline), but can finish as late as \(time)")
      XCTAssertEqual(late.notes.map(\.message), [
        "stage `chain` cannot start before T+1h",
        "in the worst case it waits for `c0` (up to 10m), then `c1` (up to 10m), then `c2` (up to 10m), then `c3` (up to 10m), then `c4` (up to 10m), then `c5` (up to 10m), …",
      ])
    }
    // A chain of one link shows it whole, with no "…".
    let short = compile(runbook("  stage short \"Short\" owner customer window T+1h..T+1000h {\n    step d \"D\" duration 5m deadline T+1h\n  }\n"))
    let late = try XCTUnwrap(short.diagnostics.first { $0.code == .windowCannotHold })
    XCTAssertEqual(late.notes.map(\.message), ["stage `short` cannot start before T+1h", "in the worst case it waits for `d` (up to 5m)"])
    // A stage's own length is a link too, and the chain goes on from the stage's start.
    let long = compile(runbook("""
        stage long "Long" owner customer window T+1h..T+1000h {
          duration 8h
          step x "X" duration 10m
        }
        stage after "After" owner customer {
          step y "Y" duration 1m deadline T+5h
        }
      """))
    let behindStage = try XCTUnwrap(long.diagnostics.first { $0.code == .windowCannotHold })
    XCTAssertEqual(behindStage.notes.map(\.message), [
      "stage `long` cannot start before T+1h", "in the worst case it waits for stage `long` (takes up to 8h), then `y` (up to 1m)",
    ])
  }

  /// Mistakes whose messages are explained from the rest of the runbook read the same for
  /// every instance, however many there are: each explanation is looked up in what was found
  /// once (a table per role, per container, per stage list), not searched for afresh.
  func testMistakesExplainedFromTheWholeRunbook() throws {
    var text = "  signoff \"Early 0\" by customer\n  stage a \"A\" owner customer {\n"
    for index in 0..<8 { text += "    step a\(index) \"A\(index)\"\n" }
    for index in 0..<3 { text += "    step x\(index) \"X\(index)\" after customer\n" }
    text += "  }\n  signoff \"Early 1\" by customer\n  stage b \"B\" owner customer {\n    step first \"First\"\n"
    text += "    gate g \"Go?\" {\n      decided_by customer\n      criterion \"ok\"\n      go -> done\n      no_go -> stop\n    }\n"
    text += "    step k0 \"K0\"\n    step k1 \"K1\"\n"
    // A skipped gate is explained by the gate before it, not by itself; the stage after it, by it.
    text += "    gate g2 \"Go again?\" {\n      decided_by customer\n      criterion \"ok\"\n      go -> done\n      no_go -> stop\n    }\n"
    text += "    stage inner \"Inner\" {\n      step deep \"Deep\"\n    }\n    step done \"Done\"\n  }\n"
    // Four eyes against a step of ten owners (looked up in a set): one verifier shares a role.
    text += "  stage c \"C\" owner customer parallel {\n    step big \"Big\" owner " + (["customer"] + (0..<9).map { "r\($0)" }).joined(separator: " and ") + "\n"
    text += "    step v1 \"V1\" owner r3 verifies big\n    step v2 \"V2\" owner engineer verifies big\n  }\n"
    let roles = (0..<9).map { "  role r\($0) \"R\($0)\"\n" }.joined()
    let diagnostics = compile(runbook(roles + text)).diagnostics
    let afterRole = diagnostics.filter { $0.code == .wrongReferenceKind }
    XCTAssertEqual(afterRole.count, 3)
    for diagnostic in afterRole {
      XCTAssertEqual(diagnostic.help, "name the work this must come after by its id; the steps Customer owns are `a0`, `a1`, `a2`, `a3`, `a4` and `a5` and 11 more")
    }
    let skipped = diagnostics.filter { $0.code == .unreachableStep }
    XCTAssertEqual(skipped.map(\.message), ["`k0` can never be reached", "`k1` can never be reached", "gate `g2` can never be reached", "`deep` can never be reached"])
    XCTAssertEqual(skipped.map { $0.notes.map(\.message) }, [
      ["gate `g` continues with `done`, skipping it"], ["gate `g` continues with `done`, skipping it"],
      ["gate `g` continues with `done`, skipping it"], ["gate `g2` continues with `done`, skipping it"],
    ])
    let early = diagnostics.filter { $0.code == .signoffBeforeWork }.map(\.message)
    XCTAssertEqual(early, [
      "sign-off `Early 0` is written before stage `a`, so it would be signed before that work is done",
      "sign-off `Early 1` is written before stage `b`, so it would be signed before that work is done",
    ])
    let fourEyes = diagnostics.filter { $0.code == .sameRoleVerifies }.map(\.message)
    XCTAssertEqual(fourEyes, ["step `v1` verifies `big`, but both are owned by `r3`"])
  }

  func testWindowEndingBeforeItStarts() {
    assertDiagnostics(runbook("""
        stage s "S" owner customer {
          window ⟨RB0603⟩T+2h..T-4h
          step "A"
        }
      """))
  }

  func testRollbackWorkRejoiningTheNormalFlow() {
    let text = { (after: String) in
      runbook("""
          stage s "S" owner engineer {
            gate g "G" {
              decided_by customer
              criterion "ok"
              go -> done
              no_go -> rollback restore within 1h
            }
            step done "Done" \(after)
          }
          rollback restore "Restore" owner engineer {
            step reinstall "Re-install" duration 30m
          }
        """)
    }
    assertDiagnostics(text("after ⟨RB0305⟩reinstall"))
    assertDiagnostics(text(""))
  }

  func testSignoffBeforeTheWorkItSigns() {
    assertDiagnostics(runbook("""
        signoff ⟨RB0306⟩"Too early" by customer
        stage s "S" owner customer {
          step "A"
        }
      """))
    assertDiagnostics(runbook("""
        stage s "S" owner customer {
          signoff "⟨RB0306⟩Covers the stage" by customer covers s
          step "A"
        }
      """).replacingOccurrences(of: "\"⟨RB0306⟩Covers", with: "⟨RB0306⟩\"Covers"))
    assertDiagnostics(runbook("""
        stage s "S" owner customer {
          step "A"
          signoff "Covers the stage" by customer covers s
        }
      """))
  }

  func testUnreachableStepAfterAGateThatJumps() {
    let text = { (skipped: String) in
      runbook("""
          stage s "S" owner engineer {
            gate g "G" {
              decided_by customer
              criterion "ok"
              go -> done
              no_go -> stop
            }
        \(skipped)
            step done "Done"
          }
        """)
    }
    assertDiagnostics(text("    step skipped ⟨RB0307⟩\"Skipped\""))
    assertDiagnostics(text(""))
  }

  // MARK: - Ownership

  func testStepWithoutOwner() {
    assertDiagnostics(runbook("""
        stage s "S" {
          step a ⟨RB0401⟩"A"
          step b "B" owner customer
        }
      """), ignoring: [.unusedRole])
    assertDiagnostics(runbook("""
        stage outer "Outer" owner customer {
          stage inner "Inner" {
            step a "A inherits from two levels up"
          }
          step b "B" owner engineer
        }
      """))
  }

  func testGateWithoutDecider() {
    let text = { (decider: String) in
      runbook("""
          stage s "S" owner engineer {
            gate g ⟨RB0402⟩"G" {
              \(decider)
              criterion "ok"
              go -> done
              no_go -> stop
            }
            step done "Done" owner customer
          }
        """)
    }
    assertDiagnostics(text(""))
    assertDiagnostics(text("decided_by customer").replacingOccurrences(of: "⟨RB0402⟩", with: ""))
  }

  func testFourEyes() {
    assertDiagnostics(runbook("""
        stage s "S" {
          step backup "Backup" owner engineer
          step check "Check" owner engineer or customer ⟨RB0403⟩verifies backup
        }
      """))
    assertDiagnostics(runbook("""
        stage s "S" {
          step backup "Backup" owner engineer
          step check "Check" owner customer verifies backup
        }
      """))
  }

  func testUnusedRoleIsAWarning() throws {
    let text = """
      runbook "Roles" {
        role customer "Customer"
        role ⟨RB0404⟩auditor "Auditor"
        stage s "S" owner customer {
          step a "A"
        }
      }
      """
    assertDiagnostics(text)
    XCTAssertEqual(compile(MarkedSource(text).text).diagnostics.first?.severity, .warning)
    assertDiagnostics(MarkedSource(text).text.replacingOccurrences(of: "step a \"A\"", with: "step a \"A\" owner auditor"))
  }

  // MARK: - Gates

  private func gate(_ lines: String, within: String = "1h", rollbackSteps: String = "step \"Re-install\" duration 45m") -> String {
    runbook("""
        stage s "S" owner engineer {
          gate g "G" {
            decided_by customer
            \(lines)
          }
          step done "Done"
        }
        rollback restore "Restore" owner engineer {
          \(rollbackSteps)
        }
      """).replacingOccurrences(of: "WITHIN", with: within)
  }

  /// A rollback of many steps, entered by several gates: each report shows the same worst case,
  /// its first twelve steps and how many more (summed up once for the rollback).
  func testALongRollbackOverItsBoundShowsItsFirstSteps() throws {
    var text = "  stage s \"S\" owner customer {\n" + gateChain(3, decidedBy: "customer", noGo: "rollback restore within 1h")
    text += "    step done \"Done\"\n  }\n  rollback restore \"Restore\" owner engineer {\n"
    for index in 0..<15 { text += "    step u\(index) \"U\(index)\" duration 5m\n" }
    text += "  }\n"
    let over = compile(runbook(text)).diagnostics.filter { $0.code == .rollbackTooLong }
    XCTAssertEqual(over.count, 3)
    let terms = (0..<12).map { "`u\($0)` 5m" }.joined(separator: " + ")
    for diagnostic in over {
      XCTAssertEqual(diagnostic.message, "rollback `restore` can take 1h15m in the worst case, more than the 1h promised")
      XCTAssertEqual(diagnostic.notes.map(\.message), ["worst case: \(terms) + … (3 more) = 1h15m"])
    }
  }

  func testGateOutcomesAndCriteria() {
    assertDiagnostics(gate("criterion \"ok\"\n      go -> done").replacingOccurrences(of: "gate g \"G\"", with: "gate g ⟨RB0501⟩\"G\""), ignoring: [.rollbackNeverEntered])
    assertDiagnostics(gate("go -> done\n      no_go -> rollback restore within 1h").replacingOccurrences(of: "gate g \"G\"", with: "gate g ⟨RB0503⟩\"G\""))
    assertDiagnostics(gate("no_go_if availability < 95%\n      go -> done\n      no_go -> rollback restore within 1h"))
  }

  func testRollbackOverItsBoundShowsTheSum() throws {
    let text = gate(
      "criterion \"ok\"\n      go -> done\n      no_go -> rollback restore within ⟨RB0502⟩1h",
      rollbackSteps: "step a \"Re-install\" duration 45m\n      step b \"Verify\" duration 20m..30m")
    assertDiagnostics(text)
    let over = try XCTUnwrap(compile(MarkedSource(text).text).diagnostics.first)
    XCTAssertEqual(over.notes.first?.message, "worst case: `a` 45m + `b` 30m = 1h15m")
    assertDiagnostics(gate(
      "criterion \"ok\"\n      go -> done\n      no_go -> rollback restore within 1h15m",
      rollbackSteps: "step a \"Re-install\" duration 45m\n      step b \"Verify\" duration 20m..30m"))
  }

  /// Unknown is not zero: a rollback whose steps have no duration cannot be shown to fit.
  func testRollbackBoundOverStepsWithoutDurationCannotBeChecked() throws {
    let text = gate(
      "criterion \"ok\"\n      go -> done\n      no_go -> rollback restore within ⟨RB0505⟩1h",
      rollbackSteps: "step a \"Re-install\" duration 45m\n      step b \"Verify\"\n      step c \"Tell\" duration tbd")
    assertDiagnostics(text)
    let warning = try XCTUnwrap(compile(MarkedSource(text).text).diagnostics.first)
    XCTAssertEqual(warning.severity, .warning)
    XCTAssertEqual(warning.message, "the 1h bound of rollback `restore` cannot be checked: 2 steps have no duration (`b`, `c`)")
    XCTAssertEqual(warning.notes.map(\.message), ["`b` has no duration", "`c` has no duration"])
    // The plan says so instead of "fits".
    let compilation = compile(MarkedSource(text).text)
    let plan = Plan(graph: compilation.graph!, diagnostics: compilation.diagnostics)
    XCTAssertNil(plan.schedule.rollbacks.first?.fits)
    let rendered = PlanTextBackend.render(plan, sourceName: "r.runbook")
    XCTAssertTrue(rendered.contains("takes 45m; the 1h bound cannot be checked: steps 4, 5 have no duration"), rendered)
    XCTAssertFalse(rendered.contains("fits"), rendered)
    // Known durations over the bound are still an error, whatever else is unknown.
    assertDiagnostics(gate(
      "criterion \"ok\"\n      go -> done\n      no_go -> rollback restore within ⟨RB0502⟩30m",
      rollbackSteps: "step a \"Re-install\" duration 45m\n      step b \"Verify\""))
  }

  func testRollbackNeverEntered() {
    assertDiagnostics(gate("criterion \"ok\"\n      go -> done\n      no_go -> stop").replacingOccurrences(of: "rollback restore \"Restore\"", with: "rollback restore ⟨RB0504⟩\"Restore\""))
  }

  // MARK: - Durations

  func testDurations() {
    let step = { (duration: String) in runbook("stage s \"S\" owner customer {\n    step \"A\" duration \(duration)\n  }") }
    assertDiagnostics(step("⟨RB0601⟩5h..3h"))
    assertDiagnostics(step("⟨RB0602⟩0m"))
    assertDiagnostics(step("3⟨RB0008⟩x"))
    assertDiagnostics(step("⟨RB0604⟩5"))
    assertDiagnostics(step("3h..5h?"))
    assertDiagnostics(step("tbd"))
    assertDiagnostics(step("0m..1h"))
  }

  // MARK: - Whole runbooks

  func testTenMistakesAreAllReportedInOneRun() {
    assertDiagnostics("""
      runbook "Ten mistakes" {
        anchor T "Cut-over"
        role customer "Customer"
        role engineer "Engineer"
        role ⟨RB0404⟩auditor "Auditor"

        stage prep "Preparation" {
          step a "A" owner ⟨RB0202⟩custmer
          step b "B" owner customer after ⟨RB0303⟩c
          step c "C" owner customer
          step d ⟨RB0401⟩"D"
          step e "E" owner engineer after ⟨RB0302⟩later_step
        }

        stage day "Day" {
          ⟨RB0304⟩window T..T+2h
          step backup "Backup" owner engineer duration 3h
          step check "Check backup" owner engineer ⟨RB0403⟩verifies backup
          step bad "Bad" owner engineer duration ⟨RB0601⟩5h..2h
          gate g ⟨RB0402⟩⟨RB0501⟩⟨RB0503⟩"Go?" {
            go -> finish
          }
          step finish "Finish" owner customer
        }

        stage later "Later" {
          step later_step "Later step" owner customer
        }

        rollback undo ⟨RB0504⟩"Undo" {
          step r1 "Restore" owner engineer duration 2h
        }
      }
      """)
  }

  func testAHundredThousandDependentStepsValidate() {
    var text = "runbook \"Chain\" {\n  role ops \"Operations\"\n  stage s \"S\" parallel owner ops {\n    step s0 \"Step 0\"\n"
    for index in 1..<100_000 {
      text += "    step s\(index) \"Step \(index)\" after s\(index - 1)\n"
    }
    text += "  }\n}\n"
    let compilation = compile(text)
    XCTAssertEqual(compilation.diagnostics.map(\.message), [])
    XCTAssertEqual(compilation.graph?.steps.count, 100_000)
  }

  func testExamplesCheckCleanAndUseTheLanguage() throws {
    for url in runbookFiles(in: "Examples") {
      let compilation = Compiler.compile(SourceFile(path: url.lastPathComponent, bytes: [UInt8](try Data(contentsOf: url))))
      XCTAssertEqual(compilation.diagnostics.map { "\($0.code.rawValue) \($0.message)" }, [], url.lastPathComponent)
    }
    let clinspark = try XCTUnwrap(compile(try String(contentsOf: repositoryRoot.appendingPathComponent("Examples/clinspark-upgrade.runbook"), encoding: .utf8)).graph)
    XCTAssertEqual(clinspark.steps.count + clinspark.gates.count, 29)  // 28 numbered rows and the rollback
    XCTAssertEqual(clinspark.gates.first?.noGo, .rollback(clinspark.rollbacks[0], within: Minutes(minimum: 60, maximum: 60, uncertain: false, toBeDecided: false, unit: .hour)))
    XCTAssertTrue(clinspark.steps.contains { $0.owners?.roles.count == 3 && $0.owners?.mode == .all })
    XCTAssertTrue(clinspark.steps.contains { $0.verifies != nil })
  }

  /// "Did you mean" over many names: a bounded search that still finds the close name, whether
  /// the typo is early or late in it.
  func testSuggestionsAmongManyNames() {
    let names = (0..<200_000).map { "step_\($0)" }
    let index = SuggestionIndex(names)
    // One edit from both `step_12345` and `step_123450`: either is a fair suggestion.
    XCTAssertTrue(["step_12345", "step_123450"].contains(index.closest(to: "step_12345x") ?? ""))
    XCTAssertEqual(index.closest(to: "xtep_77777"), "step_77777")
    XCTAssertEqual(index.closest(to: "stpe_77777"), "step_77777")
    XCTAssertEqual(index.closest(to: "step_1999999"), "step_199999")
    XCTAssertNil(index.closest(to: "completely_different_name"))
  }

  /// The edit distance, against the rule written out on all short strings of a small alphabet
  /// (a full table, transpositions counted as one edit, nil past the limit); names are
  /// lowercased as `lowercased()` does it.
  func testEditDistanceAgreesWithTheFullTable() {
    func reference(_ a: [UInt8], _ b: [UInt8]) -> Int {
      var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
      for i in 0...a.count { table[i][0] = i }
      for j in 0...b.count { table[0][j] = j }
      for i in stride(from: 1, through: a.count, by: 1) {
        for j in stride(from: 1, through: b.count, by: 1) {
          table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
          if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] { table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1) }
        }
      }
      return table[a.count][b.count]
    }
    var words: [[UInt8]] = [[]]
    for _ in 0..<4 { words += words.filter { $0.count == words.map(\.count).max()! }.flatMap { word in Array("abc".utf8).map { word + [$0] } } }
    for a in words {
      for b in words {
        let distance = reference(a, b)
        for limit in 0...3 { XCTAssertEqual(editDistance(a, b, limit: limit), distance <= limit ? distance : nil, "\(a) \(b) \(limit)") }
      }
    }
    for name in ["Step_One", "ÉTAPE_Un", "straße", "İstanbul", "x"] { XCTAssertEqual(lowercasedBytes(name), Array(name.lowercased().utf8), name) }
  }
}
