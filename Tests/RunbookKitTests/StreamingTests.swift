// Documents streamed to a destination, a buffer's worth at a time, are byte for byte the
// documents made in memory: for every backend the command-line tool streams, on the examples and
// on a runbook large enough to fill the buffer many times, with the default room and with rooms
// so small that nearly every piece written crosses a hand-over.
import XCTest
@testable import RunbookKit

final class StreamingTests: XCTestCase {
  /// A runbook of 30 stages of 40 steps, each stage ending in a gate with a rollback, with
  /// durations, windows, `after` edges, two owners here and there, and text to escape (markup,
  /// table bars, a combining mark) in every title.
  private func largeRunbook() -> String {
    var text = "runbook \"Streamed <é€😀> | x\u{301}\" {\n  anchor T \"Cut-over\"\n  role ops \"Ops\"\n  role dba \"DBA & <co>\"\n"
    let stages = 30
    for stage in 0..<stages {
      text += "  stage st\(stage) \"Stage \(stage) <b>\" owner ops {\n"
      for step in 0..<40 {
        var attributes = ""
        if step % 3 == 0 { attributes += " duration 5m..20m" }
        if step % 7 == 0 { attributes += " owner ops and dba" }
        if step % 11 == 0 { attributes += " window T-1h..T+900h" }
        if step > 0 && step % 5 == 0 { attributes += " after s\(stage)_\(step - 2)" }
        text += "    step s\(stage)_\(step) \"Check item \(step) of stage \(stage) | <ok> é\u{301}\"\(attributes)\n"
      }
      let next = stage + 1 < stages ? "s\(stage + 1)_0" : "wrap"
      text += "    gate g\(stage) \"Go \(stage)?\" {\n      decided_by ops\n      criterion \"All is well | <yes>\"\n"
      text += "      go -> \(next)\n      no_go -> rollback undo\n    }\n"
      if stage + 1 == stages { text += "    step wrap \"Wrap up\"\n" }
      text += "  }\n"
    }
    text += "  rollback undo \"Undo\" {\n    step undo_all \"Put it back\" owner dba duration 1h\n  }\n}\n"
    return text
  }

  /// Each streamed backend's document, made in memory and streamed with a room of `room`.
  private func assertStreamedAsInMemory(_ compilation: Compilation, room: Int, _ name: String) {
    guard let graph = compilation.graph else { return XCTFail("\(name) has no graph") }
    let source = compilation.source
    let plan = Plan(graph: graph, diagnostics: compilation.diagnostics)
    let documents: [(String, [UInt8], (DocumentDestination) -> Void)] = [
      ("markdown", MarkdownBackend.renderBytes(graph, sourceName: name, sourceBytes: source.bytes).bytes,
       { MarkdownBackend.write(graph, sourceName: name, sourceBytes: source.bytes, to: $0) }),
      ("html", HTMLBackend.renderBytes(graph, sourceName: name, sourceBytes: source.bytes).bytes,
       { HTMLBackend.write(graph, sourceName: name, sourceBytes: source.bytes, to: $0) }),
      ("json", JSONBackend.renderBytes(compilation, sourceName: name).bytes,
       { JSONBackend.write(compilation, sourceName: name, to: $0) }),
      ("plan json", PlanJSONBackend.renderBytes(plan, source: source, sourceName: name).bytes,
       { PlanJSONBackend.write(plan, source: source, sourceName: name, to: $0) }),
      ("plan text", PlanTextBackend.renderBytes(plan, sourceName: name).bytes,
       { PlanTextBackend.write(plan, sourceName: name, to: $0) }),
    ]
    for (target, inMemory, stream) in documents {
      let destination = CollectingDestination(room: room)
      stream(destination)
      XCTAssertGreaterThan(inMemory.count, 0, "\(name) \(target)")
      XCTAssertEqual(destination.bytes, inMemory, "\(name) \(target), room \(room)")
      // With the default room, which every piece fits, no more than a room is held at a time.
      if room == ByteBuffer.streamingRoom {
        XCTAssertLessThanOrEqual(destination.largestHandOver, room, "\(name) \(target)")
        XCTAssertGreaterThanOrEqual(destination.handOvers, inMemory.count / room, "\(name) \(target)")
      }
    }
  }

  func testALargeRunbookStreamsAsItIsMadeInMemory() {
    let compilation = compile(largeRunbook())
    XCTAssertFalse(compilation.hasErrors, "\(compilation.diagnostics.map(\.message))")
    // The JSON is about 1 MB: four buffers of the default room.
    XCTAssertGreaterThan(JSONBackend.renderBytes(compilation, sourceName: "large.runbook").count, 4 * ByteBuffer.streamingRoom)
    for room in [ByteBuffer.streamingRoom, 4093, 61] {
      assertStreamedAsInMemory(compilation, room: room, "large.runbook")
    }
  }

  func testEveryExampleStreamsAsItIsMadeInMemory() throws {
    for url in runbookFiles(in: "Examples") {
      let compilation = try compileExample(url)
      for room in [ByteBuffer.streamingRoom, 509, 1] {
        assertStreamedAsInMemory(compilation, room: room, url.lastPathComponent)
      }
    }
  }
}
