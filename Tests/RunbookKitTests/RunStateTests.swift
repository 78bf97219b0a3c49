// The run's state machine and journal format, without files: entries are made in memory and
// applied, so each rule is tested on its own — gates with measured criteria and two deciders,
// record values by kind, the hash chain against every single changed byte, and the strict JSON
// reader the journal is read back with.
import XCTest

@testable import RunbookKit

final class RunStateTests: XCTestCase {
  private let source = """
    runbook "Cut-over" {
      anchor T "Switch" at "2026-12-05 22:00 UTC"
      role ops "Operations"
      role biz "Business"
      stage day "Day" {
        window T-1h..T+2h
        step switch "Switch traffic" owner ops {
          record number "Users online"
          record yes_no "Errors seen?" if_yes "Which errors"
        }
        step check "Check the switch" owner biz verifies switch
        gate decide "Keep the new system?" {
          decided_by ops and biz
          criterion availability >= 99.5% "Availability"
          no_go_if latency > 2s "Response time"
          go -> done
          no_go -> rollback back within 30m
        }
        step done "Announce" owner ops or biz
      }
      rollback back "Switch back" {
        step undo "Switch traffic back" owner ops duration 20m
      }
    }
    """

  private var graph: RunbookGraph {
    let compilation = compile(source)
    XCTAssertFalse(compilation.hasErrors, "\(compilation.diagnostics.map(\.message))")
    return compilation.graph!
  }

  private let t = 1_796_508_000  // 2026-12-05 22:00 UTC

  /// An entry at `minutes` from T.
  private func entry(_ action: JournalAction, _ target: String? = nil, role: String? = nil, by: String = "Ann Ops", minutes: Int = 0) -> JournalEntry {
    var entry = JournalEntry(sequence: 1, recorded: t + minutes * 60, at: t + minutes * 60, action: action, actor: by, previous: journalGenesis)
    entry.target = target
    entry.role = role
    return entry
  }

  private func started() throws -> RunState {
    var state = RunState(graph: graph)
    var start = entry(.start, minutes: -60)
    start.runbook = RunbookIdentity(path: "x.runbook", title: "Cut-over", version: nil, sha256: sha256Hex(Array(source.utf8)))
    try state.apply(start)
    return state
  }

  /// A run in which the switch is done and checked: the gate is next.
  private func checked() throws -> RunState {
    var state = try started()
    var sign = entry(.sign, "switch", role: "ops")
    sign.values = [JournalValue(name: "users_online", value: "5"), JournalValue(name: "errors_seen", value: "no")]
    try state.apply(sign)
    try state.apply(entry(.sign, "check", role: "biz", by: "Bea Biz"))
    return state
  }

  private func assertRefused(_ state: inout RunState, _ entry: JournalEntry, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
    do {
      try state.apply(entry)
      XCTFail("accepted; expected a refusal with \"\(message)\"", file: file, line: line)
    } catch {
      XCTAssertTrue((error.message + " " + error.help.joined(separator: " ")).contains(message), "\(error.message) | \(error.help)", file: file, line: line)
    }
  }

  func testRecordValuesAreCheckedByKind() throws {
    var state = try started()
    var sign = entry(.sign, "switch", role: "ops")
    sign.values = [JournalValue(name: "Users online", value: "many")]
    assertRefused(&state, sign, "is not a number")
    sign.values = [JournalValue(name: "users_online", value: "1200"), JournalValue(name: "errors_seen", value: "Yes")]
    assertRefused(&state, sign, "--value which_errors=")
    sign.values.append(JournalValue(name: "if_yes", value: "Two timeouts"))
    try state.apply(sign)
    XCTAssertEqual(state.values(ofStep: 0).map(\.value), ["1200", "yes", "Two timeouts"])
    XCTAssertTrue(state.isDone(graph.steps[0].node))
  }

  func testAVerifierIsAnotherPerson() throws {
    var state = try started()
    var sign = entry(.sign, "switch", role: "ops")
    sign.values = [JournalValue(name: "1", value: "5"), JournalValue(name: "yes_no", value: "no")]
    try state.apply(sign)
    assertRefused(&state, entry(.sign, "check", role: "biz", by: "ann  OPS"), "cannot also verify it")
    try state.apply(entry(.sign, "check", role: "biz", by: "Bea Biz"))
  }

