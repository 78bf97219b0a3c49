// The state machine of a run: given the validated graph and the journal's entries so far, what
// has been done, what may happen next, and whether a new entry is allowed. Every rule of the day
// is here — order, ownership, two-person verification, windows, gate decisions, rollbacks,
// deviations — and nothing here reads or writes a file: the command line reads the journal,
// asks `apply`, and appends the entry only when it is accepted.
//
// Progress is kept incrementally. Each node of the graph counts the incoming edges not yet
// satisfied. A node is reached when it is done (a step signed by every role it needs or skipped,
// a gate decided) and everything before it is reached too — so a step done out of order, or
// skipped early, lets the work after it go on only once the work before it is done; a stage
// boundary is reached when its edges are all satisfied. A reached node satisfies its outgoing
// edges, except those a gate's decision rules out, whose targets are closed. Each edge is
// settled once, so a whole run costs time linear in the runbook and the journal.

/// Why an entry is refused: what is wrong and what to do instead.
public struct RunRefusal: Error, Sendable, Equatable {
  public var message: String
  public var help: [String]

  public init(_ message: String, help: String...) {
    self.message = message
    self.help = help
  }

  public init(_ message: String, helps: [String]) {
    self.message = message
    help = helps
  }
}

/// A role's initials on a step, or a sign-off's signature.
public struct Signature: Sendable, Equatable {
  /// The role (an index into `graph.roles`).
  public var role: Int
  /// The entry that records it.
  public var entry: JournalEntry
}

/// A decider's vote on a gate.
public struct Vote: Sendable, Equatable {
  public var role: Int
  public var entry: JournalEntry
}

/// How a run ended.
public enum RunEnding: Sendable, Equatable {
  /// Every step of the normal flow is done.
  case completed
  /// A no-go entered a rollback (an index into `stages`) and it is done.
  case rolledBack(Int)
  /// A no-go at a gate (an index into `gates`) that says to stop.
  case stopped(Int)
}

/// The state of one run.
public struct RunState: Sendable {
  public let graph: RunbookGraph
  /// The entry that started the run.
  public private(set) var start: JournalEntry?
  /// The runbook the run now follows: the start's, or the last acknowledged change's.
  public private(set) var runbook: RunbookIdentity?
  /// T: from the runbook, from `start --anchor-at`, or recorded with `anchor`.
  public private(set) var anchor: AnchorTime?
  /// True once T was recorded as reached (an `anchor` entry).
  public private(set) var anchorRecorded = false
  /// The run's entries, in order.
  public private(set) var entries: [JournalEntry] = []
  /// Per step, the signatures given.
  public private(set) var signatures: [[Signature]]
  /// Per sign-off, its signature.
  public private(set) var signoffSignatures: [Signature?]
  /// Per gate, the votes, and the decision once taken.
  public private(set) var votes: [[Vote]]
  public private(set) var decisions: [Decision?]
  /// Per node: the skip that excused it, the deviations that permit it, when it was completed.
  public private(set) var skips: [Int: JournalEntry] = [:]
  public private(set) var permits: [Int: [JournalEntry]] = [:]
  public private(set) var completedAt: [Int?]
  /// Every deviation, in order.
  public private(set) var deviations: [JournalEntry] = []
  public private(set) var ending: RunEnding?
  /// The gates decided no-go, in order: the only ones that can end the run early.
  private var noGoGates: [Int] = []
  /// When the run ended (the entry that ended it).
  public private(set) var endedAt: Int?

  /// Incoming edges not yet satisfied, per node; done, reached and closed nodes.
  private var unmet: [Int]
  /// Work that is done: signed by every role it needs, skipped, or decided.
  public private(set) var done: [Bool]
  /// Nodes whose outgoing edges are satisfied: done, and everything before them reached.
  public private(set) var reached: [Bool]
  /// Closed nodes: a gate's decision means they will not happen (the normal flow after a no-go,
  /// a rollback after a go). The gate that closed each.
  public private(set) var closedBy: [Int?]
  private let incoming: [[Int]]
  private let outgoing: [[Int]]
  /// Step, gate and sign-off ids, and step and gate numbers, for finding targets.
  private let targets: [String: Node]
  private let numbered: [Int: Int]

