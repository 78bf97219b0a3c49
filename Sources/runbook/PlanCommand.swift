// `runbook plan FILE [--format text|json]`: the executable plan. Unlike `build`, a runbook with
// errors still gets its plan, as far as it can be computed, so the author sees each problem at
// the step it concerns; the exit status is then 1.
import Foundation
import RunbookKit

struct PlanCommand {
  let options: PlanOptions

  func run() -> ExitStatus {
    guard let source = readSingleInput(options.path) else { return .usageOrIO }
    var compilation = Compiler.compile(source)
    if let time = options.anchorAt { compilation.graph?.anchorTime = time }
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
    return compilation.hasErrors ? .inputErrors : .success
  }
}
