// A runbook open in an editor: its text, kept up to date from whole or incremental changes, and
// what an editor asks of it — diagnostics, the outline, folding, where a name is declared and
// used, renaming, completion, hover, formatting and fixes. Positions are the editor's: a line
// and a character offset counted in UTF-16 code units (the LSP default) or in bytes (UTF-8,
// when the client offers it). No I/O: the language server feeds it text and sends its answers.

/// How an editor counts characters in a line.
public enum PositionEncoding: String, Sendable {
  case utf16 = "utf-16"
  case utf8 = "utf-8"
}

/// A position in an editor: 0-based line and character.
public struct EditorPosition: Sendable, Equatable {
  public var line: Int
  public var character: Int

  public init(line: Int, character: Int) {
    self.line = line
    self.character = character
  }
}

/// A range in an editor.
public struct EditorRange: Sendable, Equatable {
  public var start: EditorPosition
  public var end: EditorPosition

  public init(start: EditorPosition, end: EditorPosition) {
    self.start = start
    self.end = end
  }
}

/// An open document and its compilation.
public struct EditorDocument: Sendable {
  public let uri: String
  public private(set) var version: Int
  public private(set) var bytes: [UInt8]
  public let encoding: PositionEncoding
  /// The compilation of the current text (made when the text changes).
  public private(set) var compilation: Compilation

  public init(uri: String, version: Int, text: String, encoding: PositionEncoding) {
    self.uri = uri
    self.version = version
    self.encoding = encoding
    bytes = Array(text.utf8)
    compilation = Compiler.compile(SourceFile(path: uri, bytes: bytes))
  }

  public var source: SourceFile { compilation.source }

  /// Applies changes in order: each replaces a range (or, without one, the whole text).
  public mutating func apply(_ changes: [(range: EditorRange?, text: String)], version: Int) {
    for change in changes {
      if let range = change.range {
        let current = SourceFile(path: uri, bytes: bytes)
        let start = offset(of: range.start, in: current)
        let end = max(start, offset(of: range.end, in: current))
        bytes.replaceSubrange(start..<end, with: Array(change.text.utf8))
      } else {
        bytes = Array(change.text.utf8)
      }
    }
    self.version = version
    compilation = Compiler.compile(SourceFile(path: uri, bytes: bytes))
  }

  // MARK: - Positions

  /// The byte offset of an editor position, clamped to the line and the file.
  public func offset(of position: EditorPosition, in file: SourceFile? = nil) -> Int {
    let file = file ?? source
    guard position.line >= 0 else { return 0 }
    guard position.line < file.lineStarts.count else { return file.bytes.count }
    let lineStart = file.lineStarts[position.line]
    var lineEnd = position.line + 1 < file.lineStarts.count ? file.lineStarts[position.line + 1] - 1 : file.bytes.count
    if lineEnd > lineStart && lineEnd <= file.bytes.count && lineEnd > 0 && file.bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
    var offset = lineStart
    var units = 0
    while offset < lineEnd && units < position.character {
      let length = max(1, validUTF8Length(file.bytes, offset))
      units += encoding == .utf8 ? length : (length == 4 ? 2 : 1)
      offset += length
    }
    return min(offset, lineEnd)
  }

  /// The editor position of a byte offset.
  public func position(of offset: Int) -> EditorPosition {
    let clamped = min(max(0, offset), source.bytes.count)
    let line = source.lineIndex(of: clamped)
    var position = source.lineStarts[line]
    var units = 0
    while position < clamped {
      let length = max(1, validUTF8Length(source.bytes, position))
      units += encoding == .utf8 ? length : (length == 4 ? 2 : 1)
      position += length
    }
    return EditorPosition(line: line, character: units)
  }

  public func range(_ range: SourceRange) -> EditorRange {
    EditorRange(start: position(of: range.start), end: position(of: range.end))
  }

  // MARK: - Names

