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
