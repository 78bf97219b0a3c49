// Hostile input: random bytes, invalid UTF-8 in every kind of token, NUL, lone CR, a BOM in the
// middle, control and bidirectional-override characters, huge titles, 100,000 owners on one step
// and 100,000 dependencies into one. Each gives located diagnostics or valid output, never a
// crash or a hang; and every output escapes hostile text so that it reads back as written.
import XCTest
@testable import RunbookKit

/// Runs the whole pipeline and every backend on bytes, and checks that each diagnostic is
/// located inside the file.
private func exercise(_ bytes: [UInt8], allBackends: Bool = true, file: StaticString = #filePath, line: UInt = #line) -> Compilation {
  let source = SourceFile(path: "hostile.runbook", bytes: bytes)
  let compilation = Compiler.compile(source)
  for diagnostic in compilation.diagnostics {
    XCTAssertLessThanOrEqual(diagnostic.range.end, bytes.count, "\(diagnostic.code.rawValue) points past the end", file: file, line: line)
    _ = DiagnosticRenderer().render(diagnostic, in: source)
  }
  if let graph = compilation.graph {
    let plan = Plan(graph: graph, diagnostics: compilation.diagnostics)
    _ = PlanTextBackend.render(plan, sourceName: "h")
    if !compilation.hasErrors {
      _ = MarkdownBackend.render(graph, sourceName: "h", sourceBytes: bytes)
    }
    if allBackends {
      _ = MermaidBackend.render(plan)
      _ = HTMLBackend.render(plan, sourceName: "h", sourceBytes: bytes)
      if !compilation.hasErrors { _ = JSONBackend.render(compilation, sourceName: "h") }
    }
  }
  if allBackends { _ = Formatter.format(compilation.tree) }
  return compilation
}

final class HostileInputTests: XCTestCase {
  func testRandomBytes() {
    var random = SplitMix(state: 42)
    for _ in 0..<300 {
      let count = Int.random(in: 0...600, using: &random)
      _ = exercise((0..<count).map { _ in UInt8.random(in: 0...255, using: &random) })
    }
  }

  func testRandomTokenSoup() {
    let pieces = ["runbook", "\"R\"", "{", "}", "stage", "step", "gate", "rollback", "role", "a", "b", "owner", "and", "or", "after", ",", "->", "go", "no_go", "within", "1h", "3h..5h", "T-4h", "..", "window", "T", "\n", "\n", "\"\"\"\n  x\n  \"\"\"", "#c\n", "?", ">=", "99%", "record", "yes_no", "verifies", "duration", "parallel", "signoff", "by", "covers", "stop", "\u{FF}", "\u{0}"]
    var random = SplitMix(state: 7)
    for _ in 0..<300 {
      let count = Int.random(in: 0...120, using: &random)
      let text = (0..<count).map { _ in pieces.randomElement(using: &random)! }.joined(separator: " ")
      _ = exercise(Array(text.utf8))
    }
  }

  func testInvalidUTF8InEveryKindOfToken() {
    let places: [(String, String)] = [
      ("name", "runbook \"R\" {\n  role cu\u{FFFF}st \"C\"\n}\n"),
      ("string", "runbook \"R\" {\n  note \"a\u{FFFF}b\"\n}\n"),
      ("text block", "runbook \"R\" {\n  note \"\"\"\n    a\u{FFFF}b\n    \"\"\"\n}\n"),
      ("comment", "runbook \"R\" { # a\u{FFFF}b\n}\n"),
      ("duration", "runbook \"R\" {\n  role a \"A\"\n  stage s \"S\" owner a {\n    step \"x\" duration 4\u{FFFF}h\n  }\n}\n"),
      ("between tokens", "runbook \u{FFFF}\"R\" {\n}\n"),
    ]
    for (place, text) in places {
      // U+FFFF stands for the place; it is replaced by an invalid byte.
      var bytes: [UInt8] = []
      for byte in Array(text.utf8) { bytes.append(byte) }
      let marker: [UInt8] = [0xEF, 0xBF, 0xBF]
      guard let index = (0..<bytes.count - 2).first(where: { Array(bytes[$0..<$0 + 3]) == marker }) else { continue }
      bytes.replaceSubrange(index..<index + 3, with: [0xFF])
      let compilation = exercise(bytes)
      let invalid = compilation.diagnostics.first { $0.code == .invalidUTF8 }
      XCTAssertEqual(invalid?.range.start, index, "invalid UTF-8 in a \(place) is not reported where it is")
    }
  }

