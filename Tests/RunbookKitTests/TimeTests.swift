// How durations and times print (one rule for every output) and the dated anchor: parsing,
// validation, time zones and daylight-saving time, and clock times beside T± in each backend.
import XCTest
@testable import RunbookKit

final class TimePrintingTests: XCTestCase {
  /// Computed values: hours and minutes below 72 hours, the largest units from then on.
  func testComputedValues() {
    let cases: [(Int, String)] = [
      (0, "0m"), (45, "45m"), (90, "1h30m"), (1_440, "24h"), (2_880, "48h"), (4_319, "71h59m"),
      (4_320, "3d"), (11_520, "1w1d"), (-1_440, "-24h"), (150_000, "3mo2w4h"),
    ]
    for (minutes, text) in cases { XCTAssertEqual(formatDuration(minutes), text, "\(minutes)") }
    XCTAssertEqual(formatTime(-1_440, anchor: "T"), "T-24h")
    XCTAssertEqual(formatTime(0, anchor: "T"), "T")
    XCTAssertEqual(formatTime(7_200, anchor: "T"), "T+5d")
  }

  /// Written values keep the largest unit they were written in.
  func testWrittenValuesKeepTheirUnits() {
    XCTAssertEqual(formatDuration(1_440, unit: .day), "1d")
    XCTAssertEqual(formatDuration(90, unit: .minute), "90m")
    XCTAssertEqual(formatDuration(2_880, unit: .hour), "48h")
    XCTAssertEqual(formatDuration(11_520, unit: .day), "8d")
    XCTAssertEqual(TimeUnit.largest(in: Array("T-24h..T-4h".utf8)[...]), .hour)
    XCTAssertEqual(TimeUnit.largest(in: Array("T+1d..T+48h".utf8)[...]), .day)
    XCTAssertEqual(TimeUnit.largest(in: Array("1h30m".utf8)[...]), .hour)
    XCTAssertEqual(TimeUnit.largest(in: Array("3mo?".utf8)[...]), .month)
    XCTAssertNil(TimeUnit.largest(in: Array("tbd".utf8)[...]))
  }

  /// Through the compiler: the checklist and the plan print what the runbook wrote.
  func testTheChecklistAndThePlanPrintTimesAsWritten() throws {
    let text = """
      runbook "Units" {
        anchor T "Go-live"
        role ops "Ops"
        stage before "T-24 hours" owner ops {
          window T-24h..T-4h
          step a "A" duration 2h..3h30m
          step b "B" duration 90m
        }
        stage day "Day 2" owner ops {
          window T+1d..T+2d
          deadline T+48h
          step c "C" duration 1d
        }
      }
      """
    let compilation = compile(text)
    XCTAssertFalse(compilation.hasErrors, "\(compilation.diagnostics)")
    let checklist = markdown(compilation)
    for expected in ["Window: T-24h to T-4h", "Takes 2h–3h30m", "Takes 90m", "Window: T+1d to T+2d", "Complete by T+48h", "Takes 1d"] {
      XCTAssertTrue(checklist.contains(expected), "missing \(expected)\n\(checklist)")
    }
    XCTAssertFalse(checklist.contains("minutes"), checklist)
    let plan = PlanTextBackend.render(Plan(graph: try XCTUnwrap(compilation.graph), diagnostics: compilation.diagnostics), sourceName: "u.runbook")
    XCTAssertTrue(plan.contains("[T-24 hours]  window T-24h to T-4h · T-24h → T-19h"), plan)
    XCTAssertTrue(plan.contains("[Day 2]  window T+1d to T+2d · by T+48h · T+24h → T+48h"), plan)
  }
}

final class DatedAnchorTests: XCTestCase {
  func time(_ text: String) -> AnchorTime? { try? AnchorTime.parse(text).get() }

  func problem(_ text: String) -> DateTimeProblem? {
    if case .failure(let problem) = AnchorTime.parse(text) { return problem }
    return nil
  }

