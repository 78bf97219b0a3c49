// Help for each command — what `runbook COMMAND --help` and `runbook help COMMAND` print — and
// what is made from it: shell completions (`runbook completions bash|zsh|fish`) and the man page
// (`runbook man`), so that the three can never disagree.
import RunbookKit

/// A command's help: its usage line, what it does, its options, and examples.
struct CommandHelp {
  let name: String
  let usage: String
  let summary: String
  /// Option spellings (long and short) with what each does.
  let options: [(names: [String], value: String?, text: String)]
  let examples: [String]

  var text: String {
    var out = "usage: runbook \(usage)\n\n\(summary)\n"
    if !options.isEmpty {
      out += "\noptions:\n"
      for option in options {
        let names = option.names.joined(separator: ", ") + (option.value.map { " " + $0 } ?? "")
        out += "  " + names.padding(toLength: max(names.count, 26), withPad: " ", startingAt: 0) + "  " + option.text + "\n"
      }
    }
    if !examples.isEmpty {
      out += "\nexamples:\n" + examples.map { "  " + $0 + "\n" }.joined()
    }
    return out + "\nexit status: 0 no errors, 1 the input has errors (or a run refused), 2 usage or I/O error\n"
  }

  /// Every option spelling, for "did you mean" and for completions.
  var optionNames: [String] { options.flatMap(\.names) + ["--help"] }
}

let colorOption: (names: [String], value: String?, text: String) = (["--color"], "auto|always|never", "colour on a terminal (auto), always or never; NO_COLOR, FORCE_COLOR and TERM=dumb are respected")

let commandHelps: [CommandHelp] = [
  CommandHelp(
    name: "check", usage: "check [options] PATH...",
    summary: "Checks runbooks for errors and warnings. Folders are searched for *.runbook (hidden folders skipped); '-' reads standard input. A folder with no runbooks is not an error: there is nothing to check, and the exit status is 0 (as ruff does); a path that does not exist is.",
    options: [
      (["--format"], "human|json|github|sarif", "the output: for people, a JSON array, GitHub annotations, or SARIF 2.1.0 for code scanning"),
      (["--werror"], nil, "warnings fail the run too"),
      (["--quiet", "-q"], nil, "show errors only"),
      (["--fix"], nil, "apply the fixes that are certain (pasted dashes, quotes and spaces, `2hrs`) in place"),
      (["--stdin-filename"], "NAME", "the name standard input is shown under"),
      (["--srcroot"], "DIR", "SARIF: the repository root its URIs are relative to (default: the working directory)"),
      (["--docs-url"], "URL", "SARIF: where your team keeps runbook's documentation, linked from every rule: URL#rb0203, or {code} in URL replaced by the code"),
      colorOption,
    ],
    examples: ["runbook check Examples", "runbook check --format sarif --srcroot . runbooks > runbook.sarif", "runbook check --fix upgrade.runbook"]),
  CommandHelp(
    name: "build", usage: "build FILE --to markdown|html|json|plan|mermaid [-o OUT] [--anchor-at TIME]",
    summary: "Compiles one runbook to the printable checklist (Markdown, or HTML made for print), to JSON, to the JSON plan, or to a Mermaid gantt chart. Standard output unless -o is given; nothing is written when the runbook has errors.",
    options: [
      (["--to"], "markdown|html|json|plan|mermaid", "the output"),
      (["--output", "-o"], "OUT", "the file to write (safely: a temporary file renamed over it)"),
      (["--anchor-at"], "TIME", "the date, time and zone of T, e.g. '2026-12-05 22:00 Europe/Berlin'"),
      colorOption,
    ],
    examples: ["runbook build upgrade.runbook --to html -o upgrade.html", "runbook build upgrade.runbook --to markdown --anchor-at '2026-12-05 22:00 Europe/Berlin'"]),
  CommandHelp(
    name: "plan", usage: "plan FILE [--format text|json] [--anchor-at TIME]",
    summary: "The executable plan: order, schedule, critical path, lanes per role, hand-offs, gates and rollbacks, with every problem shown in place.",
    options: [
      (["--format"], "text|json", "for people, or JSON (Grammar/plan.schema.json)"),
      (["--anchor-at"], "TIME", "the date, time and zone of T, so that times show on the clock"),
      colorOption,
    ],
    examples: ["runbook plan upgrade.runbook", "runbook plan upgrade.runbook --format json"]),
  CommandHelp(
    name: "fmt", usage: "fmt [--check] PATH...",
    summary: "Rewrites runbooks in the canonical layout, comments kept. '-' formats standard input to standard output.",
    options: [(["--check"], nil, "list the files that are not formatted, change nothing, exit 1 if any")],
    examples: ["runbook fmt Examples", "runbook fmt --check ."]),
  CommandHelp(
    name: "run", usage: "run SUBCOMMAND [options]",
    summary: "Runs a runbook on the day: initial steps, decide gates, record deviations, in a tamper-evident journal. `runbook run --help` lists the subcommands.",
    options: [], examples: ["runbook run start upgrade.runbook --by \"Ana Ruiz\"", "runbook run status"]),
  CommandHelp(
    name: "lsp", usage: "lsp",
    summary: "A language server (LSP 3.17) on standard input and output, for editors: diagnostics, fixes, formatting, completion, hover, go to definition, references, rename, outline, folding.",
    options: [], examples: []),
  CommandHelp(
    name: "explain", usage: "explain CODE | --list",
    summary: "Explains a diagnostic code, with a runbook that has the problem and the same runbook fixed.",
    options: [(["--list"], nil, "list every code")], examples: ["runbook explain RB0102"]),
  CommandHelp(
    name: "completions", usage: "completions bash|zsh|fish",
    summary: "Prints a completion script for the shell: `runbook completions bash > /etc/bash_completion.d/runbook`, `runbook completions fish > ~/.config/fish/completions/runbook.fish`, or for zsh into a folder on $fpath as `_runbook`.",
    options: [], examples: ["source <(runbook completions bash)"]),
  CommandHelp(
    name: "man", usage: "man",
    summary: "Prints the manual page (roff), made from this same help: `runbook man > runbook.1 && man ./runbook.1`.",
    options: [], examples: []),
]

