// The compiler's version and the limits it enforces, shared by the library and the tool.

/// Facts about this build of the compiler.
public enum RunbookInfo {
  /// The compiler's version, printed by `runbook --version` and written into outputs.
  public static let version = "0.1.0"
  /// The largest source file accepted, in bytes (64 MiB). Larger files get RB0701.
  public static let maximumFileBytes = 64 * 1024 * 1024
  /// The most diagnostics printed for one file; the rest are counted ("… and 812 more").
  public static let maximumDiagnosticsPerFile = 200
}
