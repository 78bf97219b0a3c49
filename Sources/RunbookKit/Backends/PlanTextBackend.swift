// The plan as text for people, on a terminal or in a CI log: a summary, the problems, the work
// in order with aligned columns (start, finish, slack, group, step, owner) and the critical path
// marked, gates as branch points, then lanes per role, hand-offs, rollbacks and warnings. Times
// are in the runbook's own terms (T-4h, T+2h30m), or from the start (+2h) without an anchor.

/// Renders a plan as text.
public enum PlanTextBackend {
  public static func render(_ plan: Plan, sourceName: String) -> String {
    PlanText(plan: plan).render(sourceName: sourceName)
  }
}

private struct PlanText {
  let plan: Plan
  var graph: RunbookGraph { plan.graph }
  var schedule: Schedule { plan.schedule }
  /// Times already formatted: a plan prints the same few times many times over.
  private let times = TimeCache()
  /// Each node's number, clipped title and owners, made once: the table, the lanes and the
  /// hand-offs each print them again.
  private let numbers: [String]
  private let titles: [String]
  private let ownerNames: [String]

  init(plan: Plan) {
    self.plan = plan
    let graph = plan.graph
    var numbers = [String](repeating: "", count: graph.nodes.count)
    var titles = [String](repeating: "", count: graph.nodes.count)
    var ownerNames = [String](repeating: "—", count: graph.nodes.count)
    let roleNames = graph.roles.map { visible($0.name) }
    for node in graph.nodes.indices {
      switch graph.nodes[node] {
      case .step(let index):
        numbers[node] = String(graph.steps[index].number)
        titles[node] = clipped(visible(graph.steps[index].title), limit: 60)
      case .gate(let index):
        numbers[node] = String(graph.gates[index].number)
        titles[node] = clipped(visible(graph.gates[index].title) + " (gate)", limit: 60)
      case .signoff(let index):
        titles[node] = clipped("Sign-off: " + visible(graph.signoffs[index].title), limit: 60)
      case .stageStart(let index), .stageEnd(let index):
        titles[node] = clipped(visible(graph.stages[index].title), limit: 60)
      }
      if let owners = graph.owners(of: node) {
        ownerNames[node] = owners.roles.map { roleNames[$0] }.joined(separator: owners.mode == .all ? " + " : " / ")
      }
    }
    self.numbers = numbers
    self.titles = titles
    self.ownerNames = ownerNames
  }

  func time(_ minutes: Int) -> String {
    if let known = times.text[minutes] { return known }
    let text = schedule.anchored
      ? formatTime(minutes, anchor: graph.anchorName ?? "T")
      : (minutes == 0 ? "0m" : (minutes < 0 ? "-" : "+") + formatDuration(abs(minutes)))
    times.text[minutes] = text
    return text
  }

  func number(_ node: Int) -> String { numbers[node] }

  /// The title, clipped to the table's column.
  func title(_ node: Int) -> String { titles[node] }

  func owners(_ node: Int) -> String { ownerNames[node] }

  func label(_ node: Int) -> String {
    let number = numbers[node]
    return (number.isEmpty ? "" : number + " ") + "\"" + titles[node] + "\""
  }

