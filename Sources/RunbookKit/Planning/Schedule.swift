// The schedule of a runbook: when each step starts and finishes in the best and the worst case,
// its latest start, its slack, and the critical path. Computed from the validated graph alone.
//
// Time flows from the anchor. Work that no window ties to the anchor is planned as one block that
// starts as late as it can while still reaching every window's opening and every deadline in the
// worst case; everything is then placed by one forward pass, in which a window makes work wait
// for its opening. A runbook with no windows and no deadlines starts at zero. Rollbacks are
// scheduled apart, from the finish of the gate that enters them.

/// The computed schedule. Arrays are indexed by node; times are minutes from the anchor.
public struct Schedule: Sendable {
  /// When the runbook's first work starts in the plan (worst case), minutes from the anchor.
  public var start: Int
  /// Whether any window or deadline ties the plan to the anchor (otherwise times count from 0).
  public var anchored: Bool
  /// The nodes of the normal flow in a topological order; ties go to source order.
  public var order: [Int]
  /// Normal-flow nodes that could not be ordered because they are on or behind a cycle.
  public var unscheduled: [Int]
  /// Earliest start and finish, worst case (longest durations).
  public var startWorst: [Int]
  public var finishWorst: [Int]
  /// Earliest start and finish, best case (shortest durations).
  public var startBest: [Int]
  public var finishBest: [Int]
  /// Latest start and finish that keep the worst-case end of the runbook and every window.
  public var latestStart: [Int]
  public var latestFinish: [Int]
  /// Latest start minus earliest start, worst case; negative where a window cannot hold.
  public var slack: [Int]
  /// True for nodes on the critical path (no slack).
  public var critical: [Bool]
  /// Nodes of equal rank have no dependency between them and may run at the same time.
  public var rank: [Int]
  /// True for the nodes of the normal flow (not rollbacks, not unscheduled).
  public var scheduled: [Bool]
  /// Steps with no duration (counted as zero) or a duration still to be decided.
  public var stepsWithoutDuration: [Int]
  /// When the runbook finishes, best and worst case.
  public var endBest: Int
  public var endWorst: Int
  /// Each gate with a rollback: when the rollback would run and how long it takes.
  public var rollbacks: [RollbackRun]
  /// Nodes after which no planned rollback can be reached any more (points of no return).
  public var pointsOfNoReturn: [Int]
}

/// A rollback as it would run after its gate's no-go.
public struct RollbackRun: Sendable {
  /// The gate whose no-go enters it.
  public var gate: Int
  /// The rollback (an index into `stages`).
  public var rollback: Int
  /// When it would start (the gate's worst-case finish) and its own length, best and worst.
  public var start: Int
  public var lengthBest: Int
  public var lengthWorst: Int
  /// The bound the gate promises, if any.
  public var bound: Int?
  /// The rollback's nodes in order, with their start and finish (worst case).
  public var nodes: [(node: Int, start: Int, finish: Int)]
}

extension Schedule {
  /// Computes the schedule of a validated graph.
  public static func compute(_ graph: RunbookGraph) -> Schedule {
    ScheduleBuilder(graph: graph).build()
  }
}

private struct ScheduleBuilder {
  let graph: RunbookGraph
  let count: Int
  /// The edges the flow takes (every edge but `no_go`), indexed by source and by target in flat
  /// arrays: a hundred thousand small arrays cost more to make than the schedule itself.
  let adjacency: Adjacency
  var inRollback: [Bool]

  init(graph: RunbookGraph) {
    self.graph = graph
    count = graph.nodes.count
    adjacency = Adjacency(nodeCount: count, edges: graph.edges.filter { $0.origin != .noGo })
    inRollback = (0..<count).map { graph.rollback(containing: $0) != nil }
  }

  func successors(_ node: Int) -> ArraySlice<Int> { adjacency.successors(node) }

  func predecessors(_ node: Int) -> ArraySlice<Int> { adjacency.predecessors(node) }

  func duration(_ node: Int, worst: Bool) -> Int {
    guard let value = graph.duration(of: node), !value.toBeDecided else { return 0 }
    return worst ? value.maximum : value.minimum
  }

  /// A stage's own `duration`, which its end cannot come before.
  func stageDuration(_ node: Int, worst: Bool) -> (start: Int, length: Int)? {
    guard case .stageEnd(let stage) = graph.nodes[node], let value = graph.stages[stage].duration,
      !value.toBeDecided
    else { return nil }
    return (graph.stages[stage].startNode, worst ? value.maximum : value.minimum)
  }

  func opening(_ node: Int) -> Int? {
    switch graph.nodes[node] {
    case .step(let index): graph.steps[index].window?.start
    case .gate(let index): graph.gates[index].window?.start
    case .stageStart(let index): graph.stages[index].window?.start
    default: nil
    }
  }

