// The printable HTML checklist: golden files for every example (RUNBOOK_UPDATE_GOLDEN=1), text
// from the runbook escaped so that it can add no markup, attribute or link, and the checklist
// printed to PDF by a real browser (headless Chromium) and read back with poppler's pdftotext and
// pdfinfo: every step and owner on paper, the running header and footer on every page, the page
// count, no heading left alone at the bottom of a page, the sign-off block whole.
import XCTest
@testable import RunbookKit

final class HTMLTests: XCTestCase {
  private let examples = runbookFiles(in: "Examples")

  private func page(_ url: URL) throws -> (html: String, compilation: Compilation) {
    let compilation = try compileExample(url)
    let plan = Plan(graph: try XCTUnwrap(compilation.graph), diagnostics: compilation.diagnostics)
    return (HTMLBackend.render(plan, sourceName: url.lastPathComponent, sourceBytes: compilation.source.bytes), compilation)
  }

  func testGoldenHTMLForEveryExample() throws {
    let update = ProcessInfo.processInfo.environment["RUNBOOK_UPDATE_GOLDEN"] == "1"
    let folder = repositoryRoot.appendingPathComponent("Tests/RunbookKitTests/Golden/examples")
    XCTAssertEqual(examples.count, 4)
    for url in examples {
      let text = try page(url).html
      let golden = folder.appendingPathComponent(url.deletingPathExtension().lastPathComponent + ".html")
      if update {
        try Data(text.utf8).write(to: golden)
      } else {
        XCTAssertEqual(text, try String(contentsOf: golden, encoding: .utf8), "\(golden.lastPathComponent) differs: run with RUNBOOK_UPDATE_GOLDEN=1 and review the diff")
      }
      XCTAssertEqual(text, try page(url).html, "not deterministic")
    }
  }

