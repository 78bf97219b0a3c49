// The command line: what each command accepts, parsed into a `Command` value. Errors of the
// command line are a `UsageError`; they print with the usage and exit with status 2.
import RunbookKit

/// The exit statuses of the contract: 0 clean, 1 the input has errors, 2 usage or I/O error.
/// An `Error` too, so that a helper that has already said what went wrong can hand back the
/// status as the failure of a `Result`.
enum ExitStatus: Int32, Error {
  case success = 0
  case inputErrors = 1
  case usageOrIO = 2
}

/// A mistake on the command line.
struct UsageError: Error {
  let message: String
  /// The usage text to show with it: the whole tool's, or a command's own.
  var usageText = usage
}

/// Output formats of `runbook check`.
enum CheckFormat: String, CaseIterable {
  case human, json, github, sarif
}

/// Options of `runbook check`.
struct CheckOptions {
  var paths: [String] = []
  var format: CheckFormat = .human
  var warningsAreErrors = false
  var quiet = false
  var stdinFilename: String?
  /// `--fix`: apply the fixes that are certain, in place.
  var fix = false
  /// `--srcroot DIR`: the folder SARIF URIs are relative to (default: the working directory).
  var sourceRoot: String?
  /// `--docs-url URL`: SARIF's links to runbook's documentation (informationUri, helpUri).
  var documentation: DocumentationURL?
}

/// Outputs of `runbook build`.
enum BuildTarget: String, CaseIterable {
  case markdown, html, json, plan, mermaid
}

/// Options of `runbook plan`.
struct PlanOptions {
  var path = ""
  var json = false
  /// `--anchor-at`: the anchor's date and time, set or overriding the runbook's `at`.
  var anchorAt: AnchorTime?
}

/// Options of `runbook build`.
struct BuildOptions {
  var path = ""
  var target: BuildTarget = .markdown
  var outputPath: String?
  /// `--anchor-at`: the anchor's date and time, set or overriding the runbook's `at`.
  var anchorAt: AnchorTime?
}

/// Options of `runbook fmt`.
struct FormatOptions {
  var paths: [String] = []
  var check = false
}

/// One parsed invocation.
enum Command {
  case format(FormatOptions)
  case build(BuildOptions)
  case plan(PlanOptions)
  case help
  case version
  case check(CheckOptions)
  case explain(code: String)
  case explainList
  case run(RunOptions)
  case runHelp
  case languageServer
  /// `runbook COMMAND --help`, `runbook help COMMAND`.
  case commandHelp(String)
  case completions(String)
  case manual
}

let usage = """
  usage: runbook <command> [options]

  commands:
    check [--format human|json|github|sarif] [--werror] [--quiet] [--fix]
          [--stdin-filename NAME] PATH...
                          check runbooks for errors; folders are searched for *.runbook,
                          '-' reads standard input; --werror fails on warnings, --quiet
                          shows errors only; --fix applies the fixes that are certain
                          (pasted dashes, quotes and spaces, `2hrs`) in place
    build FILE --to markdown|html|json|plan|mermaid [-o OUT] [--anchor-at TIME]
                          compile a runbook to a printable checklist (Markdown, or HTML made
                          for print), to JSON, to the JSON
                          plan, or to a Mermaid gantt chart of the plan; standard output
                          unless -o is given; nothing is written when the runbook has errors
    plan FILE [--format text|json] [--anchor-at TIME]
                          the executable plan: order, schedule, critical path, lanes per role,
                          hand-offs, gates and rollbacks, with every problem shown in place;
                          --anchor-at '2026-12-05 22:00 Europe/Berlin' gives the date of T
                          (or replaces the runbook's `at`), so times show on the clock too
    fmt [--check] PATH... rewrite runbooks in the canonical layout, comments kept; '-' formats
                          standard input to standard output; --check lists the files that
                          are not formatted and changes nothing
    lsp                   a language server (LSP 3.17) on standard input and output, for
                          editors: diagnostics, fixes, formatting, completion, hover,
                          go to definition, references, rename, outline, folding
    run start|anchor|status|sign|decide|deviate|note|verify|report …
                          run a runbook on the day: initial steps, decide gates, record
                          deviations, in a tamper-evident journal; 'runbook run --help'
    explain CODE          explain a diagnostic code, with a wrong and a fixed example
    help COMMAND          a command's options and examples (also `runbook COMMAND --help`)
    completions SHELL     a completion script for bash, zsh or fish
    man                   the manual page
    explain --list        list every diagnostic code
    --help                show this help
    --version             show the version

  options accepted by every command: --color auto|always|never, --option=value, and `--`
  before paths that start with '-'

  exit status: 0 no errors, 1 the input has errors, 2 usage or I/O error
  """

