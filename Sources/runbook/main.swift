// The `runbook` executable: parse the command line, run the command, exit with its status.
// All compiler work is in RunbookKit; this target reads files, prints, and sets exit codes.
import Foundation

// The arguments as bytes: a file name need not be UTF-8 (RawPaths keeps such names openable).
let arguments = (1..<Int(CommandLine.argc)).map { index -> String in
  guard let argument = CommandLine.unsafeArgv[index] else { return "" }
  return RawPaths.shown(Array(UnsafeBufferPointer(start: argument, count: strlen(argument))).map { UInt8(bitPattern: $0) })
}
// A write past the file-size limit (`ulimit -f`) fails with "file too large", which the tool
// reports, removing its temporary file, instead of the process being killed mid-write.
signal(SIGXFSZ, SIG_IGN)
let status = Tool.run(arguments)
exit(status.rawValue)
