// `runbook check`: compile every input and report its diagnostics in the chosen format, then a
// one-line summary ("checked 3 files, 2 errors, 1 warning"). Human output streams file by file;
// the machine formats are printed whole on standard output, with the summary on standard error.
// An unreadable file is an error for that file, not the end of the run.
import Foundation
import RunbookKit

struct CheckCommand {
  let options: CheckOptions

  func run() -> ExitStatus {
    let renderer = DiagnosticRenderer(color: options.format == .human && Output.useColor(STDOUT_FILENO))
    let workingDirectory = FileManager.default.currentDirectoryPath
    var files = 0
    var errors = 0
    var warnings = 0
    var ioFailures = 0
    var reports: [FileReport] = []
    var humanOutput = ""
    /// Inputs that could not be checked, for SARIF's invocation record.
    var notifications: [(path: String?, message: String)] = []
    let sourceRoot = absolutePath(options.sourceRoot ?? workingDirectory)
    let items = collectInputs(options.paths, stdinName: options.stdinFilename)
    for (position, item) in items.enumerated() {
      switch readInput(item) {
      case .failure(let failure):
        ioFailures += 1
        notifications.append((sarifPath(failure.path, root: sourceRoot), "\(failure.path): \(failure.message)"))
        let line = "\(visible(displayPath(failure.path, in: workingDirectory))): error: \(failure.message)\n"
        if options.format == .human { humanOutput += line } else { Output.error(line) }
      case .success(let read):
        files += 1
        let found: [Diagnostic]
        let source: SourceFile
        if options.fix, case .file(let path) = item {
          guard let (fixed, said) = applyFixes(to: read, path: path) else {
            ioFailures += 1
            continue
          }
          (found, source) = (fixed.diagnostics, fixed.source)
          if options.format == .human { humanOutput += said } else { Output.error(said) }
        } else {
          let compilation = Compiler.compile(read)
          (found, source) = (compilation.diagnostics, read)
          if position == items.count - 1 { ProcessEnd.keep(compilation) }
        }
        var diagnostics: [Diagnostic] = []
        for var diagnostic in found {
          if diagnostic.severity == .warning && options.warningsAreErrors { diagnostic.severity = .error }
          if diagnostic.severity == .error { errors += 1 } else if diagnostic.severity == .warning { warnings += 1 }
          if options.quiet && diagnostic.severity != .error { continue }
          diagnostics.append(diagnostic)
        }
        let path = item.isStandardInput ? source.path : displayPath(source.path, in: workingDirectory)
        if options.format == .human {
          let shown = diagnostics.prefix(RunbookInfo.maximumDiagnosticsPerFile)
          let shownSource = source.renamed(to: path)
          for diagnostic in shown { humanOutput += renderer.render(diagnostic, in: shownSource) }
          if diagnostics.count > shown.count {
            humanOutput += "\(visible(path)): … and \(diagnostics.count - shown.count) more diagnostics not shown\n"
          }
          if humanOutput.utf8.count > 1 << 16 {
            Output.standard(humanOutput)
            humanOutput = ""
          }
        } else if !diagnostics.isEmpty {
          let shown = options.format == .sarif && !item.isStandardInput ? sarifPath(source.path, root: sourceRoot) : path
          reports.append(FileReport(path: shown, source: source, diagnostics: diagnostics))
        }
      }
    }
    // Folders with no runbooks leave nothing to check: said, and not a failure (as ruff does);
    // a path that does not exist is a failure, reported above.
    if files == 0 && ioFailures == 0 {
      let line = "warning: no *.runbook files found in \(options.paths.joined(separator: ", ")); nothing to check\n"
      if options.format == .human { humanOutput += line } else { Output.error(line) }
    }
    let summary = summaryLine(files: files, errors: errors, warnings: warnings, unreadable: ioFailures)
    switch options.format {
    case .human:
      Output.standard(humanOutput + summary)
    case .json:
      Output.standard(ReportFormat.json(reports))
      Output.error(summary)
    case .github:
      Output.standard(ReportFormat.github(reports))
      Output.error(summary)
      if let path = ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"], !path.isEmpty {
        appendToStepSummary(ReportFormat.githubSummary(reports, files: files, errors: errors, warnings: warnings), path: path)
      }
    case .sarif:
      Output.standard(ReportFormat.sarif(reports, run: SARIFRun(sourceRoot: sourceRoot, notifications: notifications, documentation: options.documentation)))
      Output.error(summary)
    }
    if ioFailures > 0 { return .usageOrIO }
    return errors > 0 ? .inputErrors : .success
  }

  /// Appends to the job summary GitHub shows for the step (a plain append: the file is GitHub's).
  private func appendToStepSummary(_ text: String, path: String) {
    let descriptor = withCPath(path) { open($0, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644) }
    guard descriptor >= 0 else {
      Output.error("\(visible(path)): warning: cannot write the step summary: \(reason(errno))\n")
      return
    }
    defer { close(descriptor) }
    if let code = writeAll(descriptor, Array(text.utf8)) {
      Output.error("\(visible(path)): warning: cannot write the step summary: \(reason(code))\n")
    }
  }

  /// `--fix`: applies every certain fix, in passes until none is left (a fixed dash can let the
  /// parser see the next problem), writes the file safely (refusing if it changed meanwhile),
  /// and says what changed. Returns the compilation of the file as it now is with what to say
  /// about it; nil when it could not be written.
  private func applyFixes(to original: SourceFile, path: String) -> (Compilation, String)? {
    var compilation = Compiler.compile(original)
    var descriptions: [String] = []
    for _ in 0..<4 {
      let (bytes, applied) = RunbookKit.applyFixes(compilation.diagnostics, to: compilation.source.bytes)
      guard !applied.isEmpty else { break }
      for diagnostic in applied {
        let at = compilation.source.lineColumn(of: diagnostic.range.start)
        descriptions.append("\(at.line):\(at.column): \(diagnostic.fix?.description ?? "")")
      }
      compilation = Compiler.compile(SourceFile(path: original.path, bytes: bytes))
    }
    let fixed = compilation.source.bytes
    guard fixed != original.bytes else { return (compilation, "") }
    switch writeFile(fixed, to: path, expected: original.bytes) {
    case .success:
      let shown = visible(displayPath(path, in: FileManager.default.currentDirectoryPath))
      var text = "\(shown): fixed \(plural(descriptions.count, "problem"))\n"
      for description in descriptions { text += "  \(shown):\(visible(description))\n" }
      return (compilation, text)
    case .failure(let problem):
      Output.error("\(visible(problem.path)): error: \(problem.message)\n")
      return nil
    }
  }

  private func summaryLine(files: Int, errors: Int, warnings: Int, unreadable: Int) -> String {
    var parts = [plural(files, "file"), plural(errors, "error"), plural(warnings, "warning")]
    if unreadable > 0 { parts.append("\(unreadable) unreadable") }
    return "checked " + parts.joined(separator: ", ") + "\n"
  }
}

/// A path for SARIF: relative to the source root when it lies inside it (whether it was given
/// relative, absolute or with `../`), otherwise absolute.
func sarifPath(_ path: String, root: String) -> String {
  let full = absolutePath(path)
  let base = root.hasSuffix("/") ? root : root + "/"
  return full.hasPrefix(base) ? String(full.dropFirst(base.count)) : full
}

/// A path as given when relative; an absolute path inside the working directory made relative.
func displayPath(_ path: String, in workingDirectory: String) -> String {
  let base = workingDirectory.hasSuffix("/") ? workingDirectory : workingDirectory + "/"
  if path.hasPrefix(base) { return String(path.dropFirst(base.count)) }
  if path.hasPrefix("./") { return String(path.dropFirst(2)) }
  return path
}

extension InputItem {
  var isStandardInput: Bool {
    if case .standardInput = self { return true }
    return false
  }
}