  func testGoNeedsEveryDeciderAndCriteriaThatHold() throws {
    var state = try checked()
    var go = entry(.decide, "decide", role: "ops", minutes: 10)
    go.decision = .go
    go.reason = "Stable"
    assertRefused(&state, go, "--value availability=… --value latency=…")
    go.values = [JournalValue(name: "availability", value: "99.9%"), JournalValue(name: "latency", value: "2500ms")]
    assertRefused(&state, go, "no-go condition `latency > 2s` holds")
    go.values = [JournalValue(name: "availability", value: "99.9"), JournalValue(name: "latency", value: "900ms")]
    assertRefused(&state, go, "needs a value in `%`")
    go.values = [JournalValue(name: "availability", value: "99.9%"), JournalValue(name: "latency", value: "0.9s")]
    try state.apply(go)
    XCTAssertNil(state.decisions[0], "one of two deciders is not a decision")
    var second = entry(.decide, "decide", role: "biz", by: "Ann Ops", minutes: 11)
    second.decision = .go
    second.reason = "Fine"
    second.values = go.values
    assertRefused(&state, second, "each decider must be a different person")
    second.actor = "Bea Biz"
    try state.apply(second)
    XCTAssertEqual(state.decisions[0], .go)
    XCTAssertNotNil(state.closedBy[graph.steps[3].node], "the rollback is closed by the go")
    try state.apply(entry(.sign, "done", role: "biz", by: "Bea Biz", minutes: 12))
    XCTAssertEqual(state.ending, .completed)
  }

  func testAGoAgainstTheCriteriaIsADeviation() throws {
    var state = try checked()
    var go = entry(.decide, "decide", role: "ops", minutes: 10)
    go.decision = .go
    go.reason = "Availability recovers"
    go.values = [JournalValue(name: "availability", value: "98%"), JournalValue(name: "latency", value: "1s")]
    assertRefused(&state, go, "criterion `availability >= 99.5%` does not hold")
    go.deviation = .criteria
    try state.apply(go)
    XCTAssertEqual(state.deviations.count, 1)
  }

  func testNoGoFromAnyDeciderOpensTheRollback() throws {
    var state = try checked()
    var noGo = entry(.decide, "decide", role: "biz", by: "Bea Biz", minutes: 10)
    noGo.decision = .noGo
    noGo.reason = "Orders fail"
    try state.apply(noGo)
    XCTAssertEqual(state.decisions[0], .noGo)
    assertRefused(&state, entry(.sign, "done", role: "ops", minutes: 11), "was decided no-go")
    XCTAssertEqual(state.doableNow, [graph.steps[3].node])
    try state.apply(entry(.sign, "undo", role: "ops", minutes: 25))
    XCTAssertEqual(state.ending, .rolledBack(graph.rollbacks[0]))
  }

  func testWorkDoneEarlyDoesNotLetLaterWorkSkipAhead() throws {
    var state = try started()
    // `check` verifies `switch`: skipping nothing, doing `check` out of order does not make the
    // gate after it ready while `switch` is still open.
    var permit = entry(.deviate, "check", role: "biz", by: "Bea Biz")
    permit.deviation = .outOfOrder
    permit.reason = "Checked on the test system first"
    try state.apply(permit)
    try state.apply(entry(.sign, "check", role: "biz", by: "Bea Biz"))
    XCTAssertTrue(state.isDone(graph.steps[1].node))
    XCTAssertFalse(state.isReady(graph.gates[0].node))
    XCTAssertEqual(state.doableNow, [graph.steps[0].node])
    var sign = entry(.sign, "switch", role: "ops")
    sign.values = [JournalValue(name: "users_online", value: "5"), JournalValue(name: "errors_seen", value: "no")]
    try state.apply(sign)
    XCTAssertTrue(state.isReady(graph.gates[0].node))
  }

  func testTheLatestNoGoLeavesTheRollbackItsTime() throws {
    let state = try started()
    let context = RunContext(
      state: state, schedule: Schedule.compute(graph), journalName: "x.journal", finalHash: journalGenesis, entryCount: 1, problem: nil,
      sourceChanged: false, now: t, zone: "UTC")
    let latest = try XCTUnwrap(context.latestNoGo(0))
    XCTAssertEqual(latest.close, 120)
    XCTAssertEqual(latest.length, 20)
    XCTAssertEqual(latest.latest, 100)
  }

  // MARK: - The journal format