  func render(sourceName: String) -> String {
    var out: [String] = []
    out.append("Plan: " + visible(graph.title))
    out.append("From: " + visible(sourceName))
    if let anchor = graph.anchorName, let description = graph.anchorDescription {
      out.append("Time zero \(anchor): " + visible(description))
    }
    let totalBest = schedule.endBest - schedule.start
    let totalWorst = schedule.endWorst - schedule.start
    out.append("Starts \(time(schedule.start)) · ends \(range(schedule.endBest, schedule.endWorst, time)) · takes \(range(totalBest, totalWorst, formatDuration)) (best..worst)")
    let errors = plan.diagnostics.filter { $0.severity == .error }.count
    let warnings = plan.diagnostics.filter { $0.severity == .warning }.count
    if errors + warnings > 0 { out.append("Problems: \(plural(errors, "error")), \(plural(warnings, "warning")) (shown at the step they concern)") }
    for diagnostic in plan.generalFlags { out.append("  " + flag(diagnostic)) }
    out.append("")
    out += table()
    out.append("")
    out.append(plan.criticalPath.isEmpty ? "Critical path: none" : "Critical path (marked * above):")
    out += wrapList(plan.criticalPath.map { number($0).isEmpty ? clipped(title($0), limit: 30) : number($0) }, separator: " → ")
    out.append("")
    out.append("Lanes")
    for (role, nodes) in plan.lanes {
      out.append("  " + visible(graph.roles[role].name) + " (\(plural(nodes.count, "item")))")
      for node in nodes {
        out.append("    " + pad(time(schedule.startWorst[node]), 12) + pad(time(schedule.finishWorst[node]), 12) + label(node))
      }
    }
    out.append("")
    out.append("Hand-offs (\(plan.handoffs.count))")
    for handoff in plan.handoffs {
      out.append("  \(owners(handoff.from)) → \(owners(handoff.to)): after \(label(handoff.from)), \(owners(handoff.to)) starts \(label(handoff.to))")
    }
    if !schedule.rollbacks.isEmpty {
      out.append("")
      out.append("Rollbacks")
      for run in schedule.rollbacks { out += rollback(run) }
    }
    if !schedule.unscheduled.isEmpty {
      let stuck = schedule.unscheduled.filter { graph.isWork($0) }
      out.append("")
      out.append("Not scheduled (on or after a dependency cycle): \(plural(stuck.count, "item"))")
      out += wrapList(stuck.map { label($0) }, separator: ", ")
    }
    if !schedule.stepsWithoutDuration.isEmpty {
      out.append("")
      out.append("Warning: \(plural(schedule.stepsWithoutDuration.count, "step")) have no duration (or `tbd`) and count as zero:")
      out += wrapList(schedule.stepsWithoutDuration.map { String(graph.steps[$0].number) }, separator: ", ")
    }
    var text = ""
    text.reserveCapacity(out.reduce(0) { $0 + $1.utf8.count + 1 })
    for line in out {
      text += line
      text += "\n"
    }
    return text
  }

  func range<T: Equatable>(_ best: T, _ worst: T, _ format: (T) -> String) -> String {
    best == worst ? format(worst) : format(best) + ".." + format(worst)
  }

  func flag(_ diagnostic: Diagnostic) -> String {
    let mark = diagnostic.severity == .error ? "✗" : "!"
    return "\(mark) \(diagnostic.severity.rawValue)[\(diagnostic.code.rawValue)]: \(visible(diagnostic.message))"
  }

  /// The main table: one row per step, gate and sign-off, with stage headings.
  func table() -> [String] {
    var out: [String] = []
    let header = pad("Start", 12) + pad("Finish", 12) + pad("Slack", 9) + pad("Grp", 5) + "  " + pad("#", 5) + pad("Step", 62) + "Owner"
    out.append(header)
    out.append(String(repeating: "-", count: header.count))
    var currentStage = -1
    let noReturn = Set(schedule.pointsOfNoReturn)
    for node in plan.work {
      let stage = graph.stage(of: node)
      if stage != currentStage {
        currentStage = stage
        out += stageHeading(stage)
      }
      if noReturn.contains(node) {
        out.append("  ---- point of no return: no rollback is planned from here on ----")
      }
      let group = plan.group[node] ?? 0
      let marker = schedule.critical[node] ? "*" : " "
      let slack = schedule.slack[node] < 0 ? "-" + formatDuration(-schedule.slack[node]) : formatDuration(schedule.slack[node])
      var row = pad(time(schedule.startWorst[node]), 12) + pad(time(schedule.finishWorst[node]), 12)
      row += pad(slack, 9) + pad(String(group), 5) + marker + " " + pad(number(node), 5)
      row += pad(title(node), 62) + owners(node)
      out.append(row)
      if case .gate(let index) = graph.nodes[node] { out += branches(index) }
      for diagnostic in plan.flags[node] ?? [] { out.append(String(repeating: " ", count: 40) + flag(diagnostic)) }
    }
    return out
  }

