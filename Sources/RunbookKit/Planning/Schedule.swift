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
  /// Each stage's span, by stage index: the earliest start and the latest finish of the work
  /// inside it, worst case.
  public var stageStart: [Int]
  public var stageFinish: [Int]
  /// The critical path as chains of work that each follow real dependencies.
  public var criticalChains: [CriticalChain]
  /// Each gate with a rollback: when the rollback would run and how long it takes.
  public var rollbacks: [RollbackRun]
  /// Nodes after which no planned rollback can be reached any more (points of no return).
  public var pointsOfNoReturn: [Int]
  /// The edges the flow follows (all but `no_go`), by source and by target: what the schedule
  /// was computed over, kept for the plan's hand-offs.
  var flow: Adjacency
}

/// A chain of critical work: each node starts when the one before it finishes.
public struct CriticalChain: Sendable, Equatable {
  /// What fixes the start of the chain's first node.
  public enum Start: Sendable, Equatable {
    /// The start of the plan: nothing before it.
    case start
    /// A window opening (`opening` says when).
    case window
    /// The finish of a node of another chain (a branch point).
    case after(Int)
    /// A stage's own `duration` (an index into `stages`): what follows the stage waits for it.
    case stageDuration(Int)
  }
  public var start: Start
  /// For a chain that waits for a window: when the window opens.
  public var opening: Int?
  /// The work on the chain, in order.
  public var nodes: [Int]
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
  /// The rollback's steps with no duration (or `tbd`), as nodes: while there are any, a bound
  /// cannot be shown to hold.
  public var withoutDuration: [Int]

  /// Whether the rollback fits its bound: nil when there is no bound or when it cannot be told
  /// because steps have no duration (and the known part fits).
  public var fits: Bool? {
    guard let bound else { return nil }
    if lengthWorst > bound { return false }
    return withoutDuration.isEmpty ? true : nil
  }
  /// The rollback's nodes in order, with their start and finish (worst case) counted from the
  /// run's start. The same for every run of the rollback, and kept once for all of them: one
  /// rollback entered by thousands of gates holds its steps once, not once per gate.
  public var offsets: [(node: Int, start: Int, finish: Int)]
  /// Whether an earlier run (by gate) is of the same rollback: its nodes are listed already.
  public var repeatsEarlierRun: Bool

  /// The rollback's nodes in order, with their start and finish (worst case).
  public var nodes: LazyMapSequence<[(node: Int, start: Int, finish: Int)], (node: Int, start: Int, finish: Int)> {
    let start = self.start
    return offsets.lazy.map { (node: $0.node, start: $0.start + start, finish: $0.finish + start) }
  }
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

  init(graph: RunbookGraph) {
    self.graph = graph
    count = graph.nodes.count
    adjacency = Adjacency(nodeCount: count, edges: graph.edges.filter { $0.origin != .noGo })
  }

  func successors(_ node: Int) -> LazyMapCollection<ArraySlice<Int32>, Int> { adjacency.successors(node) }

  func predecessors(_ node: Int) -> LazyMapCollection<ArraySlice<Int32>, Int> { adjacency.predecessors(node) }

  func duration(_ node: Int, worst: Bool) -> Int { FlowTimes.length(graph, node, worst: worst) }

