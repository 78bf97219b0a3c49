// `runbook build FILE --to markdown|html|json|plan|mermaid [-o OUT]`: compile one runbook and write an output. A
// runbook with errors produces nothing: its diagnostics go to standard error, an existing output
// file is left untouched, and the exit status is 1.
import Foundation
import RunbookKit

struct BuildCommand {
  let options: BuildOptions

  func run() -> ExitStatus {
    guard let source = readSingleInput(options.path) else { return .usageOrIO }
    let compilation = withAnchorTime(Compiler.compile(source), options.anchorAt)
    let renderer = DiagnosticRenderer(color: Output.useColor(STDERR_FILENO))
    Output.error(compilation.diagnostics.map { renderer.render($0, in: source) }.joined())
    guard !compilation.hasErrors, let graph = compilation.graph else {
      let errors = compilation.diagnostics.filter { $0.severity == .error }.count
      Output.error("\(visible(source.path)): \(plural(errors, "error")); nothing written\n")
      return .inputErrors
    }
    let name = (source.path as NSString).lastPathComponent
    let output: RenderedDocument
    switch options.target {
    case .markdown:
      output = MarkdownBackend.renderBytes(graph, sourceName: name, sourceBytes: source.bytes)
    case .html:
      output = HTMLBackend.renderBytes(graph, sourceName: name, sourceBytes: source.bytes)
    case .json:
      output = JSONBackend.renderBytes(compilation, sourceName: name)
    case .plan:
      output = PlanJSONBackend.renderBytes(Plan(graph: graph, diagnostics: compilation.diagnostics), source: source, sourceName: name)
    case .mermaid:
      output = RenderedDocument(copying: Array(MermaidBackend.render(Plan(graph: graph, diagnostics: compilation.diagnostics)).utf8))
    }
    ProcessEnd.keep(compilation)
    let path = options.outputPath ?? "-"
    if path != "-", options.path != "-", let input = fileIdentity(options.path), let target = fileIdentity(path), input == target {
      Output.error("\(visible(path)): error: this is the runbook itself; refusing to write the output over it (choose another -o)\n")
      return .usageOrIO
    }
    switch writeFile(output, to: path) {
    case .success: return .success
    case .failure(let problem):
      Output.error("\(visible(problem.path)): error: \(problem.message)\n")
      return .usageOrIO
    }
  }
}
