// Checks over the whole graph once it is built: dependency cycles (printed in full), work that
// can never be reached, windows and deadlines that cannot hold, rollbacks longer than their
// promised bound, sign-offs placed before the work they sign, and four-eyes verification.

extension GraphBuilder {
  mutating func checkGraph() {
    let adjacency = Adjacency(nodeCount: graph.nodes.count, edges: graph.edges)
    let order = topologicalOrder(nodeCount: graph.nodes.count, adjacency: adjacency)
    if order.count < graph.nodes.count {
      reportCycles(order: order, adjacency: adjacency)
    }
    checkReachability(adjacency: adjacency)
    checkRollbackBounds(order: order, adjacency: adjacency)
    checkSignoffPlacement()
    checkFourEyes()
    // Last: the times it computes are kept for the schedule, and would otherwise be held while
    // the checks above make their own tables, at the peak of `check`'s memory.
    checkWindows(adjacency: adjacency)
  }

  // MARK: - Cycles

  /// Every node left out of the topological order has a predecessor also left out; walking
  /// predecessors from one must therefore come back to a node already seen, which closes a
  /// cycle. Each cycle is reported once, at the `after` that closes it where there is one.
  private mutating func reportCycles(order: [Int], adjacency: Adjacency) {
    var ordered = [Bool](repeating: false, count: graph.nodes.count)
    for node in order { ordered[node] = true }
    var visited = [Int](repeating: -1, count: graph.nodes.count)  // walk number that saw it
    var walk = 0
    for start in 0..<graph.nodes.count where !ordered[start] && visited[start] < 0 {
      walk += 1
      var path: [Int] = []  // edge indices, walked backwards
      var node = start
      while visited[node] < 0 {
        visited[node] = walk
        guard let edge = adjacency.incoming(node).first(where: { !ordered[graph.edges[$0].from] }) else { break }
        path.append(edge)
        node = graph.edges[edge].from
      }
      // The walk went n0 ← n1 ← … ← nk with nk already seen in this walk: the cycle is the part
      // of the walk from the first arrival at nk. A walk that meets an earlier walk's nodes ran
      // into a cycle already reported.
      guard visited[node] == walk, let first = path.firstIndex(where: { graph.edges[$0].to == node }) else {
        continue
      }
      let cycle = Array(path[first...].reversed())
      reportCycle(cycle)
    }
  }

  private mutating func reportCycle(_ cycle: [Int]) {
    var names: [String] = []
    for edge in cycle {
      let from = graph.edges[edge].from
      if case .stageEnd = graph.nodes[from] { continue }
      let name = graph.describe(from)
      if names.last != name { names.append(name) }
    }
    if let first = names.first { names.append(first) }
    let written = cycle.filter { graph.edges[$0].range != nil }
    let anchorEdge = written.first(where: { graph.edges[$0].origin == .after }) ?? written.first ?? cycle[0]
    let range = graph.edges[anchorEdge].range ?? nodeRange(graph.edges[anchorEdge].to)
    var notes: [DiagnosticNote] = []
    for edge in cycle where edge != anchorEdge {
      let item = graph.edges[edge]
      guard let range = item.range else { continue }
      notes.append(DiagnosticNote("\(graph.describe(item.to)) waits for \(graph.describe(item.from)) (`\(item.origin == .noGo ? "no_go" : item.origin.rawValue)`)", at: range))
      if notes.count == 8 { break }
    }
    let implicit = cycle.contains { graph.edges[$0].range == nil }
    if implicit {
      notes.append(DiagnosticNote("steps of a stage follow one another in the order written, and stages follow one another"))
    }
    report(
      .dependencyCycle, "dependency cycle: \(names.joined(separator: " → "))", at: range, notes: notes,
      help: "remove one of these dependencies so that the work has an order")
  }

  func nodeRange(_ node: Int) -> SourceRange {
    switch graph.nodes[node] {
    case .step(let index): graph.steps[index].range
    case .gate(let index): graph.gates[index].range
    case .signoff(let index): graph.signoffs[index].range
    case .stageStart(let index), .stageEnd(let index): graph.stages[index].range
    }
  }

  /// The title's range of a node, for a precise caret.
  func titleRange(_ node: Int) -> SourceRange {
    let declaration: Declaration?
    switch graph.nodes[node] {
    case .step(let index): declaration = stepDeclaration(index)
    case .gate(let index): declaration = gateDeclaration(index)
    case .signoff(let index): declaration = signoffDeclaration(index)
    case .stageStart(let index), .stageEnd(let index): declaration = stageDeclarations[index]
    }
    return declaration?.title?.range ?? declaration?.keywordRange ?? nodeRange(node)
  }

