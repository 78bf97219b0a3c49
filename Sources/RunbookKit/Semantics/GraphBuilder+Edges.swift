// The dependency edges: containers in written order, explicit `after` and `verifies`, and gate
// branches. A reference that points the wrong way (forward in a sequential stage, into a later
// stage, into or out of a rollback) is reported here and gets no edge, so that it is not
// reported a second time as a cycle.

extension GraphBuilder {
  mutating func makeEdges() {
    // A container adds an edge into and out of each item when parallel, one after each item
    // and one into the first when sequential.
    var containerEdges = 0
    for stage in graph.stages.indices { containerEdges += (graph.stages[stage].parallel ? 2 : 1) * graph.stages[stage].items.count + 1 }
    graph.edges.reserveCapacity(containerEdges + referenceEdges)
    for index in graph.stages.indices { linkContainer(index) }
    for index in graph.steps.indices {
      let declaration = stepDeclaration(index)
      linkAfter(declaration, item: .step(index))
      if let verified = graph.steps[index].verifies,
        let position = declaration.attributeIndex(.verifies), case .reference(let target) = declaration.attributes[position].value,
        dependencyAllowed(of: .step(index), on: .step(verified), range: target.range, keyword: "verifies")
      {
        addEdge(graph.steps[verified].node, graph.steps[index].node, .verifies, target.range)
      }
    }
    for index in graph.stages.indices {
      linkAfter(stageDeclarations[index], item: .stage(index))
    }
    for index in graph.gates.indices {
      linkAfter(gateDeclaration(index), item: .gate(index))
      linkOutcomes(index)
    }
  }

  mutating func addEdge(_ from: Int, _ to: Int, _ origin: EdgeOrigin, _ range: SourceRange?) {
    graph.edges.append(Edge(from: from, to: to, origin: origin, range: range))
  }

  /// Start → contents → end, in written order unless the stage is parallel. After a gate with a
  /// `go` outcome, the flow continues only where `go` leads: the gate's go edge replaces the
  /// edge to the next element.
  private mutating func linkContainer(_ index: Int) {
    let stage = graph.stages[index]
    if stage.parallel {
      for item in stage.items {
        addEdge(stage.startNode, graph.entryNode(item), .contains, nil)
        if !leadsElsewhere(item) { addEdge(graph.exitNode(item), stage.endNode, .contains, nil) }
      }
      if stage.items.isEmpty { addEdge(stage.startNode, stage.endNode, .contains, nil) }
      return
    }
    var previous: Item?
    for item in stage.items {
      if let previous {
        if !leadsElsewhere(previous) {
          let origin: EdgeOrigin = isStage(previous) || isStage(item) ? .stageOrder : .sequence
          addEdge(graph.exitNode(previous), graph.entryNode(item), origin, nil)
        }
      } else {
        addEdge(stage.startNode, graph.entryNode(item), .contains, nil)
      }
      previous = item
    }
    if let previous {
      if !leadsElsewhere(previous) { addEdge(graph.exitNode(previous), stage.endNode, .contains, nil) }
    } else {
      addEdge(stage.startNode, stage.endNode, .contains, nil)
    }
  }

  private func isStage(_ item: Item) -> Bool {
    if case .stage = item { return true }
    return false
  }

  /// A gate whose `go` names where the flow continues.
  private func leadsElsewhere(_ item: Item) -> Bool {
    if case .gate(let index) = item { return graph.gates[index].go != nil }
    return false
  }

  private mutating func linkAfter(_ declaration: Declaration, item: Item) {
    // By position: a copy of each attribute, to find the few that are `after`, was most of this.
    for position in declaration.attributes.indices where declaration.attributes[position].keyword == .after {
      guard case .references(let targets) = declaration.attributes[position].value else { continue }
      for target in targets {
        guard let dependency = resolveItem(target, expecting: "the work this must come after") else { continue }
        if dependencyAllowed(of: item, on: dependency, range: target.range, keyword: "after") {
          addEdge(graph.exitNode(dependency), graph.entryNode(item), .after, target.range)
        }
      }
    }
  }

