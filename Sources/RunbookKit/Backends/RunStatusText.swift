// `runbook run status` as text for a terminal, and the short confirmation a recording command
// prints: what is done, what can be done now and by whom, what waits and for what, the open
// gates with the latest useful no-go, planned against actual times, and how far the run is ahead
// of or behind the plan. Text from the runbook and the journal is shown with `visible`, so that
// no control character reaches the terminal.

public enum RunStatusText {
  public static func render(_ context: RunContext) -> String {
    var out = ""
    func line(_ text: String = "") { out += text + "\n" }
    let state = context.state
    let graph = context.graph
    line(visible(graph.title) + (graph.version.map { " (version " + visible($0) + ")" } ?? "") + " — " + headline(state))
    line("Journal \(visible(context.journalName)): \(plural(context.entryCount, "entry")), last hash \(context.finalHash.prefix(16))…")
    if context.sourceChanged {
      line("WARNING: the runbook changed since the run started; nothing can be recorded until the change is acknowledged or the run restarted")
    }
    if let start = state.start {
      line("Started \(context.shown(start.at)) by \(visible(start.actor)); now \(context.shown(context.now)) (\(context.zone))")
    }
    let anchorName = graph.anchorName ?? "T"
    if let anchor = state.anchor {
      line("\(anchorName) = \(Clock(anchor).full(0))" + (state.anchorRecorded ? " (recorded as reached)" : " (planned)"))
    } else if context.schedule.anchored {
      line("\(anchorName) is not yet known: windows cannot be checked until it is recorded (`runbook run anchor now`)")
    }
    let work = context.workInOrder
    let steps = work.filter { if case .step = graph.nodes[$0] { return true } else { return false } }
    let done = steps.filter { state.isDone($0) && state.skips[$0] == nil }.count
    let skipped = steps.filter { state.skips[$0] != nil }.count
    var progress = "Progress: \(done) of \(plural(steps.count, "step")) done"
    if skipped > 0 { progress += ", \(skipped) skipped" }
    if let drift = context.drift {
      progress += "; " + context.driftText(drift.seconds) + " (judged by \(context.label(drift.node)) `\(visible(state.name(of: drift.node)))`)"
    }
    line(progress)

    let now = state.doableNow
    if state.isOpen {
      line()
      line("Can be done now:")
      if now.isEmpty { line("  nothing: " + (state.deviations.isEmpty ? "see what waits below" : "see the deviations below")) }
      for node in now { line("  " + row(context, node, detail: owesText(context, node) + plannedText(context, node))) }
      let waiting = work.filter { !state.isDone($0) && !state.isReady($0) && state.closedBy[$0] == nil && !inUnenteredRollback(context, $0) }
      if !waiting.isEmpty {
        line()
        line("Waiting:")
        for node in waiting.prefix(12) {
          let blockers = state.blockers(of: node, limit: 3).map { context.label($0) == "—" ? "`\(state.name(of: $0))`" : context.label($0) }
          line("  " + row(context, node, detail: blockers.isEmpty ? "" : "after " + blockers.joined(separator: ", ")))
        }
        if waiting.count > 12 { line("  … and \(waiting.count - 12) more") }
      }
      let gates = graph.gates.indices.filter { state.decisions[$0] == nil && state.closedBy[graph.gates[$0].node] == nil && !inUnenteredRollback(context, graph.gates[$0].node) }
      if let gate = gates.first {
        line()
        line("Open gate:")
        let node = graph.gates[gate].node
        line("  " + row(context, node, detail: state.isReady(node) ? "ready to decide" : "decided after " + state.blockers(of: node, limit: 3).map { context.label($0) }.joined(separator: ", ")))
        let deciders = graph.gates[gate].deciders.map { owners in owners.roles.map { state.roleName($0) }.joined(separator: owners.mode == .all ? " and " : " or ") } ?? "nobody named"
        line("      decided by \(visible(deciders))")
        if let latest = context.latestNoGo(gate) {
          var text = "      latest no-go: \(context.fromAnchor(latest.latest))"
          if let anchor = state.anchor { text += " (\(Clock(anchor).dayAndTime(latest.latest)))" }
          text += ", so that the rollback (up to \(formatDuration(latest.length))) finishes by \(context.fromAnchor(latest.close))"
          if let anchor = state.anchor, let minutes = state.minutesFromAnchor(context.now), minutes > latest.latest {
            text += " — PASSED at \(Clock(anchor).time(minutes)): a rollback now would overrun the window"
          }
          line(text)
        }
      }
      let owed = owedByRole(context, now)
      if !owed.isEmpty {
        line()
        line("Who owes what now:")
        let width = owed.map { $0.0.unicodeScalars.count }.max() ?? 0
        for (role, nodes) in owed {
          line("  " + pad(visible(role), width) + "  " + nodes.map { context.label($0) == "—" ? "`\(state.name(of: $0))`" : context.label($0) + " `" + visible(state.name(of: $0)) + "`" }.joined(separator: ", "))
        }
      }
    }

    let finished = work.filter { state.isDone($0) }
    if !finished.isEmpty {
      line()
      line("Done:")
      for node in finished {
        var detail = ""
        if let skip = state.skips[node] {
          detail = "skipped by \(visible(skip.actor)): \(visible(skip.reason ?? ""))"
        } else {
          detail = context.signed(node).map { "\(visible(state.roleName($0.role))): \(visible($0.entry.actor))" + ($0.entry.decision.map { " (" + ($0 == .go ? "go" : "no-go") + ")" } ?? "") }.joined(separator: ", ")
        }
        if let actual = context.actual(node) {
          detail += " · done \(context.shown(actual))"
          if let plan = context.planned(node) { detail += ", planned \(context.shown(plan.finish))" }
        }
        line("  " + row(context, node, detail: detail))
      }
    }
    if !state.deviations.isEmpty {
      line()
      line("Deviations:")
      for entry in state.deviations { line("  " + deviationText(context, entry)) }
    }
    let notes = noteEntries(state)
    if !notes.isEmpty {
      line()
      line("Notes:")
      for entry in notes { line("  " + visible(noteText(context, entry))) }
    }
    return out
  }