  // MARK: - Reachability

  /// The normal flow starts at the runbook's start; a rollback starts where a gate's no-go
  /// enters it. Work that no path reaches is reported; a rollback no gate enters is a warning.
  private mutating func checkReachability(adjacency: Adjacency) {
    var reached = [Bool](repeating: false, count: graph.nodes.count)
    var entered = Set<Int>()
    for edge in graph.edges where edge.origin == .noGo {
      if case .stageStart(let rollback) = graph.nodes[edge.to] { entered.insert(rollback) }
    }
    var starts = [graph.stages[RunbookGraph.rootStage].startNode]
    for rollback in graph.rollbacks where entered.contains(rollback) { starts.append(graph.stages[rollback].startNode) }
    var stack = starts
    for node in starts { reached[node] = true }
    while let node = stack.popLast() {
      for position in adjacency.successorPositions(node) where graph.edges[adjacency.successorEdge(at: position)].origin != .noGo {
        let next = adjacency.successor(at: position)
        if !reached[next] {
          reached[next] = true
          stack.append(next)
        }
      }
    }
    for rollback in graph.rollbacks where !entered.contains(rollback) && !unresolvedRollbackReference {
      let stage = graph.stages[rollback]
      report(
        .rollbackNeverEntered, "rollback `\(stage.id ?? clipped(stage.title))` is never entered",
        at: titleRange(stage.startNode),
        help: "enter it from a gate: `no_go -> rollback \(stage.id ?? "<id>")`, or remove it")
    }
    var gatesBefore: [Int: [Int]] = [:]
    for (node, kind) in graph.nodes.enumerated() where !reached[node] {
      let stageIndex: Int
      switch kind {
      case .step(let index): stageIndex = graph.steps[index].stage
      case .gate(let index): stageIndex = graph.gates[index].stage
      case .signoff(let index): stageIndex = graph.signoffs[index].stage
      default: continue
      }
      guard let item = item(of: node), region(of: item).map({ entered.contains($0) }) ?? true else { continue }
      var notes: [DiagnosticNote] = []
      var help = "connect it to the flow, or remove it"
      if let gate = skippingGate(before: item, in: stageIndex, gatesBefore: &gatesBefore),
        case .reference(let target) = gateDeclaration(gate).attribute(.go)?.value
      {
        notes.append(DiagnosticNote("gate `\(graph.gates[gate].id)` continues with `\(target.name)`, skipping it", at: target.range))
        help = "move it before the gate, or after `\(target.name)`, or point the gate's `go` at it"
      }
      report(
        .unreachableStep, "\(graph.describe(node)) can never be reached", at: titleRange(node),
        notes: notes, help: help)
    }
  }

  func item(of node: Int) -> Item? {
    switch graph.nodes[node] {
    case .step(let index): .step(index)
    case .gate(let index): .gate(index)
    case .signoff(let index): .signoff(index)
    default: nil
    }
  }

  /// The nearest gate written before `item` in its container (or an enclosing one) whose `go`
  /// leads elsewhere. `gatesBefore` keeps, for each container looked in, that gate for every
  /// position (or -1), found in one pass over its items: a gate that skips thousands of steps
  /// would otherwise be searched for from each of them.
  private func skippingGate(before item: Item, in stage: Int, gatesBefore: inout [Int: [Int]]) -> Int? {
    var current = item
    var container = stage
    while true {
      let items = graph.stages[container].items
      if gatesBefore[container] == nil {
        var nearest = [Int](repeating: -1, count: items.count)
        var last = -1
        for (position, candidate) in items.enumerated() {
          nearest[position] = last
          if case .gate(let gate) = candidate, graph.gates[gate].go != nil { last = gate }
        }
        gatesBefore[container] = nearest
      }
      if let position = positions[current], position < items.count, let gate = gatesBefore[container]?[position], gate >= 0 {
        return gate
      }
      guard let parent = graph.stages[container].parent else { return nil }
      current = .stage(container)
      container = parent
    }
  }

  // MARK: - Windows and deadlines