  func build() -> Schedule {
    // The worst case as the check computed it, when it did (for windows and deadlines): the
    // same pass over the same edges (a `no_go` edge leads into a rollback, which the flow leaves
    // out), so only the best case is left to compute.
    var times: FlowTimes
    if let checked = graph.flowTimes {
      times = checked
      times.addBestCase(graph, adjacency: adjacency)
    } else {
      times = FlowTimes(graph: graph, adjacency: adjacency, bestCase: true)
    }
    let order = times.order
    let scheduled = times.scheduled
    let unscheduled = (0..<count).filter { !times.inRollback[$0] && !scheduled[$0] }
    let blockStart = times.blockStart ?? 0
    let startWorst = times.startWorst
    let finishWorst = times.finishWorst
    let startBest = times.startBest
    let finishBest = times.finishBest
    let rootEnd = graph.stages[RunbookGraph.rootStage].endNode
    let endWorst = scheduled[rootEnd] ? finishWorst[rootEnd] : (order.map { finishWorst[$0] }.max() ?? blockStart)
    let endBest = scheduled[rootEnd] ? finishBest[rootEnd] : (order.map { finishBest[$0] }.max() ?? blockStart)

    // Latest times, worst case: back from the end, from what each successor needs, and from the
    // close of every window and deadline the node is inside.
    var latestFinish = [Int](repeating: endWorst, count: count)
    var latestStart = [Int](repeating: endWorst, count: count)
    for node in order.reversed() {
      var value = endWorst
      for next in successors(node) where scheduled[next] { value = min(value, latestStart[next]) }
      if case .stageStart(let stage) = graph.nodes[node] {
        // A stage's end comes no earlier than its start, and its own duration after it.
        let end = graph.stages[stage].endNode
        value = min(value, latestStart[end])
        if let length = graph.stages[stage].duration, !length.toBeDecided { value = min(value, latestStart[end] - length.maximum) }
      }
      if times.closing[node] != FlowTimes.noClose { value = min(value, times.closing[node]) }
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
      !times.inRollback[graph.steps[$0].node] && graph.steps[$0].durationUnknown
    }
    let (spanStart, spanFinish) = spans(order: order, startWorst: startWorst, finishWorst: finishWorst, scheduled: scheduled)
    return Schedule(
      start: blockStart, anchored: times.blockStart != nil, order: order, unscheduled: unscheduled,
      startWorst: startWorst, finishWorst: finishWorst, startBest: startBest, finishBest: finishBest,
      latestStart: latestStart, latestFinish: latestFinish, slack: slack, critical: critical, rank: rank,
      scheduled: scheduled, stepsWithoutDuration: withoutDuration, endBest: endBest, endWorst: endWorst,
      stageStart: spanStart, stageFinish: spanFinish,
      criticalChains: criticalChains(order: order, critical: critical, times: times),
      rollbacks: rollbackRuns(finishWorst: finishWorst, scheduled: scheduled),
      pointsOfNoReturn: pointsOfNoReturn(order: order, scheduled: scheduled), flow: adjacency)
  }

  /// Each stage's span: the earliest start and latest finish of what is inside it, at any depth,
  /// and of its own start and end (which hold its `duration`), worst case. Only what the flow
  /// reaches counts: the end of a stage whose last gate jumps elsewhere is reached by nothing,
  /// and would otherwise sit at the start of the plan.
  func spans(order: [Int], startWorst: [Int], finishWorst: [Int], scheduled: [Bool]) -> ([Int], [Int]) {
    var reached = [Bool](repeating: false, count: count)
    reached[graph.stages[RunbookGraph.rootStage].startNode] = true
    for node in order where !reached[node] {
      reached[node] = predecessors(node).contains { scheduled[$0] && reached[$0] }
    }
    let stageCount = graph.stages.count
    var first = [Int](repeating: Int.max, count: stageCount)
    var last = [Int](repeating: Int.min, count: stageCount)
    for node in order where reached[node] {
      let stage = graph.stage(of: node)
      first[stage] = min(first[stage], startWorst[node])
      last[stage] = max(last[stage], finishWorst[node])
    }
    // Children come after their parents in `stages`: fold each into its parent, innermost first.
    for stage in (0..<stageCount).reversed() {
      guard let parent = graph.stages[stage].parent, first[stage] != Int.max else { continue }
      first[parent] = min(first[parent], first[stage])
      last[parent] = max(last[parent], last[stage])
    }
    for stage in 0..<stageCount where first[stage] == Int.max {
      first[stage] = startWorst[graph.stages[stage].startNode]
      last[stage] = max(first[stage], finishWorst[graph.stages[stage].endNode])
    }
    return (first, last)
  }

