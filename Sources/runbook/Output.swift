// Writing to standard output and standard error, and deciding whether to use colour: only on a
// terminal, and never when NO_COLOR is set.
import Foundation

enum Output {
  static func standard(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  static func error(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
  }

  /// Whether output to this file descriptor should be coloured.
  static func useColor(_ descriptor: Int32) -> Bool {
    if let value = ProcessInfo.processInfo.environment["NO_COLOR"], !value.isEmpty { return false }
    return isatty(descriptor) == 1
  }
}
