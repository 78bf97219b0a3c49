// `runbook lsp`: a language server over standard input and output (LSP 3.17). JSON-RPC framing
// is done here by hand: `Content-Length` headers, one JSON body each. Every answer comes from
// RunbookKit's EditorDocument; this file only reads messages, keeps the open documents, and
// writes replies. It never exits on bad input: a malformed header or body is skipped with an
// error reply where one can be given, unknown methods get MethodNotFound, requests about closed
// documents get an empty answer, and positions past the end are clamped. Diagnostics are sent
// after a burst of changes has been read (when no further message is waiting), so a fast typist
// is not answered for every keystroke.
import Foundation
import RunbookKit

#if canImport(Glibc)
  import Glibc
#endif

final class LanguageServer {
  private var buffer: [UInt8] = []
  private var documents: [String: EditorDocument] = [:]
  private var encoding: PositionEncoding = .utf16
  private var initialized = false
  private var shutdownRequested = false
  /// Documents whose diagnostics are due once the input is drained.
  private var pendingDiagnostics: Set<String> = []

  /// Serves until `exit` or the end of input; returns the exit status.
  func run() -> ExitStatus {
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      while let message = nextMessage() {
        handle(message)
        if case .exit(let status) = exitRequested { return status }
      }
      flushDiagnostics()
      let count = chunk.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
      if count < 0 && errno == EINTR { continue }
      if count <= 0 { return shutdownRequested ? .success : .inputErrors }
      buffer.append(contentsOf: chunk[0..<count])
    }
  }

  private enum Ending { case running, exit(ExitStatus) }
  private var exitRequested: Ending = .running

  // MARK: - Framing

  private enum Incoming {
    case message([String: Any])
    case malformed(String)
  }

  /// The next complete message in the buffer, if one has arrived whole.
  private func nextMessage() -> Incoming? {
    let separator: [UInt8] = [13, 10, 13, 10]
    guard let headerEnd = firstIndex(of: separator, in: buffer) else {
      if buffer.count > 1 << 20 { buffer.removeAll() }  // no header in a megabyte: drop it
      return nil
    }
    let header = String(decoding: buffer[0..<headerEnd], as: UTF8.self)
    var length: Int?
    for line in header.split(separator: "\r\n") {
      let parts = line.split(separator: ":", maxSplits: 1)
      if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "content-length" {
        length = Int(parts[1].trimmingCharacters(in: .whitespaces))
      }
    }
    guard let length, length >= 0, length <= 64 << 20 else {
      buffer.removeSubrange(0..<(headerEnd + 4))
      return .malformed("a message without a valid Content-Length header")
    }
    guard buffer.count >= headerEnd + 4 + length else { return nil }
    let body = Data(buffer[(headerEnd + 4)..<(headerEnd + 4 + length)])
    buffer.removeSubrange(0..<(headerEnd + 4 + length))
    guard let object = try? JSONSerialization.jsonObject(with: body), let message = object as? [String: Any] else {
      return .malformed("the message is not a JSON object")
    }
    return .message(message)
  }

  private func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
    guard haystack.count >= needle.count else { return nil }
    return (0...(haystack.count - needle.count)).first { start in needle.indices.allSatisfy { haystack[start + $0] == needle[$0] } }
  }

  private func send(_ message: [String: Any]) {
    var object = message
    object["jsonrpc"] = "2.0"
    guard let body = try? JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes]) else { return }
    // A client that has gone away is not an error to report: the next read ends the loop.
    _ = writeAll(STDOUT_FILENO, Array("Content-Length: \(body.count)\r\n\r\n".utf8) + Array(body))
  }

  private func reply(_ id: Any, result: Any?) {
    send(["id": id, "result": result ?? NSNull()])
  }

  private func replyError(_ id: Any?, code: Int, _ message: String) {
    send(["id": id ?? NSNull(), "error": ["code": code, "message": message]])
  }

  // MARK: - Dispatch

  private func handle(_ incoming: Incoming) {
    let message: [String: Any]
    switch incoming {
    case .malformed(let why):
      replyError(nil, code: -32700, why)
      return
    case .message(let body):
      message = body
    }
    let id = message["id"]
    guard let method = message["method"] as? String else {
      if id != nil && message["result"] == nil && message["error"] == nil { replyError(id, code: -32600, "a request needs a method") }
      return  // a reply to something the server never asks, or junk: nothing to do
    }
    let params = message["params"] as? [String: Any] ?? [:]
    if method == "exit" {
      exitRequested = .exit(shutdownRequested ? .success : .inputErrors)
      return
    }
    if method == "initialize" {
      guard let id else { return }
      initialize(id, params)
      return
    }
    guard initialized else {
      if let id { replyError(id, code: -32002, "the server is not initialized yet") }
      return
    }
    if shutdownRequested {
      if let id { replyError(id, code: -32600, "the server is shutting down") }
      return
    }
    switch method {
    case "initialized", "$/cancelRequest", "$/setTrace", "workspace/didChangeConfiguration", "textDocument/didSave": return
    case "shutdown":
      shutdownRequested = true
      if let id { reply(id, result: nil) }
    case "textDocument/didOpen": didOpen(params)
    case "textDocument/didChange": didChange(params)
    case "textDocument/didClose": didClose(params)
    default:
      guard let id else { return }  // an unknown notification is ignored, as the protocol says
      guard let result = request(method, params) else {
        replyError(id, code: -32601, "the method \(method) is not supported")
        return
      }
      switch result {
      case .success(let value): reply(id, result: value)
      case .failure(let problem): replyError(id, code: -32803, problem.message)
      }
    }
  }

  private struct RequestProblem: Error { let message: String }

  /// The answer to a request; nil for a method the server does not know.
  private func request(_ method: String, _ params: [String: Any]) -> Result<Any?, RequestProblem>? {
    let uri = (params["textDocument"] as? [String: Any])?["uri"] as? String ?? ""
    let position = editorPosition(params["position"])
    let document = documents[uri]
    switch method {
    case "textDocument/formatting":
      guard let document, let formatted = Formatter.format(document.compilation.tree) else { return .success([Any]()) }
      let text = String(decoding: document.bytes, as: UTF8.self)
      if formatted == text { return .success([Any]()) }
      return .success([["range": range(document, SourceRange(0, document.bytes.count)), "newText": formatted]])
    case "textDocument/codeAction":
      guard let document else { return .success([Any]()) }
      let wanted = (params["range"] as? [String: Any]).map { editorRange($0) }
      let start = wanted.map { document.offset(of: $0.start) } ?? 0
      let end = wanted.map { document.offset(of: $0.end) } ?? document.bytes.count
      var actions: [[String: Any]] = []
      for diagnostic in document.compilation.diagnostics where diagnostic.range.start <= end && diagnostic.range.end >= start {
        guard let fix = diagnostic.fix else { continue }
        actions.append([
          "title": fix.description.prefix(1).uppercased() + fix.description.dropFirst(), "kind": "quickfix", "isPreferred": true,
          "diagnostics": [lspDiagnostic(document, diagnostic)],
          "edit": ["changes": [uri: fix.edits.map { ["range": range(document, $0.range), "newText": $0.replacement] }]],
        ])
      }
      return .success(actions)
    case "textDocument/definition":
      guard let document, let position, let target = document.definition(at: position) else { return .success(nil) }
      return .success(["uri": uri, "range": range(document, target)])
    case "textDocument/references":
      guard let document, let position else { return .success([Any]()) }
      let include = ((params["context"] as? [String: Any])?["includeDeclaration"] as? Bool) ?? true
      return .success(document.references(at: position, includeDeclaration: include).map { ["uri": uri, "range": range(document, $0)] })
    case "textDocument/rename":
      guard let document, let position else { return .failure(RequestProblem(message: "the document is not open")) }
      switch document.rename(at: position, to: params["newName"] as? String ?? "") {
      case .success(let edits):
        return .success(["changes": [uri: edits.map { ["range": range(document, $0.0), "newText": $0.1] }]])
      case .failure(let problem):
        return .failure(RequestProblem(message: problem.message))
      }
    case "textDocument/completion":
      guard let document, let position else { return .success([Any]()) }
      let items = document.completions(at: position).map { item -> [String: Any] in
        var entry: [String: Any] = ["label": item.label, "kind": completionKind(item.kind)]
        if let detail = item.detail { entry["detail"] = detail }
        return entry
      }
      return .success(["isIncomplete": false, "items": items])
    case "textDocument/hover":
      guard let document, let position, let hover = document.hover(at: position) else { return .success(nil) }
      return .success(["contents": ["kind": "markdown", "value": hover.text], "range": range(document, hover.range)])
    case "textDocument/documentSymbol":
      guard let document else { return .success([Any]()) }
      return .success(document.outline.map { symbol(document, $0) })
    case "textDocument/foldingRange":
      guard let document else { return .success([Any]()) }
      return .success(document.foldingRanges.map { ["startLine": $0.start, "endLine": $0.end] })
    default:
      return nil
    }
  }

  // MARK: - Lifecycle and documents

  private func initialize(_ id: Any, _ params: [String: Any]) {
    let general = (params["capabilities"] as? [String: Any])?["general"] as? [String: Any]
    let offered = general?["positionEncodings"] as? [String] ?? []
    encoding = offered.contains("utf-8") ? .utf8 : .utf16
    initialized = true
    reply(id, result: [
      "capabilities": [
        "positionEncoding": encoding.rawValue,
        "textDocumentSync": ["openClose": true, "change": 2],
        "documentFormattingProvider": true,
        "codeActionProvider": ["codeActionKinds": ["quickfix"]],
        "definitionProvider": true,
        "referencesProvider": true,
        "renameProvider": true,
        "completionProvider": ["triggerCharacters": [" "]],
        "hoverProvider": true,
        "documentSymbolProvider": true,
        "foldingRangeProvider": true,
      ] as [String: Any],
      "serverInfo": ["name": "runbook", "version": RunbookInfo.version],
    ])
  }

  private func didOpen(_ params: [String: Any]) {
    guard let item = params["textDocument"] as? [String: Any], let uri = item["uri"] as? String, let text = item["text"] as? String else { return }
    documents[uri] = EditorDocument(uri: uri, version: item["version"] as? Int ?? 0, text: text, encoding: encoding)
    pendingDiagnostics.insert(uri)
  }

  private func didChange(_ params: [String: Any]) {
    guard let item = params["textDocument"] as? [String: Any], let uri = item["uri"] as? String, var document = documents[uri],
      let changes = params["contentChanges"] as? [[String: Any]]
    else { return }
    document.apply(
      changes.map { change in ((change["range"] as? [String: Any]).map { editorRange($0) }, change["text"] as? String ?? "") },
      version: item["version"] as? Int ?? document.version + 1)
    documents[uri] = document
    pendingDiagnostics.insert(uri)
  }

  private func didClose(_ params: [String: Any]) {
    guard let uri = (params["textDocument"] as? [String: Any])?["uri"] as? String else { return }
    documents[uri] = nil
    pendingDiagnostics.remove(uri)
    send(["method": "textDocument/publishDiagnostics", "params": ["uri": uri, "diagnostics": [Any]()]])
  }

  private func flushDiagnostics() {
    for uri in pendingDiagnostics.sorted() {
      guard let document = documents[uri] else { continue }
      send([
        "method": "textDocument/publishDiagnostics",
        "params": ["uri": uri, "version": document.version, "diagnostics": document.compilation.diagnostics.map { lspDiagnostic(document, $0) }] as [String: Any],
      ])
    }
    pendingDiagnostics.removeAll()
  }

  // MARK: - Conversions

  private func editorPosition(_ value: Any?) -> EditorPosition? {
    guard let object = value as? [String: Any], let line = object["line"] as? Int, let character = object["character"] as? Int else { return nil }
    return EditorPosition(line: max(0, line), character: max(0, character))
  }

  private func editorRange(_ object: [String: Any]) -> EditorRange {
    EditorRange(
      start: editorPosition(object["start"]) ?? EditorPosition(line: 0, character: 0),
      end: editorPosition(object["end"]) ?? EditorPosition(line: 0, character: 0))
  }

  private func range(_ document: EditorDocument, _ range: SourceRange) -> [String: Any] {
    let converted = document.range(range)
    return [
      "start": ["line": converted.start.line, "character": converted.start.character],
      "end": ["line": converted.end.line, "character": converted.end.character],
    ]
  }

  private func lspDiagnostic(_ document: EditorDocument, _ diagnostic: Diagnostic) -> [String: Any] {
    var message = diagnostic.message
    if let help = diagnostic.help { message += "\nhelp: " + help }
    var object: [String: Any] = [
      "range": range(document, diagnostic.range),
      "severity": diagnostic.severity == .error ? 1 : diagnostic.severity == .warning ? 2 : 3,
      "code": diagnostic.code.rawValue,
      "source": "runbook",
      "message": message + "\n(`runbook explain \(diagnostic.code.rawValue)` explains it)",
    ]
    let related = diagnostic.notes.compactMap { note -> [String: Any]? in
      guard let noteRange = note.range else { return nil }
      return ["location": ["uri": document.uri, "range": range(document, noteRange)], "message": note.message]
    }
    if !related.isEmpty { object["relatedInformation"] = related }
    return object
  }

  private func completionKind(_ kind: CompletionItem.Kind) -> Int {
    switch kind {
    case .keyword: 14
    case .role: 7
    case .item: 18
    case .unit: 11
    }
  }

  private func symbol(_ document: EditorDocument, _ symbol: OutlineSymbol) -> [String: Any] {
    let kind: Int = switch symbol.kind {
    case .runbook: 2
    case .stage: 3
    case .rollback: 3
    case .step: 12
    case .gate: 24
    case .signoff: 20
    case .role: 5
    case .other: 19
    }
    var object: [String: Any] = [
      "name": symbol.name.isEmpty ? "(untitled)" : symbol.name, "kind": kind,
      "range": range(document, symbol.range), "selectionRange": range(document, symbol.selection),
      "children": symbol.children.map { self.symbol(document, $0) },
    ]
    if let detail = symbol.detail { object["detail"] = detail }
    return object
  }
}
