// What the process ends with is not freed: `main` calls `exit` after the command, and handing
// the last compilation (a syntax tree and graph of hundreds of thousands of values) here spares
// freeing it piece by piece just before the operating system takes the memory back in one go,
// as compilers do. Only what is alive at the end anyway is kept, so peak memory does not change.

enum ProcessEnd {
  nonisolated(unsafe) private static var kept: [Any] = []

  /// Keeps `value` until the process exits.
  static func keep(_ value: Any) {
    kept.append(value)
  }
}