  func testTheFormsItAccepts() {
    // 2026-12-05 22:00 in Berlin (UTC+1 in winter) is 21:00 UTC: 1_796_504_400.
    let berlin = 1_796_504_400
    XCTAssertEqual(time("2026-12-05 22:00 Europe/Berlin")?.seconds, berlin)
    XCTAssertEqual(time("2026-12-05 22:00 Europe/Berlin")?.zone, "Europe/Berlin")
    XCTAssertEqual(time("2026-12-05T22:00+01:00")?.seconds, berlin)
    XCTAssertEqual(time("2026-12-05T22:00+01:00")?.zone, "+01:00")
    XCTAssertEqual(time("2026-12-05 22:00 +0100")?.seconds, berlin)
    XCTAssertEqual(time("2026-12-05T21:00Z")?.seconds, berlin)
    XCTAssertEqual(time("2026-12-05 21:00 UTC")?.zone, "UTC")
    XCTAssertEqual(time("2026-12-05T22:00:00+01:00")?.seconds, berlin)
    XCTAssertEqual(time("  2026-12-05 22:00 +01:00 Europe/Berlin ")?.seconds, berlin)
    // Summer: New York is UTC-4 in July.
    XCTAssertEqual(time("2026-07-01 08:00 America/New_York")?.seconds, 1_782_907_200)
    // Leap day.
    XCTAssertNotNil(time("2028-02-29 09:00 UTC"))
  }

  /// A clock time written where a time from the anchor belongs is read as the nearest such time
  /// to the anchor, across midnight and across a change of the clocks; a time the clocks skip
  /// is none.
  func testTheNearestClockTimeToTheAnchor() throws {
    let winter = Clock(try XCTUnwrap(time("2026-12-05 22:00 Europe/Berlin")))
    XCTAssertEqual(winter.nearest(clockMinutes: 23 * 60 + 30), 90)
    XCTAssertEqual(winter.nearest(clockMinutes: 21 * 60), -60)
    XCTAssertEqual(winter.nearest(clockMinutes: 60), 180)  // 01:00 the next day
    XCTAssertEqual(winter.nearest(clockMinutes: 10 * 60), -12 * 60)  // the earlier of two as near
    // Berlin's clocks go from 02:00 to 03:00 on 29 March 2026: 04:00 is two hours after 01:00.
    let spring = Clock(try XCTUnwrap(time("2026-03-29 01:00 Europe/Berlin")))
    XCTAssertEqual(spring.nearest(clockMinutes: 4 * 60), 120)
    XCTAssertNil(spring.nearest(clockMinutes: 2 * 60 + 30))
  }

  func testBadDatesTimesAndZones() {
    XCTAssertEqual(problem("2026-02-29 09:00 UTC"), .invalidDate("February 2026 has 28 days, not 29"))
    XCTAssertEqual(problem("2026-13-01 09:00 UTC"), .invalidDate("there is no month 13"))
    XCTAssertEqual(problem("2026-12-05 24:00 UTC"), .invalidDate("`24:00` is not a time on a 24-hour clock"))
    XCTAssertEqual(problem("05.12.2026 22:00"), .malformed("05.12.2026 22:00"))
    XCTAssertEqual(problem("next Saturday"), .malformed("next Saturday"))
    XCTAssertEqual(problem("2026-12-05 22:00"), .missingZone)
    XCTAssertEqual(problem("2026-12-05 22:00 Europe/Berln"), .unknownZone("Europe/Berln", suggestion: "Europe/Berlin"))
    if case .unknownZone? = problem("2026-12-05 22:00 CET") {} else { XCTFail("an abbreviation is not a zone") }
    XCTAssertEqual(problem("2026-12-05 22:00 +05:00 Europe/Berlin"), .offsetMismatch(offset: "+05:00", zone: "Europe/Berlin", actual: "+01:00"))
  }

  /// 29 March 2026 in Berlin: 02:00 → 03:00. 25 October 2026: 03:00 → 02:00.
  func testDaylightSavingTime() {
    XCTAssertEqual(
      problem("2026-03-29 02:30 Europe/Berlin"),
      .skipped(local: "2026-03-29 02:30", zone: "Europe/Berlin", from: "02:00", to: "03:00"))
    XCTAssertEqual(
      problem("2026-10-25 02:30 Europe/Berlin"),
      .repeated(
        local: "2026-10-25 02:30", zone: "Europe/Berlin",
        first: "2026-10-25 02:30 +02:00 Europe/Berlin", second: "2026-10-25 02:30 +01:00 Europe/Berlin"))
    // The offset says which of the repeated half-hours: an hour apart.
    let first = time("2026-10-25 02:30 +02:00 Europe/Berlin")
    let second = time("2026-10-25 02:30 +01:00 Europe/Berlin")
    XCTAssertEqual((second?.seconds ?? 0) - (first?.seconds ?? 0), 3600)
    XCTAssertNotNil(time("2026-03-29 03:30 Europe/Berlin"))
    // Across the change, T+3h from 01:00 CET is 05:00 CEST on the wall clock.
    let clock = Clock(time("2026-03-29 01:00 Europe/Berlin")!)
    XCTAssertEqual(clock.dayAndTime(180), "Sun 29 Mar 05:00")
    XCTAssertEqual(clock.dayAndTime(-60 * 24), "Sat 28 Mar 01:00")
    XCTAssertEqual(clock.clockChanges(from: -60, to: 240), ["the clocks go from 02:00 to 03:00 on Sun 29 Mar (UTC+01:00 to UTC+02:00)"])
    XCTAssertEqual(clock.iso(180), "2026-03-29T05:00+02:00")
  }

