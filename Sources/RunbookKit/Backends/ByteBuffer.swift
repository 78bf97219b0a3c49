// Growing byte buffers for the writers of large outputs. A JSON document of a big runbook is
// millions of appends of a few bytes each; an Array checks on every one that its storage is not
// shared before writing. `ByteBuffer` owns one allocation outright (it cannot be copied), so an
// append is a bounds test and a store.

/// Where escapers and number writers put their bytes: an array, or a `ByteBuffer`.
protocol ByteSink: ~Copyable {
  mutating func append(_ byte: UInt8)
  mutating func append(bytes: UnsafeBufferPointer<UInt8>)
  /// A number's decimal digits (a default below; a buffer writes them in place).
  mutating func append(decimal number: Int)
  /// `byte` `count` times (a default below; a buffer writes them in one store).
  mutating func append(repeating byte: UInt8, count: Int)
}

extension String {
  /// Calls `body` with the string's UTF-8 bytes, read where the string keeps them. (`withUTF8`
  /// needs a mutable copy, which it first tests for being the only reference: a runtime call for
  /// every string. Only a string kept elsewhere, bridged, is copied.)
  @inline(__always)
  func withUTF8InPlace<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
    if let result = utf8.withContiguousStorageIfAvailable(body) { return result }
    var copy = self
    return copy.withUTF8(body)
  }
}

extension ByteSink where Self: ~Copyable {
  /// A string's UTF-8 bytes, read from the string's own storage (no copy of the string to
  /// make it contiguous, which native strings always are).
  mutating func append(utf8 text: String) {
    text.withUTF8InPlace { append(bytes: $0) }
  }

  /// Text written in the code.
  @inline(__always)
  mutating func append(static text: StaticString) {
    text.withUTF8Buffer { append(bytes: $0) }
  }

  /// `count` spaces (none for a count below one), copied from a run of them: indents and the
  /// padding of columns.
  mutating func append(spaces count: Int) {
    let run: StaticString = "                                "
    var rest = count
    while rest > 0 {
      let part = min(rest, run.utf8CodeUnitCount)
      run.withUTF8Buffer { append(bytes: UnsafeBufferPointer(rebasing: $0[..<part])) }
      rest -= part
    }
  }

  /// `byte` `count` times (none for a count below one): blanks to write on.
  mutating func append(repeating byte: UInt8, count: Int) {
    for _ in 0..<max(count, 0) { append(byte) }
  }

  /// A number's decimal digits, put together in a few bytes of the stack and appended at once.
  mutating func append(decimal number: Int) {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maximumDecimalLength) { digits in
      let length = writeDecimal(number, to: digits.baseAddress!)
      append(bytes: UnsafeBufferPointer(rebasing: digits[..<length]))
    }
  }
}

/// The most bytes `writeDecimal` writes: a sign and 19 digits.
let maximumDecimalLength = 20

/// Writes `number` in decimal at `target` (a `-` first when it is negative) and returns how many
/// bytes it wrote, at most `maximumDecimalLength`. The digits are counted first and then written
/// from the last, two at a time from a table of the pairs "00" to "99": a document of a large
/// runbook has a number on every other line, and a step number written one digit at a time,
/// each with its own test of the room left, cost about 143 instructions where this costs 86.
func writeDecimal(_ number: Int, to target: UnsafeMutablePointer<UInt8>) -> Int {
  var rest = number.magnitude
  let length = decimalLength(number)
  if number < 0 { target[0] = UInt8(ascii: "-") }
  let pairs: StaticString = """
    00010203040506070809101112131415161718192021222324252627282930313233343536373839\
    40414243444546474849505152535455565758596061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899
    """
  let table = pairs.utf8Start
  var end = length
  while rest >= 100 {
    let pair = Int(rest % 100) * 2
    rest /= 100
    end -= 2
    target[end] = table[pair]
    target[end + 1] = table[pair + 1]
  }
  if rest >= 10 {
    let pair = Int(rest) * 2
    target[end - 2] = table[pair]
    target[end - 1] = table[pair + 1]
  } else {
    target[end - 1] = UInt8(ascii: "0") + UInt8(rest)
  }
  return length
}

/// How many bytes `writeDecimal` writes for `number`: its digits, and a `-` when it is negative.
@inline(__always)
func decimalLength(_ number: Int) -> Int {
  let magnitude = number.magnitude
  var length = number < 0 ? 2 : 1
  var bound: UInt = 10
  // An Int's magnitude is below 10^19: the count stops before the bound would pass UInt.max
  // (and the bound on the length stops it in any case).
  while magnitude >= bound && length < maximumDecimalLength {
    length += 1
    bound = bound &* 10
  }
  return length
}

extension Array: ByteSink where Element == UInt8 {
  mutating func append(bytes: UnsafeBufferPointer<UInt8>) {
    // A few bytes (a unit, a digit or two) one by one: a bulk append costs more to set up than
    // it saves on runs this short, and times and durations are all such runs.
    if bytes.count <= 4 {
      for byte in bytes { append(byte) }
    } else {
      append(contentsOf: bytes)
    }
  }
}

/// Where a document goes while it is being written: the command-line tool's output file or
/// standard output. A buffer that streams to one hands it its bytes each time it is full and
/// then starts again from empty, so that a document of any size takes the buffer's room and no
/// more (the JSON of a million steps is 870 MB, which held whole took as much memory again as
/// the compilation and a page fault for every 4 KiB of it).
public protocol DocumentDestination: AnyObject {
  /// Takes the next bytes of the document, in order. They are read in place, for the length of
  /// the call only.
  func take(_ bytes: UnsafeRawBufferPointer)
  /// How many bytes the buffer gathers before handing them over (more when a single piece is
  /// larger): `ByteBuffer.streamingRoom` unless the destination says otherwise.
  var room: Int { get }
}