  /// Reads the worst-case times that the schedule uses too (FlowTimes): work that nothing ties
  /// to the anchor is planned backwards from what follows it, so only anchored work can make a
  /// window fail: a window that opens too late for the windowed work before it, or work inside
  /// it that cannot finish before it closes. Each overrun is reported once, where it starts:
  /// work that is late only because the work it waits for is late is not reported again.
  private mutating func checkWindows(adjacency: Adjacency) {
    guard FlowTimes.hasLimits(graph) else { return }
    let times = FlowTimes(graph: graph, adjacency: adjacency, bestCase: false)
    var lateBefore = [Bool](repeating: false, count: graph.nodes.count)
    var chains = LateChains(nodeCount: graph.nodes.count)
    for node in times.order {
      let driver = times.driver[node]
      let inherited = driver >= 0 && lateBefore[driver]
      let finish = times.finishWorst[node]
      let close = times.closing[node]
      if close != FlowTimes.noClose, finish > close {
        lateBefore[node] = true
        if !inherited {
          let (_, _, range, what) = limits(of: times.closingFrom[node])
          if let range {
            let chain = chains.summary(of: node, graph: graph, times: times)
            reportLate(node: node, finish: finish, close: close, at: range, what: what, inherited: times.closingFrom[node] != node, times: times, chain: chain)
          }
        }
      } else {
        lateBefore[node] = inherited
      }
    }
    // The schedule reads the same times: kept for it, and given to the graph once it is done.
    checkedTimes = times
  }

  /// When a node may start, when it must be done by, where that limit was written, and a phrase
  /// for the limit.
  private func limits(of node: Int) -> (open: Int?, close: Int?, range: SourceRange?, what: String) {
    func limit(_ declaration: Declaration?, window: Window?, deadline: Int?) -> (Int?, Int?, SourceRange?, String) {
      let windowRange = declaration?.attribute(.window)?.range
      let deadlineRange = declaration?.attribute(.deadline)?.range
      var close = window?.end
      var range = windowRange
      var what = "its window"
      if let deadline, deadline < (close ?? Int.max) {
        close = deadline
        range = deadlineRange
        what = "its deadline"
      }
      return (window?.start, close, range, what)
    }
    switch graph.nodes[node] {
    case .step(let index):
      return limit(stepDeclaration(index), window: graph.steps[index].window, deadline: graph.steps[index].deadline)
    case .gate(let index):
      return limit(gateDeclaration(index), window: graph.gates[index].window, deadline: graph.gates[index].deadline)
    case .stageStart(let index):
      return (graph.stages[index].window?.start, nil, nil, "")
    case .stageEnd(let index):
      let (_, close, range, what) = limit(stageDeclarations[index], window: graph.stages[index].window, deadline: graph.stages[index].deadline)
      return (nil, close, range, what)
    case .signoff:
      return (nil, nil, nil, "")
    }
  }

  private mutating func reportLate(
    node: Int, finish: Int, close: Int, at range: SourceRange, what: String, inherited: Bool, times: FlowTimes, chain: LateChains.Summary
  ) {
    let anchor = graph.anchorName
    var notes: [DiagnosticNote] = []
    if chain.origin >= 0 {
      let origin = chain.origin
      notes.append(DiagnosticNote("\(graph.describe(origin)) cannot start before \(formatTime(chain.originStart, anchor: anchor))"))
    }
    if chain.count > 0 {
      // From the far end of the chain, where the work is tied to the anchor, towards the node.
      let shown = chain.farEnd.reversed().map { link in
        switch link {
        case .work(let node, let minutes): "\(graph.describe(node)) (up to \(formatDuration(minutes)))"
        case .stageLength(let node, let minutes): "\(graph.describe(node)) (takes up to \(formatDuration(minutes)))"
        }
      }
      notes.append(DiagnosticNote("in the worst case it waits for " + shown.joined(separator: ", then ") + (chain.count > LateChains.shownLinks ? ", …" : "")))
    }
    let subject: String
    if case .stageEnd = graph.nodes[node] { subject = "the work of \(graph.describe(node))" } else { subject = graph.describe(node) }
    var limit = what
    if inherited, case .stageEnd(let stage) = graph.nodes[times.closingFrom[node]] {
      limit = (what == "its window" ? "the window of " : "the deadline of ") + graph.describe(graph.stages[stage].endNode)
    }
    report(
      .windowCannotHold,
      "\(subject) must be done by \(formatTime(close, anchor: anchor)) (\(limit)), but can finish as late as \(formatTime(finish, anchor: anchor))",
      at: range, notes: notes,
      help: "widen \(inherited ? limit : what), shorten the work before it, or start that work earlier")
  }