  func stageHeading(_ stage: Int) -> [String] {
    guard stage != RunbookGraph.rootStage else { return [] }
    var chain: [String] = []
    var current: Int? = stage
    while let index = current, index != RunbookGraph.rootStage {
      chain.insert(visible(graph.stages[index].title), at: 0)
      current = graph.stages[index].parent
    }
    let info = graph.stages[stage]
    var facts: [String] = []
    if let window = info.window { facts.append("window " + windowInWords(window, anchor: graph.anchorName)) }
    if let deadline = info.deadline { facts.append("by " + formatTime(deadline, anchor: graph.anchorName)) }
    if let duration = info.duration { facts.append(durationInWords(duration)) }
    if info.parallel { facts.append("in any order") }
    if schedule.scheduled[info.startNode] && schedule.scheduled[info.endNode] {
      facts.append(time(schedule.startWorst[info.startNode]) + " → " + time(schedule.finishWorst[info.endNode]))
    }
    var out = ["", "[" + chain.joined(separator: " › ") + "]" + (facts.isEmpty ? "" : "  " + facts.joined(separator: " · "))]
    for diagnostic in plan.flags[info.startNode] ?? [] { out.append("  " + flag(diagnostic)) }
    return out
  }

  func branches(_ index: Int) -> [String] {
    let gate = graph.gates[index]
    let indent = String(repeating: " ", count: 46)
    var out: [String] = []
    for criterion in gate.criteria { out.append(indent + "go if: " + clipped(visible(criterion.text), limit: 70)) }
    for criterion in gate.noGoConditions { out.append(indent + "no-go if: " + clipped(visible(criterion.text), limit: 70)) }
    if let go = gate.go { out.append(indent + "go    → continue with " + label(graph.entryNode(go))) }
    switch gate.noGo {
    case .rollback(let rollback, _):
      if let run = schedule.rollbacks.first(where: { $0.gate == index }) {
        out.append(indent + "no-go → rollback \"\(visible(graph.stages[rollback].title))\": " + rollbackSummary(run))
      }
    case .stop:
      out.append(indent + "no-go → stop")
    case nil:
      break
    }
    return out
  }

  func rollbackSummary(_ run: RollbackRun) -> String {
    var text = "takes \(range(run.lengthBest, run.lengthWorst, formatDuration))"
    if let bound = run.bound {
      text += run.lengthWorst <= bound ? " within \(formatDuration(bound)): fits" : ", over its \(formatDuration(bound)) bound by \(formatDuration(run.lengthWorst - bound))"
    }
    return text
  }

  func rollback(_ run: RollbackRun) -> [String] {
    var out = ["  \"" + visible(graph.stages[run.rollback].title) + "\" after a no-go at " + label(graph.gates[run.gate].node)]
    out.append("    starts \(time(run.start)), " + rollbackSummary(run))
    for (node, start, finish) in run.nodes where graph.isWork(node) {
      out.append("    " + pad(time(start), 12) + pad(time(finish), 12) + pad(number(node), 5) + pad(title(node), 62) + owners(node))
    }
    return out
  }

  func wrapList(_ items: [String], separator: String) -> [String] {
    var lines: [String] = []
    var line = "  "
    for (offset, item) in items.enumerated() {
      let piece = item + (offset == items.count - 1 ? "" : separator)
      if line.count + piece.count > 100 && line.count > 2 {
        lines.append(line)
        line = "  "
      }
      line += piece
    }
    if line.count > 2 { lines.append(line) }
    return lines
  }
}

/// A memo of formatted times, shared by the copies of the (value-type) text renderer.
private final class TimeCache {
  var text: [Int: String] = [:]
}

/// Pads text to a column width, counting Unicode scalars (the columns of this tool).
func pad(_ text: String, _ width: Int) -> String {
  let count = text.unicodeScalars.count
  if count >= width { return text + " " }
  return text + String(repeating: " ", count: width - count)
}

/// "1 step", "3 steps".
public func plural(_ count: Int, _ noun: String) -> String {
  "\(count) \(noun)\(count == 1 ? "" : "s")"
}
