// One entry of a run's journal: who did what to which step, when, in which role, with what
// meaning and values. An entry is one line of JSON. Its members come in a fixed order and it
// ends with the SHA-256 of the previous entry and its own, so that any change to any entry, and
// any entry removed or moved, breaks the chain that `verify` follows.

/// What an entry records.
public enum JournalAction: String, Sendable, CaseIterable {
  /// A run begins: the runbook's path, title, version and source hash.
  case start
  /// The anchor (T) is reached or set.
  case anchor
  /// A role initials a step or a sign-off.
  case sign
  /// A gate is decided.
  case decide
  /// An explicit, recorded exception: a step skipped, done out of order or late, or a changed
  /// runbook acknowledged.
  case deviate
  /// A remark for the record, as a comment on the day.
  case note
  /// A torn last line (a write cut off by a crash) was moved out of the journal into a file
  /// beside it, named with its length and SHA-256 in the entry's values, so that the journal can
  /// go on and nothing is lost.
  case repair
}

/// What a sign-off or initials means (21 CFR 11.50(a)(3)).
public enum SignatureMeaning: String, Sendable, CaseIterable {
  case performed, verified, approved
}

/// A gate's decision.
public enum Decision: String, Sendable, CaseIterable {
  case go
  case noGo = "no_go"
}

/// The kinds of recorded exception.
public enum DeviationKind: String, Sendable, CaseIterable {
  /// The step is not done; what depends on it may go on.
  case skip
  /// The step (or gate) may be done before what it depends on is complete, or before its
  /// window opens.
  case outOfOrder = "out_of_order"
  /// The step may be done after its window closed or its deadline passed.
  case late
  /// The runbook's source changed since the run started; the run goes on with the new source.
  case runbookChanged = "runbook_changed"
  /// A gate decided go although a measured criterion did not hold.
  case criteria
}

/// One journal entry.
public struct JournalEntry: Sendable, Equatable {
  /// 1 for the first entry of the journal, then one more for each.
  public var sequence: Int
  /// When the entry was written, seconds since 1970 UTC (the system clock, or the test clock).
  public var recorded: Int
  /// When the recorded action happened: `recorded`, or earlier when given with `--at`.
  public var at: Int
  public var action: JournalAction
  /// The step, gate or sign-off acted on (its id).
  public var target: String?
  /// The person, by full name.
  public var actor: String
  /// The role acted as (its id).
  public var role: String?
  public var meaning: SignatureMeaning?
  public var decision: Decision?
  public var deviation: DeviationKind?
  /// Recorded values or observed measures, in the order given.
  public var values: [JournalValue] = []
  public var note: String?
  public var reason: String?
  /// For `start` and `runbook_changed`: the runbook.
  public var runbook: RunbookIdentity?
  /// For `start` and `anchor`: the anchor's date, time and zone as given.
  public var anchor: String?
  /// The SHA-256 of the previous entry (64 zeros for the first).
  public var previous: String
  /// The SHA-256 of this entry's text up to its `hash` member (set when encoded).
  public var hash: String = ""

  public init(
    sequence: Int, recorded: Int, at: Int, action: JournalAction, actor: String, previous: String
  ) {
    self.sequence = sequence
    self.recorded = recorded
    self.at = at
    self.action = action
    self.actor = actor
    self.previous = previous
  }
}

/// A named value: a record field or an observed measure.
public struct JournalValue: Sendable, Equatable {
  public var name: String
  public var value: String

  public init(name: String, value: String) {
    self.name = name
    self.value = value
  }
}

/// The runbook a run follows.
public struct RunbookIdentity: Sendable, Equatable {
  /// The path as recorded: relative to the journal's folder when the runbook is beside it.
  public var path: String
  public var title: String
  public var version: String?
  /// SHA-256 of the source bytes.
  public var sha256: String

  public init(path: String, title: String, version: String?, sha256: String) {
    self.path = path
    self.title = title
    self.version = version
    self.sha256 = sha256
  }
}

/// The previous-hash of the first entry.
public let journalGenesis = String(repeating: "0", count: 64)

extension JournalEntry {
  /// The entry as one line of JSON with its newline; sets `hash`.
  public mutating func encode() -> [UInt8] {
    var body: [UInt8] = []
    body.reserveCapacity(256)
    var first = true
    func member(_ key: String) {
      body += first ? Array("{".utf8) : Array(",".utf8)
      first = false
      writeString(key, into: &body)
      body.append(UInt8(ascii: ":"))
    }
    func text(_ key: String, _ value: String?) {
      guard let value else { return }
      member(key)
      writeString(value, into: &body)
    }
    member("seq")
    body += Array(String(sequence).utf8)
    text("recorded", utcTimestamp(recorded))
    text("at", utcTimestamp(at))
    text("action", action.rawValue)
    text("target", target)
    text("by", actor)
    text("role", role)
    text("meaning", meaning?.rawValue)
    text("decision", decision?.rawValue)
    text("deviation", deviation?.rawValue)
    if !values.isEmpty {
      member("values")
      body.append(UInt8(ascii: "{"))
      for (index, value) in values.enumerated() {
        if index > 0 { body.append(UInt8(ascii: ",")) }
        writeString(value.name, into: &body)
        body.append(UInt8(ascii: ":"))
        writeString(value.value, into: &body)
      }
      body.append(UInt8(ascii: "}"))
    }
    text("note", note)
    text("reason", reason)
    if let runbook {
      member("runbook")
      body.append(UInt8(ascii: "{"))
      var firstInner = true
      for (key, value) in [("path", runbook.path), ("title", runbook.title), ("version", runbook.version), ("sha256", runbook.sha256)] {
        guard let value else { continue }
        if !firstInner { body.append(UInt8(ascii: ",")) }
        firstInner = false
        writeString(key, into: &body)
        body.append(UInt8(ascii: ":"))
        writeString(value, into: &body)
      }
      body.append(UInt8(ascii: "}"))
    }
    text("anchor", anchor)
    text("prev", previous)
    // The hash covers the entry as written so far, closed with `}`.
    hash = sha256Hex(body + [UInt8(ascii: "}")])
    text("hash", hash)
    body += Array("}\n".utf8)
    return body
  }
}