  /// The critical work as chains that follow real dependencies: each critical node joins the
  /// chain of the critical work that fixes its start (found through stage boundaries). A chain
  /// starts where nothing critical fixes the start: at the start of the runbook, at a window's
  /// opening, or after a branch point of another chain.
  func criticalChains(order: [Int], critical: [Bool], times: FlowTimes) -> [CriticalChain] {
    // For each node, the work that fixes its start (through virtual stage nodes), or what else
    // does: a window's opening or the start of the plan.
    var workDriver = [Int](repeating: FlowTimes.byStart, count: count)
    for node in order {
      let driver = times.driver[node]
      if driver == FlowTimes.byStageLength {
        workDriver[node] = -3 - graph.stage(of: node)  // the stage whose duration it waits for
      } else if driver < 0 {
        workDriver[node] = driver
      } else if graph.isWork(driver) {
        workDriver[node] = driver
      } else {
        workDriver[node] = workDriver[driver]
      }
    }
    var chains: [CriticalChain] = []
    var chainOf = [Int](repeating: -1, count: count)
    for node in order where graph.isWork(node) && critical[node] {
      let driver = workDriver[node]
      // The node continues its driver's chain when the driver ends it; otherwise a chain starts.
      if driver >= 0, critical[driver], chainOf[driver] >= 0, chains[chainOf[driver]].nodes.last == driver {
        chains[chainOf[driver]].nodes.append(node)
        chainOf[node] = chainOf[driver]
        continue
      }
      if driver >= 0 {
        chains.append(CriticalChain(start: .after(driver), opening: nil, nodes: [node]))
      } else if driver <= -3 {
        chains.append(CriticalChain(start: .stageDuration(-3 - driver), opening: nil, nodes: [node]))
      } else if driver == FlowTimes.byOpening {
        chains.append(CriticalChain(start: .window, opening: times.startWorst[node], nodes: [node]))
      } else {
        chains.append(CriticalChain(start: .start, opening: nil, nodes: [node]))
      }
      chainOf[node] = chains.count - 1
    }
    return chains
  }

  /// Each rollback as it would run after its gate, in the worst and the best case.
  func rollbackRuns(finishWorst: [Int], scheduled: [Bool]) -> [RollbackRun] {
    var runs: [RollbackRun] = []
    // Each rollback is placed once, from a start of zero; every run of it is that placement,
    // shifted to where its gate finishes.
    var placements: [Int: RollbackPlacement] = [:]
    for (index, gate) in graph.gates.enumerated() {
      guard case .rollback(let rollback, let within) = gate.noGo else { continue }
      let begin = scheduled[gate.node] ? finishWorst[gate.node] : 0
      let repeated = placements[rollback] != nil
      if !repeated { placements[rollback] = placement(of: rollback) }
      guard let placed = placements[rollback] else { continue }
      runs.append(RollbackRun(
        gate: index, rollback: rollback, start: begin, lengthBest: placed.lengthBest, lengthWorst: placed.lengthWorst,
        bound: within?.maximum, withoutDuration: placed.withoutDuration, offsets: placed.offsets, repeatsEarlierRun: repeated))
    }
    return runs
  }

  /// A rollback's nodes placed from a start of zero, its lengths, and its steps without a
  /// duration.
  private struct RollbackPlacement {
    var offsets: [(node: Int, start: Int, finish: Int)]
    var lengthBest: Int
    var lengthWorst: Int
    var withoutDuration: [Int]
  }

  private func placement(of rollback: Int) -> RollbackPlacement {
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
    var ready = Heap(capacity: members.count)
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
    var offsets: [(node: Int, start: Int, finish: Int)] = []
    for node in order {
      var worstStart = 0
      var bestStart = 0
      for previous in predecessors(node) where memberSet.contains(previous) {
        worstStart = max(worstStart, worstFinish[previous] ?? 0)
        bestStart = max(bestStart, bestFinish[previous] ?? 0)
      }
      worstFinish[node] = worstStart + duration(node, worst: true)
      bestFinish[node] = bestStart + duration(node, worst: false)
      offsets.append((node, worstStart, worstFinish[node] ?? worstStart))
    }
    let end = graph.stages[rollback].endNode
    let withoutDuration = order.filter {
      if case .step(let step) = graph.nodes[$0] { return graph.steps[step].durationUnknown }
      return false
    }
    return RollbackPlacement(
      offsets: offsets, lengthBest: bestFinish[end] ?? 0, lengthWorst: worstFinish[end] ?? 0, withoutDuration: withoutDuration)
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
