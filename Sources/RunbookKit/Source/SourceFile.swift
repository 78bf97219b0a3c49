// A source file as the compiler sees it: its path, its raw UTF-8 bytes, and a table of line
// starts from which line and column are computed on demand. Positions elsewhere are byte offsets.
#if canImport(Glibc)
  import Glibc
#endif

/// A half-open range of byte offsets `[start, end)` into one source file.
public struct SourceRange: Hashable, Sendable {
  /// The offsets, kept in 32 bits: a source is at most 64 MiB (RB0701), and every declaration,
  /// attribute, step and diagnostic holds ranges, so this halves their share of memory.
  private var storedStart: UInt32
  private var storedEnd: UInt32

  /// The offset of the first byte.
  public var start: Int {
    get { Int(storedStart) }
    set { storedStart = UInt32(clamping: newValue) }
  }

  /// The offset one past the last byte.
  public var end: Int {
    get { Int(storedEnd) }
    set { storedEnd = UInt32(clamping: newValue) }
  }

  /// Creates a range; `end` is clamped so that it is never before `start`.
  public init(_ start: Int, _ end: Int) {
    storedStart = UInt32(clamping: start)
    storedEnd = UInt32(clamping: max(start, end))
  }

  /// An empty range at `offset`.
  public static func at(_ offset: Int) -> SourceRange { SourceRange(offset, offset) }

  /// The smallest range that covers both ranges.
  public func union(_ other: SourceRange) -> SourceRange {
    SourceRange(min(start, other.start), max(end, other.end))
  }
}

/// A 1-based line and column. Columns count Unicode scalars (code points) from the start of the
/// line, so that a caret lines up with what an editor shows for UTF-8 text.
public struct LineColumn: Hashable, Sendable, Comparable {
  /// The 1-based line number.
  public var line: Int
  /// The 1-based column, in Unicode scalars.
  public var column: Int

  /// Creates a position.
  public init(line: Int, column: Int) {
    self.line = line
    self.column = column
  }

  public static func < (a: LineColumn, b: LineColumn) -> Bool {
    (a.line, a.column) < (b.line, b.column)
  }
}

/// One input file: the path it was read from (as the user gave it) and its bytes.
public struct SourceFile: Sendable {
  /// The path shown in diagnostics, e.g. `Examples/clinspark.runbook` or `<stdin>`.
  public let path: String
  /// The file's raw bytes; they need not be valid UTF-8.
  public let bytes: [UInt8]
  /// The byte offset at which each line starts. Line 1 starts after a byte-order mark, if any.
  public let lineStarts: [Int]
  /// The number of scalars (non-continuation bytes) before every multiple of `checkpointBytes`,
  /// so that a column on a very long line costs a short scan, not a scan of the whole line.
  private let scalarCheckpoints: [Int]
  private static let checkpointBytes = 4096