  func closing(_ node: Int) -> Int? {
    func earliest(_ a: Int?, _ b: Int?) -> Int? {
      switch (a, b) {
      case (let x?, let y?): min(x, y)
      default: a ?? b
      }
    }
    switch graph.nodes[node] {
    case .step(let index): return earliest(graph.steps[index].window?.end, graph.steps[index].deadline)
    case .gate(let index): return earliest(graph.gates[index].window?.end, graph.gates[index].deadline)
    case .stageEnd(let index): return earliest(graph.stages[index].window?.end, graph.stages[index].deadline)
    default: return nil
    }
  }

  func build() -> Schedule {
    // Order the normal flow.
    var remaining = [Int](repeating: 0, count: count)
    for node in 0..<count where !inRollback[node] {
      remaining[node] = adjacency.incoming(node).count
    }
    var ready = Heap()
    for node in 0..<count where !inRollback[node] && remaining[node] == 0 { ready.push(node) }
    var order: [Int] = []
    while let node = ready.pop() {
      order.append(node)
      for next in successors(node) where !inRollback[next] {
        remaining[next] -= 1
        if remaining[next] == 0 { ready.push(next) }
      }
    }
    var scheduled = [Bool](repeating: false, count: count)
    for node in order { scheduled[node] = true }
    let unscheduled = (0..<count).filter { !inRollback[$0] && !scheduled[$0] }

    // Longest path from the runbook's start, ignoring windows: where the unanchored block puts
    // each node relative to its own start.
    var offset = [Int](repeating: 0, count: count)
    for node in order {
      var value = 0
      for previous in predecessors(node) where scheduled[previous] {
        value = max(value, offset[previous] + duration(previous, worst: true))
      }
      if let (start, length) = stageDuration(node, worst: true) { value = max(value, offset[start] + length) }
      offset[node] = value
    }
    // The block starts as late as every opening and deadline allows.
    var start: Int?
    for node in order {
      if let open = opening(node) { start = min(start ?? open - offset[node], open - offset[node]) }
      if let close = closing(node) {
        let latest = close - offset[node] - duration(node, worst: true)
        start = min(start ?? latest, latest)
      }
    }
    let anchored = start != nil
    let blockStart = start ?? 0

    let (startWorst, finishWorst) = forward(order: order, scheduled: scheduled, from: blockStart, worst: true)
    let (startBest, finishBest) = forward(order: order, scheduled: scheduled, from: blockStart, worst: false)
    let rootEnd = graph.stages[RunbookGraph.rootStage].endNode
    let endWorst = scheduled[rootEnd] ? finishWorst[rootEnd] : (order.map { finishWorst[$0] }.max() ?? blockStart)
    let endBest = scheduled[rootEnd] ? finishBest[rootEnd] : (order.map { finishBest[$0] }.max() ?? blockStart)

    // Latest times, worst case, back from the end and from every window's close.
    var latestFinish = [Int](repeating: endWorst, count: count)
    var latestStart = [Int](repeating: endWorst, count: count)
    for node in order.reversed() {
      var value = endWorst
      for next in successors(node) where scheduled[next] { value = min(value, latestStart[next]) }
      if case .stageStart(let stage) = graph.nodes[node], let length = graph.stages[stage].duration, !length.toBeDecided {
        value = min(value, latestStart[graph.stages[stage].endNode] - length.maximum)
      }
      if let close = closing(node) { value = min(value, close) }
      latestFinish[node] = value
      latestStart[node] = value - duration(node, worst: true)
    }
    var slack = [Int](repeating: 0, count: count)
    var critical = [Bool](repeating: false, count: count)
    for node in order {
      slack[node] = latestStart[node] - startWorst[node]
      critical[node] = slack[node] <= 0
    }

    // Ranks: the longest chain of real work before a node.
    var rank = [Int](repeating: 0, count: count)
    for node in order {
      var value = 0
      for previous in predecessors(node) where scheduled[previous] {
        value = max(value, rank[previous] + (graph.isWork(previous) ? 1 : 0))
      }
      rank[node] = value
    }

    let withoutDuration = graph.steps.indices.filter {
      !inRollback[graph.steps[$0].node] && (graph.steps[$0].duration == nil || graph.steps[$0].duration?.toBeDecided == true)
    }
    return Schedule(
      start: blockStart, anchored: anchored, order: order, unscheduled: unscheduled,
      startWorst: startWorst, finishWorst: finishWorst, startBest: startBest, finishBest: finishBest,
      latestStart: latestStart, latestFinish: latestFinish, slack: slack, critical: critical, rank: rank,
      scheduled: scheduled, stepsWithoutDuration: withoutDuration, endBest: endBest, endWorst: endWorst,
      rollbacks: rollbackRuns(finishWorst: finishWorst, scheduled: scheduled),
      pointsOfNoReturn: pointsOfNoReturn(order: order, scheduled: scheduled))
  }

