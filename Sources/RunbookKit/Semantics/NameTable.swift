// The table of declared names the graph builder resolves references through. A large runbook
// declares a name for every step and looks one up for every reference; through `Dictionary`
// (seeded SipHash, then a full string comparison for each occupied bucket on the way) each of
// these was several hundred instructions.

/// Names mapped to values, kept in the order they were added. Open addressing over a power of two
/// of slots, each holding a tag of the name's hash beside the entry's index, so that a probe
/// compares strings only when the tags agree.
///
/// The hash mixes the name's bytes, eight at a time, with keys drawn at random for each process
/// (as `Dictionary` does), so that no file can be written whose names all collide: the cost of
/// every insertion and look-up stays constant whatever names a file holds. The order of the
/// slots never shows: everything that reads the table goes by the order of `keys`.
struct NameTable<Value> {
  /// The names, in the order they were added.
  private(set) var keys: [String] = []
  /// The value of each name, at the same index.
  private(set) var values: [Value] = []
  /// Empty (0), or the high 32 bits of a name's hash above its index in `keys` plus one.
  private var slots: [UInt64]
  private var mask: Int
  /// The process's keys, kept in the table: reached through the global, every hash first
  /// checked that the global had been made.
  private let seeds = NameTableSeeds.shared

  /// A table sized for `capacity` names, so that it need not grow while they are added.
  init(capacity: Int = 0) {
    var size = 8
    while size < 2 * capacity { size *= 2 }
    slots = [UInt64](repeating: 0, count: size)
    mask = size - 1
    keys.reserveCapacity(capacity)
    values.reserveCapacity(capacity)
  }

  var count: Int { keys.count }

  /// The value of `name`, if it has been added. (`hash`, when given, is `hash(name)`: every
  /// table of the process hashes alike, so a name looked up in several is hashed once.)
  subscript(name: String, hash hash: UInt64? = nil) -> Value? {
    find(name, hash: hash ?? self.hash(name)).index.map { values[$0] }
  }

  /// Adds `name` with `value` when it is new, and returns nil; when it is already there, leaves
  /// the table as it is and returns the value it has.
  mutating func insertNew(_ name: String, _ value: Value, hash: UInt64? = nil) -> Value? {
    let place = placeFor(name, hash: hash)
    if let index = place.index { return values[index] }
    add(name, value, at: place)
    return nil
  }

  /// Where the name spelled by `bytes` is in `keys`, if it has been added (`hash` is
  /// `hash(bytes)`): for a name being put together, looked up before a string is made of it.
  func index(spelledBy bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int? {
    find(bytes, hash: hash).index
  }

  /// Whether two runs of bytes are the same, compared eight bytes at a time.
  private static func same(_ first: UnsafeBufferPointer<UInt8>, _ second: UnsafeBufferPointer<UInt8>) -> Bool {
    guard first.count == second.count else { return false }
    guard let firstStart = first.baseAddress, let secondStart = second.baseAddress else { return true }
    var offset = 0
    while offset + 8 <= first.count {
      let word = UnsafeRawPointer(firstStart + offset).loadUnaligned(as: UInt64.self)
      if word != UnsafeRawPointer(secondStart + offset).loadUnaligned(as: UInt64.self) { return false }
      offset += 8
    }
    while offset < first.count {
      if first[offset] != second[offset] { return false }
      offset += 1
    }
    return true
  }

  /// Sets the value of the name at `index` of `keys`.
  mutating func setValue(_ value: Value, at index: Int) {
    values[index] = value
  }

  /// Sets the value of `name`, adding it when it is new.
  mutating func set(_ name: String, _ value: Value, hash: UInt64? = nil) {
    let place = placeFor(name, hash: hash)
    if let index = place.index {
      values[index] = value
    } else {
      add(name, value, at: place)
    }
  }

  /// Where `name` is, or the slot it would take, with room made for one more name first.
  private mutating func placeFor(_ name: String, hash: UInt64?) -> (slot: Int, index: Int?, hash: UInt64) {
    if 2 * (keys.count + 1) > slots.count { grow() }
    let hash = hash ?? self.hash(name)
    let found = find(name, hash: hash)
    return (found.slot, found.index, hash)
  }

  private mutating func add(_ name: String, _ value: Value, at place: (slot: Int, index: Int?, hash: UInt64)) {
    keys.append(name)
    values.append(value)
    slots[place.slot] = (place.hash >> 32) << 32 | UInt64(keys.count)
  }

  /// Where `name` is: its index in `keys` when it is there, and the slot that holds it or, when
  /// it is not there, the empty slot it would take.
  private func find(_ name: String, hash: UInt64) -> (slot: Int, index: Int?) {
    find(hash: hash) { $0 == name }
  }

  /// The same for the name spelled by `bytes`.
  private func find(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (slot: Int, index: Int?) {
    find(hash: hash) { key in key.withUTF8InPlace { Self.same($0, bytes) } }
  }

  /// The probe both look-ups make: the slots from the hash's own on, each name whose tag agrees
  /// asked whether it `matches`.
  @inline(__always)
  private func find(hash: UInt64, where matches: (String) -> Bool) -> (slot: Int, index: Int?) {
    let tag = hash >> 32
    var slot = Int(truncatingIfNeeded: hash) & mask
    while slots[slot] != 0 {
      let entry = slots[slot]
      if entry >> 32 == tag {
        let index = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
        if matches(keys[index]) { return (slot, index) }
      }
      slot = (slot + 1) & mask
    }
    return (slot, nil)
  }

  /// Twice the slots, every name placed again.
  private mutating func grow() {
    let size = slots.count * 2
    slots = [UInt64](repeating: 0, count: size)
    mask = size - 1
    for index in keys.indices {
      let hash = hash(keys[index])
      var slot = Int(truncatingIfNeeded: hash) & mask
      while slots[slot] != 0 { slot = (slot + 1) & mask }
      slots[slot] = (hash >> 32) << 32 | UInt64(index + 1)
    }
  }

  /// A hash of the name's UTF-8 bytes: each eight bytes folded in by a full-width multiply with
  /// the process's keys (the high and low halves of the product combined), then the length.
  func hash(_ name: String) -> UInt64 {
    if let hash = name.utf8.withContiguousStorageIfAvailable(hash) { return hash }
    return Array(name.utf8).withUnsafeBufferPointer { hash($0) }
  }

  /// The same hash of a name's bytes, read where they are.
  func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    let (first, second, third) = seeds
    var state = first
    var offset = 0
    let count = bytes.count
    while offset + 8 <= count {
      let word = UnsafeRawPointer(bytes.baseAddress! + offset).loadUnaligned(as: UInt64.self)
      state = Self.mix(word ^ second, state ^ third)
      offset += 8
    }
    if offset < count {
      var word: UInt64 = 0
      var shift: UInt64 = 0
      while offset < count {
        word |= UInt64(bytes[offset]) << shift
        shift += 8
        offset += 1
      }
      state = Self.mix(word ^ second, state ^ third)
    }
    return Self.mix(state ^ UInt64(count), first ^ third)
  }

  private static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
    let product = a.multipliedFullWidth(by: b)
    return product.high ^ product.low
  }
}

/// The random keys of `NameTable`'s hash, drawn once for the process. Odd, so that no multiply by
/// them loses bits.
private enum NameTableSeeds {
  static let shared: (UInt64, UInt64, UInt64) = {
    var generator = SystemRandomNumberGenerator()
    return (generator.next() | 1, generator.next() | 1, generator.next() | 1)
  }()
}
