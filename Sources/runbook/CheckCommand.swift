// `runbook check`: compile every input, print its diagnostics and a one-line summary.
import RunbookKit
import Foundation

struct CheckCommand {
  let options: CheckOptions

  func run() -> ExitStatus {
    let renderer = DiagnosticRenderer(color: Output.useColor(STDOUT_FILENO))
    var files = 0
    var errors = 0
    var warnings = 0
    var ioFailures = 0
    var report = ""
    for item in collectInputs(options.paths, stdinName: options.stdinFilename) {
      switch readInput(item) {
      case .failure(let failure):
        ioFailures += 1
        report += "\(visible(failure.path)): error: \(failure.message)\n"
      case .success(let source):
        files += 1
        let compilation = Compiler.compile(source)
        var shown = 0
        var hidden = 0
        for var diagnostic in compilation.diagnostics {
          if diagnostic.severity == .warning && options.warningsAreErrors { diagnostic.severity = .error }
          if diagnostic.severity == .error { errors += 1 } else if diagnostic.severity == .warning { warnings += 1 }
          if options.quiet && diagnostic.severity != .error { continue }
          if shown >= RunbookInfo.maximumDiagnosticsPerFile {
            hidden += 1
            continue
          }
          shown += 1
          report += renderer.render(diagnostic, in: source)
        }
        if hidden > 0 { report += "\(visible(source.path)): … and \(hidden) more diagnostics not shown\n" }
      }
      if report.utf8.count > 1 << 16 {
        Output.standard(report)
        report = ""
      }
    }
    if files == 0 && ioFailures == 0 {
      report += "error: no *.runbook files found in \(options.paths.joined(separator: ", "))\n"
      ioFailures += 1
    }
    report += summary(files: files, errors: errors, warnings: warnings, unreadable: ioFailures)
    Output.standard(report)
    if ioFailures > 0 { return .usageOrIO }
    return errors > 0 ? .inputErrors : .success
  }

  private func summary(files: Int, errors: Int, warnings: Int, unreadable: Int) -> String {
    var parts = [plural(files, "file"), plural(errors, "error"), plural(warnings, "warning")]
    if unreadable > 0 { parts.append("\(unreadable) unreadable") }
    return "checked " + parts.joined(separator: ", ") + "\n"
  }
}
