// `runbook build FILE --to markdown|html|json|plan|mermaid [-o OUT]`: compile one runbook and write an output. A
// runbook with errors produces nothing: its diagnostics go to standard error, an existing output
// file is left untouched, and the exit status is 1.
import Foundation
import RunbookKit

struct BuildCommand {
  let options: BuildOptions

  func run() -> ExitStatus {
    guard let source = readSingleInput(options.path) else { return .usageOrIO }
    // A `let`, so that the syntax tree can be freed once the graph is taken from it: mutated in
    // place as a `var`, the compilation lived to the end with its whole tree (measured: a fifth
    // of the peak memory of `build --to markdown` at 100k steps).
    let compilation = withAnchorTime(Compiler.compile(source), options.anchorAt)
    let renderer = DiagnosticRenderer(color: Output.useColor(STDERR_FILENO))
    Output.error(compilation.diagnostics.map { renderer.render($0, in: source) }.joined())
    guard !compilation.hasErrors, let graph = compilation.graph else {
      let errors = compilation.diagnostics.filter { $0.severity == .error }.count
      Output.error("\(visible(source.path)): \(plural(errors, "error")); nothing written\n")
      return .inputErrors
    }
    let name = (source.path as NSString).lastPathComponent
    let output: Data
    switch options.target {
    case .markdown:
      output = Data(MarkdownBackend.renderBytes(graph, sourceName: name, sourceBytes: source.bytes))
    case .html:
      output = Data(HTMLBackend.renderBytes(graph, sourceName: name, sourceBytes: source.bytes))
    case .json:
      output = Data(JSONBackend.renderBytes(compilation, sourceName: name))
    case .plan:
      output = Data(PlanJSONBackend.renderBytes(Plan(graph: graph, diagnostics: compilation.diagnostics), source: source, sourceName: name))
    case .mermaid:
      output = Data(MermaidBackend.render(Plan(graph: graph, diagnostics: compilation.diagnostics)).utf8)
    }
    ProcessEnd.keep(graph)
    guard let path = options.outputPath, path != "-" else {
      FileHandle.standardOutput.write(output)
      return .success
    }
    if options.path != "-", let input = fileIdentity(options.path), let target = fileIdentity(path), input == target {
      Output.error("\(visible(path)): error: this is the runbook itself; refusing to write the output over it (choose another -o)\n")
      return .usageOrIO
    }
    switch writeFile([UInt8](output), to: path) {
    case .success: return .success
    case .failure(let problem):
      Output.error("\(visible(problem.path)): error: \(problem.message)\n")
      return .usageOrIO
    }
  }
}
