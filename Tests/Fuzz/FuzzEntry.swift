// The libFuzzer entry point: the whole pipeline on arbitrary bytes. Compiled together with the
// library's sources by .ci/fuzz (swiftc -sanitize=fuzzer,address); it is not a package target,
// so `swift build` and `swift test` never see it. Besides "no crash, no hang", it checks
// properties a crash makes visible: every backend renders, and formatting is idempotent and
// keeps the runbook's diagnostics. Inputs starting with 0xFE are recipes for large files of the
// shapes that were once slower than linear (LargeShapes.swift); `-timeout` catches a slow one.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let input = Array(UnsafeBufferPointer(start: data, count: size))
  // A recipe (LargeShapes.swift) stands for a large file of one shape; anything else is a file.
  let bytes = expandRecipe(input) ?? input
  let source = SourceFile(path: "fuzz.runbook", bytes: bytes)
  let compilation = Compiler.compile(source)
  let renderer = DiagnosticRenderer(color: false)
  for diagnostic in compilation.diagnostics.prefix(50) { _ = renderer.render(diagnostic, in: source) }
  let report = [FileReport(path: "fuzz.runbook", source: source, diagnostics: compilation.diagnostics)]
  _ = ReportFormat.json(report)
  _ = ReportFormat.github(report)
  _ = ReportFormat.sarif(report)
  if let graph = compilation.graph {
    let plan = Plan(graph: graph, diagnostics: compilation.diagnostics)
    _ = PlanTextBackend.render(plan, sourceName: "fuzz.runbook")
    _ = PlanJSONBackend.render(plan, source: source, sourceName: "fuzz.runbook")
    _ = MermaidBackend.render(plan)
    _ = HTMLBackend.render(plan, sourceName: "fuzz.runbook", sourceBytes: bytes)
    if !compilation.hasErrors {
      _ = MarkdownBackend.render(graph, sourceName: "fuzz.runbook", sourceBytes: bytes)
      _ = JSONBackend.render(compilation, sourceName: "fuzz.runbook")
    }
  }
  if let formatted = Formatter.format(compilation.tree) {
    let again = Compiler.compile(SourceFile(path: "fuzz.runbook", text: formatted))
    guard let twice = Formatter.format(again.tree), twice == formatted else {
      fatalError("formatting is not idempotent")
    }
    // Formatting indents every block, so the warning about misleading indentation is the one
    // diagnostic it may (and should) remove.
    let codes = { (diagnostics: [Diagnostic]) in diagnostics.map(\.code).filter { $0 != .misleadingIndentation } }
    guard codes(again.diagnostics) == codes(compilation.diagnostics) else {
      fatalError("formatting changed the diagnostics: \(compilation.diagnostics.map(\.code)) → \(again.diagnostics.map(\.code))")
    }
  }
  return 0
}
