// An independent check of the schedule: a small reference scheduler written here, from the rules
// the README states, with no code shared with Planning/ or the flow times in Semantics/ (its own
// order, its own window inheritance, its own passes), run over many generated runbooks with
// windows, deadlines, ranges, stage durations, nested and parallel stages and gates that jump.
// Every earliest and latest time, slack, critical flag and stage span must agree, the critical
// chains must follow real dependencies, and the checker must report a window that cannot hold
// exactly when the reference finds work finishing after a close.
import XCTest
@testable import RunbookKit

/// The reference: plain forward and backward passes over the graph's nodes and edges.
private struct ReferenceSchedule {
  var order: [Int] = []
  var startWorst: [Int] = []
  var finishWorst: [Int] = []
  var startBest: [Int] = []
  var finishBest: [Int] = []
  var latestStart: [Int] = []
  var latestFinish: [Int] = []
  var inFlow: [Bool] = []
  var late = false
  var spanStart: [Int: Int] = [:]
  var spanFinish: [Int: Int] = [:]

  init(_ graph: RunbookGraph) {
    let count = graph.nodes.count
    // The containers of a node, innermost first.
    func containers(_ node: Int) -> [Int] {
      var chain: [Int] = []
      var stage: Int? = graph.stage(of: node)
      while let current = stage {
        chain.append(current)
        stage = graph.stages[current].parent
      }
      return chain
    }
    inFlow = (0..<count).map { node in graph.stages[containers(node).last ?? 0].kind != .rollback }
    var predecessors = [[Int]](repeating: [], count: count)
    var successors = [[Int]](repeating: [], count: count)
    for edge in graph.edges where edge.origin != .noGo && inFlow[edge.from] && inFlow[edge.to] {
      predecessors[edge.to].append(edge.from)
      successors[edge.from].append(edge.to)
    }
    let written = successors  // the graph's own edges, for what the flow reaches
    // A stage ends no earlier than it starts (its end may have no edge: a gate jumped away).
    for stage in graph.stages where inFlow[stage.startNode] {
      predecessors[stage.endNode].append(stage.startNode)
      successors[stage.startNode].append(stage.endNode)
    }
    // A topological order by depth-first search (reverse post-order).
    var state = [UInt8](repeating: 0, count: count)  // 0 new, 1 on the stack, 2 done
    var postOrder: [Int] = []
    for root in 0..<count where inFlow[root] && state[root] == 0 {
      var stack: [(node: Int, next: Int)] = [(root, 0)]
      state[root] = 1
      while !stack.isEmpty {
        let (node, next) = stack[stack.count - 1]
        if next < successors[node].count {
          stack[stack.count - 1].next += 1
          let child = successors[node][next]
          if state[child] == 0 {
            state[child] = 1
            stack.append((child, 0))
          }
        } else {
          state[node] = 2
          postOrder.append(node)
          stack.removeLast()
        }
      }
    }
    order = postOrder.reversed()

    func length(_ node: Int, worst: Bool) -> Int {
      let value: Minutes?
      switch graph.nodes[node] {
      case .step(let index): value = graph.steps[index].duration
      case .gate(let index): value = graph.gates[index].duration
      default: value = nil
      }
      guard let value, !value.toBeDecided else { return 0 }
      return worst ? value.maximum : value.minimum
    }
    func stageLength(_ node: Int, worst: Bool) -> (Int, Int)? {
      guard case .stageEnd(let stage) = graph.nodes[node], let value = graph.stages[stage].duration, !value.toBeDecided else { return nil }
      return (graph.stages[stage].startNode, worst ? value.maximum : value.minimum)
    }
    // Own limits, then those of every enclosing stage.
    func ownWindow(_ node: Int) -> (Window?, Int?) {
      switch graph.nodes[node] {
      case .step(let index): (graph.steps[index].window, graph.steps[index].deadline)
      case .gate(let index): (graph.gates[index].window, graph.gates[index].deadline)
      default: (nil, nil)
      }
    }
    var ownOpening = [Int?](repeating: nil, count: count)
    var opening = [Int?](repeating: nil, count: count)
    var closing = [Int?](repeating: nil, count: count)
    for node in 0..<count {
      var open: Int?
      var close: Int?
      let (window, deadline) = ownWindow(node)
      var stagesToApply: [Int] = []
      switch graph.nodes[node] {
      case .stageStart(let stage):
        ownOpening[node] = graph.stages[stage].window?.start
        stagesToApply = containers(node)
        for stage in stagesToApply { if let start = graph.stages[stage].window?.start { open = max(open ?? start, start) } }
        opening[node] = open
        continue
      case .stageEnd:
        for stage in containers(node) {
          for value in [graph.stages[stage].window?.end, graph.stages[stage].deadline].compactMap({ $0 }) { close = min(close ?? value, value) }
        }
        closing[node] = close
        continue
      default:
        ownOpening[node] = window?.start
        if let start = window?.start { open = start }
        for value in [window?.end, deadline].compactMap({ $0 }) { close = min(close ?? value, value) }
        for stage in containers(node) {
          if let start = graph.stages[stage].window?.start { open = max(open ?? start, start) }
          for value in [graph.stages[stage].window?.end, graph.stages[stage].deadline].compactMap({ $0 }) { close = min(close ?? value, value) }
        }
      }
      opening[node] = open
      closing[node] = close
    }
    // Where the unanchored block puts each node, and how late the block can start.
    var offset = [Int](repeating: 0, count: count)
    for node in order {
      for previous in predecessors[node] { offset[node] = max(offset[node], offset[previous] + length(previous, worst: true)) }
      if let (start, value) = stageLength(node, worst: true) { offset[node] = max(offset[node], offset[start] + value) }
    }
    var blockStart: Int?
    for node in order {
      if let open = ownOpening[node] { blockStart = min(blockStart ?? Int.max, open - offset[node]) }
      if let close = closing[node] { blockStart = min(blockStart ?? Int.max, close - offset[node] - length(node, worst: true)) }
    }
    let origin = blockStart ?? 0
    func forward(worst: Bool) -> ([Int], [Int]) {
      var start = [Int](repeating: origin, count: count)
      var finish = [Int](repeating: origin, count: count)
      for node in order {
        var value = origin
        for previous in predecessors[node] { value = max(value, finish[previous]) }
        if let (stageStart, length) = stageLength(node, worst: worst) { value = max(value, start[stageStart] + length) }
        if let open = opening[node] { value = max(value, open) }
        start[node] = value
        finish[node] = value + length(node, worst: worst)
      }
      return (start, finish)
    }
    (startWorst, finishWorst) = forward(worst: true)
    (startBest, finishBest) = forward(worst: false)
    let rootEnd = graph.stages[0].endNode
    let end = finishWorst[rootEnd]
    latestStart = [Int](repeating: end, count: count)
    latestFinish = [Int](repeating: end, count: count)
    for node in order.reversed() {
      var value = end
      for next in successors[node] { value = min(value, latestStart[next]) }
      if case .stageStart(let stage) = graph.nodes[node], let duration = graph.stages[stage].duration, !duration.toBeDecided {
        value = min(value, latestStart[graph.stages[stage].endNode] - duration.maximum)
      }
      if let close = closing[node] { value = min(value, close) }
      latestFinish[node] = value
      latestStart[node] = value - length(node, worst: true)
    }
    late = order.contains { node in closing[node].map { finishWorst[node] > $0 } ?? false }

    // Stage spans over what the flow reaches from the runbook's start along written edges: the
    // end of a stage that a gate jumps out of is not part of the work's time.
    var reached = [Bool](repeating: false, count: count)
    var stack = [graph.stages[0].startNode]
    reached[stack[0]] = true
    while let node = stack.popLast() {
      for next in written[node] where !reached[next] {
        reached[next] = true
        stack.append(next)
      }
    }
    for node in order where reached[node] {
      for stage in containers(node) {
        spanStart[stage] = min(spanStart[stage] ?? Int.max, startWorst[node])
        spanFinish[stage] = max(spanFinish[stage] ?? Int.min, finishWorst[node])
      }
    }
  }
}

