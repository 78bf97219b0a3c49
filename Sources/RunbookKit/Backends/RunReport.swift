// The report of a run: the filled-in checklist. Each step with who initialled it, as which role,
// when, with what meaning and values, planned against done; each gate's decision with the
// observed values and the reason; the deviations and notes; and the journal's final hash, which
// ties the paper to the file. As Markdown (for a ticket or a wiki) and as JSON (with a schema in
// Grammar/run-report.schema.json); the HTML checklist fills itself in from the same context.

public enum RunReport {
  /// The JSON report's schema name (Grammar/run-report.schema.json).
  public static let schema = "runbook-run-report/1"

  // MARK: - Markdown

  public static func markdown(_ context: RunContext) -> String {
    var out = ""
    func line(_ text: String = "") { out += text + "\n" }
    let state = context.state
    let graph = context.graph
    line("# Run report: " + escapeInline(graph.title))
    line()
    line("| | |")
    line("|---|---|")
    let runbook = state.runbook
    line("| Runbook | " + escapeCell(runbook?.path ?? "") + (runbook?.version.map { ", version " + escapeCell($0) } ?? "") + " · SHA-256 " + codeSpan(runbook?.sha256 ?? "") + " |")
    if let start = state.start { line("| Started | " + escapeCell(context.shown(start.at)) + " by " + escapeCell(start.actor) + " |") }
    if let anchor = state.anchor {
      line("| " + escapeCell(graph.anchorName ?? "T") + " | " + escapeCell(Clock(anchor).full(0)) + (state.anchorRecorded ? " (recorded as reached)" : " (planned)") + " |")
    }
    line("| Outcome | " + escapeCell(RunStatusText.headline(state)) + (state.endedAt.map { ", " + escapeCell(context.shown($0)) } ?? "") + " |")
    if let drift = context.drift { line("| Against the plan | " + escapeCell(context.driftText(drift.seconds)) + " |") }
    line("| Deviations | \(state.deviations.count) |")
    line("| Journal | " + escapeCell(context.journalName) + ", \(plural(context.entryCount, "entry")) · final hash " + codeSpan(context.finalHash) + " |")
    line()
    line("Times are in " + escapeCell(context.zone) + ". Each signature below is an entry of the journal, linked by its hash to the entries before it.")
    stage(RunbookGraph.rootStage, level: 2, context: context, line: &out)
    for rollback in graph.rollbacks { stage(rollback, level: 2, context: context, line: &out) }
    let decided = graph.gates.indices.filter { !state.votes[$0].isEmpty }
    if !decided.isEmpty {
      line()
      line("## Decisions")
      line()
      for gate in decided {
        for vote in state.votes[gate] {
          line("- **" + escapeInline(graph.gates[gate].title) + "**: " + (vote.entry.decision == .go ? "go" : "no-go") + " by " + escapeInline(vote.entry.actor)
            + " (" + escapeInline(state.roleName(vote.role)) + "), " + escapeInline(context.shown(vote.entry.at)) + ". Reason: " + escapeInline(vote.entry.reason ?? "")
            + (vote.entry.values.isEmpty ? "" : ". Observed: " + vote.entry.values.map { escapeInline($0.name) + " = " + escapeInline($0.value) }.joined(separator: ", "))
            + (vote.entry.deviation == .criteria ? ". **Recorded as a deviation.**" : ""))
        }
      }
    }
    if !state.deviations.isEmpty {
      line()
      line("## Deviations")
      line()
      for entry in state.deviations { line("- " + escapeInline(RunStatusText.deviationText(context, entry))) }
    }
    let notes = RunStatusText.noteEntries(state)
    if !notes.isEmpty {
      line()
      line("## Notes")
      line()
      for entry in notes { line("- " + escapeInline(RunStatusText.noteText(context, entry))) }
    }
    line()
    line("---")
    line()
    line("Journal " + escapeInline(context.journalName) + ", \(plural(context.entryCount, "entry")), final hash " + codeSpan(context.finalHash) + ". Check it with `runbook run verify`.")
    return out
  }

