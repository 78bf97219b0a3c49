// Replays every input the fuzzer ever found (Fixtures/crashers/) through the whole pipeline and
// the formatter's properties, so that a fixed crash stays fixed.
import XCTest
@testable import RunbookKit

final class CrasherTests: XCTestCase {
  func testEveryCrasherNowPasses() throws {
    let folder = repositoryRoot.appendingPathComponent("Tests/RunbookKitTests/Fixtures/crashers")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0 != "README.md" }.sorted()
    for name in files {
      let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
      let source = SourceFile(path: name, bytes: bytes)
      let compilation = Compiler.compile(source)
      for diagnostic in compilation.diagnostics { _ = DiagnosticRenderer().render(diagnostic, in: source) }
      let report = [FileReport(path: name, source: source, diagnostics: compilation.diagnostics)]
      _ = ReportFormat.json(report)
      _ = ReportFormat.github(report)
      _ = ReportFormat.sarif(report)
      if let graph = compilation.graph {
        let plan = Plan(graph: graph, diagnostics: compilation.diagnostics)
        _ = PlanTextBackend.render(plan, sourceName: name)
        _ = PlanJSONBackend.render(plan, source: source, sourceName: name)
        _ = MermaidBackend.render(plan)
        _ = HTMLBackend.render(plan, sourceName: name, sourceBytes: bytes)
        if !compilation.hasErrors {
          _ = MarkdownBackend.render(graph, sourceName: name, sourceBytes: bytes)
          _ = JSONBackend.render(compilation, sourceName: name)
        }
      }
      if let formatted = Formatter.format(compilation.tree) {
        let again = Compiler.compile(SourceFile(path: name, text: formatted))
        XCTAssertEqual(Formatter.format(again.tree), formatted, "\(name): formatting is not idempotent")
        XCTAssertEqual(again.diagnostics.map(\.code), compilation.diagnostics.map(\.code), "\(name): formatting changed the diagnostics")
      }
    }
  }
}
