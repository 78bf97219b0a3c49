// The pipeline in one place: source → syntax tree → (later phases) → diagnostics. The library
// does no I/O; the command-line tool reads files, calls this, and prints.

/// The result of compiling one file as far as it will go.
public struct Compilation: Sendable {
  /// The file compiled.
  public var source: SourceFile
  /// The syntax tree (always present; possibly with error nodes).
  public var tree: SyntaxTree
  /// Every diagnostic from every phase, sorted by position.
  public var diagnostics: [Diagnostic]

  /// True when any diagnostic is an error.
  public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// Entry points of the compiler.
public enum Compiler {
  /// Lexes, parses and checks one file.
  public static func compile(_ source: SourceFile) -> Compilation {
    let tree = Parser.parse(source)
    return Compilation(source: source, tree: tree, diagnostics: sortedDiagnostics(tree.diagnostics))
  }
}
