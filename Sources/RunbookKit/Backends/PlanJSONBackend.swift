// The plan as JSON for machines, described by Grammar/plan.schema.json: every scheduled step,
// gate and sign-off with its best- and worst-case times, latest times, slack, group and critical
// mark; the critical path; lanes; hand-offs; gates with their branches; rollbacks; warnings and
// diagnostics. Times are minutes from the anchor (or from the start when there is none).

/// Renders a plan as JSON.
public enum PlanJSONBackend {
  /// The schema identifier written into every plan. (Version 2: a rollback entered by several
  /// gates lists its steps once, at its first run; a later run names that run's gate.)
  public static let schema = "runbook-plan/2"

  public static func render(_ plan: Plan, source: SourceFile, sourceName: String) -> String {
    renderBytes(plan, source: source, sourceName: sourceName).text
  }

  /// The same document as UTF-8 bytes, in the buffer it was written into.
  public static func renderBytes(_ plan: Plan, source: SourceFile, sourceName: String) -> RenderedDocument {
    document(plan, source: source, sourceName: sourceName, streamingTo: nil)
  }

  /// The same document, handed to `destination` a buffer's worth at a time as it is written.
  public static func write(_ plan: Plan, source: SourceFile, sourceName: String, to destination: DocumentDestination) {
    document(plan, source: source, sourceName: sourceName, streamingTo: destination).handOver(to: destination)
  }

  /// The document, in memory or streamed (then what is left after the last full buffer).
  private static func document(_ plan: Plan, source: SourceFile, sourceName: String, streamingTo destination: DocumentDestination?) -> RenderedDocument {
    // About 530 bytes for each item of work and 2.8 for each byte of the source (fitted to the
    // benchmark's two shapes of runbook), reserved with a fifth to spare so that it does not grow.
    // Room reserved and never written costs no memory.
    var writer = JSONWriter(capacity: plan.work.count * 640 + source.bytes.count * 7 / 2 + 4096, streamingTo: destination)
    PlanEncoder(plan: plan, source: source).document(into: &writer, sourceName: sourceName)
    return writer.finishDocument()
  }
}

private struct PlanEncoder {
  let plan: Plan
  let source: SourceFile
  var graph: RunbookGraph { plan.graph }
  var schedule: Schedule { plan.schedule }
  /// With a dated anchor, each item's worst-case start and finish as clock times too.
  let clock: Clock?

  init(plan: Plan, source: SourceFile) {
    self.plan = plan
    self.source = source
    clock = plan.graph.anchorTime.map(Clock.init)
  }

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

  func pair(_ name: StaticString, _ best: Int, _ worst: Int, _ w: inout JSONWriter) {
    w.object(name) { w in
      w.field("best", best)
      w.field("worst", worst)
    }
  }

  func roles(_ name: StaticString, _ node: Int, _ w: inout JSONWriter) {
    w.array(name) { w in
      for role in graph.owners(of: node)?.roles ?? [] { w.string(graph.roles[role].id) }
    }
  }

  func diagnostic(_ diagnostic: Diagnostic, _ w: inout JSONWriter) {
    let start = source.lineColumn(of: diagnostic.range.start)
    w.object { w in
      w.field("code", code: diagnostic.code.rawValue)
      w.field("severity", code: diagnostic.severity.rawValue)
      w.field("message", diagnostic.message)
      w.field("line", start.line)
      w.field("column", start.column)
    }
  }

  func document(into w: inout JSONWriter, sourceName: String) {
    let noReturn = Set(schedule.pointsOfNoReturn)
    w.object { w in
      w.documentHead(schema: PlanJSONBackend.schema, sourceName: sourceName, source: source)
      w.field("title", graph.title)
      w.anchor(graph)
      w.field("anchored", schedule.anchored)
      w.field("start", schedule.start)
      pair("end", schedule.endBest, schedule.endWorst, &w)
      pair("total", schedule.endBest - schedule.start, schedule.endWorst - schedule.start, &w)
      w.array("items") { w in for node in plan.work { item(node, noReturn.contains(node), &w) } }
      w.field("unscheduled", strings: schedule.unscheduled.filter { graph.isWork($0) }.map(id))
      w.field("critical_path", strings: plan.criticalPath.map(id))
      w.array("critical_chains") { w in
        for chain in schedule.criticalChains {
          w.object { w in
            switch chain.start {
            case .start: w.field("starts", "start")
            case .window:
              w.field("starts", "window")
              w.field("opening", chain.opening ?? 0)
            case .after(let node):
              w.field("starts", "after")
              w.field("after", id(node))
            case .stageDuration(let stage):
              w.field("starts", "stage_duration")
              w.field("stage", graph.stages[stage].key)
            }
            w.field("items", strings: chain.nodes.map(id))
          }
        }
      }
      w.array("lanes") { w in
        for lane in plan.lanes {
          w.object { w in
            w.field("role", graph.roles[lane.role].id)
            w.field("name", graph.roles[lane.role].name)
            w.field("items", strings: lane.nodes.map(id))
          }
        }
      }
      w.array("handoffs") { w in
        for handoff in plan.handoffs {
          w.object { w in
            w.field("from", id(handoff.from))
            w.field("to", id(handoff.to))
            roles("from_roles", handoff.from, &w)
            roles("to_roles", handoff.to, &w)
          }
        }
      }
      w.array("gates") { w in for gate in graph.gates { self.gate(gate, &w) } }
      // The gate of each rollback's first run, to which its later runs refer.
      var firstGateOfRollback: [Int: Int] = [:]
      for run in schedule.rollbacks where !run.repeatsEarlierRun { firstGateOfRollback[run.rollback] = run.gate }
      w.array("rollbacks") { w in
        for run in schedule.rollbacks { rollback(run, listedAt: run.repeatsEarlierRun ? firstGateOfRollback[run.rollback] : nil, &w) }
      }
      w.field("steps_without_duration", strings: schedule.stepsWithoutDuration.map { graph.steps[$0].id })
      w.array("diagnostics") { w in for diagnostic in plan.diagnostics { self.diagnostic(diagnostic, &w) } }
    }
  }

