// The compiler's version and the limits it enforces, shared by the library and the tool.

/// Facts about this build of the compiler.
public enum RunbookInfo {
  /// The compiler's version, printed by `runbook --version` and written into outputs.
  public static let version = "0.1.0"
  /// The largest source file accepted, in bytes (64 MiB). Larger files get RB0701.
  public static let maximumFileBytes = 64 * 1024 * 1024
  /// The most diagnostics printed for one file; the rest are counted ("… and 812 more").
  public static let maximumDiagnosticsPerFile = 200
  /// The most diagnostics each phase (lexing and parsing, building the graph) keeps; the rest
  /// are counted in one RB0705, so that memory and output stay bounded whatever the input.
  public static let maximumKeptDiagnostics = 1000
  /// The longest id or keyword, in bytes. Longer names get RB0702.
  public static let maximumNameBytes = 128
  /// The longest one-line string, in bytes (64 KiB). Longer strings get RB0703.
  public static let maximumStringBytes = 64 * 1024
  /// The longest text block, in bytes (1 MiB). Longer blocks get RB0703.
  public static let maximumTextBlockBytes = 1024 * 1024
  /// The most steps and gates in one runbook. More get RB0704.
  public static let maximumSteps = 1_048_576
}
