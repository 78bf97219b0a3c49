// `runbook plan FILE [--format text|json]`: the executable plan. Unlike `build`, a runbook with
// errors still gets its plan, as far as it can be computed, so the author sees each problem at
// the step it concerns; the exit status is then 1.
import Foundation
import RunbookKit

struct PlanCommand {
  let options: PlanOptions

  func run() -> ExitStatus {
    guard let source = readSingleInput(options.path) else { return .usageOrIO }
    let compilation = withAnchorTime(Compiler.compile(source), options.anchorAt)
    if compilation.hasErrors {
      let renderer = DiagnosticRenderer(color: Output.useColor(STDERR_FILENO))
      Output.error(compilation.diagnostics.map { renderer.render($0, in: source) }.joined())
    }
    guard let graph = compilation.graph else { return .inputErrors }
    let plan = Plan(graph: graph, diagnostics: compilation.diagnostics)
    let name = (source.path as NSString).lastPathComponent
    // Written to standard output as it is made, a buffer's worth at a time.
    let output = OutputFile.standardOutput()
    if options.json {
      PlanJSONBackend.write(plan, source: source, sourceName: name, to: output)
    } else {
      PlanTextBackend.write(plan, sourceName: name, to: output)
    }
    if case .failure(let problem) = output.commit() {
      Output.error("\(visible(problem.path)): error: \(problem.message)\n")
      return .usageOrIO
    }
    ProcessEnd.keep(compilation)
    ProcessEnd.keep(plan)
    return compilation.hasErrors ? .inputErrors : .success
  }
}

/// The compilation with the anchor's date and time set from `--anchor-at`, when given.
func withAnchorTime(_ compilation: Compilation, _ time: AnchorTime?) -> Compilation {
  guard let time else { return compilation }
  var dated = compilation
  dated.graph?.anchorTime = time
  return dated
}