/// Writes random runbooks that compile without structural errors: references point back in the
/// written order, gates jump forward to the next stage's first step.
private struct RunbookGenerator {
  var random: SplitMix
  var text = ""
  var steps: [String] = []
  var counter = 0
  var depthLimit = 3

  init(seed: UInt64) { random = SplitMix(state: seed) }

  mutating func time() -> Int { (random.below(97) - 48) * 60 + (random.chance(30) ? 30 : 0) }

  mutating func hm(_ minutes: Int) -> String {
    let sign = minutes < 0 ? "-" : "+"
    let value = abs(minutes)
    if value == 0 { return "T" }
    return "T" + sign + (value >= 60 ? "\(value / 60)h" : "") + (value % 60 > 0 ? "\(value % 60)m" : "")
  }

  mutating func duration() -> String? {
    let roll = random.below(100)
    if roll < 20 { return nil }
    if roll < 28 { return "tbd" }
    let low = (random.below(20) + 1) * 15
    if roll < 70 { return "\(low)m" }
    let high = low + (random.below(12) + 1) * 15
    return "\(low)m..\(high)m" + (random.chance(20) ? "?" : "")
  }

  mutating func window(indent: String) -> String {
    let start = time()
    let end = start + (random.below(20) + 1) * 60
    return "\(indent)window \(hm(start))..\(hm(end))\n"
  }