  // MARK: - Rollback bounds

  /// For each gate with `no_go -> rollback X within D`: the longest worst-case path through X
  /// must fit in D. The message shows the sum.
  private mutating func checkRollbackBounds(order: [Int], adjacency: Adjacency) {
    var checks: [(gate: Int, rollback: Int, bound: Minutes)] = []
    for (index, gate) in graph.gates.enumerated() {
      if case .rollback(let rollback, let within?) = gate.noGo { checks.append((index, rollback, within)) }
    }
    guard !checks.isEmpty else { return }
    // The rollback each node is inside, or -1: that of its stage, whose outermost container is
    // the rollback (found once per stage, not once per node).
    var stageRegion = [Int](repeating: -1, count: graph.stages.count)
    for stage in graph.stages.indices {
      var top = stage
      while let parent = graph.stages[top].parent { top = parent }
      if graph.stages[top].kind == .rollback { stageRegion[stage] = top }
    }
    var nodeRegion = [Int](repeating: -1, count: graph.nodes.count)
    for node in graph.nodes.indices { nodeRegion[node] = stageRegion[graph.stage(of: node)] }
    var longest = [Int](repeating: 0, count: graph.nodes.count)
    var via = [Int](repeating: -1, count: graph.nodes.count)
    for node in order where nodeRegion[node] >= 0 {
      var best = 0
      for position in adjacency.predecessorPositions(node) where nodeRegion[adjacency.predecessor(at: position)] == nodeRegion[node] {
        let previous = adjacency.predecessor(at: position)
        let value = longest[previous]
        if value > best || via[node] < 0 {
          best = max(best, value)
          if value >= best { via[node] = previous }
        }
      }
      longest[node] = best + (graph.duration(of: node)?.maximum ?? 0)
    }
    // Steps without a duration, per rollback: unknown is not zero, so a bound over them cannot be
    // shown to hold.
    var unknown: [Int: [Int]] = [:]
    for index in graph.steps.indices where graph.steps[index].durationUnknown {
      let node = graph.steps[index].node
      if nodeRegion[node] >= 0 { unknown[nodeRegion[node], default: []].append(index) }
    }
    // The worst case of each rollback, summed up once however many gates enter it.
    var worstCases: [Int: String] = [:]
    for (gateIndex, rollback, bound) in checks {
      let total = longest[graph.stages[rollback].endNode]
      guard total > bound.maximum else {
        if let steps = unknown[rollback], case .noGo(_, let within?) = gateDeclaration(gateIndex).attribute(.noGo)?.value {
          reportUncheckedBound(rollback: rollback, bound: bound, steps: steps, at: within.range)
        }
        continue
      }
      if worstCases[rollback] == nil { worstCases[rollback] = worstCase(endingAt: graph.stages[rollback].endNode, via: via) }
      let sum = worstCases[rollback] ?? ""
      guard case .noGo(_, let within?) = gateDeclaration(gateIndex).attribute(.noGo)?.value else { continue }
      let stage = graph.stages[rollback]
      report(
        .rollbackTooLong,
        "rollback `\(stage.id ?? "")` can take \(formatDuration(total)) in the worst case, more than the \(formatDuration(bound.maximum)) promised",
        at: within.range,
        notes: [DiagnosticNote("worst case: \(sum) = \(formatDuration(total))", at: titleRange(stage.startNode))],
        help: "shorten the rollback's steps, or promise a bound it can keep")
    }
  }

  /// The longest path to `end`, as its steps' durations from the first: "`a` 20m + `b` 1h".
  /// A long path shows its first steps and how many more there are, so that a note stays
  /// readable (and a rollback of thousands of steps entered by thousands of gates costs no
  /// thousands of terms each).
  private func worstCase(endingAt end: Int, via: [Int]) -> String {
    var nodes: [Int] = []
    var node = end
    var visited = 0
    while node >= 0 && visited < graph.nodes.count {
      visited += 1
      if let duration = graph.duration(of: node), duration.maximum > 0 { nodes.append(node) }
      node = via[node]
    }
    let shownTerms = 12
    let first = nodes.reversed().prefix(shownTerms).map { node in
      "`\(nodeID(node))` \(formatDuration(graph.duration(of: node)?.maximum ?? 0))"
    }
    let more = nodes.count > shownTerms ? " + … (\(nodes.count - shownTerms) more)" : ""
    return first.joined(separator: " + ") + more
  }

