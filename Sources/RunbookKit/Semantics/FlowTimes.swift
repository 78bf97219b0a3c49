// When the work of the normal flow can happen: the one forward pass over the graph that both the
// window check (GraphChecks) and the schedule (Planning) read, so that the two cannot disagree.
//
// Each node gets its effective limits first: a step inside a stage with a window may not start
// before the window opens nor finish after it closes, at any depth of nesting, whatever edges
// lead to it (a gate's `go` can bypass a stage's end, but not its window). Work that no window
// ties to the anchor is planned as one block that starts as late as it can while still reaching
// every opening and every close in the worst case; the forward pass then places everything from
// that start, letting a window's opening make work wait.

/// The earliest times of the normal flow, with what fixes each start.
///
/// Besides the graph's edges, a stage's end never comes before its start: the end of a stage
/// whose last gate jumps elsewhere is reached by no edge, and would otherwise be placed at the
/// start of the plan (and so would the stage after it).
struct FlowTimes: Sendable {
  /// What fixes a node's start when no predecessor does: a window's opening, the start of the
  /// plan, or (for the end of a stage) the stage's own `duration` counted from its start.
  static let byOpening = -1
  static let byStart = -2
  static let byStageLength = -3
  /// In `opening` and `closing`: no window opens, or nothing closes, for the node. (Plain values
  /// rather than optionals: an `Int?` takes two words in a table, and these are tables of every
  /// node of a large runbook.) The later of an opening and `noOpening` is the opening; the
  /// earlier of a close and `noClose` is the close.
  static let noOpening = Int.min
  static let noClose = Int.max

  /// True for the nodes of rollbacks, which are not part of the normal flow.
  var inRollback: [Bool]
  /// The nodes of the normal flow in a topological order; ties go to source order.
  var order: [Int]
  /// True for the nodes in `order`.
  var scheduled: [Bool]
  /// The latest opening of the windows a node is inside (its own and its stages'), or
  /// `noOpening`.
  var opening: [Int]
  /// The earliest close of the windows and deadlines a node is inside, or `noClose`.
  var closing: [Int]
  /// The node whose own window or deadline gives `closing`: the node itself or the end of an
  /// enclosing stage. -1 where there is no close.
  var closingFrom: [Int]
  /// When the unanchored block starts; nil when nothing ties the runbook to its anchor.
  var blockStart: Int?
  /// Earliest start and finish, worst case.
  var startWorst: [Int]
  var finishWorst: [Int]
  /// Earliest start and finish, best case (empty unless asked for).
  var startBest: [Int]
  var finishBest: [Int]
  /// What fixes each worst-case start: a predecessor node, `byOpening` or `byStart`. The end of a
  /// stage with its own duration can be fixed by its start node (start + duration).
  var driver: [Int]

  /// Whether the runbook has any window or deadline at all.
  static func hasLimits(_ graph: RunbookGraph) -> Bool {
    graph.stages.contains { $0.window != nil || $0.deadline != nil }
      || graph.steps.contains { $0.window != nil || $0.deadline != nil }
      || graph.gates.contains { $0.window != nil || $0.deadline != nil }
  }

  /// Computes the times of a graph, given the edges the flow follows (every edge but `no_go`).
  /// The best case is computed only when asked for (the schedule needs it, the check does not).
  init(graph: RunbookGraph, adjacency: Adjacency, bestCase: Bool) {
    let count = graph.nodes.count
    var inRollback = [Bool](repeating: false, count: count)
    var rollbackStage = [Bool](repeating: false, count: graph.stages.count)
    for stage in graph.stages.indices {
      var top = stage
      while let parent = graph.stages[top].parent { top = parent }
      rollbackStage[stage] = graph.stages[top].kind == .rollback
    }
    for node in 0..<count where rollbackStage[graph.stage(of: node)] { inRollback[node] = true }
    self.inRollback = inRollback

    // Each pass is a function of its own, so that its working tables are freed when it returns:
    // they would otherwise last as long as the times, at the peak of `check`'s memory.
    let order = FlowTimes.flowOrder(graph, adjacency: adjacency, inRollback: inRollback)
    var scheduled = [Bool](repeating: false, count: count)
    for node in order { scheduled[node] = true }
    self.order = order
    self.scheduled = scheduled

    (opening, closing, closingFrom) = FlowTimes.limits(graph)

    let worstLength = FlowTimes.lengths(graph, worst: true)
    blockStart = FlowTimes.blockStart(graph, adjacency: adjacency, order: order, scheduled: scheduled, closing: closing, worstLength: worstLength)
    let from = blockStart ?? 0

    startWorst = []
    finishWorst = []
    startBest = []
    finishBest = []
    driver = []
    (startWorst, finishWorst, driver) = forward(graph, adjacency: adjacency, from: from, worst: true, lengths: worstLength)
    if bestCase {
      (startBest, finishBest, _) = forward(graph, adjacency: adjacency, from: from, worst: false, lengths: FlowTimes.lengths(graph, worst: false))
    }
  }