  /// The line a recording command prints: what was recorded.
  public static func confirmation(_ entry: JournalEntry, state: RunState, zone: String) -> String {
    let clock = Clock(state.anchor ?? AnchorTime(seconds: entry.at, zone: zone, written: ""))
    var text = "recorded entry \(entry.sequence), \(clock.dayAndTime(instant: entry.at)): "
    let node = entry.target.flatMap(state.node(named:))
    let target = node.map(state.describe) ?? ""
    switch entry.action {
    case .start: text += "the run started"
    case .anchor: text += "\(state.graph.anchorName ?? "T") = \(entry.anchor ?? "")"
    case .note: text += "note by \(entry.actor)"
    case .repair: text += "the torn line was moved out of the journal by \(entry.actor)"
    case .sign:
      text += "\(target) \(entry.meaning?.rawValue ?? "signed") by \(entry.actor) as \(entry.role.flatMap(state.role(named:)).map(state.roleName) ?? "")"
      if let node, state.isDone(node) { text += "; it is done" } else if let node {
        text += "; still owed by " + state.owing(node).map(state.roleName).joined(separator: " and ")
      }
    case .decide:
      text += "\(target): \(entry.decision == .go ? "go" : "no-go") by \(entry.actor)"
      if let node, !state.isDone(node) { text += "; still to decide: " + state.owing(node).map(state.roleName).joined(separator: " and ") }
    case .deviate:
      text += "deviation (\(entry.deviation?.rawValue ?? "")) " + (target.isEmpty ? "" : "for \(target) ") + "by \(entry.actor)"
    }
    return visible(text) + "\n"
  }

  /// What can be done next, in a line or two; or how the run ended.
  public static func next(_ state: RunState, zone: String) -> String {
    if let ending = state.ending { return "the run is finished: " + state.endingText(ending) + "\n" }
    let now = state.doableNow
    guard !now.isEmpty else { return "nothing can be done now; `runbook run status` shows what waits\n" }
    let names = now.prefix(6).map { state.describe($0) }
    return visible("next: " + names.joined(separator: "; ") + (now.count > 6 ? "; and \(now.count - 6) more" : "")) + "\n"
  }

  // MARK: - Pieces

  static func headline(_ state: RunState) -> String {
    guard state.start != nil else { return "not started" }
    if let ending = state.ending { return "finished: " + state.endingText(ending) }
    return "run in progress"
  }

