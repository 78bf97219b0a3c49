// Writing to standard output and standard error, and deciding whether to use colour: only on a
// terminal, and never when NO_COLOR is set.
import Foundation

enum Output {
  /// Writes to standard output. Output that cannot be written (a full disk, a closed pipe with
  /// SIGPIPE ignored) ends the run with a message and status 2, instead of passing for success.
  static func standard(_ text: String) {
    if case .failure(let problem) = writeFile(Array(text.utf8), to: "-") {
      error("\(problem.path): error: \(problem.message)\n")
      exit(ExitStatus.usageOrIO.rawValue)
    }
  }

  /// Writes to standard error; if even that fails, there is nowhere left to say so.
  static func error(_ text: String) {
    _ = writeAll(STDERR_FILENO, Array(text.utf8))
  }

  /// `--color`: auto (the default), always or never.
  nonisolated(unsafe) static var colorMode: ColorMode = .auto

  /// Whether output to this file descriptor should be coloured: `--color always|never` decides;
  /// otherwise NO_COLOR turns it off, FORCE_COLOR on, and a terminal that is not `dumb` gets it.
  static func useColor(_ descriptor: Int32) -> Bool {
    switch colorMode {
    case .always: return true
    case .never: return false
    case .auto: break
    }
    let environment = ProcessInfo.processInfo.environment
    if let value = environment["NO_COLOR"], !value.isEmpty { return false }
    if let value = environment["FORCE_COLOR"], !value.isEmpty, value != "0" { return true }
    if environment["TERM"] == "dumb" { return false }
    return isatty(descriptor) == 1
  }
}

/// `--color`.
enum ColorMode: String {
  case auto, always, never
}