/// Why a journal line is not a valid entry.
public struct EntryProblem: Error, Equatable, Sendable {
  public var message: String
}

extension JournalEntry {
  /// Reads one line (without its newline) written by `encode`, checking its own hash.
  public static func decode(_ line: ArraySlice<UInt8>) -> Result<JournalEntry, EntryProblem> {
    let value: JSONValue
    switch readJSON(line, maximumDepth: 3) {
    case .success(let read): value = read
    case .failure(let problem): return .failure(EntryProblem(message: "not valid JSON (\(problem.message), at byte \(problem.offset + 1))"))
    }
    guard case .object(let members) = value else { return .failure(EntryProblem(message: "not a JSON object")) }
    // The hash is the last member; the text before it, closed with `}`, is what it covers.
    let marker = Array(",\"hash\":\"".utf8)
    guard members.last?.0 == "hash", let hash = members.last?.1.string, hash.utf8.count == 64,
      line.count >= marker.count + 66,
      Array(line[(line.endIndex - 66 - marker.count)..<(line.endIndex - 66)]) == marker
    else { return .failure(EntryProblem(message: "it does not end with its own hash")) }
    let covered = Array(line[line.startIndex..<(line.endIndex - 66 - marker.count)]) + [UInt8(ascii: "}")]
    guard sha256Hex(covered) == hash else {
      return .failure(EntryProblem(message: "its content does not match its hash: the entry was changed after it was written"))
    }
    let known: Set<String> = [
      "seq", "recorded", "at", "action", "target", "by", "role", "meaning", "decision", "deviation", "values", "note",
      "reason", "runbook", "anchor", "prev", "hash",
    ]
    if let unknown = members.first(where: { !known.contains($0.0) }) {
      return .failure(EntryProblem(message: "it has an unknown member \"\(unknown.0)\""))
    }
    func string(_ key: String) -> Result<String?, EntryProblem> {
      guard let member = value[key] else { return .success(nil) }
      guard let text = member.string else { return .failure(EntryProblem(message: "\"\(key)\" is not a string")) }
      return .success(text)
    }
    do throws(EntryProblem) {
      guard let sequence = value["seq"]?.integer, sequence > 0 else { throw EntryProblem(message: "\"seq\" is not a positive whole number") }
      guard let recordedText = try string("recorded").get(), let recorded = parseUTCTimestamp(recordedText) else {
        throw EntryProblem(message: "\"recorded\" is not a UTC time such as 2026-12-05T21:00:00Z")
      }
      guard let atText = try string("at").get(), let at = parseUTCTimestamp(atText) else {
        throw EntryProblem(message: "\"at\" is not a UTC time such as 2026-12-05T21:00:00Z")
      }
      guard let actionText = try string("action").get(), let action = JournalAction(rawValue: actionText) else {
        throw EntryProblem(message: "\"action\" is not one of \(JournalAction.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      guard let actor = try string("by").get() else { throw EntryProblem(message: "\"by\" is missing") }
      guard let previous = try string("prev").get(), previous.utf8.count == 64 else { throw EntryProblem(message: "\"prev\" is not a SHA-256") }
      var entry = JournalEntry(sequence: sequence, recorded: recorded, at: at, action: action, actor: actor, previous: previous)
      entry.hash = hash
      entry.target = try string("target").get()
      entry.role = try string("role").get()
      if let text = try string("meaning").get() {
        guard let meaning = SignatureMeaning(rawValue: text) else { throw EntryProblem(message: "\"meaning\" is not performed, verified or approved") }
        entry.meaning = meaning
      }
      if let text = try string("decision").get() {
        guard let decision = Decision(rawValue: text) else { throw EntryProblem(message: "\"decision\" is not go or no_go") }
        entry.decision = decision
      }
      if let text = try string("deviation").get() {
        guard let deviation = DeviationKind(rawValue: text) else { throw EntryProblem(message: "\"deviation\" is not a known kind") }
        entry.deviation = deviation
      }
      if let values = value["values"] {
        guard case .object(let pairs) = values else { throw EntryProblem(message: "\"values\" is not an object") }
        for (name, item) in pairs {
          guard let text = item.string else { throw EntryProblem(message: "value \"\(name)\" is not a string") }
          entry.values.append(JournalValue(name: name, value: text))
        }
      }
      entry.note = try string("note").get()
      entry.reason = try string("reason").get()
      entry.anchor = try string("anchor").get()
      if let runbook = value["runbook"] {
        guard let path = runbook["path"]?.string, let title = runbook["title"]?.string, let sha = runbook["sha256"]?.string else {
          throw EntryProblem(message: "\"runbook\" needs its path, title and sha256")
        }
        entry.runbook = RunbookIdentity(path: path, title: title, version: runbook["version"]?.string, sha256: sha)
      }
      return .success(entry)
    } catch {
      return .failure(error)
    }
  }
}
