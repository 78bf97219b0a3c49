// The executable plan: the schedule plus what people on the call need from it — the work in an
// order that respects every dependency, grouped where it may run at the same time; a lane per
// role; the hand-offs between roles; and every problem the checker found, attached to the step
// it concerns. Backends (text, JSON, Mermaid) format this; they compute nothing themselves.

/// The plan of one runbook.
public struct Plan: Sendable {
  /// The validated graph planned.
  public let graph: RunbookGraph
  /// When everything happens.
  public let schedule: Schedule
  /// The work (steps, gates, sign-offs) in plan order.
  public var work: [Int]
  /// For each node, its group, counted from 1 (0 for nodes that are not work): work of one
  /// group has no dependency among it.
  public var group: [Int]
  /// One lane per role, in declaration order: the work the role does, by start time.
  public var lanes: [(role: Int, nodes: [Int])]
  /// Dependencies that pass work from one set of roles to another.
  public var handoffs: [Handoff]
  /// The critical path: critical work in plan order.
  public var criticalPath: [Int]
  /// Diagnostics attached to the work or stage they concern, by node.
  public var flags: [Int: [Diagnostic]]
  /// Diagnostics that concern no single step or stage.
  public var generalFlags: [Diagnostic]
  /// Every diagnostic of the compilation.
  public var diagnostics: [Diagnostic]

  /// A dependency between the work of different roles.
  public struct Handoff: Sendable {
    /// The work handed over, and the work that waits for it.
    public var from: Int
    public var to: Int
  }

  /// Plans a compilation. The graph may have errors: the plan is made as far as it can be, and
  /// the errors are attached where they belong.
  public init(graph: RunbookGraph, diagnostics: [Diagnostic]) {
    self.graph = graph
    self.diagnostics = diagnostics
    let schedule = Schedule.compute(graph)
    self.schedule = schedule
    let work = schedule.order.filter { graph.isWork($0) }
    self.work = work

    // Groups renumber the ranks of the work in plan order.
    // A rank is at most the number of nodes.
    var groupOfRank = [Int](repeating: 0, count: graph.nodes.count + 1)
    var groups = 0
    var group = [Int](repeating: 0, count: graph.nodes.count)
    for node in work {
      let rank = schedule.rank[node]
      if groupOfRank[rank] == 0 {
        groups += 1
        groupOfRank[rank] = groups
      }
      group[node] = groupOfRank[rank]
    }
    self.group = group

    // Where each node is in `work`, by node (a table indexed like the nodes: the sort below
    // looks two up for every comparison).
    var position = [Int](repeating: 0, count: graph.nodes.count)
    for (index, node) in work.enumerated() { position[node] = index }
    var lanes: [(Int, [Int])] = graph.roles.indices.map { ($0, []) }
    for node in work {
      for role in graph.owners(of: node)?.roles ?? [] { lanes[role].1.append(node) }
    }
    for index in lanes.indices {
      lanes[index].1.sort { (schedule.startWorst[$0], position[$0]) < (schedule.startWorst[$1], position[$1]) }
    }
    self.lanes = lanes
    self.handoffs = PlanShape.handoffs(graph, work: work, flow: schedule.flow, scheduled: schedule.scheduled)
    self.criticalPath = work.filter { schedule.critical[$0] }
    (self.flags, self.generalFlags) = PlanShape.attach(diagnostics, to: graph)
  }
}

/// Helpers that shape the plan.
enum PlanShape {
  /// Each dependency between work of different roles, found through stage boundaries. Each
  /// walk back is bounded, so the cost stays linear however wide a stage is: it ends at 8 pieces
  /// of work found, and takes no more nodes once it has seen 64 (thousands of steps `after` one
  /// wide stage each walked into all of its steps); the work among the nodes seen is still found,
  /// so a step that waits for a hundred others has its hand-offs.
  static func handoffs(_ graph: RunbookGraph, work: [Int], flow adjacency: Adjacency, scheduled: [Bool]) -> [Plan.Handoff] {
    // The walk from each node marks what it has seen with the node's own number, so the marks
    // need no clearing between walks.
    var seenBy = [Int](repeating: -1, count: graph.nodes.count)
    var frontier: [Int] = []
    var found: [Int] = []
    var handoffs: [Plan.Handoff] = []
    let ownerKeys = ownerKeys(of: graph)
    // The steps of a parallel stage all wait for the stage's start alone, and what a walk finds
    // depends only on where it starts: the walk back from a lone predecessor that is not work is
    // made once for the run of nodes that share it.
    var walkedFrom = -1
    for node in work {
      let owners = ownerKeys[node]
      guard owners != noOwners else { continue }
      let predecessors = adjacency.predecessorPositions(node)
      let lone = predecessors.count == 1 ? adjacency.predecessor(at: predecessors.lowerBound) : -1
      if lone == -1 || lone != walkedFrom {
        walkedFrom = lone != -1 && !graph.isWork(lone) ? lone : -1
        // (Emptied only when something is left: most walks leave nothing, and emptying costs a
        // call even then.)
        if !frontier.isEmpty { frontier.removeAll(keepingCapacity: true) }
        if !found.isEmpty { found.removeAll(keepingCapacity: true) }
        var seen = 0
        func visit(_ candidate: Int) {
          guard seenBy[candidate] != node else { return }
          seenBy[candidate] = node
          seen += 1
          frontier.append(candidate)
        }
        for position in predecessors {
          if seen >= 64 { break }
          visit(adjacency.predecessor(at: position))
        }
        while let previous = frontier.popLast(), found.count < 8 {
          if graph.isWork(previous) {
            found.append(previous)
            continue
          }
          if seen >= 64 { continue }
          for position in adjacency.predecessorPositions(previous) {
            if seen >= 64 { break }
            visit(adjacency.predecessor(at: position))
          }
        }
        if found.count > 1 { found.sort() }
      }
      for previous in found where scheduled[previous] {
        let before = ownerKeys[previous]
        guard before != noOwners, before != owners else { continue }
        handoffs.append(Plan.Handoff(from: previous, to: node))
      }
    }
    return handoffs
  }

