// The plan as a Mermaid gantt chart: a section per stage, each step a task at its worst-case
// time, `after` where a task starts exactly when one predecessor finishes, critical work tagged
// `crit`, gates (and steps without a duration) as milestones, rollbacks in sections of their
// own. Only syntax that GitHub's Mermaid has long rendered is used: `dateFormat`, `axisFormat`,
// minutes as the duration unit, one id per `after`.
//
// Mermaid places tasks on a calendar. With a dated anchor the chart uses the real local dates
// and times in the anchor's zone. Without one there are no dates to show: the tasks sit on a
// fixed stand-in calendar that the chart never prints (every axis label is a dot), and each
// section and task name carries its time from the anchor instead ("T-4h").

/// Renders a plan as a Mermaid gantt chart.
public enum MermaidBackend {
  /// The stand-in calendar of a chart without a dated anchor: the anchor is placed at
  /// 2000-01-01 00:00 UTC (946684800 seconds), far enough from 1970 that months of preparation
  /// before it stay positive. Never shown.
  static let anchorSeconds = 946_684_800

  public static func render(_ plan: Plan) -> String {
    let graph = plan.graph
    let schedule = plan.schedule
    let clock = graph.anchorTime.map(Clock.init)
    var lines = ["gantt", "  title \(text(graph.title))"]
    if clock != nil {
      lines += ["  dateFormat YYYY-MM-DD HH:mm", "  axisFormat %a %d %b %H:%M"]
    } else {
      lines += ["  dateFormat X", "  axisFormat ·"]
    }
    /// Where a task starts, in the chart's date format.
    func at(_ minutes: Int) -> String {
      clock?.plain(minutes) ?? String(anchorSeconds + minutes * 60)
    }
    /// A name with its time from the anchor, when the chart has no dates to show it.
    func named(_ name: String, _ minutes: Int) -> String {
      guard clock == nil else { return text(name) }
      return text(name) + " · " + time(minutes)
    }
    func time(_ minutes: Int) -> String { formatPlanTime(minutes, anchored: schedule.anchored, anchor: graph.anchorName) }
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
        let name = text(stage == RunbookGraph.rootStage ? graph.title : graph.stages[stage].title)
        lines.append("  section " + (clock == nil ? name + " · " + time(schedule.stageStart[stage]) + " to " + time(schedule.stageFinish[stage]) : name))
      }
      let length = schedule.finishWorst[node] - schedule.startWorst[node]
      var tags: [String] = []
      if schedule.critical[node] { tags.append("crit") }
      if length == 0 { tags.append("milestone") }
      tags.append("t\(node)")
      let start = directPredecessor(node).map { "after t\($0)" } ?? at(schedule.startWorst[node])
      lines.append("  \(named(title(graph, node), schedule.startWorst[node])) :\(tags.joined(separator: ", ")), \(start), \(length)m")
    }
    // A section per rollback, placed after the first gate entering it (its later runs are the
    // same steps, later: charted each, a rollback entered by many gates would repeat them all).
    for run in schedule.rollbacks where !run.repeatsEarlierRun {
      lines.append("  section " + text("Rollback: " + graph.stages[run.rollback].title + " (on no-go)"))
      for (node, start, finish) in run.nodes where graph.isWork(node) {
        let tags = (finish == start ? ["milestone"] : []) + ["t\(node)"]
        lines.append("  \(named(title(graph, node), start)) :\(tags.joined(separator: ", ")), \(at(start)), \(finish - start)m")
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

  /// Text safe in a task or section name, scalar by scalar (a combining mark after `:` must not
  /// hide it): no `:` (it starts the task's data), `;` or `#` (comments and entities), `%`
  /// (directives), no line breaks, controls or bidi controls, and not too long to read.
  static func text(_ value: String) -> String {
    var output = String.UnicodeScalarView()
    for scalar in value.unicodeScalars {
      switch scalar {
      case ":": output.append(contentsOf: " -".unicodeScalars)
      case ";": output.append(",")
      case "#": output.append(contentsOf: "no.".unicodeScalars)
      case "%": output.append(contentsOf: " percent".unicodeScalars)
      case "\n", "\r", "\t": output.append(" ")
      default:
        if isNeutralised(scalar.value) { continue }
        output.append(scalar)
      }
    }
    return clipped(String(output).trimmingSpaces, limit: 70)
  }
}