  public init(graph: RunbookGraph) {
    self.graph = graph
    signatures = Array(repeating: [], count: graph.steps.count)
    signoffSignatures = Array(repeating: nil, count: graph.signoffs.count)
    votes = Array(repeating: [], count: graph.gates.count)
    decisions = Array(repeating: nil, count: graph.gates.count)
    completedAt = Array(repeating: nil, count: graph.nodes.count)
    var incoming = [[Int]](repeating: [], count: graph.nodes.count)
    var outgoing = [[Int]](repeating: [], count: graph.nodes.count)
    for (index, edge) in graph.edges.enumerated() {
      incoming[edge.to].append(index)
      outgoing[edge.from].append(index)
    }
    self.incoming = incoming
    self.outgoing = outgoing
    unmet = incoming.map(\.count)
    reached = Array(repeating: false, count: graph.nodes.count)
    done = Array(repeating: false, count: graph.nodes.count)
    closedBy = Array(repeating: nil, count: graph.nodes.count)
    var targets: [String: Node] = [:]
    for (index, step) in graph.steps.enumerated() { targets[step.id] = .step(index) }
    for (index, gate) in graph.gates.enumerated() { targets[gate.id] = .gate(index) }
    for (index, signoff) in graph.signoffs.enumerated() { targets[signoff.key] = .signoff(index) }
    self.targets = targets
    var numbered: [Int: Int] = [:]
    for step in graph.steps { numbered[step.number] = step.node }
    for gate in graph.gates { numbered[gate.number] = gate.node }
    self.numbered = numbered
    anchor = graph.anchorTime
  }

  // MARK: - Queries

  /// The node a target names: a step, gate or sign-off id, or a step's or gate's number.
  public func node(named name: String) -> Int? {
    if let target = targets[name] { return nodeIndex(target) }
    return Int(name).flatMap { numbered[$0] }
  }

  private func nodeIndex(_ target: Node) -> Int {
    switch target {
    case .step(let index): graph.steps[index].node
    case .gate(let index): graph.gates[index].node
    case .signoff(let index): graph.signoffs[index].node
    case .stageStart(let index): graph.stages[index].startNode
    case .stageEnd(let index): graph.stages[index].endNode
    }
  }

  /// The id people type for a node.
  public func name(of node: Int) -> String {
    switch graph.nodes[node] {
    case .step(let index): graph.steps[index].id
    case .gate(let index): graph.gates[index].id
    case .signoff(let index): graph.signoffs[index].key
    case .stageStart(let index), .stageEnd(let index): graph.stages[index].key
    }
  }

  /// "step 4 `backup` (Database backup completed)".
  public func describe(_ node: Int) -> String {
    switch graph.nodes[node] {
    case .step(let index): "step \(graph.steps[index].number) `\(graph.steps[index].id)` (\(clipped(graph.steps[index].title)))"
    case .gate(let index): "gate \(graph.gates[index].number) `\(graph.gates[index].id)` (\(clipped(graph.gates[index].title)))"
    case .signoff(let index): "sign-off `\(graph.signoffs[index].key)` (\(clipped(graph.signoffs[index].title)))"
    case .stageStart(let index), .stageEnd(let index): "stage `\(graph.stages[index].key)` (\(clipped(graph.stages[index].title)))"
    }
  }

  /// Whether the run has begun and not yet ended.
  public var isOpen: Bool { start != nil && ending == nil }

  /// Whether every dependency of a node is met.
  public func isReady(_ node: Int) -> Bool { unmet[node] == 0 && closedBy[node] == nil }

  /// Whether a node is done: a step signed by every role it needs (or skipped), a gate decided,
  /// a sign-off signed.
  public func isDone(_ node: Int) -> Bool { done[node] }

  /// The work that can be done now: ready, not done, not closed, in written order.
  public var doableNow: [Int] {
    guard isOpen else { return [] }
    return graph.nodes.indices.filter { graph.isWork($0) && !done[$0] && isReady($0) }
  }

  /// The roles of a node's owners that have not yet signed it.
  public func owing(_ node: Int) -> [Int] {
    guard !done[node], closedBy[node] == nil, let owners = graph.owners(of: node) else { return [] }
    switch graph.nodes[node] {
    case .step(let index):
      let signed = Set(signatures[index].map(\.role))
      return owners.roles.filter { !signed.contains($0) }
    case .gate(let index):
      let voted = Set(votes[index].map(\.role))
      return owners.roles.filter { !voted.contains($0) }
    default:
      return owners.roles
    }
  }

  /// The work that must be completed before a node can be done: the nearest unfinished work
  /// behind each unmet dependency (looking through stage boundaries), at most `limit`.
  public func blockers(of node: Int, limit: Int = 6) -> [Int] {
    var found: [Int] = []
    var seen: Set<Int> = [node]
    var stack = [node]
    while let current = stack.popLast(), found.count < limit {
      for edgeIndex in incoming[current].reversed() {
        let edge = graph.edges[edgeIndex]
        guard !satisfied(edge), seen.insert(edge.from).inserted else { continue }
        if graph.isWork(edge.from) && !done[edge.from] {
          found.append(edge.from)
        } else {
          stack.append(edge.from)
        }
      }
    }
    return found.sorted()
  }