func commandHelp(_ name: String) -> CommandHelp? { commandHelps.first { $0.name == name } }

// MARK: - Completions

/// What a shell offers after each command: the words that may come next (the subcommands of
/// `run`, the codes of `explain`, the shells of `completions`) and the option spellings, from the
/// same tables as the help. Commands without words complete file names.
private func completionTable() -> [(command: String, words: [String], options: [String])] {
  commandHelps.map { help in
    switch help.name {
    case "run": (help.name, RunAction.allCases.map(\.rawValue), runLongOptions + ["-o", "--help"])
    case "explain": (help.name, DiagnosticCode.allCases.map(\.rawValue), help.optionNames)
    case "completions": (help.name, ["bash", "zsh", "fish"], help.optionNames)
    default: (help.name, [], help.optionNames)
    }
  }
}

func completionScript(_ shell: String) -> String? {
  let commands = (commandHelps.map(\.name) + ["help", "--help", "--version"]).joined(separator: " ")
  let table = completionTable()
  switch shell {
  case "bash":
    var cases = ""
    for entry in table {
      cases += "    \(entry.command)) candidates=\"\(entry.words.joined(separator: " "))\" options=\"\(entry.options.joined(separator: " "))\" ;;\n"
    }
    return """
      # bash completion for runbook (made by `runbook completions bash`)
      _runbook() {
        local current=${COMP_WORDS[COMP_CWORD]} candidates="" options=""
        if [ "$COMP_CWORD" -eq 1 ]; then
          COMPREPLY=($(compgen -W "\(commands)" -- "$current"))
          return
        fi
        case "${COMP_WORDS[1]}" in
          help) [ "$COMP_CWORD" -eq 2 ] && COMPREPLY=($(compgen -W "\(commands)" -- "$current")); return ;;
      \(cases)  esac
        if [[ "$current" == -* ]]; then
          COMPREPLY=($(compgen -W "$options" -- "$current"))
        elif [ -n "$candidates" ] && [ "$COMP_CWORD" -eq 2 ]; then
          COMPREPLY=($(compgen -W "$candidates" -- "$current"))
        else
          COMPREPLY=($(compgen -f -- "$current"))
        fi
      }
      complete -o filenames -F _runbook runbook

      """
  case "zsh":
    var cases = ""
    for entry in table {
      cases += "    (\(entry.command)) candidates=(\(entry.words.joined(separator: " "))) options=(\(entry.options.joined(separator: " "))) ;;\n"
    }
    return """
      #compdef runbook
      # zsh completion for runbook (made by `runbook completions zsh`)
      _runbook() {
        local -a candidates options
        if (( CURRENT == 2 )); then
          compadd -- \(commands)
          return
        fi
        case $words[2] in
          (help) (( CURRENT == 3 )) && compadd -- \(commands); return ;;
      \(cases)  esac
        if [[ $PREFIX == -* ]]; then
          compadd -- $options
        elif (( CURRENT == 3 && $#candidates > 0 )); then
          compadd -- $candidates
        else
          _files
        fi
      }
      _runbook "$@"

      """
  case "fish":
    var lines = "# fish completion for runbook (made by `runbook completions fish`)\n"
    lines += "complete -c runbook -n '__fish_use_subcommand' -f -a '\(commands)'\n"
    lines += "complete -c runbook -n '__fish_seen_subcommand_from help' -f -a '\(commandHelps.map(\.name).joined(separator: " "))'\n"
    for entry in table where !entry.words.isEmpty {
      lines += "complete -c runbook -n '__fish_seen_subcommand_from \(entry.command)' -f -a '\(entry.words.joined(separator: " "))'\n"
    }
    for help in commandHelps {
      for option in help.options {
        for name in option.names where name.hasPrefix("--") {
          lines += "complete -c runbook -n '__fish_seen_subcommand_from \(help.name)' -l \(name.dropFirst(2))"
          if option.value != nil { lines += " -r" }
          lines += " -d '\(option.text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'"))'\n"
        }
      }
    }
    for name in runLongOptions {
      lines += "complete -c runbook -n '__fish_seen_subcommand_from run' -l \(name.dropFirst(2))\n"
    }
    return lines
  default:
    return nil
  }
}