  mutating func step(indent: String) -> String {
    counter += 1
    let id = "s\(counter)"
    var line = "\(indent)step \(id) \"Step \(counter)\""
    if let value = duration() { line += " duration \(value)" }
    if !steps.isEmpty && random.chance(25) {
      let count = random.below(2) + 1
      var targets: [String] = []
      for _ in 0..<count {
        let target = steps[random.below(steps.count)]
        if !targets.contains(target) { targets.append(target) }
      }
      line += " after " + targets.joined(separator: ", ")
    }
    var block = ""
    if random.chance(10) { block += window(indent: indent + "  ") }
    if random.chance(8) { block += "\(indent)  deadline \(hm(time()))\n" }
    steps.append(id)
    if block.isEmpty { return line + "\n" }
    return line + " {\n" + block + "\(indent)}\n"
  }

  mutating func stage(indent: String, depth: Int, name: String) -> String {
    let parallel = random.chance(35)
    var out = "\(indent)stage \(name) \"Stage \(name)\"\(parallel ? " parallel" : "") owner ops {\n"
    if random.chance(30) { out += window(indent: indent + "  ") }
    if random.chance(10) { out += "\(indent)  deadline \(hm(time()))\n" }
    if random.chance(12) { out += "\(indent)  duration \((random.below(8) + 1) * 30)m\n" }
    let items = random.below(4) + 1
    for item in 0..<items {
      if depth < depthLimit && random.chance(30) {
        out += stage(indent: indent + "  ", depth: depth + 1, name: "\(name)_\(item)")
      } else {
        out += step(indent: indent + "  ")
      }
    }
    return out + "\(indent)}\n"
  }

  /// A runbook of a few top-level stages; some end with a gate whose `go` leads to the next
  /// stage's first step (written after it, so the gate knows its id).
  mutating func runbook() -> String {
    var out = "runbook \"Generated\" {\n  anchor T \"Go\"\n  role ops \"Ops\"\n"
    let stages = random.below(4) + 2
    var pendingGate: (text: String, stage: Int)?
    var bodies: [String] = []
    for index in 0..<stages {
      let firstStep = counter + 1
      var body = stage(indent: "  ", depth: 1, name: "st\(index)")
      if let gate = pendingGate, gate.stage == index - 1 {
        // Put the gate at the end of the previous stage, jumping to this stage's first step if
        // that stage starts with a step of its own.
        // (A parallel stage is entered only from its start, which the jump would leave unreached.)
        let sequential = !(body.split(separator: "\n").first ?? "").contains(" parallel ")
        if sequential && body.contains("\n    step s\(firstStep) ") {
          let gateText = gate.text.replacingOccurrences(of: "GO", with: "go -> s\(firstStep)")
          bodies[index - 1] = String(bodies[index - 1].dropLast(4)) + gateText + "  }\n"
        }
      }
      pendingGate = nil
      if random.chance(30) {
        counter += 1
        let gateID = "g\(counter)"
        let length = random.chance(40) ? " duration \((random.below(4) + 1) * 15)m" : ""
        pendingGate = ("    gate \(gateID) \"Gate\"\(length) {\n      decided_by ops\n      criterion \"ok\"\n      GO\n      no_go -> stop\n    }\n", index)
      }
      bodies.append(body)
      body = ""
    }
    out += bodies.joined()
    return out + "}\n"
  }
}