  /// Earliest start and finish from `blockStart`, waiting for window openings.
  func forward(order: [Int], scheduled: [Bool], from blockStart: Int, worst: Bool) -> ([Int], [Int]) {
    var start = [Int](repeating: blockStart, count: count)
    var finish = [Int](repeating: blockStart, count: count)
    for node in order {
      var value = blockStart
      for previous in predecessors(node) where scheduled[previous] { value = max(value, finish[previous]) }
      if let (stageStart, length) = stageDuration(node, worst: worst) { value = max(value, start[stageStart] + length) }
      if let open = opening(node) { value = max(value, open) }
      start[node] = value
      finish[node] = value + duration(node, worst: worst)
    }
    return (start, finish)
  }

  /// Each rollback as it would run after its gate, in the worst and the best case.
  func rollbackRuns(finishWorst: [Int], scheduled: [Bool]) -> [RollbackRun] {
    var runs: [RollbackRun] = []
    for (index, gate) in graph.gates.enumerated() {
      guard case .rollback(let rollback, let within) = gate.noGo else { continue }
      let begin = scheduled[gate.node] ? finishWorst[gate.node] : 0
      // The rollback's nodes in an order that respects its own edges.
      var members: [Int] = []
      var stack = [graph.stages[rollback].startNode]
      var seen: Set<Int> = [graph.stages[rollback].startNode]
      while let node = stack.popLast() {
        members.append(node)
        for next in successors(node) where graph.rollback(containing: next) == rollback && seen.insert(next).inserted {
          stack.append(next)
        }
      }
      members.sort()
      var remaining: [Int: Int] = [:]
      let memberSet = Set(members)
      for node in members { remaining[node] = predecessors(node).filter { memberSet.contains($0) }.count }
      var ready = Heap()
      for node in members where remaining[node] == 0 { ready.push(node) }
      var order: [Int] = []
      while let node = ready.pop() {
        order.append(node)
        for next in successors(node) where memberSet.contains(next) {
          remaining[next, default: 0] -= 1
          if remaining[next] == 0 { ready.push(next) }
        }
      }
      var worstFinish: [Int: Int] = [:]
      var bestFinish: [Int: Int] = [:]
      var placed: [(Int, Int, Int)] = []
      for node in order {
        var worstStart = begin
        var bestStart = begin
        for previous in predecessors(node) where memberSet.contains(previous) {
          worstStart = max(worstStart, worstFinish[previous] ?? begin)
          bestStart = max(bestStart, bestFinish[previous] ?? begin)
        }
        worstFinish[node] = worstStart + duration(node, worst: true)
        bestFinish[node] = bestStart + duration(node, worst: false)
        placed.append((node, worstStart, worstFinish[node] ?? worstStart))
      }
      let end = graph.stages[rollback].endNode
      runs.append(RollbackRun(
        gate: index, rollback: rollback, start: begin,
        lengthBest: (bestFinish[end] ?? begin) - begin, lengthWorst: (worstFinish[end] ?? begin) - begin,
        bound: within?.maximum, nodes: placed))
    }
    return runs
  }

  /// Work from which no gate with a rollback can be reached, whose predecessor could still reach
  /// one: the first steps past a point of no return.
  func pointsOfNoReturn(order: [Int], scheduled: [Bool]) -> [Int] {
    guard graph.gates.contains(where: { if case .rollback = $0.noGo { return true }; return false }) else { return [] }
    var reaches = [Bool](repeating: false, count: count)
    for node in order.reversed() {
      if case .gate(let index) = graph.nodes[node], case .rollback = graph.gates[index].noGo {
        reaches[node] = true
        continue
      }
      reaches[node] = successors(node).contains { scheduled[$0] && reaches[$0] }
    }
    // Walk through the virtual stage nodes: a step is past the point when every path back to a
    // gate with a rollback passes that gate.
    var points: [Int] = []
    for node in order where graph.isWork(node) && !reaches[node] {
      var frontier = Array(predecessors(node))
      var seen = Set(frontier)
      var previousReaches = false
      while let previous = frontier.popLast() {
        if graph.isWork(previous) {
          if reaches[previous] { previousReaches = true; break }
          continue
        }
        for further in predecessors(previous) where seen.insert(further).inserted { frontier.append(further) }
        if seen.count > 64 { break }
      }
      if previousReaches { points.append(node) }
    }
    return points
  }
}
