// `runbook fmt [--check] PATH...`: rewrite runbooks in the canonical layout. Files are rewritten
// in place only when their text changes (atomically); a file with syntax errors is reported and
// left untouched; `--check` only lists the files that are not formatted; '-' formats standard
// input to standard output.
import Foundation
import RunbookKit

struct FormatCommand {
  let options: FormatOptions

  func run() -> ExitStatus {
    let renderer = DiagnosticRenderer(color: Output.useColor(STDERR_FILENO))
    var status = ExitStatus.success
    var unformatted: [String] = []
    var files = 0
    for item in collectInputs(options.paths, stdinName: nil) {
      let source: SourceFile
      switch readInput(item) {
      case .failure(let failure):
        Output.error("\(visible(failure.path)): error: \(failure.message)\n")
        status = .usageOrIO
        continue
      case .success(let file):
        source = file
      }
      files += 1
      let tree = Parser.parse(source)
      guard let formatted = Formatter.format(tree) else {
        Output.error(sortedDiagnostics(tree.diagnostics).filter { $0.severity == .error }.map { renderer.render($0, in: source) }.joined())
        Output.error("\(visible(source.path)): not formatted: fix the syntax errors first\n")
        if status == .success { status = .inputErrors }
        continue
      }
      if item.isStandardInput {
        Output.standard(formatted)
        continue
      }
      guard Array(formatted.utf8) != source.bytes else { continue }
      unformatted.append(source.path)
      if options.check { continue }
      // Rewritten only if the file still holds what was read: an edit made meanwhile is kept.
      if case .failure(let problem) = writeFile(Array(formatted.utf8), to: source.path, expected: source.bytes) {
        Output.error("\(visible(problem.path)): error: \(problem.message)\n")
        status = .usageOrIO
      }
    }
    if files == 0 && status == .success {
      Output.error("error: no *.runbook files found in \(visible(options.paths.joined(separator: ", ")))\n")
      return .usageOrIO
    }
    if options.check {
      for path in unformatted { Output.standard(visible(path) + "\n") }
      if !unformatted.isEmpty {
        Output.error("\(plural(unformatted.count, "file")) not formatted; run 'runbook fmt' on \(unformatted.count == 1 ? "it" : "them")\n")
        if status == .success { status = .inputErrors }
      }
    }
    return status
  }
}