  func testClockTimes() {
    let clock = Clock(time("2026-12-05 22:00 Europe/Berlin")!)
    XCTAssertEqual(clock.full(0), "Sat 5 Dec 2026 22:00 Europe/Berlin (UTC+01:00)")
    XCTAssertEqual(clock.dayAndTime(-240), "Sat 5 Dec 18:00")
    XCTAssertEqual(clock.time(150), "00:30")
    XCTAssertEqual(clock.dayAndTime(150), "Sun 6 Dec 00:30")
    XCTAssertEqual(clock.dayAndTime(60 * 24 * 30), "Mon 4 Jan 2027 22:00")
    XCTAssertEqual(clock.dayAndTime(-60 * 24 * 365 * 60), "Tue 20 Dec 1966 22:00")
    XCTAssertEqual(clock.plain(-240), "2026-12-05 18:00")
    XCTAssertEqual(Clock(time("2026-12-05T22:00+05:30")!).full(0), "Sat 5 Dec 2026 22:00 UTC+05:30")
  }

  /// Errors in the runbook are located at the `at` text, with their codes.
  func testTheCheckerReportsThemAtTheText() {
    func runbook(_ at: String) -> String {
      """
      runbook "Dated" {
        anchor T "Go-live" at ⟨\(at.isEmpty ? "" : "")"\(at)"
        role ops "Ops"
        stage s "S" owner ops {
          window T-4h..T
          step "Backup" duration 1h
        }
      }

      """
    }
    assertDiagnostics(runbook("2026-02-30 22:00 UTC").replacingOccurrences(of: "⟨\"", with: "⟨RB0606⟩\""))
    assertDiagnostics(runbook("2026-12-05 22:00 Europe/Berln").replacingOccurrences(of: "⟨\"", with: "⟨RB0607⟩\""))
    assertDiagnostics(runbook("2026-03-29 02:30 Europe/Berlin").replacingOccurrences(of: "⟨\"", with: "⟨RB0608⟩\""))
    assertDiagnostics(runbook("2026-12-05 22:00 Europe/Berlin").replacingOccurrences(of: "⟨\"", with: "\""))
  }

  static let dated = """
    runbook "Cutover" {
      anchor T "Cutover" at "2026-12-05 22:00 Europe/Berlin"
      role eng "Engineer"
      stage prep "Preparation" owner eng {
        step a "Prepare" duration 2h
      }
      stage cut "Cutover" owner eng {
        window T-12h..T+3h
        step b "Backup" duration 1h
        step c "Switch" duration 14h
      }
    }
    """

  func testThePlanChecklistChartAndJSONShowClockTimes() throws {
    let compilation = compile(Self.dated)
    XCTAssertEqual(compilation.diagnostics.map(\.message), [])
    let graph = try XCTUnwrap(compilation.graph)
    let plan = Plan(graph: graph, diagnostics: [])
    let text = PlanTextBackend.render(plan, sourceName: "c.runbook")
    XCTAssertTrue(text.contains("Time zero T: Cutover, Sat 5 Dec 2026 22:00 Europe/Berlin (UTC+01:00)"), text)
    XCTAssertTrue(text.contains("Starts T-14h (Sat 5 Dec 08:00) · ends T+3h (Sun 6 Dec 01:00)"), text)
    XCTAssertTrue(text.contains("[Cutover]  window T-12h to T+3h · T-12h → T+3h (Sat 5 Dec 10:00 → Sun 6 Dec 01:00)"), text)
    XCTAssertTrue(text.contains("T-14h       Sat 5 Dec 08:00  T-12h"), text)
    XCTAssertTrue(text.contains("T-12h       10:00            T-11h"), text)
    let checklist = markdown(compilation)
    XCTAssertTrue(checklist.contains("Window: T-12h to T+3h (Sat 5 Dec 10:00 to Sun 6 Dec 01:00)"), checklist)
    XCTAssertTrue(checklist.contains("Sat 5 Dec 2026 22:00 Europe/Berlin (UTC+01:00)"), checklist)
    let chart = MermaidBackend.render(plan)
    XCTAssertTrue(chart.contains("  dateFormat YYYY-MM-DD HH:mm\n"), chart)
    XCTAssertTrue(chart.contains("1. Prepare :crit, t4, 2026-12-05 08:00, 120m"), chart)
    let json = PlanJSONBackend.render(plan, source: compilation.source, sourceName: "c.runbook")
    XCTAssertTrue(json.contains("\"time\": \"2026-12-05T22:00+01:00\""), json)
    XCTAssertTrue(json.contains("\"start\": \"2026-12-05T08:00+01:00\""), json)
  }

