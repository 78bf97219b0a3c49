// Growing byte buffers for the writers of large outputs. A JSON document of a big runbook is
// millions of appends of a few bytes each; an Array checks on every one that its storage is not
// shared before writing. `ByteBuffer` owns one allocation outright (it cannot be copied), so an
// append is a bounds test and a store.

/// Where escapers and number writers put their bytes: an array, or a `ByteBuffer`.
protocol ByteSink: ~Copyable {
  mutating func append(_ byte: UInt8)
  mutating func append(bytes: UnsafeBufferPointer<UInt8>)
}

extension ByteSink where Self: ~Copyable {
  /// A string's UTF-8 bytes, read from the string's own storage (no copy of the string to
  /// make it contiguous, which native strings always are).
  mutating func append(utf8 text: String) {
    let appended: Void? = text.utf8.withContiguousStorageIfAvailable { append(bytes: $0) }
    if appended == nil {
      var text = text
      text.withUTF8 { append(bytes: $0) }
    }
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

  /// A number's decimal digits.
  mutating func append(decimal number: Int) {
    if number < 0 { append(UInt8(ascii: "-")) }
    var rest = number.magnitude
    if rest < 100_000_000 {
      // Up to eight digits, gathered in one word from the last, each shifting those after it
      // up a byte; then appended from the lowest byte, the first digit: no buffer to set up.
      var digits: UInt64 = 0
      var count = 0
      repeat {
        digits = digits << 8 | UInt64(UInt8(ascii: "0") + UInt8(rest % 10))
        rest /= 10
        count += 1
      } while rest > 0
      for _ in 0..<count {
        append(UInt8(truncatingIfNeeded: digits))
        digits >>= 8
      }
      return
    }
    // At most 20 digits, written from the end.
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
      var start = digits.count
      repeat {
        start -= 1
        digits[start] = UInt8(ascii: "0") + UInt8(rest % 10)
        rest /= 10
      } while rest > 0
      append(bytes: UnsafeBufferPointer(rebasing: digits[start...]))
    }
  }
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

/// Bytes in one allocation that only this value owns.
struct ByteBuffer: ~Copyable, ByteSink {
  private var base: UnsafeMutablePointer<UInt8>
  private var capacity: Int
  /// How many bytes are written.
  private(set) var count = 0

  init(capacity: Int = 0) {
    self.capacity = max(capacity, 256)
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

  /// The bytes written, copied into an array.
  func array() -> [UInt8] {
    [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
      buffer.baseAddress?.initialize(from: base, count: count)
      initialized = count
    }
  }

  /// Doubles the allocation, or more, so that `extra` more bytes fit.
  @inline(never)
  private mutating func grow(toHold extra: Int) {
    let newCapacity = max(capacity * 2, count + extra)
    let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
    newBase.initialize(from: base, count: count)
    base.deallocate()
    base = newBase
    capacity = newCapacity
  }
}