  private mutating func linkOutcomes(_ index: Int) {
    let gate = graph.gates[index]
    let declaration = gateDeclaration(index)
    if let go = gate.go, let position = declaration.attributeIndex(.go), case .reference(let target) = declaration.attributes[position].value {
      if region(of: go) != region(of: .gate(index)) {
        report(
          .rollbackRejoinsFlow,
          region(of: go) == nil
            ? "the go branch of a gate inside a rollback cannot lead back into the normal flow"
            : "the go branch cannot lead into a rollback",
          at: target.range,
          help: "a rollback is entered only through a gate's `no_go`, and its steps stay inside it")
        // Keep the flow going as written so that the rest of the runbook is still checked.
        graph.gates[index].go = nil
        linkFallThrough(index)
      } else {
        addEdge(gate.node, graph.entryNode(go), .go, target.range)
      }
    }
    if case .rollback(let rollback, _) = gate.noGo, let position = declaration.attributeIndex(.noGo), case .noGo(let target, _) = declaration.attributes[position].value {
      addEdge(gate.node, graph.stages[rollback].startNode, .noGo, target.range)
    }
  }

  /// Restores the written-order edge after a gate whose go branch was rejected.
  private mutating func linkFallThrough(_ gateIndex: Int) {
    let stage = graph.stages[graph.gates[gateIndex].stage]
    guard let position = positions[.gate(gateIndex)] else { return }
    let next = position + 1 < stage.items.count && !stage.parallel
      ? graph.entryNode(stage.items[position + 1]) : stage.endNode
    addEdge(graph.gates[gateIndex].node, next, .sequence, nil)
  }

  // MARK: - Direction of references

  /// The rollback an item belongs to, or nil for the normal flow.
  func region(of item: Item) -> Int? {
    var stage = container(of: item)
    while let parent = graph.stages[stage].parent { stage = parent }
    return graph.stages[stage].kind == .rollback ? stage : nil
  }

  /// The container an item is written in.
  func container(of item: Item) -> Int {
    switch item {
    case .step(let index): graph.steps[index].stage
    case .gate(let index): graph.gates[index].stage
    case .signoff(let index): graph.signoffs[index].stage
    case .stage(let index): graph.stages[index].parent ?? index
    }
  }

  /// The chain from an item up to its outermost container: each container with the position in
  /// it of the branch that holds the item.
  func ancestry(of item: Item) -> [(stage: Int, position: Int)] {
    var chain: [(stage: Int, position: Int)] = []
    var current = item
    while let link = link(above: current) {
      chain.append(link)
      current = .stage(link.stage)
    }
    return chain
  }

  /// The container an item is in, with its position there; nil for an outermost stage (the
  /// runbook itself, or a rollback).
  func link(above item: Item) -> (stage: Int, position: Int)? {
    if case .stage(let index) = item, graph.stages[index].parent == nil { return nil }
    return (container(of: item), positions[item] ?? 0)
  }

  /// Whether `item` is inside stage `stage`, at any depth.
  func isInside(_ item: Item, stage: Int) -> Bool {
    var current = item
    while let link = link(above: current) {
      if link.stage == stage { return true }
      current = .stage(link.stage)
    }
    return false
  }

  /// The innermost container holding both items, and the position in it of the branch that
  /// holds each; nil when no container holds both. Found by walking up from the deeper of the
  /// two, so that no chain is built.
  func commonContainer(of first: Item, and second: Item) -> (stage: Int, first: Int, second: Int)? {
    guard var a = link(above: first), var b = link(above: second) else { return nil }
    while a.stage != b.stage {
      let depthA = graph.stages[a.stage].depth
      let depthB = graph.stages[b.stage].depth
      if depthA >= depthB {
        guard let up = link(above: .stage(a.stage)) else { return nil }
        a = up
      }
      if depthB >= depthA {
        guard let up = link(above: .stage(b.stage)) else { return nil }
        b = up
      }
    }
    return (a.stage, a.position, b.position)
  }

  /// Whether `item` may depend on `dependency`; reports and returns false when the dependency
  /// points the wrong way.
  mutating func dependencyAllowed(of item: Item, on dependency: Item, range: SourceRange, keyword: String) -> Bool {
    switch verdict(on: item, after: dependency, keyword: keyword) {
    case .allowed:
      return true
    case .noEdge:
      return false
    case .refused(let problem):
      report(problem.code, problem.message, at: range, notes: problem.notes, help: problem.help)
      return false
    }
  }