// MARK: - Manual page

/// The man page, in roff, made from the help of every command.
func manualPage() -> String {
  func roff(_ text: String) -> String {
    var escaped = text.replacingOccurrences(of: "\\", with: "\\e").replacingOccurrences(of: "-", with: "\\-")
    if escaped.hasPrefix(".") || escaped.hasPrefix("'") { escaped = "\\&" + escaped }
    return escaped
  }
  var page = ".TH RUNBOOK 1 \"\" \"runbook \(RunbookInfo.version)\" \"User Commands\"\n"
  page += ".SH NAME\nrunbook \\- check, print, plan and run the runbooks of software upgrades\n"
  page += ".SH SYNOPSIS\n" + commandHelps.map { ".B runbook \(roff($0.usage))\n.br\n" }.joined()
  page += ".SH COMMANDS\n"
  for help in commandHelps {
    page += ".SS \(help.name)\n\(roff(help.summary))\n"
    for option in help.options {
      page += ".TP\n.B \(roff(option.names.joined(separator: ", ")))" + (option.value.map { " \\fI\(roff($0))\\fR" } ?? "") + "\n\(roff(option.text))\n"
    }
    for example in help.examples { page += ".PP\n.nf\n\(roff(example))\n.fi\n" }
  }
  page += ".SH EXIT STATUS\n0 no errors; 1 the input has errors, or a run refused an entry; 2 a usage or I/O error.\n"
  page += ".SH ENVIRONMENT\n.TP\n.B NO_COLOR\nno colour.\n.TP\n.B FORCE_COLOR\ncolour even when not on a terminal.\n.TP\n.B RUNBOOK_JOURNAL\nthe journal of runbook run.\n"
  return page
}
