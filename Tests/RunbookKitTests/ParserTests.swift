// Parser tests: each source marks with ⟨CODE⟩ exactly where each diagnostic must start; the test
// fails on a missing diagnostic, an extra one, or one at another place.
import XCTest
@testable import RunbookKit

final class ParserTests: XCTestCase {
  func testTheBriefSketchParsesWithoutDiagnostics() throws {
    let text = try String(contentsOf: repositoryRoot.appendingPathComponent("Tests/RunbookKitTests/Fixtures/sketch.runbook"), encoding: .utf8)
    let compilation = compile(text)
    XCTAssertEqual(compilation.diagnostics.map(\.message), [])
    let root = try XCTUnwrap(compilation.tree.root)
    XCTAssertEqual(root.title?.value, "ClinSpark Upgrade")
    XCTAssertEqual(root.children.filter { $0.kind == .stage }.map { $0.id?.name }, ["preparation", "readiness", "day_of"])
    let dayOf = root.children.first { $0.id?.name == "day_of" }
    let gate = try XCTUnwrap(dayOf?.children.first { $0.kind == .gate })
    XCTAssertEqual(gate.attributes.map(\.keyword), [.decidedBy, .criterion, .criterion, .go, .noGo])
    guard case .noGo(let target, let within) = gate.attribute(.noGo)?.value else {
      return XCTFail("no_go not parsed")
    }
    XCTAssertEqual(target.name, "restore")
    XCTAssertEqual(within?.maximum, 60)
    let access = root.children.first { $0.id?.name == "readiness" }?.children.first
    guard case .owners(let owners) = access?.attribute(.owner)?.value else { return XCTFail("owner") }
    XCTAssertEqual(owners.roles.map(\.name), ["customer", "engineer"])
    XCTAssertEqual(owners.mode, .all)
  }

  func testValuesAreDecoded() throws {
    let compilation = parse("""
      runbook "R" {
        anchor T "zero"
        stage s "S" {
          step a "Tab\\there \\u{E9}" duration 1h30m..2h? window T-2h30m..T+1d
          step b "B" owner x or y deadline T-48h
          gate g "G" {
            criterion availability >= 99.9% "Availability"
            criterion response_time < 2s
          }
        }
      }
      """)
    XCTAssertEqual(compilation.diagnostics.map(\.message), [])
    let stage = try XCTUnwrap(compilation.root?.children.first)
    let a = stage.children[0]
    XCTAssertEqual(a.title?.value, "Tab\there \u{E9}")
    guard case .duration(let duration) = a.attribute(.duration)?.value,
      case .window(let window) = a.attribute(.window)?.value
    else { return XCTFail("duration/window") }
    XCTAssertEqual([duration.minimum, duration.maximum], [90, 120])
    XCTAssertTrue(duration.uncertain)
    XCTAssertEqual([window.start.offset, window.end.offset], [-150, 1440])
    guard case .owners(let owners) = stage.children[1].attribute(.owner)?.value,
      case .deadline(let deadline) = stage.children[1].attribute(.deadline)?.value
    else { return XCTFail("owners/deadline") }
    XCTAssertEqual(owners.mode, .any)
    XCTAssertEqual(deadline.offset, -2880)
    guard case .criterion(let criterion) = stage.children[2].attribute(.criterion)?.value,
      case .measure(let metric, let comparison, let value, let label) = criterion.form
    else { return XCTFail("criterion") }
    XCTAssertEqual([metric.name, comparison.rawValue, value.unit, label?.value], ["availability", ">=", "%", "Availability"])
    XCTAssertEqual(value.number, 99.9)
  }

  /// Usual durations are read by a fast path over the bytes and the rest by the full decoder;
  /// both must give the same minutes, and everything unusual must still be reported.
  func testDurationsDecodeTheSameWhicheverPathReadsThem() throws {
    let cases: [(String, Int?)] = [
      ("45m", 45), ("2h", 120), ("1h30m", 90), ("3d", 4_320), ("1w", 10_080), ("3mo", 129_600),
      ("1mo2w", 63_360), ("2w1d4h", 21_840), ("0m", 0), ("1h1h", 120), ("000045m", 45),
      ("1.5h", 90), ("0.5d", 720), ("1000000000m", nil), ("90min", nil), ("2hrs", nil),
      ("1.51h", nil), ("5s", nil), ("1300mo", nil), ("1200mo", 51_840_000), ("1.55h", 93),
    ]
    for (written, expected) in cases {
      let compilation = parse("runbook \"R\" {\n  stage s \"S\" {\n    step a \"A\" duration \(written)\n  }\n}\n")
      let step = compilation.root?.children.first?.children.first
      if let expected {
        XCTAssertEqual(compilation.diagnostics.map(\.message), [], written)
        guard case .duration(let duration) = step?.attribute(.duration)?.value else {
          XCTFail("\(written): no duration")
          continue
        }
        XCTAssertEqual(duration.minimum, expected, written)
      } else {
        XCTAssertFalse(compilation.diagnostics.isEmpty, "\(written) should be reported")
      }
    }
    let time = parse("runbook \"R\" {\n  anchor T \"zero\"\n  stage s \"S\" {\n    window T-1w2d..T+90m\n  }\n}\n")
    XCTAssertEqual(time.diagnostics.map(\.message), [])
    guard case .window(let window) = time.root?.children.first?.attribute(.window)?.value else {
      return XCTFail("window")
    }
    XCTAssertEqual([window.start.offset, window.end.offset], [-12_960, 90])
  }

