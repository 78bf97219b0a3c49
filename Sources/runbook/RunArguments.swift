// The command line of `runbook run`: one subcommand per thing people do on the day, each with
// the options it needs, parsed into `RunOptions`.
import RunbookKit

/// What `runbook run` is asked to do.
enum RunAction: String, CaseIterable {
  case start, anchor, status, sign, decide, deviate, note, verify, report, repair
}

/// Outputs of `runbook run report`.
enum ReportTarget: String, CaseIterable {
  case markdown, html, json
}

/// Options of `runbook run`.
struct RunOptions {
  var action: RunAction = .status
  /// The positional arguments after the subcommand: FILE, STEP, GATE and decision, TIME, TEXT.
  var operands: [String] = []
  var journal: String?
  var anchorAt: AnchorTime?
  var role: String?
  var actor: String?
  var meaning: SignatureMeaning?
  var values: [JournalValue] = []
  var note: String?
  var reason: String?
  var at: String?
  var deviation: DeviationKind?
  /// `decide … --deviation`: a go recorded against criteria that do not hold.
  var againstCriteria = false
  var restart = false
  var target: ReportTarget?
  var outputPath: String?
}

let runUsage = """
  usage: runbook run <subcommand> [options]     (the journal: --journal J, or FILE.journal
                                                 beside the runbook, or the one *.journal here)

    start FILE [--anchor-at TIME] [--by NAME] [--restart --reason TEXT]
                          begin a run of FILE; --restart begins again in the same journal
    anchor now|TIME [--by NAME]
                          record that T is reached (or when it is)
    status                what is done, what can be done now, who owes what, the open gate,
                          planned against actual times
    sign STEP --as ROLE --by "Full Name" [--meaning performed|verified|approved]
         [--value FIELD=VALUE]... [--note TEXT] [--at TIME]
                          initial a step or sign-off for one role
    decide GATE go|no_go --as ROLE --by NAME --reason TEXT [--value METRIC=OBSERVED]...
         [--deviation] [--at TIME]
                          decide a gate; --deviation records a go whose measures do not hold
    deviate STEP --skip|--out-of-order|--late --as ROLE --by NAME --reason TEXT [--at TIME]
    deviate --runbook-changed --as ROLE --by NAME --reason TEXT
                          record an exception instead of making a silent one
    note TEXT [--by NAME] [--as ROLE]
                          add a remark to the record
    verify [JOURNAL|FILE] check the hash chain, the order, and that the journal matches the
                          runbook; name the first bad entry
    repair --by NAME --reason TEXT
                          after a crash cut the last line short: move the torn bytes to a
                          file beside the journal and record that, so the run can go on
    report --to markdown|html|json [-o OUT]
                          the filled-in checklist, with deviations, decisions and final hash

  TIME is '2026-12-05 22:15 Europe/Berlin', an ISO 8601 time with offset, or '22:15' (today,
  in the zone of T or of this machine). RUNBOOK_NOW sets the clock (for tests).
  exit status: 0 done, 1 refused (nothing recorded) or verify found a problem, 2 usage or I/O
  """

/// The long options of `runbook run`.
let runLongOptions = [
  "--journal", "--anchor-at", "--as", "--by", "--meaning", "--value", "--note", "--reason", "--at", "--skip", "--out-of-order", "--late",
  "--runbook-changed", "--deviation", "--restart", "--to", "--output",
]

