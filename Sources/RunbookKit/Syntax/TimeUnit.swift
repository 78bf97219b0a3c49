// The units of durations and times: `mo`, `w`, `d`, `h`, `m`. The lexer and the literal decoder
// read them; the printers write values back in them (TimeFormat.swift).

/// A unit of time, largest first.
public enum TimeUnit: UInt8, Sendable, CaseIterable, Comparable {
  case month, week, day, hour, minute

  /// How it is written: `mo`, `w`, `d`, `h`, `m`.
  public var symbol: String {
    switch self {
    case .month: "mo"
    case .week: "w"
    case .day: "d"
    case .hour: "h"
    case .minute: "m"
    }
  }

  /// Its length in minutes.
  public var minutes: Int {
    switch self {
    case .month: 43_200
    case .week: 10_080
    case .day: 1_440
    case .hour: 60
    case .minute: 1
    }
  }

  /// The unit spelled by `symbol`, if any (read byte by byte: durations are in every step).
  public init?(symbol: some Collection<UInt8>) {
    var bytes = symbol.makeIterator()
    let first = bytes.next()
    let second = bytes.next()
    guard bytes.next() == nil else { return nil }
    switch (first, second) {
    case (UInt8(ascii: "m"), nil): self = .minute
    case (UInt8(ascii: "h"), nil): self = .hour
    case (UInt8(ascii: "d"), nil): self = .day
    case (UInt8(ascii: "w"), nil): self = .week
    case (UInt8(ascii: "m"), UInt8(ascii: "o")): self = .month
    default: return nil
    }
  }

  public static func < (a: TimeUnit, b: TimeUnit) -> Bool { a.rawValue < b.rawValue }

  /// The largest unit written in a duration or time such as `1h30m`, `T-24h..T-4h`: the unit
  /// letters found in `bytes`, where `T` and other anchor names count only when followed by a
  /// sign (so they are skipped). Nil when none is found.
  static func largest(in bytes: ArraySlice<UInt8>) -> TimeUnit? {
    var best: TimeUnit?
    var index = bytes.startIndex
    while index < bytes.endIndex {
      guard bytes[index] >= 0x30 && bytes[index] <= 0x39 else {
        index += 1
        continue
      }
      while index < bytes.endIndex, (bytes[index] >= 0x30 && bytes[index] <= 0x39) || bytes[index] == UInt8(ascii: ".") {
        index += 1
      }
      let start = index
      while index < bytes.endIndex, (bytes[index] | 0x20) >= UInt8(ascii: "a"), (bytes[index] | 0x20) <= UInt8(ascii: "z") {
        index += 1
      }
      if let unit = TimeUnit(symbol: bytes[start..<index]), best.map({ unit < $0 }) ?? true { best = unit }
    }
    return best
  }
}
