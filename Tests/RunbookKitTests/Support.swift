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

/// Runs an external program with `input` on its standard input.
func runProgram(_ executable: String, _ arguments: [String], input: Data = Data()) throws -> (status: Int32, stdout: String, stderr: String) {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = [executable] + arguments
  let stdin = Pipe()
  let stdout = Pipe()
  let stderr = Pipe()
  process.standardInput = stdin
  process.standardOutput = stdout
  process.standardError = stderr
  try process.run()
  let writer = DispatchQueue(label: "stdin")
  writer.async {
    stdin.fileHandleForWriting.write(input)
    try? stdin.fileHandleForWriting.close()
  }
  nonisolated(unsafe) var errorData = Data()
  let group = DispatchGroup()
  group.enter()
  DispatchQueue.global().async {
    errorData = stderr.fileHandleForReading.readDataToEndOfFile()
    group.leave()
  }
  let outputData = stdout.fileHandleForReading.readDataToEndOfFile()
  group.wait()
  process.waitUntilExit()
  return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
}

/// Skips the test when an external tool is missing, unless CI requires it (RUNBOOK_REQUIRE_TOOLS=1),
/// in which case the test fails: CI installs every tool the tests use.
func requireTool(_ name: String, check: [String] = ["--version"]) throws {
  let available = (try? runProgram(name, check).status) == 0
  if available { return }
  if ProcessInfo.processInfo.environment["RUNBOOK_REQUIRE_TOOLS"] == "1" {
    XCTFail("\(name) is required but not installed")
  }
  throw XCTSkip("\(name) is not installed")
}

/// Compiles an example and returns its compilation, failing the test on errors.
func compileExample(_ url: URL) throws -> Compilation {
  let compilation = Compiler.compile(SourceFile(path: url.lastPathComponent, bytes: [UInt8](try Data(contentsOf: url))))
  XCTAssertFalse(compilation.hasErrors, url.lastPathComponent)
  return compilation
}

func markdown(_ compilation: Compilation) -> String {
  MarkdownBackend.render(compilation.graph!, sourceName: compilation.source.path, sourceBytes: compilation.source.bytes)
}

/// A small deterministic random generator (SplitMix64), so that a failure can be reproduced from
/// its seed.
struct SplitMix: RandomNumberGenerator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A number in 0..<bound.
  mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

  /// True with the given chance in percent.
  mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}

extension String {
  /// Whether `needle` occurs in the string, compared scalar by scalar: `contains` compares
  /// characters, and a combining mark at the edge of either would hide a match.
  func containsScalars(_ needle: String) -> Bool {
    range(of: needle, options: .literal) != nil
  }
}

/// A stage body of `count` steps `w0…`, each followed by a gate `g0…` decided by `owner`, whose
/// go leads to the next step (the last to `done`) and whose no-go is `noGo` (e.g. `rollback r`).
func gateChain(_ count: Int, decidedBy owner: String, noGo: String, duration: String = "") -> String {
  var text = ""
  for index in 0..<count {
    text += "    step w\(index) \"Work \(index)\"\(duration)\n    gate g\(index) \"Gate \(index)\" {\n      decided_by \(owner)\n      criterion \"ok\"\n"
    text += "      go -> \(index + 1 < count ? "w\(index + 1)" : "done")\n      no_go -> \(noGo)\n    }\n"
  }
  return text
}