  static func row(_ context: RunContext, _ node: Int, detail: String) -> String {
    let label = pad(context.label(node), 3, right: true)
    let title = clipped(visible(context.title(node)), limit: 47)
    let name = "`" + visible(context.state.name(of: node)) + "`"
    return "\(label)  \(pad(name, 22)) \(pad(title, 48))" + (detail.isEmpty ? "" : "  " + detail)
  }

  static func owesText(_ context: RunContext, _ node: Int) -> String {
    let owing = context.state.owing(node)
    guard !owing.isEmpty else { return "" }
    let mode = context.graph.owners(of: node)?.mode
    return "owed by " + visible(owing.map { context.state.roleName($0) }.joined(separator: mode == .any ? " or " : " and "))
  }

  static func plannedText(_ context: RunContext, _ node: Int) -> String {
    guard let plan = context.planned(node) else { return "" }
    var text = " · planned \(context.shown(plan.start))"
    if context.now > plan.finish { text += " (planned to be done by \(context.clock.dayAndTime(instant: plan.finish)))" }
    return text
  }

  static func owedByRole(_ context: RunContext, _ nodes: [Int]) -> [(String, [Int])] {
    var byRole: [Int: [Int]] = [:]
    for node in nodes {
      for role in context.state.owing(node) { byRole[role, default: []].append(node) }
    }
    return byRole.keys.sorted().map { (context.state.roleName($0), byRole[$0] ?? []) }
  }

  static func inUnenteredRollback(_ context: RunContext, _ node: Int) -> Bool {
    guard let rollback = context.graph.rollback(containing: node) else { return false }
    return !context.state.reached[context.graph.stages[rollback].startNode]
  }

  static func deviationText(_ context: RunContext, _ entry: JournalEntry) -> String {
    let state = context.state
    let target = entry.target.flatMap(state.node(named:)).map(state.describe) ?? ""
    let what: String
    switch entry.deviation {
    case .skip?: what = "\(target) skipped" + (entry.target.flatMap(state.node(named:)).map { isOptional(context, $0) ? " (optional: not applicable)" : "" } ?? "")
    case .outOfOrder?: what = "\(target) allowed out of order"
    case .late?: what = "\(target) allowed after its window"
    case .runbookChanged?: what = "the changed runbook accepted (SHA-256 \(entry.runbook?.sha256.prefix(12) ?? "")…)"
    case .criteria?: what = "\(target) decided go although a measured criterion did not hold"
    case nil: what = target
    }
    return visible("entry \(entry.sequence), \(context.shown(entry.at)), \(entry.actor) as \(entry.role.flatMap(state.role(named:)).map(state.roleName) ?? entry.role ?? ""): \(what) — \(entry.reason ?? "")")
  }

  /// Remarks for the record: notes, notes given with a start or anchor, and journal repairs.
  static func noteEntries(_ state: RunState) -> [JournalEntry] {
    state.entries.filter { $0.action == .note || $0.action == .repair || ($0.note != nil && ($0.action == .start || $0.action == .anchor)) }
  }

  /// "entry 7, Sat 5 Dec 21:40, Bo Li: Ward 3 is still busy".
  static func noteText(_ context: RunContext, _ entry: JournalEntry) -> String {
    var text = "entry \(entry.sequence), \(context.shown(entry.at)), \(entry.actor): "
    if entry.action == .repair {
      let value = { (name: String) in entry.values.first { $0.name == name }?.value ?? "" }
      text += "the journal was repaired: the torn entry \(value("torn_entry")) (\(value("torn_bytes")) bytes, SHA-256 \(value("torn_sha256").prefix(12))…) was moved to \(value("saved_as")) — \(entry.reason ?? "")"
    } else {
      text += entry.note ?? ""
    }
    return text
  }

  static func isOptional(_ context: RunContext, _ node: Int) -> Bool {
    switch context.graph.nodes[node] {
    case .step(let index): context.graph.steps[index].optional
    case .signoff(let index): context.graph.signoffs[index].optional
    default: false
    }
  }

  static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
    let count = text.unicodeScalars.count
    guard count < width else { return text }
    let spaces = String(repeating: " ", count: width - count)
    return right ? spaces + text : text + spaces
  }
}
