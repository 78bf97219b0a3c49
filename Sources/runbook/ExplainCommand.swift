// `runbook explain CODE` and `runbook explain --list`: the long help behind diagnostic codes.
import RunbookKit

/// Prints the explanation of one code; an unknown code is a usage error.
func explain(_ argument: String) -> ExitStatus {
  var wanted = argument.uppercased()
  if !wanted.hasPrefix("RB") { wanted = "RB" + wanted }
  guard let code = DiagnosticCode(rawValue: wanted) else {
    let known = DiagnosticCode.allCases.map(\.rawValue)
    let hint = closestName(to: wanted, among: known).map { "; did you mean \($0)?" } ?? ""
    Output.error("runbook: unknown diagnostic code '\(visible(argument))'\(hint)\nrun 'runbook explain --list' to see every code\n")
    return .usageOrIO
  }
  let explanation = code.explanation
  var text = "\(code.rawValue): \(code.title) (\(code.defaultSeverity.rawValue))\n\n"
  text += wrap(explanation.summary, width: 92) + "\n"
  if let wrong = explanation.wrong, let fixed = explanation.fixed {
    text += "\nThis runbook produces \(code.rawValue):\n\n" + indent(wrong)
    text += "\nFixed:\n\n" + indent(fixed)
  }
  Output.standard(text)
  return .success
}

/// Every code with its severity and title, one per line.
func explanationList() -> String {
  DiagnosticCode.allCases.map {
    "\($0.rawValue)  \($0.defaultSeverity.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0))  \($0.title)\n"
  }.joined()
}

private func indent(_ text: String) -> String {
  text.split(separator: "\n", omittingEmptySubsequences: false)
    .map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n")
}

/// Breaks text into lines of at most `width` characters at spaces.
private func wrap(_ text: String, width: Int) -> String {
  var lines: [String] = []
  var line = ""
  for word in text.split(separator: " ") {
    if !line.isEmpty && line.count + 1 + word.count > width {
      lines.append(line)
      line = ""
    }
    line += line.isEmpty ? String(word) : " " + word
  }
  if !line.isEmpty { lines.append(line) }
  return lines.joined(separator: "\n")
}