  func testNULLoneCRBOMInTheMiddleAndControlCharacters() {
    let nul = exercise(Array("runbook \"R\" {\n  note \"a\u{0}b\"\n}\n".utf8))
    XCTAssertEqual(nul.diagnostics.map(\.code), [.nulByte])
    let loneCR = exercise(Array("runbook \"R\" {\r  note \"a\"\r}\r".utf8))
    XCTAssertEqual(loneCR.diagnostics.map(\.code), [], "a lone CR separates tokens like a space")
    let bom = exercise(Array("runbook \"R\" {\n".utf8) + [0xEF, 0xBB, 0xBF] + Array("  note \"a\"\n}\n".utf8))
    XCTAssertEqual(bom.diagnostics.map(\.code), [.invalidCharacter])
    XCTAssertEqual(bom.diagnostics.first.map { bom.source.lineColumn(of: $0.range.start) }, LineColumn(line: 2, column: 1))
    let control = exercise(Array("runbook \"R\" {\n  \u{7}note \"a\"\n}\n".utf8))
    XCTAssertEqual(control.diagnostics.map(\.code), [.invalidCharacter])
    let rendered = DiagnosticRenderer().render(control.diagnostics[0], in: control.source)
    XCTAssertTrue(rendered.contains("<U+0007>note"), rendered)
  }

  func testRightToLeftOverrideInATitleIsFlaggedAndShownEscaped() throws {
    let compilation = exercise(Array("runbook \"R\" {\n  role a \"A\"\n  stage s \"S\" owner a {\n    step \"Backup \u{202E}TSET\"\n  }\n}\n".utf8))
    let warning = try XCTUnwrap(compilation.diagnostics.first)
    XCTAssertEqual(warning.code, .bidiControl)
    XCTAssertEqual(compilation.source.lineColumn(of: warning.range.start), LineColumn(line: 4, column: 10))
    let rendered = DiagnosticRenderer().render(warning, in: compilation.source)
    XCTAssertTrue(rendered.contains("Backup <U+202E>TSET"), rendered)
    XCTAssertFalse(rendered.contains("\u{202E}"))
  }

  func testAHundredThousandOwnersOnOneStep() {
    let owners = (0..<100_000).map { _ in "a" }.joined(separator: " and ")
    let compilation = exercise(Array("runbook \"R\" {\n  role a \"A\"\n  stage s \"S\" {\n    step \"x\" owner \(owners)\n  }\n}\n".utf8))
    // Each repeat is reported, the first thousand of them kept.
    XCTAssertEqual(compilation.diagnostics.map(\.code), Array(repeating: .repeatedName, count: RunbookInfo.maximumKeptDiagnostics) + [.tooManyDiagnostics])
    XCTAssertEqual(compilation.graph?.steps.first?.owners?.roles, [0])
  }

  func testAHundredThousandDependenciesIntoOneStep() {
    var text = "runbook \"R\" {\n  role a \"A\"\n  stage s \"S\" parallel owner a {\n"
    for index in 0..<100_000 { text += "    step s\(index) \"Step \(index)\"\n" }
    text += "    step last \"Last\" after " + (0..<100_000).map { "s\($0)" }.joined(separator: ", ") + "\n  }\n}\n"
    // The JSON and Mermaid outputs of this file are measured by the release benchmark; in a
    // debug build they take too long for a unit test.
    let compilation = exercise(Array(text.utf8), allBackends: false)
    XCTAssertEqual(compilation.diagnostics.map(\.code), [])
    XCTAssertEqual(compilation.graph?.edges.filter { $0.origin == .after }.count, 100_000)
  }