  func testSelfContainedAndSemantic() throws {
    for url in examples {
      let text = try page(url).html
      XCTAssertTrue(text.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
      XCTAssertTrue(text.contains("Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\""))
      for forbidden in ["<script", "src=", "<link", "@import", "url("] { XCTAssertFalse(text.contains(forbidden), "\(forbidden) in \(url.lastPathComponent)") }
      XCTAssertTrue(text.contains("<th scope=\"col\">Started</th><th scope=\"col\">Done</th><th scope=\"col\">Initials</th>"))
      XCTAssertTrue(text.contains("counter(page) \" of \" counter(pages)"))
      // Every link of the table of contents leads to a section.
      for link in text.components(separatedBy: "href=\"#").dropFirst() {
        let id = link.prefix { $0 != "\"" }
        XCTAssertTrue(text.contains("id=\"\(id)\""), "dead link #\(id)")
      }
    }
  }

  /// Text from a hostile alphabet adds no markup: no element, no attribute, no link, no style
  /// rule; bidi and control characters are neutralised; the text reads back literally.
  func testHostileTextIsEscaped() throws {
    let hostile = [
      "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "' onmouseover='x", "javascript:alert(1)",
      "</style><b>x</b>", "a\u{0301}<\u{0301}b", "\u{0600}<i>", "&amp; &lt;", "\u{202E}rtl\u{2066}", "x\u{0085}y\u{009B}z",
      "} body { display: none } {", "*/ @import 'x'; /*", "\\\" \\a",
    ]
    var text = "runbook \"R \(escapeForSource(hostile[4]))\" {\n  version \"\(escapeForSource(hostile[11]))\"\n  role r \"\(escapeForSource(hostile[1]))\"\n  stage s \"\(escapeForSource(hostile[0]))\" owner r {\n"
    for (index, value) in hostile.enumerated() {
      text += "    step s\(index) \"\(escapeForSource(value))\" {\n      note \"\(escapeForSource(value))\"\n      record text \"\(escapeForSource(value))\"\n    }\n"
    }
    text += "  }\n  signoff \"\(escapeForSource(hostile[2]))\" by r\n}\n"
    let compilation = compile(text)
    XCTAssertFalse(compilation.hasErrors, "\(compilation.diagnostics.map(\.message))")
    let plan = Plan(graph: try XCTUnwrap(compilation.graph), diagnostics: [])
    let output = HTMLBackend.render(plan, sourceName: "h\"<x>.runbook", sourceBytes: compilation.source.bytes)
    for forbidden in ["<script", "<img", "<b>x", "<i>", "href=\"javascript", "</style><b>"] {
      XCTAssertFalse(output.contains(forbidden), "\(forbidden)")
    }
    // Every tag is one the backend writes, with attributes it writes: none comes from the text.
    let allowedTags: Set<String> = [
      "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "h4", "p", "b", "br", "nav", "ol", "li", "a",
      "section", "table", "colgroup", "col", "thead", "tbody", "tr", "th", "td", "span", "div", "footer", "code", "pre",
    ]
    let allowedAttributes: Set<String> = ["lang", "charset", "http-equiv", "content", "name", "class", "id", "href", "scope"]
    let tag = try NSRegularExpression(pattern: "<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>")
    let attribute = try NSRegularExpression(pattern: "\\s([a-zA-Z-]+)=\"[^\"]*\"")
    for match in tag.matches(in: output, range: NSRange(output.startIndex..., in: output)) {
      let name = String(output[Range(match.range(at: 1), in: output)!]).lowercased()
      XCTAssertTrue(allowedTags.contains(name), "tag <\(name)>")
      let rest = String(output[Range(match.range(at: 2), in: output)!])
      for found in attribute.matches(in: rest, range: NSRange(rest.startIndex..., in: rest)) {
        XCTAssertTrue(allowedAttributes.contains(String(rest[Range(found.range(at: 1), in: rest)!])), "attribute in <\(name)\(rest)>")
      }
    }
    XCTAssertFalse(output.unicodeScalars.contains { [0x202E, 0x2066, 0x85, 0x9B].contains($0.value) })
    // The style sheet holds exactly its own rules: the title appears in it only as escapes.
    let style = output.components(separatedBy: "<style>")[1].components(separatedBy: "</style>")[0]
    XCTAssertFalse(style.contains("<") || style.contains("display: none") || style.contains("@import"), style)
    // Read back: the text of each step is there, literally.
    let shown = htmlText(output)
    for value in hostile {
      var expected = String.UnicodeScalarView()
      for scalar in value.unicodeScalars { expected.append(isNeutralised(scalar.value) ? "\u{FFFD}" : scalar) }
      XCTAssertTrue(shown.containsScalars(String(expected)), "\(value.debugDescription)")
    }
  }

  private func escapeForSource(_ text: String) -> String {
    var output = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\\": output += "\\\\"
      case "\"": output += "\\\""
      default:
        if isNeutralised(scalar.value) { output += "\\u{\(String(scalar.value, radix: 16))}" } else { output.unicodeScalars.append(scalar) }
      }
    }
    return output
  }

  // MARK: - Printed by a real browser

  private func chromium() throws -> String {
    for name in ["chromium", "chromium-browser", "google-chrome"] where (try? runProgram(name, ["--version"]).status) == 0 { return name }
    try requireTool("chromium")
    throw XCTSkip("no Chromium")
  }

  /// Prints `html` to PDF with headless Chromium (the browser's own header and footer off) and
  /// returns the PDF's path.
  private func printed(_ html: String, name: String) throws -> String {
    let browser = try chromium()
    try requireTool("pdftotext", check: ["-v"])
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("runbook-print-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let input = folder.appendingPathComponent(name + ".html")
    try Data(html.utf8).write(to: input)
    let pdf = folder.appendingPathComponent(name + ".pdf").path
    let result = try runProgram(browser, [
      "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", "--user-data-dir=" + folder.appendingPathComponent("profile").path,
      "--print-to-pdf=" + pdf, input.absoluteString,
    ])
    XCTAssertTrue(FileManager.default.fileExists(atPath: pdf), result.stderr)
    return pdf
  }

  private func pageTexts(_ pdf: String) throws -> [String] {
    let info = try runProgram("pdfinfo", [pdf]).stdout
    let count = Int(info.split(separator: "\n").first { $0.hasPrefix("Pages:") }?.split(separator: " ").last ?? "0") ?? 0
    return try (1...max(count, 1)).map { try runProgram("pdftotext", ["-layout", "-f", "\($0)", "-l", "\($0)", pdf, "-"]).stdout }
  }

  func testEveryExamplePrintsAsASignableChecklist() throws {
    for url in examples {
      let (text, compilation) = try page(url)
      let graph = try XCTUnwrap(compilation.graph)
      let pdf = try printed(text, name: url.deletingPathExtension().lastPathComponent)
      let pages = try pageTexts(pdf)
      XCTAssertGreaterThan(pages.count, 0)
      let all = pages.joined(separator: "\n")
      let words = Set(all.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\u{0C}" }).map(String.init))
      // Every step's number and the words of its title, and every owner, are on paper.
      for step in graph.steps {
        for word in step.title.split(separator: " ").prefix(4) where word.count > 3 && word.allSatisfy({ $0.isLetter }) {
          XCTAssertTrue(words.contains(String(word)) || all.contains(String(word)), "\(url.lastPathComponent): \(word) of step \(step.number)")
        }
      }
      for role in graph.roles {
        for word in role.name.split(separator: " ") { XCTAssertTrue(all.contains(String(word)), "\(url.lastPathComponent): role \(role.name)") }
      }
      // The running header and footer on every page, with the page count the PDF has.
      for (index, page) in pages.enumerated() {
        XCTAssertTrue(page.contains("Page \(index + 1) of \(pages.count)"), "\(url.lastPathComponent) page \(index + 1)")
        XCTAssertTrue(page.contains(String(graph.title.prefix(20))), "\(url.lastPathComponent) page \(index + 1): no title")
        XCTAssertTrue(page.contains(String(sha256Hex(compilation.source.bytes).prefix(16))), "\(url.lastPathComponent) page \(index + 1): no hash")
        // No stage heading is the last line of text before the footer.
        let lines = page.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.contains("Page \(index + 1) of") && !$0.contains("SHA-256") }
        if let last = lines.last, index < pages.count - 1 {
          XCTAssertFalse(graph.stages.contains { $0.title == last }, "\(url.lastPathComponent) page \(index + 1) ends with the heading \(last)")
        }
      }
      // The footer's hash is the file's SHA-256.
      XCTAssertTrue(all.contains(sha256Hex(compilation.source.bytes)) || all.replacingOccurrences(of: " ", with: "").contains(sha256Hex(compilation.source.bytes)))
      // The sign-off block keeps its rows together: every sign-off of the runbook on one page.
      let signoffs = graph.signoffs.filter { $0.stage == RunbookGraph.rootStage }.map(\.title)
      if !signoffs.isEmpty {
        XCTAssertTrue(pages.contains { page in signoffs.allSatisfy { page.contains(String($0.prefix(15))) } }, "\(url.lastPathComponent): sign-off rows split")
      }
    }
  }
}