  private static func stage(_ index: Int, level: Int, context: RunContext, line out: inout String) {
    let graph = context.graph
    if index != RunbookGraph.rootStage {
      let stage = graph.stages[index]
      out += "\n" + String(repeating: "#", count: min(level, 6)) + " " + (stage.kind == .rollback ? "Rollback: " : "") + escapeInline(stage.title) + "\n"
    }
    for group in graph.itemGroups(of: index) {
      switch group {
      case .stage(let child):
        stage(child, level: level + (index == RunbookGraph.rootStage ? 0 : 1), context: context, line: &out)
      case .signoffs(let run):
        out += "\n| Sign-off | Role | Signed by | Meaning | Date and time |\n|---|---|---|---|---|\n"
        for signoff in run {
          let node = graph.signoffs[signoff].node
          let role = graph.signoffs[signoff].role.map { escapeCell(graph.roles[$0].name) } ?? ""
          if let signature = context.state.signoffSignatures[signoff] {
            out += "| " + escapeCell(graph.signoffs[signoff].title) + " | " + role + " | " + escapeCell(signature.entry.actor) + " | "
              + (signature.entry.meaning?.rawValue ?? "") + " | " + escapeCell(context.shown(signature.entry.at)) + " |\n"
          } else {
            out += "| " + escapeCell(graph.signoffs[signoff].title) + " | " + role + " | " + escapeCell(openText(context, node)) + " | | |\n"
          }
        }
      case .work(let run):
        out += "\n| # | Step | Signed | Planned | Done | Recorded |\n|---|---|---|---|---|---|\n"
        for item in run {
          let node = graph.entryNode(item)
          let signed = signedText(context, node)
          let planned = context.planned(node).map { escapeCell(context.shown($0.finish)) } ?? ""
          let done = context.actual(node).map { escapeCell(context.shown($0)) } ?? ""
          let values = context.signed(node).flatMap(\.entry.values).map { escapeCell($0.name) + " = " + escapeCell($0.value) }.joined(separator: "<br>")
          out += "| " + context.label(node) + " | " + escapeCell(context.title(node)) + " | " + signed + " | " + planned + " | " + done + " | " + values + " |\n"
        }
      }
    }
  }

  /// "Fusion: Ana Ruiz (performed, Sat 5 Dec 21:40)" for each signature, or what is open.
  static func signedText(_ context: RunContext, _ node: Int) -> String {
    let state = context.state
    if let skip = state.skips[node] {
      return "Skipped by " + escapeCell(skip.actor) + ", " + escapeCell(context.shown(skip.at)) + ": " + escapeCell(skip.reason ?? "")
    }
    var parts = context.signed(node).map { signature -> String in
      let what = signature.entry.decision.map { $0 == .go ? "go" : "no-go" } ?? signature.entry.meaning?.rawValue ?? ""
      var text = escapeCell(state.roleName(signature.role)) + ": " + escapeCell(signature.entry.actor) + " (" + what + ", " + escapeCell(context.shown(signature.entry.at)) + ")"
      if let note = signature.entry.note { text += " — " + escapeCell(note) }
      return text
    }
    if !state.isDone(node) { parts.append(escapeCell(openText(context, node))) }
    return parts.joined(separator: "<br>")
  }

  /// Why a node is not done: closed by a decision, owed by roles, or not reached.
  static func openText(_ context: RunContext, _ node: Int) -> String {
    let state = context.state
    if let gate = state.closedBy[node] {
      return "not done: " + (state.decisions[gate] == .noGo ? "no-go" : "go") + " at " + context.label(context.graph.gates[gate].node)
    }
    if RunStatusText.inUnenteredRollback(context, node) { return "not needed" }
    let owing = state.owing(node)
    let conjunction = context.graph.owners(of: node)?.mode == .any ? " or " : " and "
    return owing.isEmpty ? "open" : "open: " + owing.map { state.roleName($0) }.joined(separator: conjunction)
  }

  // MARK: - JSON