  /// Creates a source file from raw bytes.
  public init(path: String, bytes: [UInt8]) {
    self.path = path
    self.bytes = bytes
    var starts = [SourceFile.byteOrderMarkLength(bytes)]
    var checkpoints = [0]
    checkpoints.reserveCapacity(bytes.count / SourceFile.checkpointBytes + 1)
    bytes.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      // Line starts: the byte after each newline, found by memchr.
      var offset = 0
      while offset < buffer.count, let found = memchr(base + offset, 0x0A, buffer.count - offset) {
        offset = base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
        starts.append(offset)
      }
      // Scalars, counted block by block for the checkpoints.
      var scalars = 0
      var position = 0
      while position < buffer.count {
        let blockEnd = min(position + SourceFile.checkpointBytes, buffer.count)
        scalars += columnCount(buffer, bytes, from: position, to: blockEnd)
        position = blockEnd
        if blockEnd % SourceFile.checkpointBytes == 0 { checkpoints.append(scalars) }
      }
    }
    self.lineStarts = starts
    self.scalarCheckpoints = checkpoints
  }

  /// The number of columns in `bytes[start..<end]` (every JSON element and diagnostic asks for
  /// two columns).
  private func columns(from start: Int, to end: Int) -> Int {
    // Inside the blocks between two checkpoints that hold as many scalars as bytes, every byte
    // is a column: counted by subtraction (a runbook in plain ASCII is all such blocks).
    if end > start {
      let first = start / SourceFile.checkpointBytes
      let last = (end - 1) / SourceFile.checkpointBytes
      if last - first <= 1, plainBlock(first), plainBlock(last) { return end - start }
    }
    return bytes.withUnsafeBufferPointer { columnCount($0, bytes, from: start, to: end) }
  }

  /// Whether checkpoint block `block` is complete and every byte of it a column.
  private func plainBlock(_ block: Int) -> Bool {
    block + 1 < scalarCheckpoints.count
      && scalarCheckpoints[block + 1] - scalarCheckpoints[block] == SourceFile.checkpointBytes
  }

  /// The number of scalars in `bytes[0..<offset]`.
  private func scalarCount(before offset: Int) -> Int {
    let checkpoint = offset / SourceFile.checkpointBytes
    return scalarCheckpoints[checkpoint] + columns(from: checkpoint * SourceFile.checkpointBytes, to: offset)
  }

  /// The same file under another path shown in diagnostics, its tables kept (made again, they
  /// would cost a pass over every byte).
  public func renamed(to path: String) -> SourceFile {
    SourceFile(path: path, bytes: bytes, lineStarts: lineStarts, scalarCheckpoints: scalarCheckpoints)
  }

  private init(path: String, bytes: [UInt8], lineStarts: [Int], scalarCheckpoints: [Int]) {
    self.path = path
    self.bytes = bytes
    self.lineStarts = lineStarts
    self.scalarCheckpoints = scalarCheckpoints
  }

  /// Creates a source file from a string (used by tests and tools).
  public init(path: String, text: String) {
    self.init(path: path, bytes: Array(text.utf8))
  }

  /// 3 if the bytes start with the UTF-8 byte-order mark, else 0.
  public static func byteOrderMarkLength(_ bytes: [UInt8]) -> Int {
    bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
  }

  /// The 0-based index of the line that holds `offset`.
  public func lineIndex(of offset: Int) -> Int {
    var low = 0
    var high = lineStarts.count - 1
    while low < high {
      let mid = (low + high + 1) / 2
      if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
    }
    return low
  }

  /// The 0-based line of `offset`, looked for first in the few lines from `hint` on: a writer
  /// that goes through the source in order asks for the line it asked for last, or one a little
  /// after it, nearly every time. Elsewhere, the line table is searched.
  public func lineIndex(of offset: Int, near hint: Int) -> Int {
    if hint >= 0, hint < lineStarts.count, lineStarts[hint] <= offset {
      var line = hint
      while line < min(hint + 8, lineStarts.count) {
        if line + 1 == lineStarts.count || offset < lineStarts[line + 1] { return line }
        line += 1
      }
    }
    return lineIndex(of: offset)
  }

  /// The line and column of a byte offset.
  public func lineColumn(of offset: Int) -> LineColumn {
    lineColumn(of: offset, nearLine: 0)
  }

  /// The line and column of a byte offset, its line looked for first near the 1-based line
  /// `hint` (see `lineIndex(of:near:)`).
  public func lineColumn(of offset: Int, nearLine hint: Int) -> LineColumn {
    let clamped = min(max(offset, 0), bytes.count)
    let index = lineIndex(of: clamped, near: hint - 1)
    // Every byte that is not a UTF-8 continuation byte counts: one per scalar in valid text,
    // one per stray byte in invalid text.
    // On a short line a scan from its start is cheapest; on a very long one the checkpoints
    // bound the scan.
    let lineStart = lineStarts[index]
    var column = 1
    if clamped - lineStart <= SourceFile.checkpointBytes {
      column += columns(from: lineStart, to: clamped)
    } else {
      column += scalarCount(before: clamped) - scalarCount(before: lineStart)
    }
    return LineColumn(line: index + 1, column: column)
  }

  /// The line and column of `offset`, given those of an earlier offset `known` (as
  /// `lineColumn(of:)` gives them): when both are on one line and not far apart, the columns
  /// between them are counted instead of searching the line table and counting from the line's
  /// start. Every element of the JSON document asks for its start, then its end.
  public func lineColumn(of offset: Int, after known: Int, at knownPosition: LineColumn) -> LineColumn {
    let clamped = min(max(offset, 0), bytes.count)
    let line = knownPosition.line - 1
    let nextLineStart = line + 1 < lineStarts.count ? lineStarts[line + 1] : bytes.count + 1
    guard line >= 0, line < lineStarts.count, known >= lineStarts[line], known <= clamped,
      clamped < nextLineStart, clamped - known <= SourceFile.checkpointBytes
    else { return lineColumn(of: offset) }
    return LineColumn(line: knownPosition.line, column: knownPosition.column + columns(from: known, to: clamped))
  }

  /// The byte range of a 0-based line, without its line terminator (`\n` or `\r\n`).
  public func lineRange(_ index: Int) -> SourceRange {
    let start = lineStarts[index]
    var end = index + 1 < lineStarts.count ? lineStarts[index + 1] - 1 : bytes.count
    if end > start && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
    return SourceRange(start, end)
  }

  /// The text of a byte range, with invalid UTF-8 replaced by U+FFFD.
  public func text(_ range: SourceRange) -> String {
    let start = min(max(range.start, 0), bytes.count)
    let end = min(max(range.end, start), bytes.count)
    guard end > start else { return "" }
    // Copied into the string's own storage, which validates (and repairs) as `String(decoding:)`
    // does, but makes a string of up to 15 ASCII bytes, most ids and many titles, without a
    // validating pass.
    return bytes.withUnsafeBufferPointer { buffer in
      String(unsafeUninitializedCapacity: end - start) { target in
        target.baseAddress!.initialize(from: buffer.baseAddress! + start, count: end - start)
        return end - start
      }
    }
  }
}