  private func satisfied(_ edge: Edge) -> Bool {
    guard reached[edge.from] else { return false }
    guard case .gate(let index) = graph.nodes[edge.from] else { return true }
    return (edge.origin == .noGo) == (decisions[index] == .noGo)
  }

  /// The window a node must happen in, its own narrowed by every enclosing stage's window and
  /// deadline: minutes from T, either end open.
  public func window(of node: Int) -> (open: Int?, close: Int?) {
    var open: Int?
    var close: Int?
    func narrow(_ window: Window?, _ deadline: Int?) {
      if let window {
        open = max(open ?? window.start, window.start)
        close = min(close ?? window.end, window.end)
      }
      if let deadline { close = min(close ?? deadline, deadline) }
    }
    switch graph.nodes[node] {
    case .step(let index): narrow(graph.steps[index].window, graph.steps[index].deadline)
    case .gate(let index): narrow(graph.gates[index].window, graph.gates[index].deadline)
    default: break
    }
    var stage: Int? = graph.stage(of: node)
    while let current = stage {
      narrow(graph.stages[current].window, graph.stages[current].deadline)
      stage = graph.stages[current].parent
    }
    return (open, close)
  }

  /// An instant as minutes from T, when T is known.
  public func minutesFromAnchor(_ instant: Int) -> Int? {
    anchor.map { Int((Double(instant - $0.seconds) / 60).rounded(.down)) }
  }

  /// The role a name means: its id, or its display name in any case.
  public func role(named name: String) -> Int? {
    if let index = graph.roles.firstIndex(where: { $0.id == name }) { return index }
    let folded = name.lowercased()
    return graph.roles.firstIndex { $0.name.lowercased() == folded }
  }

  /// A step's values, gathered from its signatures, by field key.
  public func values(ofStep index: Int) -> [JournalValue] {
    signatures[index].flatMap(\.entry.values)
  }

  // MARK: - Applying entries

  /// Checks an entry against the run so far and, when it is allowed, takes it in. A refused
  /// entry changes nothing.
  public mutating func apply(_ entry: JournalEntry) throws(RunRefusal) {
    if entry.action == .start {
      guard start == nil else { throw RunRefusal("a run is already under way", help: "start a new run with `runbook run start FILE --restart`") }
      guard let runbook = entry.runbook else { throw RunRefusal("the start does not name its runbook") }
      if let written = entry.anchor {
        guard case .success(let time) = AnchorTime.parse(written) else { throw RunRefusal("the start's anchor `\(written)` is not a date and time") }
        anchor = time
      }
      start = entry
      self.runbook = runbook
      entries.append(entry)
      // The runbook's own start is reached at once; what follows it becomes ready.
      reach(graph.stages[RunbookGraph.rootStage].startNode, at: entry.at)
      return
    }
    guard let start else { throw RunRefusal("no run has started", help: "start one with `runbook run start FILE`") }
    if entry.action == .repair {
      // A repair concerns the file, not the work: it is recorded whatever the run's state.
      entries.append(entry)
      return
    }
    if let ending { throw RunRefusal("the run is finished (\(endingText(ending)))", help: "nothing more can be recorded in it; to run the runbook again, `runbook run start FILE --restart`") }
    guard entry.at >= start.at else {
      throw RunRefusal("\(utcTimestamp(entry.at)) is before the run started (\(utcTimestamp(start.at)))", help: "give the time it really happened with --at")
    }
    try checkText(entry)
    switch entry.action {
    case .start, .note, .repair: break
    case .anchor: try applyAnchor(entry)
    case .sign: try applySign(entry)
    case .decide: try applyDecide(entry)
    case .deviate: try applyDeviate(entry)
    }
    entries.append(entry)
    updateEnding(at: entry.at)
  }

