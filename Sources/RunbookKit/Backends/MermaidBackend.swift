// The plan as a Mermaid gantt chart: a section per stage, each step a task at its worst-case
// time, `after` where a task starts exactly when one predecessor finishes, critical work tagged
// `crit`, gates (and steps without a duration) as milestones, rollbacks in sections of their
// own. Only syntax that GitHub's Mermaid has long rendered is used: `dateFormat X` (seconds),
// minutes as the duration unit, one id per `after`.

/// Renders a plan as a Mermaid gantt chart.
public enum MermaidBackend {
  /// Plans start at an arbitrary fixed date, since a runbook's times are relative: the anchor is
  /// placed at 2000-01-01 00:00 UTC (946684800 seconds), far enough from 1970 that months of
  /// preparation before it stay positive.
  static let anchorSeconds = 946_684_800

  public static func render(_ plan: Plan) -> String {
    let graph = plan.graph
    let schedule = plan.schedule
    var lines = ["gantt", "  title \(text(graph.title))", "  dateFormat X", "  axisFormat %b %d %H:%M"]
    var predecessors = [[Int]](repeating: [], count: graph.nodes.count)
    for edge in graph.edges where edge.origin != .noGo { predecessors[edge.to].append(edge.from) }

    /// The task a node waits for directly, when the node starts exactly at that task's finish.
    func directPredecessor(_ node: Int) -> Int? {
      var frontier = predecessors[node]
      var seen = Set(frontier)
      while let previous = frontier.popLast(), seen.count < 64 {
        if graph.isWork(previous) {
          if schedule.scheduled[previous] && schedule.finishWorst[previous] == schedule.startWorst[node] { return previous }
          continue
        }
        for further in predecessors[previous] where seen.insert(further).inserted { frontier.append(further) }
      }
      return nil
    }

    var section = -1
    for node in plan.work {
      let stage = graph.stage(of: node)
      if stage != section {
        section = stage
        lines.append("  section " + text(stage == RunbookGraph.rootStage ? graph.title : graph.stages[stage].title))
      }
      let length = schedule.finishWorst[node] - schedule.startWorst[node]
      var tags: [String] = []
      if schedule.critical[node] { tags.append("crit") }
      if length == 0 { tags.append("milestone") }
      tags.append("t\(node)")
      let start = directPredecessor(node).map { "after t\($0)" } ?? String(anchorSeconds + schedule.startWorst[node] * 60)
      lines.append("  \(text(title(graph, node))) :\(tags.joined(separator: ", ")), \(start), \(length)m")
    }
    for run in schedule.rollbacks {
      lines.append("  section " + text("Rollback: " + graph.stages[run.rollback].title + " (on no-go)"))
      for (node, start, finish) in run.nodes where graph.isWork(node) {
        let tags = (finish == start ? ["milestone"] : []) + ["t\(node)"]
        lines.append("  \(text(title(graph, node))) :\(tags.joined(separator: ", ")), \(anchorSeconds + start * 60), \(finish - start)m")
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private static func title(_ graph: RunbookGraph, _ node: Int) -> String {
    switch graph.nodes[node] {
    case .step(let index): "\(graph.steps[index].number). \(graph.steps[index].title)"
    case .gate(let index): "\(graph.gates[index].number). \(graph.gates[index].title)"
    case .signoff(let index): "Sign-off - \(graph.signoffs[index].title)"
    case .stageStart(let index), .stageEnd(let index): graph.stages[index].title
    }
  }

  /// Text safe in a task or section name: no `:` (it starts the task's data), `;` or `#`
  /// (comments and entities), no line breaks, and not too long to read.
  static func text(_ value: String) -> String {
    var output = ""
    for character in value {
      switch character {
      case ":": output += " -"
      case ";": output += ","
      case "#": output += "no."
      case "%": output += " percent"
      case "\n", "\r", "\r\n", "\t": output += " "
      default:
        if let scalar = character.unicodeScalars.first, scalar.value < 0x20 || isBidiControl(scalar.value) { continue }
        output.append(character)
      }
    }
    return clipped(output.trimmingSpaces, limit: 70)
  }
}