/// Parses the arguments after the program name.
func parseArguments(_ given: [String]) throws(UsageError) -> Command {
  let arguments = try commonConventions(given)
  guard let first = arguments.first else { throw UsageError(message: "no command given") }
  let rest = Array(arguments.dropFirst())
  // `runbook COMMAND --help` (before any `--`) shows that command's help.
  let beforeDashes = rest.prefix { $0 != "--" }
  if beforeDashes.contains("--help") || (beforeDashes.contains("-h") && first != "run") {
    if first == "run" { return .runHelp }
    if commandHelp(first) != nil { return .commandHelp(first) }
  }
  switch first {
  case "help":
    guard let topic = rest.first else { return .help }
    guard rest.count == 1 else { throw UsageError(message: "help takes one COMMAND") }
    if topic == "run" { return .runHelp }
    guard commandHelp(topic) != nil else {
      var message = "there is no command '\(topic)'"
      if let suggestion = closestName(to: topic, among: commandHelps.map(\.name)) { message += "; did you mean '\(suggestion)'?" }
      throw UsageError(message: message)
    }
    return .commandHelp(topic)
  case "completions":
    guard rest.count == 1, completionScript(rest[0]) != nil else { throw UsageError(message: "completions needs a shell: bash, zsh or fish") }
    return .completions(rest[0])
  case "man":
    guard rest.isEmpty else { throw UsageError(message: "man takes no arguments") }
    return .manual
  case "--help", "-h", "--version", "-V", "version":
    guard rest.isEmpty else { throw UsageError(message: "'\(first)' takes no arguments; try 'runbook --help'") }
    return first.contains("v") || first.contains("V") ? .version : .help
  case "check":
    return .check(try parseCheck(rest))
  case "build":
    return .build(try parseBuild(rest))
  case "plan":
    return .plan(try parsePlan(rest))
  case "fmt", "format":
    var options = FormatOptions()
    var onlyPaths = false
    for argument in rest {
      if onlyPaths {
        options.paths.append(argument)
      } else if argument == "--" {
        onlyPaths = true
      } else if argument == "--check" {
        options.check = true
      } else if argument.hasPrefix("-") && argument != "-" {
        throw unknownOption(argument, for: "fmt")
      } else {
        options.paths.append(argument)
      }
    }
    if options.paths.isEmpty { throw UsageError(message: "fmt needs at least one PATH (a file, a folder, or '-')") }
    try standardInputOnce(options.paths)
    return .format(options)
  case "lsp":
    guard rest.isEmpty || rest == ["--stdio"] else { throw UsageError(message: "lsp takes no arguments; it speaks the Language Server Protocol on standard input and output") }
    return .languageServer
  case "run":
    if rest == ["--help"] || rest == ["-h"] { return .runHelp }
    return .run(try parseRun(rest))
  case "explain":
    let rest = rest.filter { $0 != "--" }
    guard rest.count == 1 else { throw UsageError(message: "explain needs one CODE, e.g. 'runbook explain RB0102', or --list") }
    return rest[0] == "--list" ? .explainList : .explain(code: rest[0])
  default:
    let commands = commandHelps.map(\.name) + ["help", "--help", "--version"]
    var message = "unknown command '\(first)'"
    if let suggestion = closestCommand(first, among: commands) ?? closestName(to: first, among: commands) { message += "; did you mean '\(suggestion)'?" }
    throw UsageError(message: message)
  }
}

