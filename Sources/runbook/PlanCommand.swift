// `runbook plan FILE [--format text|json]`: the executable plan. Unlike `build`, a runbook with
// errors still gets its plan, as far as it can be computed, so the author sees each problem at
// the step it concerns; the exit status is then 1.
import Foundation
import RunbookKit

struct PlanCommand {
  let options: PlanOptions

  func run() -> ExitStatus {
    guard let source = readSingleInput(options.path) else { return .usageOrIO }
    // A `let`, so that the syntax tree can be freed once the graph is taken from it: mutated in
    // place as a `var`, the compilation lived to the end with its whole tree (measured: a fifth
    // of the peak memory of `build --to markdown` at 100k steps).
    let compilation = withAnchorTime(Compiler.compile(source), options.anchorAt)
    if compilation.hasErrors {
      let renderer = DiagnosticRenderer(color: Output.useColor(STDERR_FILENO))
      Output.error(compilation.diagnostics.map { renderer.render($0, in: source) }.joined())
    }
    guard let graph = compilation.graph else { return .inputErrors }
    let plan = Plan(graph: graph, diagnostics: compilation.diagnostics)
    let name = (source.path as NSString).lastPathComponent
    if options.json {
      FileHandle.standardOutput.write(Data(PlanJSONBackend.renderBytes(plan, source: source, sourceName: name)))
    } else {
      FileHandle.standardOutput.write(Data(PlanTextBackend.renderBytes(plan, sourceName: name)))
    }
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
