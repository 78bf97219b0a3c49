// The plan as JSON for machines, described by Grammar/plan.schema.json: every scheduled step,
// gate and sign-off with its best- and worst-case times, latest times, slack, group and critical
// mark; the critical path; lanes; hand-offs; gates with their branches; rollbacks; warnings and
// diagnostics. Times are minutes from the anchor (or from the start when there is none).

/// Renders a plan as JSON.
public enum PlanJSONBackend {
  /// The schema identifier written into every plan.
  public static let schema = "runbook-plan/1"

  public static func render(_ plan: Plan, source: SourceFile, sourceName: String) -> String {
    let graph = plan.graph
    let schedule = plan.schedule
    func id(_ node: Int) -> String {
      switch graph.nodes[node] {
      case .step(let index): graph.steps[index].id
      case .gate(let index): graph.gates[index].id
      case .signoff(let index): graph.signoffs[index].key
      case .stageStart(let index), .stageEnd(let index): graph.stages[index].key
      }
    }
    func kind(_ node: Int) -> String {
      switch graph.nodes[node] {
      case .step: "step"
      case .gate: "gate"
      case .signoff: "signoff"
      default: "stage"
      }
    }
    func pair(_ best: Int, _ worst: Int) -> JSONValue { .object([("best", .int(best)), ("worst", .int(worst))]) }
    func roles(_ node: Int) -> JSONValue { .array((graph.owners(of: node)?.roles ?? []).map { .string(graph.roles[$0].id) }) }
    func diagnostic(_ diagnostic: Diagnostic) -> JSONValue {
      let start = source.lineColumn(of: diagnostic.range.start)
      return .object([
        ("code", .string(diagnostic.code.rawValue)), ("severity", .string(diagnostic.severity.rawValue)),
        ("message", .string(diagnostic.message)), ("line", .int(start.line)), ("column", .int(start.column)),
      ])
    }
    let noReturn = Set(schedule.pointsOfNoReturn)
    let items: [JSONValue] = plan.work.map { node in
      let number: Int? = {
        switch graph.nodes[node] {
        case .step(let index): graph.steps[index].number
        case .gate(let index): graph.gates[index].number
        default: nil
        }
      }()
      return .object([
        ("kind", .string(kind(node))),
        ("id", .string(id(node))),
        ("number", .int(number)),
        ("stage", graph.stage(of: node) == RunbookGraph.rootStage ? .null : .string(graph.stages[graph.stage(of: node)].key)),
        ("owners", roles(node)),
        ("mode", .string(graph.owners(of: node)?.mode.rawValue)),
        ("group", .int(plan.group[node] ?? 0)),
        ("start", pair(schedule.startBest[node], schedule.startWorst[node])),
        ("finish", pair(schedule.finishBest[node], schedule.finishWorst[node])),
        ("latest_start", .int(schedule.latestStart[node])),
        ("latest_finish", .int(schedule.latestFinish[node])),
        ("slack", .int(schedule.slack[node])),
        ("critical", .bool(schedule.critical[node])),
        ("point_of_no_return", .bool(noReturn.contains(node))),
        ("diagnostics", .array((plan.flags[node] ?? []).map(diagnostic))),
      ])
    }
    let gates: [JSONValue] = graph.gates.enumerated().map { index, gate in
      var noGo: JSONValue = .null
      switch gate.noGo {
      case .rollback(let rollback, _):
        noGo = .object([("kind", .string("rollback")), ("rollback", .string(graph.stages[rollback].key))])
      case .stop:
        noGo = .object([("kind", .string("stop"))])
      case nil:
        break
      }
      return .object([
        ("id", .string(gate.id)),
        ("deciders", roles(gate.node)),
        ("criteria", .array(gate.criteria.map { .string($0.text) })),
        ("no_go_if", .array(gate.noGoConditions.map { .string($0.text) })),
        ("go", gate.go.map { .string(id(graph.entryNode($0))) } ?? .null),
        ("no_go", noGo),
      ])
    }
    let rollbacks: [JSONValue] = schedule.rollbacks.map { run in
      .object([
        ("id", .string(graph.stages[run.rollback].key)),
        ("title", .string(graph.stages[run.rollback].title)),
        ("gate", .string(graph.gates[run.gate].id)),
        ("start", .int(run.start)),
        ("length", pair(run.lengthBest, run.lengthWorst)),
        ("bound", .int(run.bound)),
        ("fits", run.bound.map { .bool(run.lengthWorst <= $0) } ?? .null),
        ("steps", .array(run.nodes.filter { PlanShape.isWork(graph, $0.node) }.map {
          .object([("id", .string(id($0.node))), ("start", .int($0.start)), ("finish", .int($0.finish))])
        })),
      ])
    }
    let document: JSONValue = .object([
      ("schema", .string(schema)),
      ("compiler", .object([("name", .string("runbook")), ("version", .string(RunbookInfo.version))])),
      ("source", .object([("name", .string(sourceName)), ("sha256", .string(sha256Hex(source.bytes)))])),
      ("title", .string(graph.title)),
      ("anchor", graph.anchorName.map { .object([("name", .string($0)), ("description", .string(graph.anchorDescription ?? ""))]) } ?? .null),
      ("anchored", .bool(schedule.anchored)),
      ("start", .int(schedule.start)),
      ("end", pair(schedule.endBest, schedule.endWorst)),
      ("total", pair(schedule.endBest - schedule.start, schedule.endWorst - schedule.start)),
      ("items", .array(items)),
      ("unscheduled", .array(schedule.unscheduled.filter { PlanShape.isWork(graph, $0) }.map { .string(id($0)) })),
      ("critical_path", .array(plan.criticalPath.map { .string(id($0)) })),
      ("lanes", .array(plan.lanes.map { lane in
        .object([("role", .string(graph.roles[lane.role].id)), ("name", .string(graph.roles[lane.role].name)), ("items", .array(lane.nodes.map { .string(id($0)) }))])
      })),
      ("handoffs", .array(plan.handoffs.map { handoff in
        .object([("from", .string(id(handoff.from))), ("to", .string(id(handoff.to))), ("from_roles", roles(handoff.from)), ("to_roles", roles(handoff.to))])
      })),
      ("gates", .array(gates)),
      ("rollbacks", .array(rollbacks)),
      ("steps_without_duration", .array(schedule.stepsWithoutDuration.map { .string(graph.steps[$0].id) })),
      ("diagnostics", .array(plan.diagnostics.map(diagnostic))),
    ])
    return document.serialized()
  }
}