  func item(_ node: Int, _ pastNoReturn: Bool, _ w: inout JSONWriter) {
    var number: Int?
    switch graph.nodes[node] {
    case .step(let index): number = graph.steps[index].number
    case .gate(let index): number = graph.gates[index].number
    default: number = nil
    }
    let stage = graph.stage(of: node)
    w.object { w in
      w.field("kind", kind(node))
      w.field("id", id(node))
      w.field("number", number)
      w.field("stage", stage == RunbookGraph.rootStage ? nil : graph.stages[stage].key)
      roles("owners", node, &w)
      w.field("mode", graph.owners(of: node)?.mode.rawValue)
      w.field("group", plan.group[node])
      pair("start", schedule.startBest[node], schedule.startWorst[node], &w)
      pair("finish", schedule.finishBest[node], schedule.finishWorst[node], &w)
      w.field("latest_start", schedule.latestStart[node])
      w.field("latest_finish", schedule.latestFinish[node])
      w.key("clock")
      if let clock {
        w.object { w in
          w.field("start", clock.iso(schedule.startWorst[node]))
          w.field("finish", clock.iso(schedule.finishWorst[node]))
        }
      } else {
        w.null()
      }
      w.field("slack", schedule.slack[node])
      w.field("critical", schedule.critical[node])
      w.field("point_of_no_return", pastNoReturn)
      w.array("diagnostics") { w in for diagnostic in plan.flags[node] ?? [] { self.diagnostic(diagnostic, &w) } }
    }
  }

  func gate(_ gate: Gate, _ w: inout JSONWriter) {
    w.object { w in
      w.field("id", gate.id)
      roles("deciders", gate.node, &w)
      w.field("criteria", strings: gate.criteria.map(\.text))
      w.field("no_go_if", strings: gate.noGoConditions.map(\.text))
      w.field("go", gate.go.map { id(graph.entryNode($0)) })
      w.key("no_go")
      switch gate.noGo {
      case .rollback(let rollback, _):
        w.object { w in
          w.field("kind", "rollback")
          w.field("rollback", graph.stages[rollback].key)
        }
      case .stop:
        w.object { w in w.field("kind", "stop") }
      case nil:
        w.null()
      }
    }
  }

  /// A rollback's run after one gate. A run whose steps are listed at an earlier run (`listedAt`,
  /// that run's gate) names it and lists none: a rollback entered by thousands of gates would
  /// otherwise list all its steps thousands of times.
  func rollback(_ run: RollbackRun, listedAt earlierGate: Int?, _ w: inout JSONWriter) {
    w.object { w in
      w.field("id", graph.stages[run.rollback].key)
      w.field("title", graph.stages[run.rollback].title)
      w.field("gate", graph.gates[run.gate].id)
      w.field("start", run.start)
      pair("length", run.lengthBest, run.lengthWorst, &w)
      w.field("bound", run.bound)
      w.key("fits")
      w.bool(run.fits)
      w.field("same_steps_as", earlierGate.map { graph.gates[$0].id })
      w.field("steps_without_duration", strings: earlierGate == nil ? run.withoutDuration.map(id) : [])
      w.array("steps") { w in
        guard earlierGate == nil else { return }
        for placed in run.nodes where graph.isWork(placed.node) {
          w.object { w in
            w.field("id", id(placed.node))
            w.field("start", placed.start)
            w.field("finish", placed.finish)
          }
        }
      }
    }
  }
}