  /// Adds the best case to times computed without it (the check's, which the schedule reuses).
  /// The adjacency is of the edges the flow follows, as for `init`.
  mutating func addBestCase(_ graph: RunbookGraph, adjacency: Adjacency) {
    guard startBest.isEmpty else { return }
    (startBest, finishBest, _) = forward(graph, adjacency: adjacency, from: blockStart ?? 0, worst: false, lengths: FlowTimes.lengths(graph, worst: false))
  }

  /// The nodes of the normal flow in a topological order, ties to source order; the end of a
  /// stage comes after its start.
  private static func flowOrder(_ graph: RunbookGraph, adjacency: Adjacency, inRollback: [Bool]) -> [Int] {
    let count = graph.nodes.count
    // As in `topologicalOrder`: the counts and the ready nodes each in one allocation.
    let remaining = UnsafeMutablePointer<Int32>.allocate(capacity: max(count, 1))
    defer { remaining.deallocate() }
    remaining.initialize(repeating: 0, count: count)
    var ready = Heap(capacity: count)
    for node in 0..<count where !inRollback[node] {
      for position in adjacency.predecessorPositions(node) where !inRollback[adjacency.predecessor(at: position)] { remaining[node] += 1 }
      if FlowTimes.stageStart(ending: node, graph) != nil { remaining[node] += 1 }
      if remaining[node] == 0 { ready.push(node) }
    }
    var order: [Int] = []
    order.reserveCapacity(count)
    while let node = ready.pop() {
      order.append(node)
      for position in adjacency.successorPositions(node) where !inRollback[adjacency.successor(at: position)] {
        let next = adjacency.successor(at: position)
        remaining[next] -= 1
        if remaining[next] == 0 { ready.push(next) }
      }
      if case .stageStart(let stage) = graph.nodes[node], !inRollback[graph.stages[stage].endNode] {
        let end = graph.stages[stage].endNode
        remaining[end] -= 1
        if remaining[end] == 0 { ready.push(end) }
      }
    }
    return order
  }

  /// When the unanchored block starts: as late as it can while, in the worst case, reaching
  /// every opening written and finishing before every close. Nil when no window or deadline
  /// ties the runbook to its anchor.
  private static func blockStart(
    _ graph: RunbookGraph, adjacency: Adjacency, order: [Int], scheduled: [Bool], closing: [Int], worstLength: [Int]
  ) -> Int? {
    // Where the block puts each node relative to its own start: the longest path from the
    // runbook's start, worst case, ignoring windows.
    var offset = [Int](repeating: 0, count: graph.nodes.count)
    for node in order {
      var value = 0
      for position in adjacency.predecessorPositions(node) {
        let previous = adjacency.predecessor(at: position)
        if scheduled[previous] { value = max(value, offset[previous] + worstLength[previous]) }
      }
      if let start = FlowTimes.stageStart(ending: node, graph) { value = max(value, offset[start]) }
      if let (start, length) = FlowTimes.stageLength(graph, node, worst: true) { value = max(value, offset[start] + length) }
      offset[node] = value
    }
    // An opening counts where it is written: work later inside a window need not start the moment
    // it opens.
    var start: Int?
    for node in order {
      if let open = FlowTimes.ownOpening(of: node, graph) { start = min(start ?? open - offset[node], open - offset[node]) }
      let close = closing[node]
      if close != FlowTimes.noClose {
        let latest = close - offset[node] - worstLength[node]
        start = min(start ?? latest, latest)
      }
    }
    return start
  }

  /// Earliest start and finish from `blockStart`, waiting for window openings, and what fixed
  /// each start.
  private func forward(_ graph: RunbookGraph, adjacency: Adjacency, from blockStart: Int, worst: Bool, lengths: [Int]) -> ([Int], [Int], [Int]) {
    let count = graph.nodes.count
    var start = [Int](repeating: blockStart, count: count)
    var finish = [Int](repeating: blockStart, count: count)
    var driver = [Int](repeating: FlowTimes.byStart, count: count)
    for node in order {
      var value = blockStart
      var cause = FlowTimes.byStart
      // A predecessor that finishes exactly at the plan's start still fixes the start: with no
      // durations, the chain of work is what orders it.
      for position in adjacency.predecessorPositions(node) {
        let previous = adjacency.predecessor(at: position)
        guard scheduled[previous] else { continue }
        if finish[previous] > value || (cause == FlowTimes.byStart && finish[previous] == value) {
          value = finish[previous]
          cause = previous
        }
      }
      if let stageStart = FlowTimes.stageStart(ending: node, graph), finish[stageStart] > value {
        value = finish[stageStart]
        cause = stageStart
      }
      if let (stageStart, length) = FlowTimes.stageLength(graph, node, worst: worst), length > 0, start[stageStart] + length > value {
        value = start[stageStart] + length
        cause = FlowTimes.byStageLength
      }
      if opening[node] > value {
        value = opening[node]
        cause = FlowTimes.byOpening
      }
      start[node] = value
      finish[node] = value + lengths[node]
      driver[node] = cause
    }
    return (start, finish, driver)
  }

