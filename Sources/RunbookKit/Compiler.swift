// The pipeline in one place: source → syntax tree → validated graph → diagnostics. The library
// does no I/O; the command-line tool reads files, calls this, and prints.

/// The result of compiling one file as far as it will go.
public struct Compilation: Sendable {
  /// The file compiled.
  public var source: SourceFile
  /// The syntax tree (always present; possibly with error nodes).
  public var tree: SyntaxTree
  /// The validated graph; nil only when the file has no runbook block at all. When the file has
  /// errors the graph is built as far as it can be, for tools that show problems in context.
  public var graph: RunbookGraph?
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
    var diagnostics = tree.diagnostics
    var graph: RunbookGraph?
    if let root = tree.root {
      let (built, semantic) = GraphBuilder.build(root, source: source)
      graph = built
      diagnostics += semantic
    }
    diagnostics = Suppressions.apply(to: diagnostics, tree: tree)
    return Compilation(source: source, tree: tree, graph: graph, diagnostics: sortedDiagnostics(diagnostics))
  }
}
