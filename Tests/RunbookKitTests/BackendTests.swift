// Tests of the Markdown and JSON backends: golden files for every example (regenerated with
// RUNBOOK_UPDATE_GOLDEN=1), determinism, fidelity to the seeds, escaping through a real GFM
// renderer (cmark-gfm), and validation of the JSON against its schema with a real validator.
import XCTest
@testable import RunbookKit

final class BackendTests: XCTestCase {
  private let examples = runbookFiles(in: "Examples")

  func testGoldenOutputsForEveryExample() throws {
    let update = ProcessInfo.processInfo.environment["RUNBOOK_UPDATE_GOLDEN"] == "1"
    let folder = repositoryRoot.appendingPathComponent("Tests/RunbookKitTests/Golden/examples")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    XCTAssertEqual(examples.count, 4)
    for url in examples {
      let compilation = try compileExample(url)
      let base = url.deletingPathExtension().lastPathComponent
      let outputs = [
        ("md", markdown(compilation)),
        ("json", JSONBackend.render(compilation, sourceName: compilation.source.path)),
      ]
      for (suffix, text) in outputs {
        let golden = folder.appendingPathComponent("\(base).\(suffix)")
        if update {
          try Data(text.utf8).write(to: golden)
        } else {
          XCTAssertEqual(text, try String(contentsOf: golden, encoding: .utf8), "\(base).\(suffix) differs: run with RUNBOOK_UPDATE_GOLDEN=1 and review the diff")
        }
      }
    }
  }

  func testOutputsAreByteIdenticalAcrossRuns() throws {
    for url in examples {
      let first = try compileExample(url)
      let second = try compileExample(url)
      XCTAssertEqual(markdown(first), markdown(second))
      XCTAssertEqual(
        JSONBackend.render(first, sourceName: "x"), JSONBackend.render(second, sourceName: "x"))
    }
  }

  /// Every item of each seed, from the list kept beside the tests, is in the printed checklist.
  func testMarkdownHoldsEveryItemOfItsSeed() throws {
    for url in examples {
      let base = url.deletingPathExtension().lastPathComponent
      let list = repositoryRoot.appendingPathComponent("Tests/RunbookKitTests/Fixtures/seed-items/\(base).txt")
      let items = try String(contentsOf: list, encoding: .utf8).split(separator: "\n").map(String.init)
      XCTAssertGreaterThan(items.count, 30, base)
      let text = unescapeMarkdown(markdown(try compileExample(url)))
      for item in items {
        XCTAssertTrue(text.contains(item), "\(base): the checklist lacks \(item.debugDescription)")
      }
    }
  }

  func testStepsCarryInitialsRecordsAndOwners() throws {
    let text = markdown(try compileExample(repositoryRoot.appendingPathComponent("Examples/cips-update.runbook")))
    XCTAssertTrue(text.contains("""
      - [ ] **1.** Update schedule confirmed — Fusion and Client
        - Date: ____________
        - Time: __________
        - Fusion initials: ________
        - Client initials: ________
      """))
    XCTAssertTrue(text.contains("- [ ] **11.** Database upgrade completed (if applicable) — Fusion"))
    XCTAssertTrue(text.contains("  - Yes [ ] No [ ]\n  - If yes, briefly describe: "))
    XCTAssertTrue(text.contains("| Fusion Team Lead | Fusion |  |  |  |"))
    XCTAssertTrue(text.contains("source SHA-256 \(sha256Hex([UInt8](try Data(contentsOf: repositoryRoot.appendingPathComponent("Examples/cips-update.runbook")))).prefix(12))"))
  }

  // MARK: - A real renderer

  func testHostileTitlesPrintLiterallyThroughCmarkGFM() throws {
    try requireTool("cmark-gfm")
    let hostile = ["a *b* _c_ | d", "<script>x</script>", "[link](http://x)", "# not a heading", "`code` and ``more``", "&amp; \\ ~~strike~~ $x$", "1. not a list", "- not a list", "![img](x)", "a|b|c"]
    var body = ""
    for (index, title) in hostile.enumerated() {
      let quoted = title.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
      body += "    step s\(index) \"\(quoted)\" {\n      note \"\(quoted)\"\n    }\n"
    }
    let source = "runbook \"Escaping\" {\n  role r \"Role | *x*\"\n  stage st \"Stage _with_ #marks\" owner r {\n\(body)  }\n  signoff \"Sign | off\" by r\n}\n"
    let compilation = compile(source)
    XCTAssertEqual(compilation.diagnostics.map(\.message), [])
    let html = try runProgram("cmark-gfm", ["-e", "table", "-e", "tasklist", "-e", "strikethrough", "-e", "autolink"], input: Data(markdown(compilation).utf8)).stdout
    // No source text may turn into markup. (A bare URL is still autolinked, as GitHub does,
    // but its text stays as written.)
    for markup in ["<em>b</em>", "<em>c</em>", "<em>x</em>", "<em>with</em>", "<code>", "<del>", "<script>", "<img", "link</a>", "<h1>not", "<ol>"] {
      XCTAssertFalse(html.contains(markup), "source text became \(markup):\n\(html)")
    }
    let text = htmlText(html)
    for title in hostile {
      XCTAssertTrue(text.contains("\(title) — Role | *x*"), "title \(title.debugDescription) did not print literally:\n\(text)")
      XCTAssertTrue(text.contains("Note: \(title)"), "note \(title.debugDescription) did not print literally")
    }
    XCTAssertTrue(text.contains("Stage _with_ #marks"))
    XCTAssertTrue(html.contains("<td>Sign | off</td>"), html)
  }