  /// For the end of a stage of the normal flow: its start node, which it never comes before.
  static func stageStart(ending node: Int, _ graph: RunbookGraph) -> Int? {
    guard case .stageEnd(let stage) = graph.nodes[node] else { return nil }
    return graph.stages[stage].startNode
  }

  /// When the window written on a node itself opens (a step's or gate's, or for the start of a
  /// stage, the stage's), if it has one.
  static func ownOpening(of node: Int, _ graph: RunbookGraph) -> Int? {
    switch graph.nodes[node] {
    case .step(let index): graph.steps[index].window?.start
    case .gate(let index): graph.gates[index].window?.start
    case .stageStart(let stage): graph.stages[stage].window?.start
    case .stageEnd, .signoff: nil
    }
  }

  /// How long a node takes; zero when not given or still to be decided.
  static func length(_ graph: RunbookGraph, _ node: Int, worst: Bool) -> Int {
    length(of: graph.duration(of: node), worst: worst)
  }

  /// How long each node takes, by node (`length` for all of them at once, read by the passes
  /// over every edge).
  static func lengths(_ graph: RunbookGraph, worst: Bool) -> [Int] {
    var lengths = [Int](repeating: 0, count: graph.nodes.count)
    for index in graph.steps.indices { lengths[graph.steps[index].node] = length(of: graph.steps[index].duration, worst: worst) }
    for index in graph.gates.indices { lengths[graph.gates[index].node] = length(of: graph.gates[index].duration, worst: worst) }
    return lengths
  }

  private static func length(of duration: Minutes?, worst: Bool) -> Int {
    guard let duration, !duration.toBeDecided else { return 0 }
    return worst ? duration.maximum : duration.minimum
  }

  /// For the end of a stage with its own `duration`: the stage's start node and that duration,
  /// which the end cannot come before.
  static func stageLength(_ graph: RunbookGraph, _ node: Int, worst: Bool) -> (start: Int, length: Int)? {
    guard case .stageEnd(let stage) = graph.nodes[node], let value = graph.stages[stage].duration,
      !value.toBeDecided
    else { return nil }
    return (graph.stages[stage].startNode, worst ? value.maximum : value.minimum)
  }

  /// Each node's effective opening and close: its own window and deadline combined with those of
  /// every stage it is inside.
  static func limits(_ graph: RunbookGraph) -> (opening: [Int], closing: [Int], closingFrom: [Int]) {
    // Per stage: the latest opening and earliest close of it and its enclosing stages, and the
    // end node of the stage that sets the close. Parents come before their children in `stages`.
    var stageOpening = [Int?](repeating: nil, count: graph.stages.count)
    var stageClosing = [Int?](repeating: nil, count: graph.stages.count)
    var stageClosingFrom = [Int](repeating: -1, count: graph.stages.count)
    for (index, stage) in graph.stages.enumerated() {
      var open = stage.window?.start
      var close = earliest(stage.window?.end, stage.deadline)
      var from = close == nil ? -1 : stage.endNode
      if let parent = stage.parent, parent < index {
        open = latest(open, stageOpening[parent])
        if let inherited = stageClosing[parent], inherited < (close ?? Int.max) {
          close = inherited
          from = stageClosingFrom[parent]
        }
      }
      stageOpening[index] = open
      stageClosing[index] = close
      stageClosingFrom[index] = from
    }
    var opening = [Int](repeating: noOpening, count: graph.nodes.count)
    var closing = [Int](repeating: noClose, count: graph.nodes.count)
    var closingFrom = [Int](repeating: -1, count: graph.nodes.count)
    func set(_ node: Int, stage: Int, window: Window?, deadline: Int?) {
      opening[node] = latest(window?.start, stageOpening[stage]) ?? noOpening
      let own = earliest(window?.end, deadline)
      if let own, own <= (stageClosing[stage] ?? Int.max) {
        closing[node] = own
        closingFrom[node] = node
      } else {
        closing[node] = stageClosing[stage] ?? noClose
        closingFrom[node] = stageClosingFrom[stage]
      }
    }
    // By index: a copy of each step, to read four of its fields, was most of this.
    for index in graph.steps.indices {
      set(graph.steps[index].node, stage: graph.steps[index].stage, window: graph.steps[index].window, deadline: graph.steps[index].deadline)
    }
    for index in graph.gates.indices {
      set(graph.gates[index].node, stage: graph.gates[index].stage, window: graph.gates[index].window, deadline: graph.gates[index].deadline)
    }
    for index in graph.signoffs.indices { set(graph.signoffs[index].node, stage: graph.signoffs[index].stage, window: nil, deadline: nil) }
    for (index, stage) in graph.stages.enumerated() {
      opening[stage.startNode] = stageOpening[index] ?? noOpening
      closing[stage.endNode] = stageClosing[index] ?? noClose
      closingFrom[stage.endNode] = stageClosingFrom[index]
    }
    return (opening, closing, closingFrom)
  }
}

private func earliest(_ a: Int?, _ b: Int?) -> Int? {
  guard let a else { return b }
  guard let b else { return a }
  return min(a, b)
}

private func latest(_ a: Int?, _ b: Int?) -> Int? {
  guard let a else { return b }
  guard let b else { return a }
  return max(a, b)
}