final class ReferenceSchedulerTests: XCTestCase {
  func testTheScheduleAgreesWithAReferenceOnGeneratedRunbooks() throws {
    var withWindows = 0
    var withJumps = 0
    var late = 0
    for seed in 1...600 {
      var generator = RunbookGenerator(seed: UInt64(seed))
      let text = generator.runbook()
      let compilation = compile(text)
      let structural = compilation.diagnostics.filter { $0.severity == .error && $0.code != .windowCannotHold }
      XCTAssertEqual(structural.map { "\($0.code.rawValue) \($0.message)" }, [], "seed \(seed)\n\(text)")
      guard structural.isEmpty, let graph = compilation.graph else { continue }
      if text.contains("window") { withWindows += 1 }
      if text.contains("go -> ") { withJumps += 1 }
      let schedule = Schedule.compute(graph)
      let reference = ReferenceSchedule(graph)
      XCTAssertEqual(Set(schedule.order), Set(reference.order), "seed \(seed)")
      for node in reference.order {
        let mine = [
          schedule.startWorst[node], schedule.finishWorst[node], schedule.startBest[node], schedule.finishBest[node],
          schedule.latestStart[node], schedule.latestFinish[node],
        ]
        let theirs = [
          reference.startWorst[node], reference.finishWorst[node], reference.startBest[node], reference.finishBest[node],
          reference.latestStart[node], reference.latestFinish[node],
        ]
        if mine != theirs {
          XCTFail("seed \(seed), \(graph.describe(node)): \(mine) ≠ reference \(theirs)\n\(text)")
          break
        }
        let slack = reference.latestStart[node] - reference.startWorst[node]
        XCTAssertEqual(schedule.slack[node], slack, "seed \(seed) \(graph.describe(node))")
        XCTAssertEqual(schedule.critical[node], slack <= 0, "seed \(seed) \(graph.describe(node))")
      }
      for stage in graph.stages.indices where reference.spanStart[stage] != nil && stage != 0 {
        XCTAssertEqual(
          [schedule.stageStart[stage], schedule.stageFinish[stage]],
          [reference.spanStart[stage]!, reference.spanFinish[stage]!], "seed \(seed) stage \(graph.stages[stage].key)\n\(text)")
      }
      // The checker and the schedule agree about windows that cannot hold.
      let reported = compilation.diagnostics.contains { $0.code == .windowCannotHold }
      XCTAssertEqual(reported, reference.late, "seed \(seed)\n\(text)")
      if reference.late { late += 1 }
      checkChains(schedule, graph, seed: seed)
    }
    // The generator must exercise what it is for.
    XCTAssertGreaterThan(withWindows, 500)
    XCTAssertGreaterThan(withJumps, 100)
    XCTAssertGreaterThan(late, 50)
  }

  /// Each chain is a path of critical work, each item starting when the one before finishes and
  /// reachable from it through stage boundaries only; every critical item is on exactly one chain.
  private func checkChains(_ schedule: Schedule, _ graph: RunbookGraph, seed: Int) {
    var successors = [[Int]](repeating: [], count: graph.nodes.count)
    for edge in graph.edges where edge.origin != .noGo { successors[edge.from].append(edge.to) }
    for stage in graph.stages { successors[stage.startNode].append(stage.endNode) }
    func directlyAfter(_ from: Int, _ to: Int) -> Bool {
      var stack = successors[from]
      var seen = Set(stack)
      while let node = stack.popLast() {
        if node == to { return true }
        if graph.isWork(node) { continue }
        for next in successors[node] where seen.insert(next).inserted { stack.append(next) }
      }
      return false
    }
    var seen: [Int: Int] = [:]
    for chain in schedule.criticalChains {
      for node in chain.nodes {
        XCTAssertTrue(schedule.critical[node], "seed \(seed)")
        seen[node, default: 0] += 1
      }
      for (a, b) in zip(chain.nodes, chain.nodes.dropFirst()) {
        XCTAssertEqual(schedule.finishWorst[a], schedule.startWorst[b], "seed \(seed)")
        XCTAssertTrue(directlyAfter(a, b), "seed \(seed): \(graph.describe(a)) → \(graph.describe(b)) is no dependency")
      }
      if case .after(let node) = chain.start {
        XCTAssertEqual(schedule.finishWorst[node], schedule.startWorst[chain.nodes[0]], "seed \(seed)")
      }
      if case .stageDuration(let stage) = chain.start {
        let length = graph.stages[stage].duration?.maximum ?? 0
        XCTAssertEqual(schedule.startWorst[graph.stages[stage].startNode] + length, schedule.startWorst[chain.nodes[0]], "seed \(seed)")
      }
      if case .window = chain.start {
        XCTAssertEqual(chain.opening, schedule.startWorst[chain.nodes[0]], "seed \(seed)")
      }
    }
    for node in schedule.order where graph.isWork(node) && schedule.critical[node] {
      XCTAssertEqual(seen[node], 1, "seed \(seed): \(graph.describe(node)) is on \(seen[node] ?? 0) chains")
    }
  }
}