/// The number of columns in `buffer[start..<end]` (`buffer` over `bytes`): every byte but the
/// continuation bytes (10xxxxxx) of valid UTF-8 sequences (a stray continuation byte is a column
/// of its own, as the U+FFFD that stands for it is), counted eight bytes at a time; only words
/// holding a continuation byte are looked at byte by byte.
private func columnCount(_ buffer: UnsafeBufferPointer<UInt8>, _ bytes: [UInt8], from start: Int, to end: Int) -> Int {
  guard let base = buffer.baseAddress else { return 0 }
  func startsColumn(_ position: Int) -> Bool { buffer[position] & 0xC0 != 0x80 || strayContinuation(bytes, position) }
  var count = 0
  var position = start
  while position + 8 <= end {
    let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
    if word & ~(word << 1) & 0x8080_8080_8080_8080 == 0 {
      count += 8
    } else {
      for byte in position..<(position + 8) where startsColumn(byte) { count += 1 }
    }
    position += 8
  }
  while position < end {
    if startsColumn(position) { count += 1 }
    position += 1
  }
  return count
}

/// Whether the continuation byte at `offset` belongs to no valid UTF-8 sequence: no lead byte
/// within three bytes before it starts a valid sequence long enough to reach it.
private func strayContinuation(_ bytes: [UInt8], _ offset: Int) -> Bool {
  for back in 1...3 {
    let lead = offset - back
    guard lead >= 0 else { return true }
    if bytes[lead] & 0xC0 != 0x80 {
      return validUTF8Length(bytes, lead) <= back
    }
  }
  return true
}