  private mutating func reportUncheckedBound(rollback: Int, bound: Minutes, steps: [Int], at range: SourceRange) {
    let stage = graph.stages[rollback]
    let names = steps.prefix(5).map { "`\(graph.steps[$0].id)`" }.joined(separator: ", ") + (steps.count > 5 ? ", …" : "")
    var notes = steps.prefix(8).map { DiagnosticNote("\(graph.describe(graph.steps[$0].node)) has no duration", at: titleRange(graph.steps[$0].node)) }
    if steps.count > 8 { notes.append(DiagnosticNote("and \(steps.count - 8) more steps without a duration")) }
    report(
      .rollbackBoundUnchecked,
      "the \(formatMinutes(bound)) bound of rollback `\(stage.id ?? clipped(stage.title))` cannot be checked: \(plural(steps.count, "step")) \(steps.count == 1 ? "has" : "have") no duration (\(names))",
      at: range, notes: notes,
      help: "give every step of the rollback a duration, such as `duration 15m`, so that the bound can be checked")
  }

  private func nodeID(_ node: Int) -> String {
    switch graph.nodes[node] {
    case .step(let index): graph.steps[index].id
    case .gate(let index): graph.gates[index].id
    default: graph.describe(node)
    }
  }

  // MARK: - Sign-offs and verification

  /// A sign-off comes after the work it signs: a top-level sign-off after every stage, and one
  /// that `covers` some work after that work, in an order the runbook fixes.
  private mutating func checkSignoffPlacement() {
    let root = graph.stages[RunbookGraph.rootStage]
    // The first stage after each top-level position, found in one pass from the end: thousands
    // of sign-offs written before the work would otherwise each search the rest of the runbook.
    var stageAfter: [Item?] = []
    for (index, signoff) in graph.signoffs.enumerated() {
      let item = Item.signoff(index)
      if signoff.covers.isEmpty {
        guard signoff.stage == RunbookGraph.rootStage, let position = positions[item], position < root.items.count else { continue }
        if stageAfter.isEmpty { stageAfter = stagesAfter(root.items) }
        if let later = stageAfter[position] {
          report(
            .signoffBeforeWork,
            "sign-off `\(clipped(signoff.title))` is written before \(describeItem(later)), so it would be signed before that work is done",
            at: titleRange(signoff.node),
            notes: [DiagnosticNote("\(describeItem(later)) starts here", at: rangeOf(later))],
            help: "move the sign-off after the last stage, or say what it covers with `covers <stage>`")
        }
        continue
      }
      for covered in signoff.covers where !comesBefore(covered, item) {
        report(
          .signoffBeforeWork,
          "sign-off `\(clipped(signoff.title))` covers \(describeItem(covered)), which is not finished before it",
          at: titleRange(signoff.node),
          notes: [DiagnosticNote("\(describeItem(covered)) is declared here", at: rangeOf(covered))],
          help: "place the sign-off after the work it covers, in a sequential stage")
      }
    }
  }

  /// For each position in `items`, the first stage after it, if any.
  private func stagesAfter(_ items: [Item]) -> [Item?] {
    var after = [Item?](repeating: nil, count: items.count)
    var next: Item?
    for position in items.indices.reversed() {
      after[position] = next
      if case .stage = items[position] { next = items[position] }
    }
    return after
  }

  /// Whether the structure of the runbook finishes `first` before `second` starts.
  private func comesBefore(_ first: Item, _ second: Item) -> Bool {
    let secondChain = ancestry(of: second)
    if case .stage(let stage) = first, let level = secondChain.firstIndex(where: { $0.stage == stage }) {
      // The sign-off is inside the stage it covers: it must be the last thing at every level.
      for (container, position) in secondChain[...level] {
        let shared = graph.stages[container]
        if shared.parallel || position != shared.items.count - 1 { return false }
      }
      return true
    }
    let firstChain = ancestry(of: first)
    let firstPositions = Dictionary(firstChain.map { ($0.stage, $0.position) }, uniquingKeysWith: { a, _ in a })
    guard let common = secondChain.first(where: { firstPositions[$0.stage] != nil }),
      let firstPosition = firstPositions[common.stage]
    else { return false }
    return !graph.stages[common.stage].parallel && firstPosition < common.position
  }

