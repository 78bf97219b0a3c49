// Integers kept in 32 bits behind `Int` properties, for the values a large runbook holds once
// for every step, attribute or edge: its counts, indices, durations and times. Like the offsets
// of a `SourceRange`, each is far below 2³¹, so no reader needs to know.

/// An `Int` kept in 32 bits: for the counts, indices and times of the tables a large runbook
/// has one entry in for every step. Each is far below 2³¹: a source is at most 64 MiB (RB0701),
/// and a time at most a hundred years from the anchor.
@propertyWrapper
public struct Narrow: Sendable, Hashable {
  private var stored: Int32

  public init(wrappedValue: Int) { stored = Int32(wrappedValue) }

  public var wrappedValue: Int {
    get { Int(stored) }
    set { stored = Int32(newValue) }
  }
}

/// An `Int?` kept in 32 bits, `Int32.min` standing for nil (an optional of a 32-bit value takes
/// five bytes, and eight in a table).
@propertyWrapper
public struct NarrowOptional: Sendable, Hashable {
  private var stored: Int32

  public init(wrappedValue: Int?) { stored = wrappedValue.map { Int32($0) } ?? Int32.min }

  public var wrappedValue: Int? {
    get { stored == Int32.min ? nil : Int(stored) }
    set { stored = newValue.map { Int32($0) } ?? Int32.min }
  }
}
