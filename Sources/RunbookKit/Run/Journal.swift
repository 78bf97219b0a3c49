// Reading a whole journal back: every line a complete entry, each entry's own hash intact, each
// linked to the one before by its `prev` hash, numbered one after another, recorded in time order.
// The first problem is named by its entry number, and the entries before it are kept, so that a
// journal damaged at the end still shows what was recorded before the damage.

/// What is wrong with a journal, and where.
public struct JournalProblem: Sendable, Equatable {
  public enum Kind: String, Sendable {
    /// The last line has no newline: a write was cut off (a crash or a full disk).
    case torn
    /// A line is not a valid entry (bad JSON, a member missing, its own hash wrong).
    case invalid
    /// An entry's `prev` is not the hash of the entry before it: one was removed or moved.
    case chain
    /// An entry's number is not one more than the one before.
    case sequence
    /// An entry is recorded earlier than the one before it, or claims to have happened after it
    /// was recorded.
    case time
    /// The file holds no entry.
    case empty
  }
  public var kind: Kind
  /// The entry (its line, counting from 1) where the problem is.
  public var entry: Int
  /// What is wrong, in words.
  public var message: String
}

/// A journal as read: the valid entries up to the first problem.
public struct JournalReading: Sendable {
  public var entries: [JournalEntry]
  public var problem: JournalProblem?
  /// The hash of the last valid entry: what a printed report quotes.
  public var finalHash: String { entries.last?.hash ?? journalGenesis }
}

/// The most a journal may hold; reading stops with an error past it.
public let maximumJournalBytes = 64 << 20
/// The longest line an entry may take.
public let maximumEntryBytes = 64 << 10

/// Reads and checks a journal's bytes.
public func readJournal(_ bytes: [UInt8]) -> JournalReading {
  var reading = JournalReading(entries: [], problem: nil)
  if bytes.isEmpty {
    reading.problem = JournalProblem(kind: .empty, entry: 1, message: "the journal holds no entry")
    return reading
  }
  var start = 0
  var previousHash = journalGenesis
  var previousRecorded = Int.min
  while start < bytes.count {
    let number = reading.entries.count + 1
    let end = bytes[start...].firstIndex(of: 0x0A)
    guard let end else {
      reading.problem = JournalProblem(
        kind: .torn, entry: number,
        message: "entry \(number) is torn: its line stops after \(bytes.count - start) bytes without an end, as when a write is cut off by a crash; it is not counted")
      return reading
    }
    guard end - start <= maximumEntryBytes else {
      reading.problem = JournalProblem(kind: .invalid, entry: number, message: "entry \(number) is longer than \(maximumEntryBytes) bytes")
      return reading
    }
    let entry: JournalEntry
    switch JournalEntry.decode(bytes[start..<end]) {
    case .success(let decoded): entry = decoded
    case .failure(let problem):
      reading.problem = JournalProblem(kind: .invalid, entry: number, message: "entry \(number) is not valid: \(problem.message)")
      return reading
    }
    guard entry.sequence == number else {
      reading.problem = JournalProblem(
        kind: .sequence, entry: number,
        message: "entry \(number) is numbered \(entry.sequence): entries were removed, added or moved before it")
      return reading
    }
    guard entry.previous == previousHash else {
      reading.problem = JournalProblem(
        kind: .chain, entry: number,
        message: number == 1
          ? "entry 1 does not start a chain: the journal's beginning was removed"
          : "entry \(number) does not follow entry \(number - 1): its `prev` is not that entry's hash, so an entry before it was changed, removed or moved")
      return reading
    }
    guard entry.recorded >= previousRecorded else {
      reading.problem = JournalProblem(kind: .time, entry: number, message: "entry \(number) is recorded at \(utcTimestamp(entry.recorded)), before entry \(number - 1)")
      return reading
    }
    guard entry.at <= entry.recorded else {
      reading.problem = JournalProblem(kind: .time, entry: number, message: "entry \(number) says it happened at \(utcTimestamp(entry.at)), after it was recorded")
      return reading
    }
    if number == 1 && entry.action != .start {
      reading.problem = JournalProblem(kind: .invalid, entry: 1, message: "entry 1 is a `\(entry.action.rawValue)`; a journal begins with `start`")
      return reading
    }
    previousHash = entry.hash
    previousRecorded = entry.recorded
    reading.entries.append(entry)
    start = end + 1
  }
  return reading
}