/// Parses the arguments after `run`.
func parseRun(_ arguments: [String]) throws(UsageError) -> RunOptions {
  guard let first = arguments.first else { throw UsageError(message: "run needs a subcommand", usageText: runUsage) }
  guard let action = RunAction(rawValue: first) else {
    var message = "unknown run subcommand '\(first)'"
    if let close = closestName(to: first, among: RunAction.allCases.map(\.rawValue)) { message += "; did you mean '\(close)'?" }
    throw UsageError(message: message, usageText: runUsage)
  }
  var options = RunOptions()
  options.action = action
  var index = 1
  func value(_ option: String) throws(UsageError) -> String {
    guard index < arguments.count else { throw UsageError(message: "\(option) needs a value", usageText: runUsage) }
    index += 1
    return arguments[index - 1]
  }
  var onlyOperands = false
  while index < arguments.count {
    let argument = arguments[index]
    index += 1
    if onlyOperands || !argument.hasPrefix("-") || argument == "-" {
      options.operands.append(argument)
      continue
    }
    switch argument {
    case "--": onlyOperands = true
    case "--journal": options.journal = try value(argument)
    case "--anchor-at":
      let text = try value(argument)
      switch AnchorTime.parse(text) {
      case .success(let time): options.anchorAt = time
      case .failure(let problem): throw UsageError(message: "--anchor-at: \(problem.message)\n  help: \(problem.help)", usageText: runUsage)
      }
    case "--as": options.role = try value(argument)
    case "--by": options.actor = try value(argument)
    case "--meaning":
      let text = try value(argument)
      guard let meaning = SignatureMeaning(rawValue: text) else { throw UsageError(message: "--meaning is performed, verified or approved, not '\(text)'", usageText: runUsage) }
      options.meaning = meaning
    case "--value":
      let text = try value(argument)
      guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
        throw UsageError(message: "--value needs NAME=VALUE, e.g. --value date=2026-12-05", usageText: runUsage)
      }
      options.values.append(JournalValue(name: String(text[..<equals]), value: String(text[text.index(after: equals)...])))
    case "--note": options.note = try value(argument)
    case "--reason": options.reason = try value(argument)
    case "--at": options.at = try value(argument)
    case "--skip", "--out-of-order", "--late", "--runbook-changed":
      let kind: DeviationKind = switch argument {
      case "--skip": .skip
      case "--out-of-order": .outOfOrder
      case "--late": .late
      default: .runbookChanged
      }
      if options.deviation != nil && options.deviation != kind { throw UsageError(message: "give one of --skip, --out-of-order, --late, --runbook-changed", usageText: runUsage) }
      options.deviation = kind
    case "--deviation": options.againstCriteria = true
    case "--restart": options.restart = true
    case "--to":
      let text = try value(argument)
      guard let target = ReportTarget(rawValue: text) else { throw UsageError(message: "report --to markdown, html or json, not '\(text)'", usageText: runUsage) }
      options.target = target
    case "-o", "--output": options.outputPath = try value(argument)
    default:
      throw UsageError(message: "unknown option '\(argument)' for 'run \(action.rawValue)'", usageText: runUsage)
    }
  }
  try checkShape(options)
  return options
}

/// Each subcommand's operands and required options.
private func checkShape(_ options: RunOptions) throws(UsageError) {
  let count = options.operands.count
  let name = "run " + options.action.rawValue
  switch options.action {
  case .start:
    guard count == 1 else { throw UsageError(message: "\(name) needs the runbook FILE", usageText: runUsage) }
    if options.restart && options.reason == nil { throw UsageError(message: "\(name) --restart needs --reason: why the run begins again", usageText: runUsage) }
  case .anchor:
    guard count == 1 else { throw UsageError(message: "\(name) needs 'now' or a TIME, e.g. '2026-12-05 22:00 Europe/Berlin'", usageText: runUsage) }
  case .status:
    guard count == 0 else { throw UsageError(message: "\(name) takes no operands; choose the journal with --journal", usageText: runUsage) }
  case .sign:
    guard count == 1 else { throw UsageError(message: "\(name) needs one STEP (its id or number)", usageText: runUsage) }
  case .decide:
    guard count == 2, Decision(rawValue: options.operands[1].replacingOccurrences(of: "-", with: "_")) != nil else {
      throw UsageError(message: "\(name) needs a GATE and go or no_go, e.g. 'runbook run decide go_no_go go …'", usageText: runUsage)
    }
  case .deviate:
    guard let deviation = options.deviation else { throw UsageError(message: "\(name) needs one of --skip, --out-of-order, --late, --runbook-changed", usageText: runUsage) }
    if deviation == .runbookChanged {
      guard count == 0 else { throw UsageError(message: "\(name) --runbook-changed takes no STEP", usageText: runUsage) }
    } else {
      guard count == 1 else { throw UsageError(message: "\(name) needs one STEP (its id or number)", usageText: runUsage) }
    }
  case .note:
    guard count == 1 else { throw UsageError(message: "\(name) needs the TEXT, in quotes", usageText: runUsage) }
  case .repair:
    guard count == 0 else { throw UsageError(message: "\(name) takes no operands; choose the journal with --journal", usageText: runUsage) }
    guard options.actor != nil, options.reason != nil else { throw UsageError(message: "\(name) needs --by NAME and --reason TEXT", usageText: runUsage) }
  case .verify:
    guard count <= 1 else { throw UsageError(message: "\(name) takes at most one JOURNAL or runbook FILE", usageText: runUsage) }
  case .report:
    guard count == 0 else { throw UsageError(message: "\(name) takes no operands; choose the journal with --journal", usageText: runUsage) }
    guard options.target != nil else { throw UsageError(message: "\(name) needs --to markdown, html or json", usageText: runUsage) }
  }
  if [.sign, .decide, .deviate].contains(options.action) {
    guard options.role != nil else { throw UsageError(message: "\(name) needs --as ROLE: the role you act as", usageText: runUsage) }
    guard options.actor != nil else { throw UsageError(message: "\(name) needs --by \"Full Name\": who you are", usageText: runUsage) }
  }
  if [.decide, .deviate].contains(options.action) && options.reason == nil {
    throw UsageError(message: "\(name) needs --reason TEXT: why", usageText: runUsage)
  }
}