private func parseCheck(_ arguments: [String]) throws(UsageError) -> CheckOptions {
  var options = CheckOptions()
  var index = 0
  var onlyPaths = false
  while index < arguments.count {
    let argument = arguments[index]
    index += 1
    if onlyPaths || argument == "-" || !argument.hasPrefix("-") {
      options.paths.append(argument)
      continue
    }
    switch argument {
    case "--":
      onlyPaths = true
    case "--werror":
      options.warningsAreErrors = true
    case "--quiet", "-q":
      options.quiet = true
    case "--fix":
      options.fix = true
    case "--format":
      guard index < arguments.count else { throw UsageError(message: "--format needs a value") }
      let value = arguments[index]
      index += 1
      guard let format = CheckFormat(rawValue: value) else {
        let names = CheckFormat.allCases.map(\.rawValue).joined(separator: ", ")
        throw UsageError(message: "unknown format '\(value)'; the formats are \(names)")
      }
      options.format = format
    case "--srcroot":
      guard index < arguments.count else { throw UsageError(message: "--srcroot needs a folder: the repository root SARIF paths are relative to") }
      options.sourceRoot = arguments[index]
      index += 1
    case "--docs-url":
      guard index < arguments.count else { throw UsageError(message: "--docs-url needs an address: where your team keeps runbook's documentation") }
      guard let url = DocumentationURL(arguments[index]) else {
        throw UsageError(message: "--docs-url needs an absolute http or https address without spaces, e.g. https://wiki.example.org/runbook/{code}; got '\(visible(arguments[index]))'")
      }
      options.documentation = url
      index += 1
    case "--stdin-filename":
      guard index < arguments.count else { throw UsageError(message: "--stdin-filename needs a value") }
      options.stdinFilename = arguments[index]
      index += 1
    default:
      throw unknownOption(argument, for: "check")
    }
  }
  if options.paths.isEmpty { throw UsageError(message: "check needs at least one PATH (a file, a folder, or '-')") }
  try standardInputOnce(options.paths)
  if options.fix && options.paths.contains("-") {
    throw UsageError(message: "--fix rewrites files in place; it cannot fix standard input (give the file's path)")
  }
  return options
}

private func parseBuild(_ arguments: [String]) throws(UsageError) -> BuildOptions {
  var options = BuildOptions()
  var paths: [String] = []
  var index = 0
  var sawTarget = false
  var onlyPaths = false
  while index < arguments.count {
    let argument = arguments[index]
    index += 1
    if onlyPaths {
      paths.append(argument)
      continue
    }
    switch argument {
    case "--":
      onlyPaths = true
    case "--to":
      guard index < arguments.count else { throw UsageError(message: "--to needs a value: markdown or json") }
      guard let target = BuildTarget(rawValue: arguments[index]) else {
        throw UsageError(message: "unknown output '\(arguments[index])'; build --to markdown, html, json, plan or mermaid")
      }
      options.target = target
      sawTarget = true
      index += 1
    case "-o", "--output":
      guard index < arguments.count else { throw UsageError(message: "\(argument) needs a file name") }
      options.outputPath = arguments[index]
      index += 1
    case "--anchor-at":
      guard index < arguments.count else { throw UsageError(message: anchorAtNeedsAValue) }
      options.anchorAt = try parseAnchorAt(arguments[index])
      index += 1
    default:
      if argument.hasPrefix("-") && argument != "-" { throw unknownOption(argument, for: "build") }
      paths.append(argument)
    }
  }
  guard paths.count == 1 else { throw UsageError(message: "build needs exactly one FILE ('-' for standard input)") }
  guard sawTarget else { throw UsageError(message: "build needs --to markdown, html, json, plan or mermaid") }
  options.path = paths[0]
  return options
}