  /// The key of a node that has no owners.
  static let noOwners = -1

  /// Each node's owners as one number, the same for two nodes exactly when their owners are the
  /// same roles in any order (`a and b` and `b or a` are one set): a single role is its own
  /// index; two or three roles are packed into their number (`packedKey`); each other set of
  /// roles gets a number past the roles, in the order first met. A hand-off then costs a
  /// comparison of two numbers, where comparing the lists took a copy of each (a count of
  /// references up and down) for every piece of work walked back to. (The graph names each
  /// role of a list once, so a list's length is the size of its set.)
  static func ownerKeys(of graph: RunbookGraph) -> [Int] {
    var keys = [Int](repeating: noOwners, count: graph.nodes.count)
    var keyOfSet: [[Int]: Int] = [:]
    for node in graph.nodes.indices {
      guard let roles = graph.owners(of: node)?.roles, !roles.isEmpty else { continue }
      if roles.count == 1 {
        keys[node] = roles[0]
      } else if let packed = packedKey(roles) {
        keys[node] = packed
      } else {
        // Sorted, so that the order written does not matter (n log n for a list of thousands).
        let set = roles.sorted()
        if let known = keyOfSet[set] {
          keys[node] = known
        } else {
          let key = graph.roles.count + keyOfSet.count
          keyOfSet[set] = key
          keys[node] = key
        }
      }
    }
    return keys
  }

  /// The key of two or three roles without a table: each role's index plus one in 20 bits,
  /// smallest first, above bit 62, which no other key reaches (a single role's key is its
  /// index, a larger set's a count of sets past the roles). Nil for other sets, and when an
  /// index does not fit in 20 bits.
  static func packedKey(_ roles: [Int]) -> Int? {
    guard roles.count == 2 || roles.count == 3 else { return nil }
    var a = roles[0], b = roles[1], c = roles.count == 3 ? roles[2] : -1
    if a > b { swap(&a, &b) }
    if b > c { swap(&b, &c) }
    if a > b { swap(&a, &b) }
    // Two roles sort the -1 standing for the missing third first: it adds nothing to the key.
    guard c < (1 << 20) - 1 else { return nil }
    return 1 << 62 | (a + 1) | (b + 1) << 20 | (c + 1) << 40
  }

  /// Attaches each diagnostic to the step, gate or sign-off whose declaration holds it, or else
  /// to the innermost stage that does; the rest are general.
  static func attach(_ diagnostics: [Diagnostic], to graph: RunbookGraph) -> ([Int: [Diagnostic]], [Diagnostic]) {
    // A runbook without diagnostics, the usual case, needs no table of where its work is.
    guard !diagnostics.isEmpty else { return ([:], []) }
    var work: [(range: SourceRange, node: Int)] = []
    work.reserveCapacity(graph.steps.count + graph.gates.count + graph.signoffs.count)
    for index in graph.steps.indices { work.append((graph.steps[index].range, graph.steps[index].node)) }
    for gate in graph.gates { work.append((gate.range, gate.node)) }
    for signoff in graph.signoffs { work.append((signoff.range, signoff.node)) }
    work.sort { $0.range.start < $1.range.start }
    // Stage ranges nest, so a sweep in offset order with a stack of open stages finds the
    // innermost stage holding each diagnostic.
    let stages = graph.stages.indices.filter { $0 != RunbookGraph.rootStage }
      .sorted { graph.stages[$0].range.start < graph.stages[$1].range.start }
    var nextStage = 0
    var open: [Int] = []
    var flags: [Int: [Diagnostic]] = [:]
    var general: [Diagnostic] = []
    for diagnostic in diagnostics.sorted(by: { $0.range.start < $1.range.start }) {
      let offset = diagnostic.range.start
      // The last declaration starting at or before the offset, if it also ends after it.
      var low = 0
      var high = work.count
      while low < high {
        let mid = (low + high) / 2
        if work[mid].range.start <= offset { low = mid + 1 } else { high = mid }
      }
      if low > 0, work[low - 1].range.end > offset {
        flags[work[low - 1].node, default: []].append(diagnostic)
        continue
      }
      while nextStage < stages.count, graph.stages[stages[nextStage]].range.start <= offset {
        let starting = graph.stages[stages[nextStage]].range.start
        while let last = open.last, graph.stages[last].range.end <= starting { open.removeLast() }
        open.append(stages[nextStage])
        nextStage += 1
      }
      while let last = open.last, graph.stages[last].range.end <= offset { open.removeLast() }
      if let stage = open.last {
        flags[graph.stages[stage].startNode, default: []].append(diagnostic)
      } else {
        general.append(diagnostic)
      }
    }
    return (flags, general)
  }
}