  /// `verifies x`: the verifying step must be owned by none of the roles that own `x`.
  private mutating func checkFourEyes() {
    // The owners of each verified step with many of them, as a set made once: a step of
    // thousands of owners verified by thousands of steps would otherwise be searched by each.
    var manyOwners: [Int: Set<Int>] = [:]
    for (index, step) in graph.steps.enumerated() {
      guard let verified = step.verifies, let checker = step.owners, let worker = graph.steps[verified].owners else { continue }
      let shared: Int?
      if worker.roles.count <= 8 {
        shared = checker.roles.first { worker.roles.contains($0) }
      } else {
        if manyOwners[verified] == nil { manyOwners[verified] = Set(worker.roles) }
        shared = checker.roles.first { manyOwners[verified]?.contains($0) == true }
      }
      guard let role = shared else { continue }
      let target = stepDeclaration(index).attribute(.verifies)?.range ?? step.range
      report(
        .sameRoleVerifies,
        "step \(graph.describe(step.node)) verifies \(graph.describe(graph.steps[verified].node)), but both are owned by `\(graph.roles[role].id)`",
        at: target,
        notes: [DiagnosticNote("the verified step is declared here", at: titleRange(graph.steps[verified].node))],
        help: "a verification needs a second pair of eyes: give it to a role that did not do the work")
    }
  }
}

/// The chain of work that makes a node late, back to where it is tied to the anchor: what a
/// report of a window or deadline that cannot hold shows. Each node's chain is the node's own
/// link, if it has one, followed by the chain of the node it waits for, so it is summed up once
/// per node, from
/// the summary of that node: reporting every late node of a runbook costs one walk of the graph
/// in all. (Walked afresh for each report, a thousand parallel steps late behind one long chain
/// cost a walk of the whole chain each, and 8,000 such steps took half a minute.)
struct LateChains {
  /// How many links of a chain a report shows: those at its far end.
  static let shownLinks = 6

  /// One link: a step or gate and its longest duration, or the end of a stage and the stage's
  /// own length, which the walk then goes back through to the stage's start. (A node has one
  /// link at most: only steps and gates have durations, only stage ends have lengths.)
  enum Link {
    case work(node: Int, minutes: Int)
    case stageLength(node: Int, minutes: Int)
  }

  struct Summary {
    /// How many links the chain has.
    var count: Int
    /// Its last links (at most `shownLinks`), the farthest last.
    var farEnd: [Link]
    /// The node whose window's opening fixes the start of the chain, and when that is; -1 when
    /// the chain starts with the plan.
    var origin: Int
    var originStart: Int
  }

  /// The summary of each node summed up so far; made with the first report, so that a runbook
  /// whose windows all hold (most of them) never holds a table of every node for it.
  private var summaries: [Summary?] = []
  private let nodeCount: Int

  init(nodeCount: Int) {
    self.nodeCount = nodeCount
  }

  /// The chain of `node`: walked back to a node already summed up, or to the chain's start, and
  /// each node on the way summed up from the far end.
  mutating func summary(of node: Int, graph: RunbookGraph, times: FlowTimes) -> Summary {
    if summaries.isEmpty { summaries = [Summary?](repeating: nil, count: nodeCount) }
    var path: [(node: Int, link: Link?)] = []
    var far = Summary(count: 0, farEnd: [], origin: -1, originStart: 0)
    var current = node
    // At most one visit per node: the drivers of a schedule do not form a cycle, but the walk
    // is bounded whatever they form.
    while path.count < summaries.count {
      if let known = summaries[current] {
        far = known
        break
      }
      var link: Link?
      if let duration = graph.duration(of: current), duration.maximum > 0, !duration.toBeDecided {
        link = .work(node: current, minutes: duration.maximum)
      }
      let driver = times.driver[current]
      if driver == FlowTimes.byOpening {
        path.append((current, link))
        far.origin = current
        far.originStart = times.startWorst[current]
        break
      }
      if driver == FlowTimes.byStageLength, let (start, length) = FlowTimes.stageLength(graph, current, worst: true) {
        path.append((current, .stageLength(node: current, minutes: length)))
        current = start
        continue
      }
      path.append((current, link))
      if driver < 0 { break }
      current = driver
    }
    for (pathNode, link) in path.reversed() {
      if let link {
        // The far end is that of the rest of the chain, unless the rest is shorter than that.
        if far.count < LateChains.shownLinks { far.farEnd.insert(link, at: 0) }
        far.count += 1
      }
      summaries[pathNode] = far
    }
    return far
  }
}