  func testExamplesRenderAsTaskListsAndTables() throws {
    try requireTool("cmark-gfm")
    for url in examples {
      let compilation = try compileExample(url)
      let graph = compilation.graph!
      let html = try runProgram("cmark-gfm", ["-e", "table", "-e", "tasklist"], input: Data(markdown(compilation).utf8)).stdout
      let boxes = html.components(separatedBy: "<input type=\"checkbox\" disabled=\"\" />").count - 1
      let criteria = graph.gates.reduce(0) { $0 + $1.criteria.count + $1.noGoConditions.count }
      XCTAssertEqual(boxes, graph.steps.count + graph.gates.count + criteria, url.lastPathComponent)
      var signoffGroups = 0
      for stage in graph.stages {
        var previousWasSignoff = false
        for item in stage.items {
          let isSignoff: Bool
          if case .signoff = item { isSignoff = true } else { isSignoff = false }
          if isSignoff && !previousWasSignoff { signoffGroups += 1 }
          previousWasSignoff = isSignoff
        }
      }
      let roleTable = graph.roles.contains { !$0.contact.isEmpty } ? 1 : 0
      let tables = html.components(separatedBy: "<table>").count - 1
      XCTAssertEqual(tables, signoffGroups + graph.contactGroups.count + roleTable, url.lastPathComponent)
      let rows = html.components(separatedBy: "<tr>").count - 1
      let expectedRows = graph.signoffs.count + signoffGroups
        + graph.contactGroups.reduce(0) { $0 + $1.contacts.count + 1 } + (roleTable == 1 ? graph.roles.count + 1 : 0)
      XCTAssertEqual(rows, expectedRows, url.lastPathComponent)
      XCTAssertFalse(html.contains("<p>- [ ]"), "a task item did not render as a checkbox in \(url.lastPathComponent)")
    }
  }

  // MARK: - JSON Schema

  func testJSONOfEveryExampleValidatesAgainstTheSchema() throws {
    try requireTool("python3", check: ["-c", "import jsonschema"])
    for url in examples {
      let compilation = try compileExample(url)
      let result = try validate(JSONBackend.render(compilation, sourceName: url.lastPathComponent))
      XCTAssertEqual(result.status, 0, "\(url.lastPathComponent): \(result.stderr)")
    }
  }

  func testTheSchemaRejectsWrongDocuments() throws {
    try requireTool("python3", check: ["-c", "import jsonschema"])
    let compilation = try compileExample(repositoryRoot.appendingPathComponent("Examples/clinspark-upgrade.runbook"))
    let good = JSONBackend.render(compilation, sourceName: "clinspark-upgrade.runbook")
    let wrong = [
      good.replacingOccurrences(of: "\"schema\": \"runbook-graph/1\"", with: "\"schema\": \"runbook-graph/2\""),
      good.replacingOccurrences(of: "\"id_written\": true,", with: "\"id_written\": true, \"extra\": 1,"),
      good.replacingOccurrences(of: "\"mode\": \"all\"", with: "\"mode\": \"both\""),
      good.replacingOccurrences(of: "\"number\": 24,", with: "\"number\": \"24\","),
      good.replacingOccurrences(of: "\"origin\": \"sequence\"", with: "\"origin\": \"whenever\""),
    ]
    for document in wrong {
      XCTAssertNotEqual(document, good)
      XCTAssertNotEqual(try validate(document).status, 0)
    }
  }

  private func validate(_ document: String) throws -> (status: Int32, stdout: String, stderr: String) {
    let schema = repositoryRoot.appendingPathComponent("Grammar/runbook.schema.json").path
    let script = """
      import json, sys, jsonschema
      schema = json.load(open(sys.argv[1]))
      jsonschema.Draft202012Validator.check_schema(schema)
      jsonschema.Draft202012Validator(schema).validate(json.load(sys.stdin))
      """
    return try runProgram("python3", ["-c", script, schema], input: Data(document.utf8))
  }
}

/// The text a Markdown document shows, for searching: backslash escapes removed.
func unescapeMarkdown(_ text: String) -> String {
  var output = ""
  var escaped = false
  for character in text {
    if escaped {
      if !(character.isASCII && character.isPunctuation || character.isSymbol && character.isASCII) { output.append("\\") }
      output.append(character)
      escaped = false
    } else if character == "\\" {
      escaped = true
    } else {
      output.append(character)
    }
  }
  return output
}

/// The text of an HTML fragment: tags removed, the entities cmark-gfm writes decoded.
func htmlText(_ html: String) -> String {
  // Scalar by scalar: a combining mark after `>` or `;` must not hide the end of a tag or an
  // entity.
  var output = String.UnicodeScalarView()
  var inTag = false
  let scalars = Array(html.unicodeScalars)
  var index = 0
  let entities: [String: String] = ["&lt;": "<", "&gt;": ">", "&quot;": "\"", "&amp;": "&", "&#39;": "'"]
  while index < scalars.count {
    let scalar = scalars[index]
    if inTag {
      if scalar == ">" { inTag = false }
      index += 1
      continue
    }
    if scalar == "<" {
      inTag = true
      index += 1
      continue
    }
    if scalar == "&", let end = scalars[index...].prefix(8).firstIndex(of: ";") {
      let entity = String(String.UnicodeScalarView(scalars[index...end]))
      if let decoded = entities[entity] {
        output.append(contentsOf: decoded.unicodeScalars)
        index = end + 1
        continue
      }
    }
    output.append(scalar)
    index += 1
  }
  return String(output)
}