extension DocumentDestination {
  public var room: Int { ByteBuffer.streamingRoom }
}

/// Bytes in one allocation that only this value owns.
struct ByteBuffer: ~Copyable, ByteSink {
  private var base: UnsafeMutablePointer<UInt8>
  private var capacity: Int
  /// How many bytes are written (since the last hand-over, when streaming).
  private(set) var count = 0
  /// Where full buffers go, when the document is streamed.
  private let destination: DocumentDestination?

  /// The room of a buffer that streams: large enough that handing it over (a `write` of the
  /// whole) costs nothing next to filling it, small enough to stay in the processor's cache.
  static let streamingRoom = 256 << 10

  /// A buffer with room for `capacity` bytes, growing when they are written; or, streaming to
  /// `destination`, with the destination's room, handed over whenever it is full.
  init(capacity: Int = 0, streamingTo destination: DocumentDestination? = nil) {
    self.destination = destination
    if let destination {
      self.capacity = max(destination.room, 1)
    } else {
      self.capacity = max(capacity, 256)
    }
    base = .allocate(capacity: self.capacity)
  }

  deinit {
    base.deallocate()
  }

  @inline(__always)
  mutating func append(_ byte: UInt8) {
    if count == capacity { grow(toHold: 1) }
    base[count] = byte
    count += 1
  }

  @inline(__always)
  mutating func append(bytes: UnsafeBufferPointer<UInt8>) {
    guard let source = bytes.baseAddress, bytes.count > 0 else { return }
    if bytes.count > capacity - count { grow(toHold: bytes.count) }
    (base + count).initialize(from: source, count: bytes.count)
    count += bytes.count
  }

  /// `byte` `count` times (none for a count below one), after one test of the room left: the
  /// blanks of records and initials.
  @inline(__always)
  mutating func append(repeating byte: UInt8, count: Int) {
    guard count > 0 else { return }
    if count > capacity - self.count { grow(toHold: count) }
    (base + self.count).initialize(repeating: byte, count: count)
    self.count += count
  }

  /// A number's decimal digits, written in place after one test of the room left.
  @inline(__always)
  mutating func append(decimal number: Int) {
    write(atMost: maximumDecimalLength) { writeDecimal(number, to: $0) }
  }

  /// Writes at most `limit` bytes in one go: `body` gets where they go and returns how many it
  /// wrote. For a writer that puts several short pieces down together, one test of the room
  /// left instead of one for each piece.
  @inline(__always)
  mutating func write(atMost limit: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
    if limit > capacity - count { grow(toHold: limit) }
    let written = body(base + count)
    precondition(written <= limit, "wrote past the room asked for")
    count += written
  }

  /// The bytes written, read in place.
  func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
    try body(UnsafeRawBufferPointer(start: base, count: count))
  }

  /// The written bytes in `range`, read in place for the length of `body`.
  @inline(__always)
  func withBytes<Result>(in range: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
    precondition(range.lowerBound >= 0 && range.upperBound <= count, "bytes outside those written")
    return try body(UnsafeBufferPointer(start: base + range.lowerBound, count: range.count))
  }

  /// The bytes written, copied into an array.
  func array() -> [UInt8] {
    [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
      buffer.baseAddress?.initialize(from: base, count: count)
      initialized = count
    }
  }

  /// Makes room for `extra` more bytes: when streaming, by handing over what is written; else,
  /// or if they do not fit even then, by doubling the allocation, or more.
  @inline(never)
  private mutating func grow(toHold extra: Int) {
    if let destination, count > 0 {
      destination.take(UnsafeRawBufferPointer(start: base, count: count))
      count = 0
      if extra <= capacity { return }
    }
    let newCapacity = max(capacity * 2, count + extra)
    let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
    newBase.initialize(from: base, count: count)
    base.deallocate()
    base = newBase
    capacity = newCapacity
  }
}

/// A document a backend has written, still in the buffer it was written into (of a streamed
/// document, the part written since the last full buffer was handed over). Whoever writes it
/// out reads the bytes from there: a copy into an array cost a pass over every byte and as much
/// memory again at the moment memory is highest (85 MB for the JSON of 100,000 steps).
public struct RenderedDocument: ~Copyable {
  private let buffer: ByteBuffer

  init(_ buffer: consuming ByteBuffer) {
    self.buffer = buffer
  }

  /// A document made elsewhere, copied in (for outputs small enough that a copy does not count).
  public init(copying bytes: [UInt8]) {
    var buffer = ByteBuffer(capacity: bytes.count)
    bytes.withUnsafeBufferPointer { buffer.append(bytes: $0) }
    self.buffer = buffer
  }

  /// How many bytes it has.
  public var count: Int { buffer.count }

  /// Its UTF-8 bytes, read in place for the length of `body`.
  public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
    try buffer.withUnsafeBytes(body)
  }

  /// Hands its bytes to `destination`: the end of a streamed document, the part written since
  /// the last full buffer.
  public func handOver(to destination: DocumentDestination) {
    withUnsafeBytes { if !$0.isEmpty { destination.take($0) } }
  }

  /// Its text, copied into a string.
  public var text: String {
    withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
  }

  /// Its bytes, copied into an array.
  public var bytes: [UInt8] { buffer.array() }
}
