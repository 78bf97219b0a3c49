// Plain text assembled as UTF-8 bytes, for backends that print aligned columns. Appending bytes
// is several times cheaper than appending to a String, and a column's width is counted in
// Unicode scalars (the columns of this tool) straight from the bytes.

/// A growing text of lines.
struct TextBuffer {
  private(set) var bytes: [UInt8] = []

  init(capacity: Int = 0) {
    bytes.reserveCapacity(capacity)
  }

  /// The text as a string.
  var text: String { String(decoding: bytes, as: UTF8.self) }

  mutating func append(_ text: String) {
    bytes.append(contentsOf: text.utf8)
  }

  mutating func append(_ character: Unicode.Scalar) {
    if character.isASCII {
      bytes.append(UInt8(character.value))
    } else {
      bytes.append(contentsOf: String(character).utf8)
    }
  }

  mutating func spaces(_ count: Int) {
    bytes.append(contentsOf: repeatElement(0x20, count: max(count, 0)))
  }

  /// A number in decimal.
  mutating func append(_ number: Int) {
    if number < 0 { bytes.append(UInt8(ascii: "-")) }
    var rest = number.magnitude
    let first = bytes.count
    repeat {
      bytes.append(UInt8(ascii: "0") + UInt8(rest % 10))
      rest /= 10
    } while rest > 0
    bytes[first...].reverse()
  }

  /// A piece of text kept in `pieces`.
  mutating func append(_ piece: Int, of pieces: TextPieces) {
    bytes.append(contentsOf: pieces.bytes(of: piece))
  }

  /// A piece of text in a column `width` scalars wide, as `column(_:_:)` pads a string.
  mutating func column(_ piece: Int, of pieces: TextPieces, _ width: Int) {
    append(piece, of: pieces)
    let count = pieces.width(of: piece)
    spaces(count >= width ? 1 : width - count)
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

  /// Text in a column `width` scalars wide: padded with spaces, or followed by one space when
  /// it fills or overflows the column, so columns never run together.
  mutating func column(_ text: String, _ width: Int) {
    append(text)
    let count = scalarCount(text)
    spaces(count >= width ? 1 : width - count)
  }
}

/// Many short texts kept end to end in one byte array, each with its width in scalars. Texts
/// printed many times over (a step's title, a time) then cost a copy of bytes each time, with no
/// allocation and no counting. A piece is written with `append` and finished with `finish`,
/// which returns its number.
struct TextPieces {
  private var storage: [UInt8] = []
  private var ends: [Int] = []
  private var widths: [Int] = []

  init(capacity: Int = 0) {
    storage.reserveCapacity(capacity)
  }

  /// Adds text to the piece being written.
  mutating func append(_ text: String) {
    storage.append(contentsOf: text.utf8)
  }

  /// Adds a number in decimal to the piece being written.
  mutating func append(_ number: Int) {
    storage.append(contentsOf: String(number).utf8)
  }

  /// Finishes the piece being written and returns its number.
  mutating func finish() -> Int {
    let start = ends.last ?? 0
    var width = 0
    for index in start..<storage.count where storage[index] & 0xC0 != 0x80 { width += 1 }
    ends.append(storage.count)
    widths.append(width)
    return ends.count - 1
  }

  /// Adds a whole piece and returns its number.
  mutating func add(_ text: String) -> Int {
    append(text)
    return finish()
  }

  func bytes(of piece: Int) -> ArraySlice<UInt8> {
    storage[(piece == 0 ? 0 : ends[piece - 1])..<ends[piece]]
  }

  func width(of piece: Int) -> Int { widths[piece] }

  func isEmpty(_ piece: Int) -> Bool { widths[piece] == 0 }

  func text(of piece: Int) -> String { String(decoding: bytes(of: piece), as: UTF8.self) }
}

/// The number of Unicode scalars in a string, counted from its UTF-8 bytes: every byte except
/// continuation bytes starts a scalar.
func scalarCount(_ text: String) -> Int {
  var count = 0
  for byte in text.utf8 where byte & 0xC0 != 0x80 { count += 1 }
  return count
}

/// Pads text to a column width, counting Unicode scalars (the columns of this tool).
func pad(_ text: String, _ width: Int) -> String {
  let count = scalarCount(text)
  if count >= width { return text + " " }
  return text + String(repeating: " ", count: width - count)
}
