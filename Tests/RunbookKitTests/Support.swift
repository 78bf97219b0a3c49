// Helpers shared by the library tests: compiling text, and the inline-marker convention in which
// `⟨RB0102⟩` written in a test source marks the exact byte where that diagnostic must start.
import XCTest
@testable import RunbookKit

/// Compiles `text` as a file called `test.runbook`.
func compile(_ text: String) -> Compilation {
  Compiler.compile(SourceFile(path: "test.runbook", text: text))
}

/// Only lexes and parses `text`.
func parse(_ text: String) -> SyntaxTree {
  Parser.parse(SourceFile(path: "test.runbook", text: text))
}

/// A source with its markers removed, and where each marker stood.
struct MarkedSource {
  var text: String
  var expected: [(code: String, offset: Int)]

  init(_ marked: String) {
    var bytes: [UInt8] = []
    var expected: [(String, Int)] = []
    var rest = Substring(marked)
    while let open = rest.firstIndex(of: "⟨") {
      bytes += Array(rest[..<open].utf8)
      let afterOpen = rest.index(after: open)
      guard let close = rest[afterOpen...].firstIndex(of: "⟩") else { break }
      expected.append((String(rest[afterOpen..<close]), bytes.count))
      rest = rest[rest.index(after: close)...]
    }
    bytes += Array(rest.utf8)
    self.text = String(decoding: bytes, as: UTF8.self)
    self.expected = expected
  }
}

/// Asserts that compiling the marked source gives exactly the marked diagnostics (code and start
/// offset), no more and no fewer; `ignoring` codes are left out of the comparison, and
/// `syntaxOnly` compares only the lexer's and parser's diagnostics.
func assertDiagnostics(
  _ marked: String, syntaxOnly: Bool = false, ignoring: Set<DiagnosticCode> = [],
  file: StaticString = #filePath, line: UInt = #line
) {
  let source = MarkedSource(marked)
  var compilation = compile(source.text)
  if syntaxOnly { compilation.diagnostics = sortedDiagnostics(compilation.tree.diagnostics) }
  let actual = compilation.diagnostics.filter { !ignoring.contains($0.code) }
    .map { "\($0.code.rawValue)@\(describe(compilation.source, $0.range.start))" }.sorted()
  let wanted = source.expected
    .map { "\($0.code)@\(describe(compilation.source, $0.offset))" }.sorted()
  XCTAssertEqual(
    actual, wanted,
    "\n" + compilation.diagnostics.map { "\($0.code.rawValue) \(describe(compilation.source, $0.range.start)) \($0.message)" }
      .joined(separator: "\n"),
    file: file, line: line)
}

func describe(_ source: SourceFile, _ offset: Int) -> String {
  let position = source.lineColumn(of: offset)
  return "\(position.line):\(position.column)"
}

/// The repository's root folder, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The `.runbook` files under a folder of the repository, sorted.
func runbookFiles(in folder: String) -> [URL] {
  let root = repositoryRoot.appendingPathComponent(folder)
  let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
  var files: [URL] = []
  while let url = enumerator?.nextObject() as? URL {
    if url.pathExtension == "runbook" { files.append(url) }
  }
  return files.sorted { $0.path < $1.path }
}

/// Like `assertDiagnostics`, for the lexer's and parser's diagnostics alone.
func assertSyntaxDiagnostics(_ marked: String, file: StaticString = #filePath, line: UInt = #line) {
  assertDiagnostics(marked, syntaxOnly: true, file: file, line: line)
}
