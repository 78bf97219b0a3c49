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
    let path = options.outputPath ?? "-"
    if path != "-", options.path != "-", let input = fileIdentity(options.path), let target = fileIdentity(path), input == target {
      Output.error("\(visible(path)): error: this is the runbook itself; refusing to write the output over it (choose another -o)\n")
      return .usageOrIO
    }
    // The output is written as it is made, a buffer's worth at a time, into a temporary file
    // that replaces the old one only once the whole is written.
    let file: OutputFile
    do {
      file = try OutputFile.open(path)
    } catch {
      return report(error)
    }
    let name = (source.path as NSString).lastPathComponent
    switch options.target {
    case .markdown:
      MarkdownBackend.write(graph, sourceName: name, sourceBytes: source.bytes, to: file)
    case .html:
      HTMLBackend.write(graph, sourceName: name, sourceBytes: source.bytes, to: file)
    case .json:
      JSONBackend.write(compilation, sourceName: name, to: file)
    case .plan:
      PlanJSONBackend.write(Plan(graph: graph, diagnostics: compilation.diagnostics), source: source, sourceName: name, to: file)
    case .mermaid:
      RenderedDocument(copying: Array(MermaidBackend.render(Plan(graph: graph, diagnostics: compilation.diagnostics)).utf8)).handOver(to: file)
    }
    ProcessEnd.keep(compilation)
    switch file.commit() {
    case .success: return .success
    case .failure(let problem): return report(problem)
    }
  }

  private func report(_ problem: FileProblem) -> ExitStatus {
    Output.error("\(visible(problem.path)): error: \(problem.message)\n")
    return .usageOrIO
  }
}