  /// A name as written: a declaration's id or a reference to one.
  public struct NameUse: Sendable, Equatable {
    public enum Space: Sendable { case role, item }
    public var name: String
    public var range: SourceRange
    public var space: Space
    public var isDeclaration: Bool
  }

  /// Every id declared or referred to in the file, in source order.
  public var nameUses: [NameUse] {
    var uses: [NameUse] = []
    func visit(_ declaration: Declaration) {
      if let id = declaration.id {
        uses.append(NameUse(name: id.name, range: id.range, space: declaration.kind == .role ? .role : .item, isDeclaration: true))
      }
      for attribute in declaration.attributes {
        switch attribute.value {
        case .owners(let expression):
          for role in expression.roles { uses.append(NameUse(name: role.name, range: role.range, space: .role, isDeclaration: false)) }
        case .references(let targets):
          for target in targets { uses.append(NameUse(name: target.name, range: target.range, space: .item, isDeclaration: false)) }
        case .reference(let target):
          uses.append(NameUse(name: target.name, range: target.range, space: attribute.keyword == .by ? .role : .item, isDeclaration: false))
        case .noGo(let target, _):
          uses.append(NameUse(name: target.name, range: target.range, space: .item, isDeclaration: false))
        default: break
        }
      }
      for child in declaration.children { visit(child) }
    }
    if let root = compilation.tree.root { visit(root) }
    return uses
  }

  /// The name at a position (on its first or last character), if any, among `uses`.
  public func nameUse(at position: EditorPosition, in uses: [NameUse]? = nil) -> NameUse? {
    let offset = offset(of: position)
    return (uses ?? nameUses).first { $0.range.start <= offset && offset <= $0.range.end }
  }

  /// Where the name at a position is declared.
  public func definition(at position: EditorPosition) -> SourceRange? {
    let uses = nameUses
    guard let use = nameUse(at: position, in: uses) else { return nil }
    return uses.first { $0.isDeclaration && $0.name == use.name && $0.space == use.space }?.range
  }

  /// Every use of the name at a position, its declaration included when asked.
  public func references(at position: EditorPosition, includeDeclaration: Bool) -> [SourceRange] {
    let uses = nameUses
    guard let use = nameUse(at: position, in: uses) else { return [] }
    return uses.filter { $0.name == use.name && $0.space == use.space && (includeDeclaration || !$0.isDeclaration) }.map(\.range)
  }

  /// The edits that rename the name at a position, or why not.
  public func rename(at position: EditorPosition, to newName: String) -> Result<[(SourceRange, String)], RenameProblem> {
    let uses = nameUses
    guard let use = nameUse(at: position, in: uses) else { return .failure(.nothingToRename) }
    let bytes = Array(newName.utf8)
    guard let first = bytes.first, first == UInt8(ascii: "_") || (first | 0x20) >= 0x61 && (first | 0x20) <= 0x7A,
      bytes.allSatisfy({ $0 == UInt8(ascii: "_") || ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A || ($0 >= 0x30 && $0 <= 0x39) }),
      bytes.count <= RunbookInfo.maximumNameBytes
    else { return .failure(.invalidName(newName)) }
    if Keyword(rawValue: newName) != nil { return .failure(.invalidName(newName)) }
    if newName != use.name, uses.contains(where: { $0.isDeclaration && $0.name == newName && $0.space == use.space }) {
      return .failure(.conflict(newName))
    }
    return .success(uses.filter { $0.name == use.name && $0.space == use.space }.map { ($0.range, newName) })
  }

  /// Why a rename is refused.
  public enum RenameProblem: Error, Sendable, Equatable {
    case nothingToRename
    case invalidName(String)
    case conflict(String)

    public var message: String {
      switch self {
      case .nothingToRename: "there is no role, stage, step, gate or rollback id here"
      case .invalidName(let name): "`\(name)` is not an id: use letters, digits and `_`, starting with a letter, and not a keyword"
      case .conflict(let name): "`\(name)` is already the id of something else in this runbook"
      }
    }
  }
}
