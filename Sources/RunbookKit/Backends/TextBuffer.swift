// Plain text assembled as UTF-8 bytes, for backends that print aligned columns. Appending bytes
// is several times cheaper than appending to a String, and a column's width is counted in
// Unicode scalars (the columns of this tool) straight from the bytes.

/// A growing text of lines, with a store of saved pieces: short texts printed many times over
/// (a step's title, a time) are saved once, end to end in one buffer with their widths, and
/// then cost a copy of bytes each time they are printed, with no allocation and no counting.
struct TextBuffer: ~Copyable {
  /// The text so far; the escapers of the backends append to it directly.
  var bytes: ByteBuffer
  /// The saved pieces' bytes, end to end. A buffer of its own rather than an array: a piece is
  /// appended hundreds of thousands of times in a large plan, and each append from an array
  /// first counted a reference to the array's storage up and then down.
  private var pieceBytes: ByteBuffer
  private var pieceEnds: [Int] = []
  private var pieceWidths: [Int] = []

  /// Room for `capacity` bytes of text, or a buffer's worth handed to `destination` at a time.
  init(capacity: Int = 0, pieceCapacity: Int = 0, streamingTo destination: DocumentDestination? = nil) {
    bytes = ByteBuffer(capacity: capacity, streamingTo: destination)
    pieceBytes = ByteBuffer(capacity: pieceCapacity)
  }

  /// The text written (when streaming, since the last hand-over), in the buffer it was written
  /// into; the buffer is used up.
  consuming func finish() -> RenderedDocument {
    RenderedDocument(bytes)
  }

  mutating func append(_ text: String) {
    bytes.append(utf8: text)
  }

  /// Text written in the code: its bytes are where the literal is, with no string to read.
  mutating func append(static text: StaticString) {
    bytes.append(static: text)
  }

  /// One ASCII character: cheaper than appending a one-character string.
  mutating func append(ascii character: Unicode.Scalar) {
    bytes.append(UInt8(ascii: character))
  }

  mutating func spaces(_ count: Int) {
    bytes.append(spaces: count)
  }

  /// A number in decimal.
  mutating func append(_ number: Int) {
    bytes.append(decimal: number)
  }

  /// Ends the current line.
  mutating func newline() {
    bytes.append(0x0A)
  }

  /// A whole line: the text and a line end.
  mutating func line(_ text: String) {
    append(text)
    newline()
  }

  // MARK: Saved pieces

  /// Adds text to the piece being saved.
  mutating func addToPiece(_ text: String) {
    pieceBytes.append(utf8: text)
  }

  /// Saves `visible(text, limit: limit)` as a piece and returns its number. When the first
  /// `limit` bytes of the text are printable ASCII (nearly every title), they are what
  /// `visible` shows, followed by "…" if the text goes on, whatever comes after them: they are
  /// copied straight into the piece, and its width is their count. Otherwise through `visible`.
  mutating func saveVisible(_ text: String, limit: Int) -> Int {
    let width = text.withUTF8InPlace { bytes -> Int? in
      let shown = min(bytes.count, max(0, limit))
      for index in 0..<shown where bytes[index] < 0x20 || bytes[index] >= 0x7F { return nil }
      pieceBytes.append(bytes: UnsafeBufferPointer(rebasing: bytes[..<shown]))
      guard shown < bytes.count else { return shown }
      pieceBytes.append(static: "…")
      return shown + 1
    }
    guard let width else { return save(visible(text, limit: limit)) }
    return savePiece(width: width)
  }

  /// Adds a number in decimal to the piece being saved.
  mutating func addToPiece(_ number: Int) {
    pieceBytes.append(decimal: number)
  }

  /// Adds bytes written by `write` to the piece being saved.
  mutating func addToPiece(_ write: (inout ByteBuffer) -> Void) {
    write(&pieceBytes)
  }

  /// Finishes the piece being saved and returns its number.
  mutating func savePiece() -> Int {
    let start = pieceEnds.last ?? 0
    return savePiece(width: pieceBytes.withBytes(in: start..<pieceBytes.count) { scalarCount($0) })
  }

  /// Ends the piece being saved, `width` scalars wide, and returns its number.
  private mutating func savePiece(width: Int) -> Int {
    pieceEnds.append(pieceBytes.count)
    pieceWidths.append(width)
    return pieceEnds.count - 1
  }

  /// Saves a whole piece and returns its number.
  mutating func save(_ text: String) -> Int {
    addToPiece(text)
    return savePiece()
  }

  /// Appends a saved piece.
  mutating func append(piece: Int) {
    pieceBytes.withBytes(in: byteRange(of: piece)) { bytes.append(bytes: $0) }
  }

  /// A saved piece in a column `width` scalars wide: padded with spaces, or followed by one
  /// space when it fills or overflows the column, so columns never run together.
  mutating func column(piece: Int, _ width: Int) {
    append(piece: piece)
    let count = pieceWidths[piece]
    spaces(count >= width ? 1 : width - count)
  }

  func isEmpty(piece: Int) -> Bool { pieceWidths[piece] == 0 }

  /// A saved piece's width in columns (one a scalar).
  func width(of piece: Int) -> Int { pieceWidths[piece] }

  func text(of piece: Int) -> String {
    pieceBytes.withBytes(in: byteRange(of: piece)) { String(decoding: $0, as: UTF8.self) }
  }

  /// Where a saved piece's bytes are: from the end of the one before it to its own end.
  private func byteRange(of piece: Int) -> Range<Int> {
    (piece == 0 ? 0 : pieceEnds[piece - 1])..<pieceEnds[piece]
  }
}

/// Saved pieces by a number (a time or a duration in minutes), in a table of fixed size where a
/// number has one slot: a look-up costs a multiplication and a comparison, where a dictionary
/// hashes every key with SipHash. A number that finds its slot taken by another is made again,
/// so no input costs more than a miss per look-up.
struct PieceCache {
  private static let slotBits = 12
  private var keys = [Int](repeating: 0, count: 1 << PieceCache.slotBits)
  private var pieces = [Int](repeating: -1, count: 1 << PieceCache.slotBits)

  private func slot(_ key: Int) -> Int {
    Int(truncatingIfNeeded: (UInt64(bitPattern: Int64(key)) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - PieceCache.slotBits))
  }

  /// The piece saved for `key`, if it is still in its slot.
  func piece(for key: Int) -> Int? {
    let index = slot(key)
    return pieces[index] >= 0 && keys[index] == key ? pieces[index] : nil
  }

  mutating func store(_ piece: Int, for key: Int) {
    let index = slot(key)
    keys[index] = key
    pieces[index] = piece
  }
}

/// The number of Unicode scalars in UTF-8 bytes: every byte except continuation bytes starts
/// a scalar.
func scalarCount<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Int {
  var count = 0
  for byte in bytes where byte & 0xC0 != 0x80 { count += 1 }
  return count
}

/// The number of Unicode scalars in a string.
func scalarCount(_ text: String) -> Int {
  scalarCount(text.utf8)
}

/// Pads text to a column width, counting Unicode scalars (the columns of this tool).
func pad(_ text: String, _ width: Int) -> String {
  let count = scalarCount(text)
  if count >= width { return text + " " }
  return text + String(repeating: " ", count: width - count)
}