  public static func json(_ context: RunContext) -> [UInt8] {
    var writer = JSONWriter()
    let state = context.state
    let graph = context.graph
    writer.object { w in
      w.field("schema", RunReport.schema)
      w.object("compiler") { w in
        w.field("name", "runbook")
        w.field("version", RunbookInfo.version)
      }
      w.object("runbook") { w in
        w.field("path", state.runbook?.path)
        w.field("title", graph.title)
        w.field("version", graph.version)
        w.field("sha256", state.runbook?.sha256)
      }
      w.object("journal") { w in
        w.field("name", context.journalName)
        w.field("entries", context.entryCount)
        w.field("final_hash", context.finalHash)
      }
      w.key("anchor")
      if let anchor = state.anchor {
        w.object { w in
          w.field("name", graph.anchorName ?? "T")
          w.field("time", Clock(anchor).iso(0))
          w.field("zone", anchor.zone)
          w.field("recorded", state.anchorRecorded)
        }
      } else {
        w.null()
      }
      w.field("started", state.start.map { utcTimestamp($0.at) })
      w.field("started_by", state.start?.actor)
      w.key("outcome")
      switch state.ending {
      case nil: w.string(state.start == nil ? "not_started" : "in_progress")
      case .completed?: w.string("completed")
      case .rolledBack?: w.string("rolled_back")
      case .stopped?: w.string("stopped")
      }
      w.field("ended", state.endedAt.map(utcTimestamp))
      w.field("behind_plan_minutes", context.drift.map { $0.seconds / 60 })
      w.array("work") { w in
        for node in context.workInOrder {
          w.object { w in
            w.field("id", state.name(of: node))
            w.key("kind")
            switch graph.nodes[node] {
            case .step: w.string("step")
            case .gate: w.string("gate")
            default: w.string("signoff")
            }
            w.key("number")
            if case .step(let index) = graph.nodes[node] { w.int(graph.steps[index].number) } else if case .gate(let index) = graph.nodes[node] { w.int(graph.gates[index].number) } else { w.null() }
            w.field("title", plainTitle(context, node))
            w.key("state")
            if state.skips[node] != nil {
              w.string("skipped")
            } else if state.isDone(node) {
              w.string("done")
            } else if state.closedBy[node] != nil {
              w.string("closed")
            } else if state.isReady(node) && state.isOpen {
              w.string("ready")
            } else {
              w.string("waiting")
            }
            if case .gate(let index) = graph.nodes[node] { w.field("decision", state.decisions[index]?.rawValue) }
            w.field("planned_start", context.planned(node).map { utcTimestamp($0.start) })
            w.field("planned_finish", context.planned(node).map { utcTimestamp($0.finish) })
            w.field("done", context.actual(node).map(utcTimestamp))
            w.array("signatures") { w in
              for signature in context.signed(node) { entryObject(&w, signature.entry, role: graph.roles[signature.role].id) }
            }
            w.field("owed_by", strings: state.owing(node).map { graph.roles[$0].id })
          }
        }
      }
      w.array("deviations") { w in
        for entry in state.deviations { entryObject(&w, entry, role: entry.role) }
      }
      w.array("notes") { w in
        for entry in RunStatusText.noteEntries(state) { entryObject(&w, entry, role: entry.role) }
      }
    }
    return writer.finish()
  }

  private static func plainTitle(_ context: RunContext, _ node: Int) -> String {
    switch context.graph.nodes[node] {
    case .step(let index): context.graph.steps[index].title
    case .gate(let index): context.graph.gates[index].title
    case .signoff(let index): context.graph.signoffs[index].title
    default: ""
    }
  }

  private static func entryObject(_ w: inout JSONWriter, _ entry: JournalEntry, role: String?) {
    w.object { w in
      w.field("entry", entry.sequence)
      w.field("at", utcTimestamp(entry.at))
      w.field("by", entry.actor)
      w.field("role", role)
      if let target = entry.target { w.field("target", target) }
      if let meaning = entry.meaning { w.field("meaning", meaning.rawValue) }
      if let decision = entry.decision { w.field("decision", decision.rawValue) }
      if let deviation = entry.deviation { w.field("deviation", deviation.rawValue) }
      if entry.action == .repair { w.field("action", "repair") }
      if !entry.values.isEmpty {
        w.object("values") { w in
          for value in entry.values {
            w.key(text: value.name)
            w.string(value.value)
          }
        }
      }
      if let note = entry.note { w.field("note", note) }
      if let reason = entry.reason { w.field("reason", reason) }
      w.field("hash", entry.hash)
    }
  }
}