  func testColumnsOnAVeryLongLineCostAShortScan() {
    // 100,000 columns on one 1 MB line: each must not rescan the line from its start.
    let line = String(repeating: "é", count: 300_000) + String(repeating: "x", count: 400_000)
    let source = SourceFile(path: "t", text: "first\n" + line + "\n")
    var random = SplitMix(state: 9)
    let started = Date()
    for _ in 0..<20_000 {
      let offset = 6 + Int.random(in: 0..<(line.utf8.count), using: &random)
      let position = source.lineColumn(of: offset)
      XCTAssertEqual(position.line, 2)
    }
    XCTAssertEqual(source.lineColumn(of: 6 + 600_000), LineColumn(line: 2, column: 300_001))
    XCTAssertEqual(source.lineColumn(of: 6 + 600_010), LineColumn(line: 2, column: 300_011))
    // Generous: scanning the whole line each time took minutes; the checkpoints take well under
    // a second even in a debug build.
    XCTAssertLessThan(Date().timeIntervalSince(started), 20)
  }

  func testNameAndTextLimits() {
    let long = String(repeating: "n", count: RunbookInfo.maximumNameBytes + 1)
    assertDiagnostics("runbook \"R\" {\n  role ⟨RB0702⟩\(long) \"A\"\n  stage s \"S\" owner ⟨RB0702⟩\(long) {\n    step \"x\"\n  }\n}\n")
    let fine = String(repeating: "n", count: RunbookInfo.maximumNameBytes)
    assertDiagnostics("runbook \"R\" {\n  role \(fine) \"A\"\n  stage s \"S\" owner \(fine) {\n    step \"x\"\n  }\n}\n")
    let block = String(repeating: "x", count: RunbookInfo.maximumTextBlockBytes)
    assertDiagnostics("runbook \"R\" {\n  note ⟨RB0703⟩\"\"\"\n    \(block)\n    \"\"\"\n}\n")
  }

  // MARK: - Escaping in every output

  /// Text from a hostile alphabet, as it appears in a runbook string (escaped) and as decoded.
  private func hostileTexts(count: Int, seed: UInt64) -> [String] {
    let alphabet = [
      "a", "Z", " ", "*", "_", "|", "<", ">", "[", "]", "(", ")", "#", "`", "~", "&", "!", "$", "%", ":", ",", "\\", "\"",
      "-", "+", "=", ".", "1.", "é", "€", "\u{1F600}", "::", "\t", "{", "}",
      // Scalars that join what is around them into one character: a combining mark after a
      // special character, a prepended character before one, zero-width joiners.
      "\u{0301}", "|\u{0301}", ">\u{0301}", "*\u{0301}", "`\u{0301}", ":\u{0301}", "\u{0600}<", "\u{0600}[",
      "\u{0600}]", "\u{0600}&", "\u{200D}", "\u{1F469}\u{200D}\u{1F4BB}",
      // Controls, separators and bidi controls (written as escapes in the source).
      "\u{0007}", "\u{001B}[31m", "\u{0085}", "\u{009B}", "\u{202E}", "\u{2066}", "\u{200F}", "\u{2028}",
      // Markup and addresses.
      "<img src=x onerror=alert(1)>", "javascript:alert(1)", " https://x.org/a_b?c=1&d=|e ", " www.e-x.com/_a_ ",
      "[link](http://evil.example)", "\n- item", "\n> quote", "\n# heading",
    ]
    var random = SplitMix(state: seed)
    return (0..<count).map { _ in
      var text = (0..<Int.random(in: 1...16, using: &random)).map { _ in alphabet.randomElement(using: &random)! }.joined()
      text = text.trimmingSpaces
      return text.isEmpty ? "x" : text
    }
  }

