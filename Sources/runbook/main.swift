// The `runbook` executable: parse the command line, run the command, exit with its status.
// All compiler work is in RunbookKit; this target reads files, prints, and sets exit codes.
import Foundation

let status = Tool.run(Array(CommandLine.arguments.dropFirst()))
exit(status.rawValue)