  func testTextBlocksStripTheClosingIndentation() throws {
    let compilation = compile("runbook \"R\" {\n  description \"\"\"\n    First line\n      indented\n\n    last\n    \"\"\"\n}\n")
    XCTAssertEqual(compilation.diagnostics.map(\.message), [])
    guard case .text(let text) = compilation.tree.root?.attribute(.description)?.value else {
      return XCTFail("description")
    }
    XCTAssertEqual(text.value, "First line\n  indented\n\nlast")
  }

  func testFiveIndependentSyntaxErrorsAreAllReported() {
    assertSyntaxDiagnostics("""
      runbook "Five mistakes" {
        role customer "Customer"
        ⟨RB0102⟩stgae prep "Preparation" {
          step a "A" ⟨RB0102⟩ownr customer
        }
        stage s2 "Two" {
          step b "B" owner customer⟨RB0101⟩, vendor
          step c "C" duration 5⟨RB0008⟩x
        }
        stage s3 "Three" {
          step d "D" window T-4h ⟨RB0101⟩T+2h
        }
      }
      """)
  }

  func testSyntaxErrorTable() {
    assertSyntaxDiagnostics("runbook \"R\" {\n  stage s \"S\" {\n    step \"x\" ⟨RB0101⟩\"y\"\n  }\n}\n")
    assertSyntaxDiagnostics("runbook \"R\" {\n  stage s ⟨RB0101⟩{\n  }\n}\n")
    assertSyntaxDiagnostics("runbook \"R\" {\n  role⟨RB0110⟩ \"Customer\"\n}\n")
    assertSyntaxDiagnostics("runbook \"R\" {\n  stage s \"S\" {\n    step x \"X\" owner a and b ⟨RB0109⟩or c\n  }\n}\n")
    assertSyntaxDiagnostics("runbook \"R\" {\n  stage s \"S\" {\n    ⟨RB0105⟩anchor T \"x\"\n  }\n}\n")
    assertSyntaxDiagnostics("runbook \"R\" {\n  stage s \"S\" {\n    step x \"X\" owner a ⟨RB0108⟩owner b\n  }\n}\n")
    // A repeat in a long list is found through a table, in a short one by search.
    assertSyntaxDiagnostics("runbook \"R\" {\n  stage s \"S\" {\n    step x \"X\" owner a or b or ⟨RB0112⟩a\n  }\n}\n")
    assertSyntaxDiagnostics("runbook \"R\" {\n  stage s \"S\" {\n    step x \"X\" after a, b, c, d, e, f, g, h, i, ⟨RB0112⟩c, j, ⟨RB0112⟩j\n  }\n}\n")
    assertSyntaxDiagnostics("runbook \"R\" {\n  stage s \"S\" {\n    step x \"X\" duration ⟨RB0604⟩5\n  }\n}\n")
    assertSyntaxDiagnostics("runbook \"R\" {\n  stage s \"S\" {\n    step x \"X\" duration ⟨RB0008⟩3hours\n  }\n}\n")
    assertSyntaxDiagnostics("runbook \"R\" {\n  stage s \"S\" {\n    step x \"X\" {\n      record ⟨RB0102⟩datee \"D\"\n    }\n  }\n}\n")
    assertSyntaxDiagnostics("runbook \"R\" {\n  stage s \"S\" {\n    step x \"X\"\n    ⟨RB0101⟩{\n    }\n  }\n}\n")
    assertSyntaxDiagnostics("runbook \"R\" {\n  note \"bad ⟨RB0006⟩\\q escape\"\n}\n")
    assertSyntaxDiagnostics("runbook \"R\" {\n  note ⟨RB0007⟩\"\"\"inline\"\"\"\n}\n")
    assertSyntaxDiagnostics("runbook \"R\" {\n  note \"\"\"\n⟨RB0007⟩less\n    \"\"\"\n}\n")
    assertSyntaxDiagnostics("⟨RB0105⟩stage s \"S\" {\n}\nrunbook \"R\" {\n}\n")
    assertSyntaxDiagnostics("runbook \"A\" {\n}\n⟨RB0107⟩runbook \"B\" {\n}\n")
    assertSyntaxDiagnostics("runbook \"R\" {\n  stage s \"S\" {\n    step \"x\" ⟨RB0102⟩verifes y\n  }\n}\n")
  }

  func testUnclosedBlockPointsAtItsOpeningBrace() throws {
    // The last `}` is indented like `runbook`, so it closes the runbook: the stage is the block
    // left open, ending before that line.
    let compilation = parse("runbook \"R\" {\n  stage s \"S\" {\n    step \"x\"\n}\n")
    XCTAssertEqual(compilation.diagnostics.map(\.code), [.unclosedBlock])
    let unclosed = try XCTUnwrap(compilation.diagnostics.first)
    XCTAssertEqual(describe(compilation.source, unclosed.range.start), "2:15")
    let note = try XCTUnwrap(unclosed.notes.first?.range)
    XCTAssertEqual(describe(compilation.source, note.start), "4:1")
    // Without any indentation to go by, the end of the file is blamed, as before.
    let flat = parse("runbook \"R\" {\nstage s \"S\" {\nstep \"x\"\n}\n")
    let atEnd = try XCTUnwrap(flat.diagnostics.first { $0.code == .unclosedBlock })
    XCTAssertEqual(describe(flat.source, atEnd.range.start), "5:1")
  }

  func testUnknownKeywordSuggestsTheClosestOne() throws {
    let compilation = parse("runbook \"R\" {\n  stage s \"S\" {\n    step \"x\" durration 1h\n  }\n}\n")
    XCTAssertEqual(compilation.diagnostics.map(\.help), ["did you mean `duration`?"])
  }
}