  /// A runbook string that decodes to `text`: controls and bidi controls as `\u{…}` escapes.
  private func quoted(_ text: String) -> String {
    var output = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\\": output += "\\\\"
      case "\"": output += "\\\""
      case "\t": output += "\\t"
      case "\n": output += "\\n"
      default:
        if isNeutralised(scalar.value) {
          output += "\\u{\(String(scalar.value, radix: 16))}"
        } else {
          output.unicodeScalars.append(scalar)
        }
      }
    }
    return output + "\""
  }

  /// `%XX` sequences decoded as UTF-8 bytes; anything else as it is.
  private func percentDecoded(_ text: String) -> String {
    var bytes: [UInt8] = []
    let source = Array(text.utf8)
    var index = 0
    while index < source.count {
      if source[index] == UInt8(ascii: "%"), index + 2 < source.count,
        let value = UInt8(String(decoding: source[index + 1...index + 2], as: UTF8.self), radix: 16)
      {
        bytes.append(value)
        index += 3
      } else {
        bytes.append(source[index])
        index += 1
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// What Markdown, HTML and Mermaid show of `text`: line breaks and tabs as spaces, other
  /// controls and bidi controls as U+FFFD.
  private func shownInMarkdown(_ text: String) -> String {
    var output = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if scalar == "\n" || scalar == "\t" || scalar == "\r" {
        output.append(" ")
      } else if isNeutralised(scalar.value) {
        output.append("\u{FFFD}")
      } else {
        output.append(scalar)
      }
    }
    return String(output)
  }

  private func runbook(titles: [String]) -> Compilation {
    var text = "runbook \(quoted(titles[0])) {\n  role r \(quoted(titles[1]))\n  stage s \(quoted(titles[2])) owner r {\n"
    for (index, title) in titles.enumerated() { text += "    step s\(index) \(quoted(title)) {\n      note \(quoted(title))\n    }\n" }
    text += "  }\n}\n"
    let compilation = compile(text)
    // Bidi controls are warned about (RB0010) and kept.
    XCTAssertEqual(compilation.diagnostics.filter { $0.code != .bidiControl }.map { "\($0.code.rawValue) \($0.message)" }, [], text)
    return compilation
  }

  func testJSONReadsBackTheOriginalText() throws {
    let titles = hostileTexts(count: 60, seed: 1)
    let compilation = runbook(titles: titles)
    let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(JSONBackend.render(compilation, sourceName: "x").utf8)) as? [String: Any])
    let steps = try XCTUnwrap(document["steps"] as? [[String: Any]])
    XCTAssertEqual(steps.map { $0["title"] as? String }, titles)
    XCTAssertEqual(steps.map { ($0["notes"] as? [String])?.first }, titles)
    XCTAssertEqual((document["runbook"] as? [String: Any])?["title"] as? String, titles[0])
  }

  func testMarkdownRendersTheOriginalTextThroughCmarkGFM() throws {
    try requireTool("cmark-gfm")
    let titles = hostileTexts(count: 60, seed: 2)
    let compilation = runbook(titles: titles)
    let document = markdown(compilation)
    let html = try runProgram(
      "cmark-gfm", ["-e", "table", "-e", "tasklist", "-e", "autolink", "-e", "strikethrough"], input: Data(document.utf8)
    ).stdout
    let text = htmlText(html)
    for (index, title) in titles.enumerated() {
      let shown = shownInMarkdown(title)
      XCTAssertTrue(text.containsScalars("\(index + 1). \(shown) — "), "title \(title.debugDescription) did not render literally")
      // A note keeps its line breaks (as hard breaks); each line reads back literally.
      for noteLine in title.split(separator: "\n") where !String(noteLine).trimmingSpaces.isEmpty {
        let expected = shownInMarkdown(String(noteLine).trimmingSpaces)
        XCTAssertTrue(text.containsScalars(expected), "note line \(noteLine.debugDescription) did not render literally")
      }
    }
    // The structure is what the runbook says, whatever the text: one list item per step and one
    // per note, one more per initials line; no quote, heading, image, strikethrough or raw HTML
    // made from the text; the only links are addresses, shown as written.
    let items = html.components(separatedBy: "<li").count - 1
    XCTAssertEqual(items, titles.count * 3, html)
    for forbidden in ["<blockquote", "<img", "<del", "<script", "<h3", "<ol"] {
      XCTAssertFalse(html.contains(forbidden), "\(forbidden) in\n\(html)")
    }
    // Every link shows where it goes: its text is its address as written (for `www.` without the
    // scheme), never a label hiding another site, and never `javascript:`.
    for anchor in html.components(separatedBy: "<a href=\"").dropFirst() {
      let target = String(anchor.prefix { $0 != "\"" })
      let shown = htmlText(String(anchor.drop { $0 != ">" }.dropFirst().prefix { $0 != "<" }))
      let decoded = percentDecoded(htmlText(target))
      XCTAssertTrue(decoded == shown || decoded == "http://" + shown, "a link to \(target) shows \(shown)")
      XCTAssertFalse(target.hasPrefix("javascript"), target)
    }
  }

  /// The findings of the review, one by one: a combining mark after a special character and a
  /// prepended character before one, C1 and bidi controls, and addresses in notes.
  func testTheEscapingFindingsOfTheReview() throws {
    try requireTool("cmark-gfm")
    let text = """
      runbook "R" {
        role r "Ops |\u{301} lead"
        stage s "S" owner r {
          step a "x |\u{301} y" {
            note ">\u{301} not a quote"
            note "*\u{301}not bold*\u{301} `\u{301}not code`\u{301}"
            note "\u{600}<img src=x onerror=alert(1)> \u{600}[x](http://evil.example) \u{600}&amp;"
            note "C1 \u{85} CSI \u{9b} RLO \u{202e}end"
            note "see https://wiki.example.org/a_b/Upgrading+X#Requesting-VAL\\nnext line"
          }
        }
        signoff "Lead" by r
      }

      """
    let compilation = compile(text)
    let document = markdown(compilation)
    let html = try runProgram("cmark-gfm", ["-e", "table", "-e", "autolink", "-e", "tasklist"], input: Data(document.utf8)).stdout
    XCTAssertFalse(html.contains("<blockquote"), html)
    XCTAssertFalse(html.contains("<em>not bold") || html.contains("<code>") || html.contains("<img"), html)
    XCTAssertFalse(html.contains(">x</a>"), html)
    XCTAssertTrue(html.contains("&amp;amp;"), html)
    // The sign-off table keeps its columns: the role's `|` is text.
    let rows = html.components(separatedBy: "<tr>").dropFirst()
    let widths = rows.map { $0.components(separatedBy: "<td").count + $0.components(separatedBy: "<th").count - 2 }
    XCTAssertEqual(widths.count, 2)
    XCTAssertEqual(Set(widths).count, 1, "\(widths)")
    // No C1 control or bidi control reaches the page.
    XCTAssertFalse(document.unicodeScalars.contains { [0x85, 0x9B, 0x202E].contains($0.value) })
    // The address links to itself, unescaped, and the line break after it is still a line break.
    let link = "https://wiki.example.org/a_b/Upgrading+X#Requesting-VAL"
    XCTAssertTrue(html.contains("<a href=\"\(link)\">\(link)</a><br />"), html)
    // Mermaid: `:` followed by a combining mark in a title.
    let colon = compile("runbook \"R\" {\n  role r \"R\"\n  stage s \"S\" owner r {\n    step \"a:\\u{301}b\"\n  }\n}\n")
    let chart = MermaidBackend.render(Plan(graph: try XCTUnwrap(colon.graph), diagnostics: []))
    XCTAssertTrue(chart.contains("1. a -\u{301}b"), chart)
  }

  /// A clipped title in the plan never cuts a `<U+XXXX>` marker in half.
  func testClippingNeverCutsAMarker() throws {
    for length in 50...62 {
      let title = String(repeating: "a", count: length) + "\u{202C}\u{202C}tail"
      XCTAssertFalse(visible(title, limit: 60).contains { $0 == "<" } && !visible(title, limit: 60).contains(">"))
      let clipped = visible(title, limit: 60)
      XCTAssertEqual(clipped.components(separatedBy: "<U+202C>").count - 1, clipped.components(separatedBy: "<").count - 1, clipped)
      XCTAssertLessThanOrEqual(clipped.unicodeScalars.count, 61, clipped)
      let text = "runbook \"R\" {\n  role r \"R\"\n  stage s \"S\" owner r {\n    step \"\(String(repeating: "a", count: length))\\u{202C}\\u{202C}tail\"\n  }\n}\n"
      let compilation = compile(text)
      let plan = PlanTextBackend.render(Plan(graph: try XCTUnwrap(compilation.graph), diagnostics: []), sourceName: "r")
      for line in plan.split(separator: "\n") where line.contains("aaaa") {
        XCTAssertEqual(line.components(separatedBy: "<").count, line.components(separatedBy: "<U+202C>").count, String(line))
      }
    }
  }

  /// Sign-off and contact tables keep their columns whatever the text in their cells.
  func testMarkdownTablesKeepTheirCells() throws {
    try requireTool("cmark-gfm")
    let names = hostileTexts(count: 40, seed: 5)
    var text = "runbook \"R\" {\n"
    for (index, name) in names.enumerated() { text += "  role r\(index) \(quoted(name)) phone \(quoted(name))\n" }
    text += "  stage s \"S\" owner r0 {\n    step \"x\"\n  }\n"
    for (index, name) in names.enumerated() { text += "  signoff \(quoted(name)) by r\(index)\n" }
    text += "}\n"
    let compilation = compile(text)
    XCTAssertEqual(compilation.diagnostics.filter { $0.severity == .error }.map(\.message), [])
    let document = markdown(compilation)
    let html = try runProgram("cmark-gfm", ["-e", "table", "-e", "autolink"], input: Data(document.utf8)).stdout
    for row in html.components(separatedBy: "<tr>").dropFirst() {
      let body = row.components(separatedBy: "</tr>")[0]
      let cells = body.components(separatedBy: "<td").count - 1 + body.components(separatedBy: "<th").count - 1
      let header = html.components(separatedBy: "<tr>")[1].components(separatedBy: "</tr>")[0]
      _ = header
      XCTAssertGreaterThan(cells, 1, body)
    }
    // Every table: each row has as many cells as its header.
    for table in html.components(separatedBy: "<table>").dropFirst() {
      let rows = table.components(separatedBy: "</table>")[0].components(separatedBy: "<tr>").dropFirst()
      let widths = rows.map { $0.components(separatedBy: "<td").count - 1 + $0.components(separatedBy: "<th").count - 1 }
      XCTAssertEqual(Set(widths).count, 1, "rows of different widths: \(widths)\n\(table)")
    }
    let shown = htmlText(html)
    for name in names {
      XCTAssertTrue(shown.containsScalars(shownInMarkdown(name).trimmingSpaces), "\(name.debugDescription) not shown literally")
    }
  }

  /// Mermaid: every task and section line keeps its shape, with no control or bidi control.
  func testMermaidNamesCannotBreakTheChart() throws {
    let titles = hostileTexts(count: 60, seed: 6)
    let compilation = runbook(titles: titles)
    let chart = MermaidBackend.render(Plan(graph: try XCTUnwrap(compilation.graph), diagnostics: []))
    for line in chart.split(separator: "\n").dropFirst(4) {
      XCTAssertFalse(line.unicodeScalars.contains { isNeutralised($0.value) }, String(line))
      if line.hasPrefix("  section ") {
        XCTAssertFalse(line.unicodeScalars.dropFirst(10).contains(":"), String(line))
      } else {
        // Exactly one `:` scalar, the one that starts the task's data; no `;`, `#` or `%`.
        XCTAssertEqual(line.unicodeScalars.filter { $0 == ":" }.count, 1, String(line))
        XCTAssertFalse(line.unicodeScalars.contains { $0 == ";" || $0 == "#" || $0 == "%" }, String(line))
      }
    }
  }

  /// The terminal: no control, separator or bidi control reaches it raw, in a diagnostic or in
  /// the plan.
  func testTheTerminalNeverSeesARawControl() throws {
    let titles = hostileTexts(count: 60, seed: 7)
    var text = "runbook \"R\" {\n  role r \"R\"\n  stage s \"S\" owner r {\n"
    for (index, title) in titles.enumerated() { text += "    step s\(index) \(quoted(title)) owner \(quoted(title))\n" }
    text += "  }\n}\n"
    let compilation = compile(text)
    let source = compilation.source
    let rendered = compilation.diagnostics.map { DiagnosticRenderer().render($0, in: source) }.joined()
    let plan = PlanTextBackend.render(Plan(graph: try XCTUnwrap(compilation.graph), diagnostics: compilation.diagnostics), sourceName: "r")
    for output in [rendered, plan] {
      let raw = output.unicodeScalars.filter { isNeutralised($0.value) && $0 != "\n" }
      XCTAssertEqual(raw.map { String($0.value, radix: 16) }, [])
    }
  }

  func testGitHubAnnotationsAndSARIFCarryTheMessageIntact() throws {
    let titles = hostileTexts(count: 30, seed: 3)
    for title in titles {
      let source = SourceFile(path: "a,b:c.runbook", text: "runbook \"R\" {\n  stage s \"S\" {\n    step \"x\" owner \(title.filter { $0.isLetter })zz\n  }\n}\n")
      let compilation = Compiler.compile(source)
      var diagnostics = compilation.diagnostics
      diagnostics[0].message = title + "\n" + title
      let report = [FileReport(path: source.path, source: source, diagnostics: [diagnostics[0]])]
      let line = ReportFormat.github(report)
      XCTAssertEqual(line.filter { $0 == "\n" }.count, 1, "one command, one line")
      let message = String(line.dropLast().components(separatedBy: "::").dropFirst(2).joined(separator: "::"))
      let decoded = message.replacingOccurrences(of: "%0A", with: "\n").replacingOccurrences(of: "%0D", with: "\r").replacingOccurrences(of: "%25", with: "%")
      var shown = ""
      for scalar in title.unicodeScalars {
        if scalar == "\t" { shown += " " } else if scalar != "\n" && scalar != "\r" && isNeutralised(scalar.value) { shown += visible(String(scalar)) } else { shown.unicodeScalars.append(scalar) }
      }
      XCTAssertTrue(decoded.unicodeScalars.starts(with: (shown + "\n" + shown + "\nhelp: ").unicodeScalars), decoded)
      XCTAssertFalse(line.unicodeScalars.contains { isNeutralised($0.value) && $0 != "\n" }, line)
      XCTAssertTrue(line.hasPrefix("::error file=a%2Cb%3Ac.runbook,line=3,"), line)
      let sarif = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(ReportFormat.sarif(report).utf8)) as? [String: Any])
      let result = try XCTUnwrap(((sarif["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])?.first)
      XCTAssertTrue(((result["message"] as? [String: Any])?["text"] as? String)?.unicodeScalars.starts(with: (title + "\n" + title).unicodeScalars) == true)
    }
  }
}