private func parsePlan(_ arguments: [String]) throws(UsageError) -> PlanOptions {
  var options = PlanOptions()
  var paths: [String] = []
  var index = 0
  var onlyPaths = false
  while index < arguments.count {
    let argument = arguments[index]
    index += 1
    if onlyPaths {
      paths.append(argument)
    } else if argument == "--" {
      onlyPaths = true
    } else if argument == "--format" {
      guard index < arguments.count, ["text", "json"].contains(arguments[index]) else {
        throw UsageError(message: "--format needs text or json")
      }
      options.json = arguments[index] == "json"
      index += 1
    } else if argument == "--anchor-at" {
      guard index < arguments.count else { throw UsageError(message: anchorAtNeedsAValue) }
      options.anchorAt = try parseAnchorAt(arguments[index])
      index += 1
    } else if argument.hasPrefix("-") && argument != "-" {
      throw unknownOption(argument, for: "plan")
    } else {
      paths.append(argument)
    }
  }
  guard paths.count == 1 else { throw UsageError(message: "plan needs exactly one FILE ('-' for standard input)") }
  options.path = paths[0]
  return options
}

/// What every command accepts alike: `--option=value` for `--option value`, and `--color
/// auto|always|never` anywhere before `--` (it sets how Output colours).
private func commonConventions(_ arguments: [String]) throws(UsageError) -> [String] {
  var result: [String] = []
  var index = 0
  var afterDashes = false
  while index < arguments.count {
    let argument = arguments[index]
    index += 1
    if afterDashes {
      result.append(argument)
      continue
    }
    if argument == "--" {
      afterDashes = true
      result.append(argument)
      continue
    }
    var name = argument
    var value: String?
    // Only a known option is split at `=`: text given as a value (`--note "--x=y"`) stays whole.
    if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "="), knownLongOptions.contains(String(argument[..<equals])),
      !(result.last.map { valueTakingOptions.contains($0) } ?? false)
    {
      name = String(argument[..<equals])
      value = String(argument[argument.index(after: equals)...])
    }
    if name == "--color" || name == "--colour" {
      if value == nil {
        guard index < arguments.count else { throw UsageError(message: "--color needs auto, always or never") }
        value = arguments[index]
        index += 1
      }
      guard let mode = ColorMode(rawValue: value ?? "") else { throw UsageError(message: "--color is auto, always or never, not '\(value ?? "")'") }
      Output.colorMode = mode
      continue
    }
    result.append(name)
    if let value { result.append(value) }
  }
  return result
}

/// Every long option of every command, `run` included: the ones `--option=value` may spell.
private let knownLongOptions: Set<String> = Set(commandHelps.flatMap(\.optionNames) + runLongOptions + ["--color", "--colour"])

/// Options whose next argument is their value, whatever it looks like.
private let valueTakingOptions: Set<String> = Set(
  commandHelps.flatMap { $0.options.filter { $0.value != nil }.flatMap(\.names) } + ["--journal", "--anchor-at", "--as", "--by", "--meaning", "--value", "--note", "--reason", "--at", "--to", "-o", "--output"])

/// An unknown option, with the closest one the command has.
func unknownOption(_ option: String, for command: String) -> UsageError {
  var message = "unknown option '\(option)' for '\(command)'"
  if let help = commandHelp(command), let suggestion = closestName(to: option, among: help.optionNames) { message += "; did you mean '\(suggestion)'?" }
  return UsageError(message: message + " ('runbook \(command) --help' lists them)")
}

/// Standard input can be read once: `check - -` is a mistake, not two files.
private func standardInputOnce(_ paths: [String]) throws(UsageError) {
  if paths.filter({ $0 == "-" }).count > 1 { throw UsageError(message: "'-' (standard input) is given more than once; it can be read only once") }
}

private let anchorAtNeedsAValue = "--anchor-at needs the date, time and zone of T, e.g. --anchor-at '2026-12-05 22:00 Europe/Berlin'"

/// `--anchor-at TIME`, read as the runbook's `at` is.
private func parseAnchorAt(_ text: String) throws(UsageError) -> AnchorTime {
  switch AnchorTime.parse(text) {
  case .success(let time): return time
  case .failure(let problem): throw UsageError(message: "--anchor-at: \(problem.message)\n  help: \(problem.help)")
  }
}

private func closestCommand(_ word: String, among commands: [String]) -> String? {
  commands.first { $0.hasPrefix(word) || word.hasPrefix($0) }
}