  /// Without a dated anchor nothing shows a date: no clock column, no invented calendar in the
  /// chart (its axis labels are dots and each task carries its time from T).
  func testWithoutADateNoDatesAnywhere() throws {
    let compilation = compile(Self.dated.replacingOccurrences(of: " at \"2026-12-05 22:00 Europe/Berlin\"", with: ""))
    let plan = Plan(graph: try XCTUnwrap(compilation.graph), diagnostics: [])
    let chart = MermaidBackend.render(plan)
    XCTAssertTrue(chart.contains("  axisFormat ·\n"), chart)
    XCTAssertFalse(chart.contains("%"), chart)
    XCTAssertTrue(chart.contains("1. Prepare · T-14h :crit, t4, "), chart)
    XCTAssertTrue(chart.contains("section Cutover · T-12h to T+3h"), chart)
    let text = PlanTextBackend.render(plan, sourceName: "c.runbook")
    XCTAssertFalse(text.contains("Clock"), text)
    let days = ["Mon ", "Tue ", "Wed ", "Thu ", "Fri ", "Sat ", "Sun ", "1999", "2000"]
    for output in [text, chart, markdown(compilation)] {
      XCTAssertFalse(days.contains { output.contains($0) }, output)
    }
  }

  /// Units are read from bytes: every symbol names its unit, and nothing else names one.
  func testUnitSymbolsAreReadExactly() {
    for unit in TimeUnit.allCases { XCTAssertEqual(TimeUnit(symbol: Array(unit.symbol.utf8)), unit) }
    for other in ["", "mm", "mo ", "om", "s", "hh", "mon", "M", "H", "wk"] {
      XCTAssertNil(TimeUnit(symbol: Array(other.utf8)), other)
    }
  }

  /// The writers append each unit's bytes directly: they must be its symbol.
  func testUnitsAreWrittenAsTheirSymbols() {
    for unit in TimeUnit.allCases {
      var bytes: [UInt8] = []
      bytes.append(symbol: unit)
      XCTAssertEqual(String(decoding: bytes, as: UTF8.self), unit.symbol)
    }
  }

  /// The graph keeps durations, windows and deadlines in 32 bits (`Narrow`): the longest the
  /// language accepts, a hundred years either side of the anchor, come back exactly, and one
  /// minute more is a diagnostic, not a value cut short or a trap.
  func testTheLongestTimesAreKeptExactly() throws {
    let limit = 100 * 365 * 1_440
    let compilation = compile("""
      runbook "Limits" {
        anchor T "Start"
        role ops "Ops"
        stage s "S" owner ops {
          step a "A" duration \(limit)m window T-\(limit)m..T+\(limit)m deadline T+\(limit)m
          step b "B" duration 36500d..36500d deadline T-36500d
        }
      }
      """)
    let graph = try XCTUnwrap(compilation.graph)
    XCTAssertEqual(graph.steps[0].duration?.maximum, limit)
    XCTAssertEqual(graph.steps[0].window, Window(start: -limit, end: limit, unit: .minute))
    XCTAssertEqual(graph.steps[0].deadline, limit)
    XCTAssertEqual(graph.steps[1].duration?.minimum, limit)
    XCTAssertEqual(graph.steps[1].deadline, -limit)
    XCTAssertNil(graph.steps[1].window)
    XCTAssertNil(graph.steps[0].verifies)

    let over = compile("""
      runbook "Over" {
        anchor T "Start"
        role ops "Ops"
        stage s "S" owner ops {
          step a "A" duration \(limit + 1)m
          step b "B" deadline T+\(limit + 1)m
        }
      }
      """)
    XCTAssertEqual(over.diagnostics.filter { $0.code == .durationTooLarge }.count, 2, "\(over.diagnostics)")
    XCTAssertEqual(over.graph?.steps.map(\.deadline), [nil, nil])
  }
}