  private func journal(_ count: Int) -> [UInt8] {
    var bytes: [UInt8] = []
    var previous = journalGenesis
    for index in 1...count {
      var entry = JournalEntry(sequence: index, recorded: t + index, at: t + index, action: index == 1 ? .start : .note, actor: "Ann \u{E9}\u{301} \"Ops\"", previous: previous)
      if index == 1 { entry.runbook = RunbookIdentity(path: "x.runbook", title: "T", version: "1", sha256: String(repeating: "a", count: 64)) }
      entry.note = "line \(index)\nwith\u{2028}separators and \\ back"
      entry.values = [JournalValue(name: "k", value: "v\(index)")]
      bytes += entry.encode()
      previous = entry.hash
    }
    return bytes
  }

  func testEntriesRoundTrip() {
    let bytes = journal(4)
    let reading = readJournal(bytes)
    XCTAssertNil(reading.problem)
    XCTAssertEqual(reading.entries.count, 4)
    XCTAssertEqual(reading.entries[2].note, "line 3\nwith\u{2028}separators and \\ back")
    XCTAssertEqual(reading.entries[0].actor, "Ann \u{E9}\u{301} \"Ops\"")
    var copy = reading.entries[3]
    XCTAssertEqual(copy.encode(), Array(bytes.split(separator: 0x0A)[3]) + [0x0A], "decode then encode gives the same bytes")
  }

  func testEveryChangedByteIsFoundAtItsEntry() {
    let bytes = journal(3)
    let lineStarts = [0] + bytes.indices.filter { bytes[$0] == 0x0A }.map { $0 + 1 }
    for position in bytes.indices {
      for replacement: UInt8 in [bytes[position] ^ 0x01, 0x20] where replacement != bytes[position] {
        var tampered = bytes
        tampered[position] = replacement
        let reading = readJournal(tampered)
        let entry = lineStarts.lastIndex { $0 <= position }! + 1
        guard let problem = reading.problem else {
          XCTFail("a change at byte \(position) was not found")
          continue
        }
        // A changed newline joins or splits entries: it is found at that entry or the next.
        XCTAssertTrue(problem.entry == entry || (bytes[position] == 0x0A && problem.entry == entry + 1) || problem.entry == entry - 1 && bytes[position] == 0x0A,
          "byte \(position) (entry \(entry)) reported at entry \(problem.entry): \(problem.message)")
        XCTAssertLessThan(reading.entries.count, 3)
      }
    }
  }

  func testHostileJournalBytesAreReadWithoutHarm() {
    var random = SplitMix(state: 14)
    let bytes = journal(4)
    for _ in 0..<2000 {
      var mutated = bytes
      for _ in 0...random.below(6) {
        let position = random.below(mutated.count + 1)
        switch random.below(3) {
        case 0: mutated.insert(UInt8(random.below(256)), at: position)
        case 1: if position < mutated.count { mutated.remove(at: position) }
        default: if position < mutated.count { mutated[position] = UInt8(random.below(256)) }
        }
      }
      let reading = readJournal(mutated)
      // Whatever is accepted is a prefix of the real entries; the rest is named as a problem.
      XCTAssertTrue(reading.problem != nil || mutated == bytes)
      XCTAssertLessThanOrEqual(reading.entries.count, 4)
    }
  }

  func testATornLastLineIsReportedNotCounted() {
    let bytes = journal(3)
    let reading = readJournal(Array(bytes.dropLast(10)))
    XCTAssertEqual(reading.problem?.kind, .torn)
    XCTAssertEqual(reading.problem?.entry, 3)
    XCTAssertEqual(reading.entries.count, 2)
  }

  func testTheJSONReaderIsStrict() {
    for bad in [
      "{\"a\":1,}", "{\"a\":1,\"a\":2}", "[01]", "\"\\ud800\"", "{\"a\":\"\u{1}\"}", "[1] x", "{'a':1}", "[1.]", "tru",
      String(repeating: "[", count: 40) + String(repeating: "]", count: 40),
    ] {
      if case .success = readJSON(ArraySlice(Array(bad.utf8))) { XCTFail("accepted \(bad)") }
    }
    let good = readJSON(ArraySlice(Array("{\"a\":[1,-2.5e3,true,null,\"\\u00e9\\ud83d\\ude00\"]}".utf8)))
    XCTAssertEqual(try good.get(), .object([("a", .array([.number("1"), .number("-2.5e3"), .bool(true), .null, .string("é😀")]))]))
  }
}
