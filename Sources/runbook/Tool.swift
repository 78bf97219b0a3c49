// Runs a parsed command: reads inputs, calls the compiler, prints results, picks the exit status.
import Foundation
import RunbookKit

enum Tool {
  static func run(_ arguments: [String]) -> ExitStatus {
    let command: Command
    do {
      command = try parseArguments(arguments)
    } catch {
      // Arguments are echoed in the message: no escape sequence or bell in them reaches the
      // terminal.
      let message = error.message.split(separator: "\n", omittingEmptySubsequences: false).map { visible(String($0)) }
      Output.error("runbook: \(message.joined(separator: "\n"))\n\n\(error.usageText)\n")
      return .usageOrIO
    }
    switch command {
    case .help:
      Output.standard(usage + "\n")
      return .success
    case .version:
      Output.standard("runbook \(RunbookInfo.version)\n")
      return .success
    case .check(let options):
      HeapSetup.prepareForCompiling()
      return CheckCommand(options: options).run()
    case .build(let options):
      HeapSetup.prepareForCompiling()
      return BuildCommand(options: options).run()
    case .plan(let options):
      HeapSetup.prepareForCompiling()
      return PlanCommand(options: options).run()
    case .format(let options):
      HeapSetup.prepareForCompiling()
      return FormatCommand(options: options).run()
    case .explain(let code):
      return explain(code)
    case .commandHelp(let name):
      Output.standard(commandHelp(name)?.text ?? usage + "\n")
      return .success
    case .completions(let shell):
      Output.standard(completionScript(shell) ?? "")
      return .success
    case .manual:
      Output.standard(manualPage())
      return .success
    case .languageServer:
      return LanguageServer().run()
    case .runHelp:
      Output.standard(runUsage + "\n")
      return .success
    case .run(let options):
      return RunCommand(options: options).run()
    case .explainList:
      Output.standard(explanationList())
      return .success
    }
  }
}