  /// Whether `item` may depend on `dependency`, decided without changing the builder: a method
  /// that changes it copies the whole builder for each call of a method that does not, and most
  /// references are allowed.
  private func verdict(on item: Item, after dependency: Item, keyword: String) -> DependencyVerdict {
    // The common reference: to earlier work of the same stage (or any work of a parallel one),
    // neither item a stage. Nothing to report, and no chains to build.
    if !isStage(item), !isStage(dependency), item != dependency, container(of: item) == container(of: dependency),
      let itemPosition = positions[item], let dependencyPosition = positions[dependency]
    {
      let stage = container(of: item)
      if graph.stages[stage].parallel || dependencyPosition < itemPosition { return .allowed }
    }
    let itemRegion = region(of: item)
    let dependencyRegion = region(of: dependency)
    // Made only for a message: most references are allowed.
    var itemName: String { describeItem(item) }
    var dependencyName: String { describeItem(dependency) }
    if itemRegion != dependencyRegion {
      // A rollback may name work of the normal flow it relies on (the backup it restores); the
      // gate that enters it already comes later, so no edge is needed.
      guard let dependencyRegion else { return .noEdge }
      return .refused(DependencyProblem(
        .rollbackRejoinsFlow,
        "\(itemName) depends on \(dependencyName), which is part of rollback `\(graph.stages[dependencyRegion].id ?? "")`",
        help: "work in a rollback runs only after a no-go decision; the normal flow cannot wait for it"))
    }
    if item == dependency {
      return .refused(DependencyProblem(.dependencyCycle, "\(itemName) cannot come after itself", help: "remove this reference"))
    }
    // Containment: a stage and something inside it.
    if case .stage(let stage) = dependency, isInside(item, stage: stage) {
      return .refused(DependencyProblem(
        .dependencyCycle, "\(itemName) is inside \(dependencyName), so it cannot come after it",
        help: "a stage ends after everything in it; name a step of the stage instead"))
    }
    if case .stage(let stage) = item, isInside(dependency, stage: stage) {
      return .refused(DependencyProblem(
        .dependencyCycle, "\(dependencyName) is inside \(itemName), which cannot start after it",
        help: "a stage starts before everything in it; remove this reference"))
    }
    // The innermost container holding both, and which branch of it holds each.
    guard let common = commonContainer(of: item, and: dependency) else { return .allowed }
    let shared = graph.stages[common.stage]
    guard !shared.parallel && common.second > common.first else { return .allowed }
    let sameStage = container(of: item) == common.stage && container(of: dependency) == common.stage
      && shared.kind == .stage
    if sameStage {
      return .refused(DependencyProblem(
        .forwardAfter,
        "\(itemName) comes after \(dependencyName) (`\(keyword)`), but is written before it in a sequential stage",
        help: "move \(itemName) below \(dependencyName), or mark stage `\(shared.id ?? clipped(shared.title))` `parallel` if its steps have no fixed order"))
    }
    return .refused(DependencyProblem(
      .dependsOnLaterStage,
      "\(itemName) comes after \(dependencyName) (`\(keyword)`), which is in a later stage",
      notes: [DiagnosticNote("\(dependencyName) is declared here", at: rangeOf(dependency))],
      help: "stages run in the order written: move the work, or reorder the stages"))
  }

  func describeItem(_ item: Item) -> String {
    switch item {
    case .step(let index): "step " + graph.describe(graph.steps[index].node)
    case .stage(let index): graph.describe(graph.stages[index].startNode)
    case .gate(let index): graph.describe(graph.gates[index].node)
    case .signoff(let index): graph.describe(graph.signoffs[index].node)
    }
  }

  func rangeOf(_ item: Item) -> SourceRange {
    switch item {
    case .step(let index): graph.steps[index].range
    case .stage(let index): graph.stages[index].range
    case .gate(let index): graph.gates[index].range
    case .signoff(let index): graph.signoffs[index].range
    }
  }
}

/// What becomes of a reference between work (`after`, `verifies`).
enum DependencyVerdict {
  /// An edge is made.
  case allowed
  /// No edge, and nothing to report: a rollback naming work of the normal flow it relies on.
  case noEdge
  /// It points the wrong way: reported, and no edge. (Boxed: held inline, the problem made
  /// every verdict, most of them `allowed`, a copy of 76 bytes.)
  indirect case refused(DependencyProblem)
}

/// A reference between work that points the wrong way, as it is reported (at the reference).
struct DependencyProblem {
  var code: DiagnosticCode
  var message: String
  var notes: [DiagnosticNote] = []
  var help: String

  init(_ code: DiagnosticCode, _ message: String, notes: [DiagnosticNote] = [], help: String) {
    self.code = code
    self.message = message
    self.notes = notes
    self.help = help
  }
}