  /// Names, notes and reasons: not empty where required, bounded, no control characters.
  private func checkText(_ entry: JournalEntry) throws(RunRefusal) {
    guard !entry.actor.trimmingSpaces.isEmpty else {
      throw RunRefusal("the entry needs the full name of the person", help: "add --by \"Full Name\"")
    }
    let texts = [("--by", entry.actor), ("--note", entry.note ?? ""), ("--reason", entry.reason ?? "")] + entry.values.map { ("--value", $0.value) }
    for (option, text) in texts {
      guard text.unicodeScalars.count <= 4000 else { throw RunRefusal("\(option) is longer than 4000 characters") }
      if text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" || $0.value == 0x7F || (0x80...0x9F).contains($0.value) }) {
        throw RunRefusal("\(option) holds a control character", help: "type the text again without it")
      }
    }
  }

  private mutating func applyAnchor(_ entry: JournalEntry) throws(RunRefusal) {
    guard !anchorRecorded else {
      throw RunRefusal("T was already recorded as reached (\(anchor?.written ?? ""))", help: "T is recorded once; to record a different time, restart the run")
    }
    guard let written = entry.anchor, case .success(let time) = AnchorTime.parse(written) else {
      throw RunRefusal("the anchor needs a date, time and zone", help: "`runbook run anchor now` or `runbook run anchor '2026-12-05 22:00 Europe/Berlin'`")
    }
    if let signedInWindow = entries.first(where: { $0.action == .sign && $0.target.flatMap(node(named:)).map { window(of: $0).open != nil || window(of: $0).close != nil } == true }), anchor != nil, anchor != time {
      throw RunRefusal(
        "steps with windows were already done against T = \(anchor?.written ?? "") (entry \(signedInWindow.sequence))",
        help: "T cannot move once work was checked against it; restart the run to plan from a new T")
    }
    anchor = time
    anchorRecorded = true
  }

  // MARK: Sign

  private mutating func applySign(_ entry: JournalEntry) throws(RunRefusal) {
    let node = try target(of: entry)
    let role = try signingRole(entry, node: node)
    try checkOpen(node, entry: entry)
    let person = normalizedName(entry.actor)
    switch graph.nodes[node] {
    case .step(let index):
      let step = graph.steps[index]
      if let earlier = signatures[index].first(where: { $0.role == role }) {
        throw RunRefusal("\(describe(node)) is already initialled by \(roleName(role)): \(earlier.entry.actor), \(utcTimestamp(earlier.entry.at))", help: "a step is initialled once per role")
      }
      if done[node] { throw RunRefusal("\(describe(node)) is already done", help: "any one of its owners was enough") }
      if let other = signatures[index].first(where: { normalizedName($0.entry.actor) == person }) {
        throw RunRefusal(
          "\(entry.actor) already initialled \(describe(node)) as \(roleName(other.role)); each role's initials must be a different person's",
          help: "ask someone who acts as \(roleName(role)) to initial it")
      }
      if let verified = step.verifies, let doer = signatures[verified].first(where: { normalizedName($0.entry.actor) == person }) {
        throw RunRefusal(
          "\(entry.actor) did \(describe(graph.steps[verified].node)) (initialled \(utcTimestamp(doer.entry.at))) and cannot also verify it",
          help: "\(describe(node)) checks that work: someone else who acts as \(roleName(role)) must do it")
      }
      try checkDependencies(node, entry: entry)
      try checkWindow(node, entry: entry)
      let completes = step.owners?.mode == .any || Set(signatures[index].map(\.role) + [role]).count == (step.owners?.roles.count ?? 1)
      let values = try checkedStepValues(entry, step: step, index: index, completes: completes)
      var accepted = entry
      accepted.values = values
      signatures[index].append(Signature(role: role, entry: accepted))
      if completes { markDone(node, at: entry.at) }
    case .signoff(let index):
      if let earlier = signoffSignatures[index] {
        throw RunRefusal("\(describe(node)) is already signed by \(earlier.entry.actor), \(utcTimestamp(earlier.entry.at))", help: "a sign-off is signed once")
      }
      guard entry.values.isEmpty else { throw RunRefusal("a sign-off records no values", help: "leave out --value") }
      try checkDependencies(node, entry: entry)
      try checkWindow(node, entry: entry)
      signoffSignatures[index] = Signature(role: role, entry: entry)
      markDone(node, at: entry.at)
    case .gate:
      throw RunRefusal("\(describe(node)) is a gate: it is decided, not initialled", help: "`runbook run decide \(name(of: node)) go|no_go --as ROLE --by NAME --reason TEXT`")
    default:
      throw RunRefusal("`\(entry.target ?? "")` is not a step")
    }
  }

  /// The checked record values of a signature; on the signature that completes the step, every
  /// field must have its value by then.
  private func checkedStepValues(_ entry: JournalEntry, step: Step, index: Int, completes: Bool) throws(RunRefusal) -> [JournalValue] {
    let earlier = values(ofStep: index)
    var accepted: [JournalValue] = []
    var answers: [Int: String] = [:]
    for value in earlier {
      if let field = findField(value.name, in: step), !field.isIfYes { answers[field.record] = value.value }
    }
    for value in entry.values {
      guard !step.records.isEmpty else {
        throw RunRefusal("\(describe(step.node)) records no values, but --value \(value.name) was given", help: "leave out --value, or use --note for a remark")
      }
      guard let field = findField(value.name, in: step) else {
        throw RunRefusal(
          "\(describe(step.node)) has no field `\(visible(value.name, limit: 40))`",
          help: "its fields are " + fieldNames(of: step).map { "`\($0.key)`" }.joined(separator: ", "))
      }
      if earlier.contains(where: { $0.name == field.key }) || accepted.contains(where: { $0.name == field.key }) {
        throw RunRefusal("`\(field.key)` of \(describe(step.node)) is already recorded", help: "a recorded value is not overwritten; add a --note to correct it")
      }
      let kind = field.isIfYes ? RecordKind.text : step.records[field.record].kind
      switch checkedValue(value.value, kind: kind) {
      case .success(let stored):
        accepted.append(JournalValue(name: field.key, value: stored))
        if !field.isIfYes { answers[field.record] = stored }
      case .failure(var refusal):
        refusal.message = "`\(field.key)`: " + refusal.message
        refusal.help = refusal.help.map { $0.replacingOccurrences(of: "write it like `", with: "write it like `--value \(field.key)=") }
        throw refusal
      }
    }
    guard completes else { return accepted }
    var missing: [String] = []
    let given = Set((earlier + accepted).map(\.name))
    for field in fieldNames(of: step) where !given.contains(field.key) {
      if field.isIfYes {
        if answers[field.record] == "yes" { missing.append("--value \(field.key)='…' (the answer is yes)") }
      } else {
        missing.append("--value \(field.key)=\(exampleValue(step.records[field.record].kind))")
      }
    }
    if !missing.isEmpty {
      throw RunRefusal("\(describe(step.node)) is complete only with its recorded values", helps: ["add " + missing.joined(separator: " ")])
    }
    return accepted
  }

  // MARK: Decide

  private mutating func applyDecide(_ entry: JournalEntry) throws(RunRefusal) {
    let node = try target(of: entry)
    guard case .gate(let index) = graph.nodes[node] else {
      throw RunRefusal("\(describe(node)) is not a gate", help: "initial it with `runbook run sign \(name(of: node)) --as ROLE --by NAME`")
    }
    let gate = graph.gates[index]
    guard let decision = entry.decision else { throw RunRefusal("the decision is missing", help: "say go or no_go") }
    let role = try signingRole(entry, node: node)
    try checkOpen(node, entry: entry)
    if let decided = decisions[index] { throw RunRefusal("\(describe(node)) is already decided: \(decided == .go ? "go" : "no-go")") }
    if let earlier = votes[index].first(where: { $0.role == role }) {
      throw RunRefusal("\(roleName(role)) already decided \(describe(node)): \(earlier.entry.actor), \(utcTimestamp(earlier.entry.at))")
    }
    if let other = votes[index].first(where: { normalizedName($0.entry.actor) == normalizedName(entry.actor) }) {
      throw RunRefusal("\(entry.actor) already decided \(describe(node)) as \(roleName(other.role)); each decider must be a different person")
    }
    guard let reason = entry.reason, !reason.trimmingSpaces.isEmpty else {
      throw RunRefusal("a decision needs its reason", help: "add --reason \"…\": what was observed and why")
    }
    try checkDependencies(node, entry: entry)
    try checkWindow(node, entry: entry)
    // Observed values: each named measure once, each a value the criterion can be compared with.
    let measured = gate.criteria + gate.noGoConditions
    var observed: [String: Observed] = [:]
    for value in entry.values {
      guard measured.contains(where: { $0.metric == value.name }) else {
        let metrics = Array(Set(measured.compactMap(\.metric))).sorted()
        throw RunRefusal(
          "\(describe(node)) measures no `\(visible(value.name, limit: 40))`",
          helps: [metrics.isEmpty ? "its criteria are not measured; leave out --value" : "it measures " + metrics.map { "`\($0)`" }.joined(separator: ", ")])
      }
      guard observed[value.name] == nil else { throw RunRefusal("`\(value.name)` is given twice") }
      guard let reading = parseObserved(value.value) else {
        throw RunRefusal("`\(visible(value.value, limit: 40))` is not a measured value", help: "write a number and its unit, like `--value \(value.name)=99.95%`")
      }
      observed[value.name] = reading
    }
    var failures: [String] = []
    if decision == .go {
      var missing: [String] = []
      for criterion in measured {
        guard let metric = criterion.metric else { continue }
        guard let reading = observed[metric] else {
          if !missing.contains(metric) { missing.append(metric) }
          continue
        }
        switch holds(reading, criterion) {
        case .failure(let refusal): throw refusal
        case .success(let holdsNow):
          let isNoGo = gate.noGoConditions.contains(criterion)
          if isNoGo && holdsNow { failures.append("no-go condition `\(criterion.text)` holds") }
          if !isNoGo && !holdsNow { failures.append("criterion `\(criterion.text)` does not hold") }
        }
      }
      if !missing.isEmpty {
        throw RunRefusal(
          "a go needs the observed value of each measured criterion: " + missing.map { "`\($0)`" }.joined(separator: ", "),
          helps: ["add " + missing.map { "--value \($0)=…" }.joined(separator: " ")])
      }
      if !failures.isEmpty && entry.deviation != .criteria {
        throw RunRefusal(
          "go is refused: " + failures.joined(separator: "; "),
          helps: ["decide no_go, or, if go is right despite this, record it as a deviation: add --deviation and say why in --reason"])
      }
    } else {
      for (metric, reading) in observed {
        for criterion in measured where criterion.metric == metric {
          if case .failure(let refusal) = holds(reading, criterion) { throw refusal }
        }
      }
    }
    if entry.deviation != nil && (decision != .go || failures.isEmpty) {
      throw RunRefusal("--deviation is for a go whose measured criteria do not hold; these do", help: "leave out --deviation")
    }
    votes[index].append(Vote(role: role, entry: entry))
    if entry.deviation != nil { deviations.append(entry) }
    let roles = gate.deciders?.roles ?? [role]
    if decision == .noGo {
      decide(index, .noGo, at: entry.at)
    } else if gate.deciders?.mode == .any || Set(votes[index].map(\.role)).count == roles.count {
      decide(index, .go, at: entry.at)
    }
  }

  // MARK: Deviate

  private mutating func applyDeviate(_ entry: JournalEntry) throws(RunRefusal) {
    guard let kind = entry.deviation else { throw RunRefusal("the deviation's kind is missing") }
    guard let reason = entry.reason, !reason.trimmingSpaces.isEmpty else {
      throw RunRefusal("a deviation needs its reason", help: "add --reason \"…\": why the runbook is not followed here")
    }
    if kind == .runbookChanged {
      guard let roleName = entry.role, role(named: roleName) != nil else {
        throw RunRefusal("the acknowledgement needs a declared role", help: "add --as ROLE: one of " + graph.roles.map { "`\($0.id)`" }.joined(separator: ", "))
      }
      guard let changed = entry.runbook else { throw RunRefusal("the acknowledgement does not name the changed runbook") }
      runbook = changed
      deviations.append(entry)
      return
    }
    let node = try target(of: entry)
    _ = try signingRole(entry, node: node)
    try checkOpen(node, entry: entry)
    guard !done[node] else { throw RunRefusal("\(describe(node)) is already done; there is nothing to deviate from") }
    switch kind {
    case .skip:
      if case .gate = graph.nodes[node] {
        throw RunRefusal("a gate cannot be skipped", help: "decide it: `runbook run decide \(name(of: node)) go|no_go …`")
      }
      if case .step(let index) = graph.nodes[node], !signatures[index].isEmpty {
        throw RunRefusal("\(describe(node)) is already initialled by some of its owners and cannot be skipped")
      }
      skips[node] = entry
      deviations.append(entry)
      markDone(node, at: entry.at)
    case .outOfOrder, .late:
      if permits[node, default: []].contains(where: { $0.deviation == kind }) {
        throw RunRefusal("\(describe(node)) already has this deviation recorded (entry \(permits[node]?.first { $0.deviation == kind }?.sequence ?? 0))")
      }
      permits[node, default: []].append(entry)
      deviations.append(entry)
    case .runbookChanged, .criteria:
      throw RunRefusal("`\(kind.rawValue)` is not a deviation of a step")
    }
  }

  // MARK: Shared checks

  private func target(of entry: JournalEntry) throws(RunRefusal) -> Int {
    guard let name = entry.target, !name.isEmpty else { throw RunRefusal("the entry names no step") }
    guard let node = node(named: name) else {
      let candidates = graph.steps.map(\.id) + graph.gates.map(\.id) + graph.signoffs.map(\.key)
      let suggestion = closestName(to: name, among: candidates).map { "did you mean `\($0)`? " } ?? ""
      throw RunRefusal("the runbook has no step, gate or sign-off `\(visible(name, limit: 40))`", help: suggestion + "`runbook run status` lists them with their ids")
    }
    return node
  }

  /// The role an entry acts as, which must own the node (or decide the gate, or sign the
  /// sign-off).
  private func signingRole(_ entry: JournalEntry, node: Int) throws(RunRefusal) -> Int {
    let owners = graph.owners(of: node)?.roles ?? []
    let ownerList = owners.map { roleName($0) + " (`\(graph.roles[$0].id)`)" }
    guard let given = entry.role else {
      throw RunRefusal("say which role you act as", helps: ["add --as ROLE: " + (ownerList.isEmpty ? "a declared role" : listPhrase(ownerList, conjunction: "or"))])
    }
    guard let role = role(named: given) else {
      let suggestion = closestName(to: given, among: graph.roles.map(\.id)).map { "did you mean `\($0)`? " } ?? ""
      throw RunRefusal("the runbook has no role `\(visible(given, limit: 40))`", helps: [suggestion + "the roles are " + graph.roles.map { "`\($0.id)`" }.joined(separator: ", ")])
    }
    guard owners.contains(role) else {
      let verb: String
      switch graph.nodes[node] {
      case .gate: verb = "decides"
      case .signoff: verb = "signs"
      default: verb = "owns"
      }
      throw RunRefusal(
        "\(roleName(role)) (`\(graph.roles[role].id)`) does not \(verb == "owns" ? "own" : verb == "decides" ? "decide" : "sign") \(describe(node))",
        helps: [ownerList.isEmpty ? "the runbook names nobody for it" : "it is \(verb == "owns" ? "owned" : verb == "decides" ? "decided" : "signed") by " + listPhrase(ownerList, conjunction: graph.owners(of: node)?.mode == .any ? "or" : "and")])
    }
    return role
  }

  /// Refuses work that a decision has closed, or that was skipped.
  private func checkOpen(_ node: Int, entry: JournalEntry) throws(RunRefusal) {
    if let gate = closedBy[node] {
      let decided = decisions[gate] == .noGo ? "no-go" : "go"
      let inRollback = graph.rollback(containing: node) != nil
      throw RunRefusal(
        "\(describe(node)) will not happen: \(describe(graph.gates[gate].node)) was decided \(decided)",
        helps: [inRollback ? "the rollback runs only after a no-go" : "after a no-go the normal flow after the gate is closed; carry on with the rollback: `runbook run status`"])
    }
    if let skip = skips[node] {
      throw RunRefusal("\(describe(node)) was skipped (entry \(skip.sequence), by \(skip.actor))")
    }
  }

  private func checkDependencies(_ node: Int, entry: JournalEntry) throws(RunRefusal) {
    guard unmet[node] > 0 else { return }
    if permits[node, default: []].contains(where: { $0.deviation == .outOfOrder }) { return }
    if let rollback = graph.rollback(containing: node), !reached[graph.stages[rollback].startNode] {
      let gates = graph.gates(entering: rollback).map { "gate \($0.number) `\($0.id)`" }
      throw RunRefusal(
        "\(describe(node)) belongs to the rollback `\(graph.stages[rollback].key)`, which runs only after a no-go at " + listPhrase(gates, conjunction: "or"),
        help: "nothing has been decided no-go; carry on with the normal flow (`runbook run status`)")
    }
    let waiting = blockers(of: node)
    let list = waiting.map { describe($0) + owingText($0) }
    throw RunRefusal(
      "\(describe(node)) cannot be done yet: it waits for " + (list.isEmpty ? "work that is not done" : list.joined(separator: "; ")),
      helps: ["finish those first, or, if it must be done now, record why: `runbook run deviate \(name(of: node)) --out-of-order --as ROLE --by NAME --reason TEXT`"])
  }

  private func owingText(_ node: Int) -> String {
    let owing = owing(node)
    guard !owing.isEmpty else { return "" }
    return ", owed by " + listPhrase(owing.map { roleName($0) }, conjunction: "and")
  }

  private func checkWindow(_ node: Int, entry: JournalEntry) throws(RunRefusal) {
    let (open, close) = window(of: node)
    guard open != nil || close != nil else { return }
    let permitted = permits[node, default: []]
    guard let minutes = minutesFromAnchor(entry.at), let anchor else {
      if permitted.contains(where: { $0.deviation == .outOfOrder || $0.deviation == .late }) { return }
      throw RunRefusal(
        "\(describe(node)) has a window relative to \(graph.anchorName ?? "T"), which is not yet known",
        helps: ["record \(graph.anchorName ?? "T") first: `runbook run anchor now` when it is reached, or `runbook run anchor '2026-12-05 22:00 Europe/Berlin'`"])
    }
    let clock = Clock(anchor)
    let name = graph.anchorName ?? "T"
    if let open, minutes < open, !permitted.contains(where: { $0.deviation == .outOfOrder }) {
      throw RunRefusal(
        "\(describe(node)) cannot be done before its window opens at \(formatTime(open, anchor: name)) (\(clock.dayAndTime(open)))",
        helps: ["wait for the window, or record why it must be done now: `runbook run deviate \(self.name(of: node)) --out-of-order --as ROLE --by NAME --reason TEXT`"])
    }
    if let close, minutes > close, !permitted.contains(where: { $0.deviation == .late }) {
      throw RunRefusal(
        "\(describe(node)) is late: its window closed at \(formatTime(close, anchor: name)) (\(clock.dayAndTime(close)))",
        helps: ["record the late completion as a deviation first: `runbook run deviate \(self.name(of: node)) --late --as ROLE --by NAME --reason TEXT`"])
    }
  }

  // MARK: Progress

  /// Marks work done; it is reached now if everything before it is, else when that is.
  private mutating func markDone(_ node: Int, at instant: Int) {
    done[node] = true
    completedAt[node] = instant
    if unmet[node] == 0 && closedBy[node] == nil { reach(node, at: instant) }
  }

  /// Marks a node reached and settles its outgoing edges; stage boundaries whose edges are all
  /// satisfied, and work already done, are reached in turn.
  private mutating func reach(_ node: Int, at instant: Int) {
    var stack = [node]
    reached[node] = true
    if completedAt[node] == nil { completedAt[node] = instant }
    while let current = stack.popLast() {
      let gate: Int? = if case .gate(let index) = graph.nodes[current] { index } else { nil }
      for edgeIndex in outgoing[current] {
        let edge = graph.edges[edgeIndex]
        if let gate, (edge.origin == .noGo) != (decisions[gate] == .noGo) {
          close(edge.to, by: gate)
          continue
        }
        unmet[edge.to] -= 1
        if unmet[edge.to] == 0 && (!graph.isWork(edge.to) || done[edge.to]) && closedBy[edge.to] == nil && !reached[edge.to] {
          reached[edge.to] = true
          if completedAt[edge.to] == nil { completedAt[edge.to] = instant }
          stack.append(edge.to)
        }
      }
    }
  }

  /// Closes a node and everything after it that is not yet done: the decision means it will not
  /// happen.
  private mutating func close(_ node: Int, by gate: Int) {
    var stack = [node]
    while let current = stack.popLast() {
      guard closedBy[current] == nil, !reached[current], !done[current] else { continue }
      closedBy[current] = gate
      for edgeIndex in outgoing[current] { stack.append(graph.edges[edgeIndex].to) }
    }
  }

  private mutating func decide(_ gate: Int, _ decision: Decision, at instant: Int) {
    decisions[gate] = decision
    if decision == .noGo { noGoGates.append(gate) }
    markDone(graph.gates[gate].node, at: instant)
  }

  private mutating func updateEnding(at instant: Int) {
    guard ending == nil else { return }
    if reached[graph.stages[RunbookGraph.rootStage].endNode] {
      ending = .completed
    } else {
      for index in noGoGates {
        switch graph.gates[index].noGo {
        case .rollback(let rollback, _):
          if reached[graph.stages[rollback].endNode] { ending = .rolledBack(rollback) }
        case .stop, nil:
          ending = .stopped(index)
        }
        if ending != nil { break }
      }
    }
    if ending != nil { endedAt = instant }
  }

  public func endingText(_ ending: RunEnding) -> String {
    switch ending {
    case .completed: "every step is done"
    case .rolledBack(let rollback): "rolled back: `\(graph.stages[rollback].key)` is done"
    case .stopped(let gate): "stopped by the no-go at \(describe(graph.gates[gate].node))"
    }
  }

  public func roleName(_ role: Int) -> String { graph.roles[role].name }
}

/// An entry the rules refuse on replay, and why.
public struct ReplayFailure: Error, Sendable {
  public var entry: JournalEntry
  public var refusal: RunRefusal
}

/// A name compared loosely: case and spacing do not make two people.
func normalizedName(_ name: String) -> String {
  name.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
}

extension RunState {
  /// Replays a run's entries (from its `start` on). Returns the state, or the first entry the
  /// rules refuse with why: a journal written by this tool never has one, so one means the
  /// journal was edited or does not belong to this runbook.
  public static func replay(_ entries: ArraySlice<JournalEntry>, graph: RunbookGraph) -> Result<RunState, ReplayFailure> {
    var state = RunState(graph: graph)
    for entry in entries {
      do throws(RunRefusal) {
        try state.apply(entry)
      } catch {
        return .failure(ReplayFailure(entry: entry, refusal: error))
      }
    }
    return .success(state)
  }

  /// The entries of the last run in a journal: from its last `start`.
  public static func currentRun(_ entries: [JournalEntry]) -> ArraySlice<JournalEntry> {
    let last = entries.lastIndex { $0.action == .start } ?? 0
    return entries[last...]
  }
}
