// A run as the outputs show it: the state, the plan's schedule, the journal's facts, and the
// times derived from them — each step's planned time on the clock, when it was done, how far
// the run is ahead of or behind the plan, and before a gate with a rollback the latest time a
// no-go still leaves the rollback room to finish inside its window.

/// Everything the status and the reports need about a run.
public struct RunContext: Sendable {
  public var state: RunState
  public var schedule: Schedule
  /// The journal's file name, its final hash and entry count, and its first problem if any.
  public var journalName: String
  public var finalHash: String
  public var entryCount: Int
  public var problem: JournalProblem?
  /// True when the runbook's source is not the one the run follows.
  public var sourceChanged: Bool
  /// The time the status is shown at (seconds since 1970 UTC).
  public var now: Int
  /// The zone times are shown in: T's, or the machine's.
  public var zone: String

  /// Where each rollback node is placed in its rollback's run: the gate, and its start and
  /// finish in minutes after the no-go.
  private let rollbackPlacement: [Int: (gate: Int, start: Int, finish: Int)]

  public init(
    state: RunState, schedule: Schedule, journalName: String, finalHash: String, entryCount: Int, problem: JournalProblem?,
    sourceChanged: Bool, now: Int, zone: String
  ) {
    var placement: [Int: (gate: Int, start: Int, finish: Int)] = [:]
    // The first no-go into each rollback places its nodes; a later one into the same rollback
    // would place the same nodes again.
    var placedRollbacks: Set<Int> = []
    for run in schedule.rollbacks where state.decisions[run.gate] == .noGo && placedRollbacks.insert(run.rollback).inserted {
      for placed in run.offsets where placement[placed.node] == nil {
        placement[placed.node] = (run.gate, placed.start, placed.finish)
      }
    }
    rollbackPlacement = placement
    self.state = state
    self.schedule = schedule
    self.journalName = journalName
    self.finalHash = finalHash
    self.entryCount = entryCount
    self.problem = problem
    self.sourceChanged = sourceChanged
    self.now = now
    self.zone = zone
  }

  public var graph: RunbookGraph { state.graph }

  /// Whether the runbook says anything about time (durations, windows, deadlines, T's date):
  /// without, every step would be planned for the start, and no plan is shown.
  public var timed: Bool {
    state.anchor != nil || schedule.anchored || graph.steps.contains { $0.duration != nil } || graph.stages.contains { $0.duration != nil }
  }

  /// A clock for showing instants: in T's zone, or the machine's.
  public var clock: Clock {
    Clock(state.anchor ?? AnchorTime(seconds: state.start?.at ?? now, zone: zone, written: ""))
  }

  /// "Sat 5 Dec 21:40", an instant on the wall clock.
  public func shown(_ instant: Int) -> String { clock.dayAndTime(instant: instant) }

  /// The instant minutes of the plan stand for: from T when known; from the run's start when the
  /// plan is not tied to T; nil when it is tied to a T not yet known.
  private func planInstant(_ minutes: Int) -> Int? {
    guard timed else { return nil }
    if let anchor = state.anchor { return anchor.seconds + minutes * 60 }
    guard !schedule.anchored, let start = state.start?.at else { return nil }
    return start + (minutes - schedule.start) * 60
  }

  /// When a node is planned to start and finish (worst case), as instants. Rollback work is
  /// planned from the no-go that entered it.
  public func planned(_ node: Int) -> (start: Int, finish: Int)? {
    if schedule.scheduled[node] {
      guard let start = planInstant(schedule.startWorst[node]), let finish = planInstant(schedule.finishWorst[node]) else { return nil }
      return (start, finish)
    }
    guard let placed = rollbackPlacement[node], let decided = state.completedAt[graph.gates[placed.gate].node] else { return nil }
    return (decided + placed.start * 60, decided + placed.finish * 60)
  }

  /// When a node was done.
  public func actual(_ node: Int) -> Int? { state.completedAt[node] }

  /// How far behind the plan the run is (negative: ahead), in seconds, judged by the work done
  /// last; with the node it is judged by.
  public var drift: (seconds: Int, node: Int)? {
    var latest: (node: Int, at: Int)?
    for node in graph.nodes.indices where graph.isWork(node) && state.skips[node] == nil {
      guard let at = state.completedAt[node], planned(node) != nil else { continue }
      if latest == nil || at >= latest!.at { latest = (node, at) }
    }
    guard let latest, let plan = planned(latest.node) else { return nil }
    return (latest.at - plan.finish, latest.node)
  }

  /// For an undecided gate with a rollback: the latest no-go (minutes from T) that leaves the
  /// rollback its worst-case length before the window closes; with the close and the length.
  public func latestNoGo(_ gate: Int) -> (latest: Int, close: Int, length: Int)? {
    guard let run = schedule.rollbacks.first(where: { $0.gate == gate }) else { return nil }
    var close = state.window(of: graph.gates[gate].node).close
    let rollback = graph.stages[run.rollback]
    if let end = rollback.window?.end { close = min(close ?? end, end) }
    if let deadline = rollback.deadline { close = min(close ?? deadline, deadline) }
    guard let close else { return nil }
    return (close - run.lengthWorst, close, run.lengthWorst)
  }

  /// "T+1h30m": minutes from T in the plan's words.
  public func fromAnchor(_ minutes: Int) -> String { formatTime(minutes, anchor: graph.anchorName ?? "T") }

  /// Work nodes in written order: steps and gates by number, then sign-offs.
  public var workInOrder: [Int] {
    var nodes: [(Int, Int)] = []
    for step in graph.steps { nodes.append((step.number, step.node)) }
    for gate in graph.gates { nodes.append((gate.number, gate.node)) }
    let last = (nodes.map(\.0).max() ?? 0) + 1
    for (index, signoff) in graph.signoffs.enumerated() { nodes.append((last + index, signoff.node)) }
    return nodes.sorted { $0.0 < $1.0 }.map(\.1)
  }

  /// "4" for step 4, the sign-off's key for a sign-off.
  public func label(_ node: Int) -> String {
    switch graph.nodes[node] {
    case .step(let index): "\(graph.steps[index].number)"
    case .gate(let index): "\(graph.gates[index].number)"
    default: "—"
    }
  }

  /// The title of a work node.
  public func title(_ node: Int) -> String {
    switch graph.nodes[node] {
    case .step(let index): graph.steps[index].title
    case .gate(let index): "Gate: " + graph.gates[index].title
    case .signoff(let index): "Sign-off: " + graph.signoffs[index].title
    default: ""
    }
  }

  /// The signatures on a work node, in order: a step's initials, a gate's votes, a sign-off's.
  public func signed(_ node: Int) -> [(role: Int, entry: JournalEntry)] {
    switch graph.nodes[node] {
    case .step(let index): state.signatures[index].map { ($0.role, $0.entry) }
    case .gate(let index): state.votes[index].map { ($0.role, $0.entry) }
    case .signoff(let index): state.signoffSignatures[index].map { [($0.role, $0.entry)] } ?? []
    default: []
    }
  }

  /// "42m behind the plan", "on plan", "1h05m ahead of the plan".
  public func driftText(_ seconds: Int) -> String {
    let minutes = abs(seconds) / 60
    if minutes == 0 { return "on plan" }
    return formatDuration(minutes) + (seconds > 0 ? " behind the plan" : " ahead of the plan")
  }
}
