// The printable checklist as one self-contained HTML file, made for paper: no scripts and no
// fetches (a Content-Security-Policy forbids both), inline CSS for the screen and for print. Per
// stage a table a person fills in with a pen — number, step, owners, planned time, Started, Done,
// one initials box per owner who must initial — with records as labelled boxes, gates with a box
// per criterion and a blank for each measured value, real Go / No-go boxes, and a bordered
// sign-off block. On every printed page a running header and footer (CSS page margin boxes) carry
// the title, version, source hash and "page N of M". Every piece of text from the runbook is
// escaped on Unicode scalars.

/// Renders the printable HTML checklist of a plan; with a run, the checklist filled in from the
/// run's journal: who initialled each step, as which role, when, with what meaning and values,
/// the gates' decisions, the deviations, and the journal's final hash on every page.
public enum HTMLBackend {
  public static func render(_ plan: Plan, sourceName: String, sourceBytes: [UInt8], run: RunContext? = nil) -> String {
    renderBytes(plan, sourceName: sourceName, sourceBytes: sourceBytes, run: run).text
  }

  /// The page as UTF-8 bytes, in the buffer it was written into.
  public static func renderBytes(_ plan: Plan, sourceName: String, sourceBytes: [UInt8], run: RunContext? = nil) -> RenderedDocument {
    var page = HTMLPage(graph: plan.graph, schedule: plan.schedule, sourceName: sourceName, sourceHash: sha256Hex(sourceBytes), sourceSize: sourceBytes.count, run: run, streamingTo: nil)
    page.document()
    return page.out.finish()
  }

  /// The checklist of a validated graph, scheduled here: the page needs the schedule only, not
  /// the rest of a plan (lanes, hand-offs, flags).
  public static func renderBytes(_ graph: RunbookGraph, sourceName: String, sourceBytes: [UInt8]) -> RenderedDocument {
    checklist(graph, sourceName: sourceName, sourceBytes: sourceBytes, streamingTo: nil)
  }

  /// The same checklist, handed to `destination` a buffer's worth at a time as it is written.
  public static func write(_ graph: RunbookGraph, sourceName: String, sourceBytes: [UInt8], to destination: DocumentDestination) {
    checklist(graph, sourceName: sourceName, sourceBytes: sourceBytes, streamingTo: destination).handOver(to: destination)
  }

  /// The checklist of a graph, in memory or streamed (then what is left after the last full
  /// buffer).
  private static func checklist(_ graph: RunbookGraph, sourceName: String, sourceBytes: [UInt8], streamingTo destination: DocumentDestination?) -> RenderedDocument {
    var page = HTMLPage(graph: graph, schedule: Schedule.compute(graph), sourceName: sourceName, sourceHash: sha256Hex(sourceBytes), sourceSize: sourceBytes.count, run: nil, streamingTo: destination)
    page.document()
    return page.out.finish()
  }
}

private struct HTMLPage: ~Copyable {
  let graph: RunbookGraph
  let schedule: Schedule
  let sourceName: String
  let sourceHash: String
  let clock: Clock?
  let gatesByRollback: [Int: [Int]]
  /// Whether the runbook says anything about time (durations, windows, deadlines, a dated
  /// anchor): without, the planned times would all read "0m" and the column is left out.
  let timed: Bool
  /// The `after` dependencies entering each node, and where each rollback step would start.
  let afterEdges: [[Int]]
  let rollbackStart: [Int: Int]
  /// The run being reported, if any: then the boxes are filled in.
  let run: RunContext?
  /// Whether there is a run, kept apart from it: testing the optional itself copies the whole
  /// run context, which every row asks about.
  let reportsRun: Bool
  /// The page as UTF-8 bytes, written once in order; saved in it, the texts that rows repeat.
  var out: TextBuffer
  /// Each role's name, escaped once.
  let roleNames: [String]
  /// Saved pieces: each planned time's cell, each window's phrase, and each node's reference
  /// ("<b>4.</b> Backup"), made the first time a row needs them.
  private var plannedPieces = PieceCache()
  private var windowPieces: [Window: Int] = [:]
  private var referencePieces: [Int]
  /// Ids of sections, unique, for the table of contents.
  var usedIDs: Set<String> = []
  var sectionIDs: [Int: String] = [:]

  init(graph: RunbookGraph, schedule: Schedule, sourceName: String, sourceHash: String, sourceSize: Int, run: RunContext?, streamingTo destination: DocumentDestination?) {
    self.run = run
    reportsRun = run != nil
    self.graph = graph
    self.schedule = schedule
    self.sourceName = sourceName
    self.sourceHash = sourceHash
    clock = graph.anchorTime.map(Clock.init)
    gatesByRollback = graph.gatesByRollback()
    timed = graph.anchorTime != nil || schedule.anchored
      || graph.steps.contains { $0.duration != nil } || graph.stages.contains { $0.duration != nil }
    var after = [[Int]](repeating: [], count: graph.nodes.count)
    for edge in graph.edges where edge.origin == .after { after[edge.to].append(edge.from) }
    afterEdges = after
    var starts: [Int: Int] = [:]
    // (A later run of the same rollback places the same nodes, which its first run placed.)
    for run in schedule.rollbacks where !run.repeatsEarlierRun {
      for placed in run.nodes where starts[placed.node] == nil { starts[placed.node] = placed.start }
    }
    rollbackStart = starts
    roleNames = graph.roles.map { html($0.name) }
    referencePieces = [Int](repeating: -1, count: graph.nodes.count)
    // About 200 bytes of markup for each row and 2.8 for each byte of the source (fitted to the
    // benchmark's two shapes of runbook), reserved with a fifth to spare so that it does not grow,
    // each growth a copy of all written so far. Room reserved and never written costs no memory.
    out = TextBuffer(capacity: graph.nodes.count * 240 + sourceSize * 7 / 2 + 16_384, streamingTo: destination)
  }

  mutating func line(_ text: String) {
    out.line(text)
  }

  /// Text from the runbook, escaped.
  mutating func escaped(_ text: String) {
    appendHTML(text, to: &out.bytes)
  }

  // MARK: - Document

  mutating func document() {
    for index in graph.stages.indices where index != RunbookGraph.rootStage { sectionIDs[index] = uniqueID("s-" + graph.stages[index].key) }
    let versionText = graph.version.map { " · version " + $0 } ?? ""
    line("<!DOCTYPE html>")
    line("<html lang=\"en\">")
    line("<head>")
    line("<meta charset=\"utf-8\">")
    line("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")
    line("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
    line("<meta name=\"generator\" content=\"runbook \(RunbookInfo.version)\">")
    line("<title>" + html(graph.title) + (run == nil ? " — checklist" : " — run report") + "</title>")
    line("<style>")
    line(pageRules(header: (run == nil ? "" : "Run report: ") + graph.title + versionText))
    line(stylesheet)
    line("</style>")
    line("</head>")
    line("<body>")
    line("<header class=\"cover\">")
    line("<h1>" + html(graph.title) + "</h1>")
    var facts: [String] = []
    if let version = graph.version { facts.append("<b>Version</b> " + html(version)) }
    if let system = graph.system { facts.append("<b>System</b> " + html(system)) }
    if let name = graph.anchorName, let description = graph.anchorDescription {
      facts.append("<b>Time zero (" + html(name) + ")</b> " + html(description) + (clock.map { ", " + html($0.full(0)) } ?? ""))
    } else if let clock {
      facts.append("<b>Starts</b> " + html(clock.full(0)))
    }
    if !facts.isEmpty { line("<p class=\"facts\">" + facts.joined(separator: " · ") + "</p>") }
    if let run { runRecord(run) }
    if let description = graph.description { paragraphs(description) }
    line("</header>")
    tableOfContents()
    if let instructions = graph.instructions {
      line("<section class=\"prose\" id=\"instructions\"><h2>Instructions</h2>")
      paragraphs(instructions)
      line("</section>")
    }
    if graph.roles.contains(where: { !$0.contact.isEmpty }) {
      line("<section id=\"roles\"><h2>Roles and key contacts</h2>")
      contactTable(heading: "Role", rows: graph.roles.map { ($0.name, $0.contact) })
      line("</section>")
    }
    items(of: RunbookGraph.rootStage, level: 2)
    for rollback in graph.rollbacks { stage(rollback, level: 2) }
    if !graph.templates.isEmpty {
      line("<section id=\"templates\"><h2>Communication templates</h2>")
      for template in graph.templates {
        line("<h3>" + html(template.title) + "</h3>")
        for note in template.notes { paragraphs(note) }
        line("<pre class=\"template\">" + html(template.text, lineBreaks: false) + "</pre>")
      }
      line("</section>")
    }
    if !graph.contactGroups.isEmpty {
      line("<section id=\"contacts\"><h2>Contact information</h2>")
      for group in graph.contactGroups {
        if let title = group.title { line("<h3>" + html(title) + "</h3>") }
        for note in group.notes { paragraphs(note) }
        contactTable(heading: "Contact", rows: group.contacts.map { ($0.label, $0.details) })
      }
      line("</section>")
    }
    for note in graph.notes { paragraphs(note) }
    if let run { runEvents(run) }
    line("<footer class=\"end\"><p>Printed from " + html(sourceName) + (graph.version.map { " · version " + html($0) } ?? "")
      + " · runbook \(RunbookInfo.version)<br>Source SHA-256 <code>" + sourceHash + "</code>"
      + (run.map { "<br>Journal " + html($0.journalName) + ", \(plural($0.entryCount, "entry")), final hash <code>" + $0.finalHash + "</code>" } ?? "")
      + "</p></footer>")
    line("</body>")
    line("</html>")
  }

  /// `@page` rules: the margins (friendly to A4 and Letter alike) and the running header and
  /// footer on every page, as CSS strings (every character outside plain ASCII letters and
  /// digits written as a CSS escape, so the text cannot end the string or the style sheet).
  func pageRules(header: String) -> String {
    """
    @page {
      margin: 16mm 13mm 16mm 13mm;
      @top-left { content: \(cssString(header)); font: 8pt/1.2 sans-serif; color: #333; }
      @top-right { content: \(cssString("Source SHA-256 " + sourceHash.prefix(16) + "…")); font: 8pt/1.2 sans-serif; color: #333; }
      @bottom-left { content: \(cssString(run.map { "Journal " + $0.journalName + " · final hash " + $0.finalHash } ?? (sourceName + " · SHA-256 " + sourceHash))); font: 6.5pt/1.2 monospace; color: #333; }
      @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 8pt/1.2 sans-serif; }
    }
    """
  }

  mutating func tableOfContents() {
    var entries: [String] = []
    if graph.instructions != nil { entries.append("<li><a href=\"#instructions\">Instructions</a></li>") }
    if graph.roles.contains(where: { !$0.contact.isEmpty }) { entries.append("<li><a href=\"#roles\">Roles and key contacts</a></li>") }
    for item in graph.stages[RunbookGraph.rootStage].items {
      if case .stage(let index) = item { entries.append(tocEntry(index, depth: 0)) }
    }
    if graph.signoffs.contains(where: { $0.stage == RunbookGraph.rootStage }) { entries.append("<li><a href=\"#signoff\">Sign-off</a></li>") }
    for rollback in graph.rollbacks { entries.append(tocEntry(rollback, depth: 1)) }
    if !graph.templates.isEmpty { entries.append("<li><a href=\"#templates\">Communication templates</a></li>") }
    if !graph.contactGroups.isEmpty { entries.append("<li><a href=\"#contacts\">Contact information</a></li>") }
    guard entries.count >= 3 else { return }
    line("<nav class=\"toc\"><h2>Contents</h2><ol>")
    for entry in entries { line(entry) }
    line("</ol></nav>")
  }

  func tocEntry(_ index: Int, depth: Int) -> String {
    var text = "<li><a href=\"#" + (sectionIDs[index] ?? "") + "\">" + html(heading(index)) + "</a>"
    let children = graph.stages[index].items.compactMap { item -> Int? in if case .stage(let child) = item { return child }; return nil }
    if depth == 0 && !children.isEmpty {
      text += "<ol>" + children.map { tocEntry($0, depth: 1) }.joined() + "</ol>"
    }
    return text + "</li>"
  }

  func heading(_ index: Int) -> String {
    let stage = graph.stages[index]
    return stage.kind == .rollback ? "Rollback: " + stage.title : stage.title
  }

  // MARK: - Stages

  mutating func stage(_ index: Int, level: Int) {
    let stage = graph.stages[index]
    let tag = "h\(min(level, 6))"
    line("<section class=\"stage\" id=\"" + (sectionIDs[index] ?? "") + "\">")
    line("<\(tag)>" + html(heading(index)) + "</\(tag)>")
    var facts: [String] = []
    if stage.kind == .rollback {
      for gate in (gatesByRollback[index] ?? []).map({ graph.gates[$0] }) {
        var text = "Run only on a no-go at <b>\(gate.number).</b> " + html(gate.title)
        if case .rollback(_, let within?) = gate.noGo { text += "; must be finished within " + html(readableDuration(within)) }
        facts.append(text)
      }
    }
    if let window = stage.window { facts.append("Window " + html(readableWindow(window, anchor: graph.anchorName, clock: clock))) }
    if let deadline = stage.deadline { facts.append("Complete by " + html(readableTime(deadline, anchor: graph.anchorName, unit: stage.deadlineUnit, clock: clock))) }
    if let duration = stage.duration { facts.append("Takes " + html(readableDuration(duration))) }
    if let owners = stage.defaultOwners { facts.append("Owner: " + ownersPhrase(owners)) }
    if stage.parallel { facts.append("Steps in any order") }
    if stage.optional { facts.append("If applicable") }
    if timed && (schedule.scheduled[stage.startNode] || schedule.scheduled[stage.endNode]) {
      facts.append("Planned " + html(span(schedule.stageStart[index], schedule.stageFinish[index])))
    }
    if !facts.isEmpty { line("<p class=\"facts\">" + facts.joined(separator: " · ") + "</p>") }
    for note in stage.notes { paragraphs(note) }
    items(of: index, level: level + 1)
    line("</section>")
  }

  mutating func items(of stageIndex: Int, level: Int) {
    for group in graph.itemGroups(of: stageIndex) {
      switch group {
      case .stage(let child):
        stage(child, level: level)
      case .signoffs(let run):
        signoffBlock(run, topLevel: stageIndex == RunbookGraph.rootStage)
      case .work(let group):
        line("<table class=\"steps\">")
        let plannedColumn = timed ? "<col class=\"c-planned\">" : ""
        let plannedHeader = timed ? "<th scope=\"col\">Planned</th>" : ""
        if reportsRun {
          line("<colgroup><col class=\"c-number\"><col class=\"c-step\"><col class=\"c-owner\">" + plannedColumn + "<col class=\"c-time\"><col class=\"c-signed\"></colgroup>")
          line("<thead><tr><th scope=\"col\">#</th><th scope=\"col\">Step</th><th scope=\"col\">Owner</th>" + plannedHeader + "<th scope=\"col\">Done</th><th scope=\"col\">Initialled</th></tr></thead>")
        } else {
          line("<colgroup><col class=\"c-number\"><col class=\"c-step\"><col class=\"c-owner\">" + plannedColumn + "<col class=\"c-time\"><col class=\"c-time\"><col class=\"c-initials\"></colgroup>")
          line("<thead><tr><th scope=\"col\">#</th><th scope=\"col\">Step</th><th scope=\"col\">Owner</th>" + plannedHeader + "<th scope=\"col\">Started</th><th scope=\"col\">Done</th><th scope=\"col\">Initials</th></tr></thead>")
        }
        line("<tbody>")
        for item in group {
          if case .step(let index) = item { step(index) }
          if case .gate(let index) = item { gate(index) }
        }
        line("</tbody>")
        line("</table>")
      }
    }
  }

  // MARK: - Rows

  /// "T-4h" and, with a dated anchor, "Sat 5 Dec 18:00"; empty when the node is not scheduled.
  mutating func planned(_ node: Int) {
    guard schedule.scheduled[node] else {
      guard let start = rollbackStart[node] else { return }
      escaped(time(start))
      out.append("<br><span class=\"note\">after a no-go</span>")
      return
    }
    let start = schedule.startWorst[node]
    if let piece = plannedPieces.piece(for: start) { return out.append(piece: piece) }
    // A plan time is the anchor's name (letters, digits, `_`), a sign, and digits with unit
    // letters: nothing in it needs escaping.
    let (anchored, anchor) = (schedule.anchored, graph.anchorName)
    out.addToPiece { appendPlanTime(start, anchored: anchored, anchor: anchor, to: &$0) }
    if let clock { out.addToPiece("<br>" + html(clock.dayAndTime(start))) }
    let piece = out.savePiece()
    plannedPieces.store(piece, for: start)
    out.append(piece: piece)
  }

  func time(_ minutes: Int) -> String { formatPlanTime(minutes, anchored: schedule.anchored, anchor: graph.anchorName) }

  func span(_ start: Int, _ finish: Int) -> String {
    var text = time(start) + " → " + time(finish)
    if let clock { text += " (" + clock.dayAndTime(start) + " → " + clock.dayAndTime(finish) + ")" }
    return text
  }

  /// Opens the details of a row ("Takes 2h · Window …"), or separates the next one.
  mutating func detail(_ open: inout Bool) {
    out.append(open ? " · " : "<div class=\"details\">")
    open = true
  }

  mutating func step(_ index: Int) {
    // Read where it is, through a pointer: a copy of the whole step counts five references up
    // and down again, and a borrowed value is copied all the same, since writing the output
    // might change it for all the compiler knows.
    graph.steps.withUnsafeBufferPointer { steps in step(steps.baseAddress! + index, at: index) }
  }

  mutating func step(_ step: UnsafePointer<Step>, at index: Int) {
    rowStart(number: step.pointee.number, rowClass: "step")
    out.append(static: "<span class=\"title\">")
    escaped(step.pointee.title)
    out.append(static: "</span>")
    if step.pointee.optional { out.append(static: " <span class=\"note\">(if applicable)</span>") }
    var details = false
    if let duration = step.pointee.duration {
      detail(&details)
      durationPhrase(duration)
    }
    timing(window: step.pointee.window, deadline: step.pointee.deadline, unit: step.pointee.deadlineUnit, by: "Done by ", &details)
    if let verified = step.pointee.verifies {
      detail(&details)
      out.append(static: "Checks ")
      reference(graph.steps[verified].node)
      out.append(static: " (by someone other than who did it)")
    }
    for previous in afterEdges[step.pointee.node] {
      detail(&details)
      out.append(static: "Only after ")
      reference(previous)
    }
    if details { out.append(static: "</div>") }
    for note in step.pointee.notes {
      out.append(static: "<div class=\"note\">")
      escaped(note)
      out.append(static: "</div>")
    }
    if !step.pointee.records.isEmpty {
      out.append(static: "<div class=\"records\">")
      if reportsRun, let run {
        // A run's values, found by the names the fields go by.
        let filled = run.state.values(ofStep: index)
        let names = fieldNames(of: step.pointee)
        for (position, field) in step.pointee.records.enumerated() {
          let value = names.first { $0.record == position && !$0.isIfYes }.flatMap { name in filled.first { $0.name == name.key }?.value }
          let ifYes = names.first { $0.record == position && $0.isIfYes }.flatMap { name in filled.first { $0.name == name.key }?.value }
          record(field, value: value, ifYes: ifYes)
        }
      } else {
        for field in step.pointee.records { record(field) }
      }
      out.append(static: "</div>")
    }
    rowEnd(owners: step.pointee.owners, node: step.pointee.node)
  }

  /// "Takes 3h–5h".
  mutating func durationPhrase(_ duration: Minutes) {
    out.append(static: "Takes ")
    appendReadableDuration(duration, to: &out.bytes)
  }

  /// A row's window and deadline, as details: "Window T-24h to T-4h · Done by T-1h".
  mutating func timing(window: Window?, deadline: Int?, unit: TimeUnit?, by word: String, _ details: inout Bool) {
    if let window {
      detail(&details)
      windowPhrase(window)
    }
    if let deadline {
      detail(&details)
      out.append(word)
      escaped(readableTime(deadline, anchor: graph.anchorName, unit: unit, clock: clock))
    }
  }

  /// "Window T-24h to T-4h", made once for each window.
  mutating func windowPhrase(_ window: Window) {
    if let piece = windowPieces[window] { return out.append(piece: piece) }
    let piece = out.save("Window " + html(readableWindow(window, anchor: graph.anchorName, clock: clock)))
    windowPieces[window] = piece
    out.append(piece: piece)
  }

  mutating func gate(_ index: Int) {
    let gate = graph.gates[index]
    rowStart(number: gate.number, rowClass: "gate")
    var cell = "<span class=\"title\">Gate: " + html(gate.title) + "</span>"
    let observed = run.map { $0.state.votes[index].flatMap(\.entry.values) } ?? []
    let decided = run?.state.decisions[index] != nil
    if !gate.criteria.isEmpty {
      cell += "<div class=\"criteria\"><div class=\"label\">Go when all of these hold:</div>"
        + gate.criteria.map { criterion($0, observed: observed, checked: decided && run?.state.decisions[index] == .go) }.joined() + "</div>"
    }
    if !gate.noGoConditions.isEmpty {
      cell += "<div class=\"criteria\"><div class=\"label\">No-go if any of these occurs:</div>"
        + gate.noGoConditions.map { criterion($0, observed: observed, checked: false) }.joined() + "</div>"
    }
    out.append(cell)
    var details = false
    timing(window: gate.window, deadline: gate.deadline, unit: gate.deadlineUnit, by: "Decide by ", &details)
    if let go = gate.go {
      detail(&details)
      out.append("On go: continue with ")
      reference(graph.entryNode(go))
    }
    switch gate.noGo {
    case .rollback(let rollback, let within):
      detail(&details)
      out.append("On no-go: run the rollback <a href=\"#" + (sectionIDs[rollback] ?? "") + "\">" + html(graph.stages[rollback].title) + "</a>"
        + (within.map { ", finished within " + html(readableDuration($0)) } ?? ""))
    case .stop:
      detail(&details)
      out.append("On no-go: stop; do not go on")
    case nil: break
    }
    if details { out.append("</div>") }
    cell = ""
    for note in gate.notes { cell += "<div class=\"note\">" + html(note) + "</div>" }
    if reportsRun, let run {
      let decision = run.state.decisions[index]
      let names = run.state.votes[index].map { html($0.entry.actor) }.joined(separator: ", ")
      cell += "<div class=\"decision\"><span class=\"label\">Decision</span> " + box(decision == .go) + " Go " + box(decision == .noGo) + " No-go"
        + " <span class=\"field\"><span class=\"label\">Decided by (name)</span><span class=\"blank w-name filled\">" + names + "</span></span></div>"
      for vote in run.state.votes[index] {
        cell += "<div class=\"note\">" + html(vote.entry.actor) + " (" + html(run.state.roleName(vote.role)) + "): " + (vote.entry.decision == .go ? "go" : "no-go")
          + ". Reason: " + html(vote.entry.reason ?? "") + (vote.entry.deviation == .criteria ? " <b>Recorded as a deviation.</b>" : "") + "</div>"
      }
    } else {
      cell += "<div class=\"decision\"><span class=\"label\">Decision</span> <span class=\"box\"></span> Go <span class=\"box\"></span> No-go"
        + " <span class=\"field\"><span class=\"label\">Decided by (name)</span><span class=\"blank w-name\"></span></span></div>"
    }
    out.append(cell)
    rowEnd(owners: gate.deciders, node: gate.node)
  }

  /// A row up to its second cell, which the caller writes.
  mutating func rowStart(number: Int, rowClass: String) {
    out.append(static: "<tr class=\"")
    out.append(rowClass)
    out.append(static: "\"><td class=\"number\">")
    out.append(number)
    out.append(static: "</td><td>")
  }

  /// The rest of a row: owners, the planned time, and the boxes for times and initials (in a
  /// run, what was recorded in them).
  mutating func rowEnd(owners: Owners?, node: Int) {
    out.append(static: "</td><td>")
    if let owners { out.append(owners: owners, names: roleNames) } else { out.append(static: "<span class=\"missing\">no owner</span>") }
    out.append(static: "</td>")
    if timed {
      out.append(static: "<td class=\"planned\">")
      planned(node)
      out.append(static: "</td>")
    }
    if reportsRun, let run {
      let done = run.actual(node).map { html(run.shown($0)) } ?? ""
      out.line("<td class=\"write filled\">\(done)</td><td class=\"initials\">\(signatures(run, node))</td></tr>")
      return
    }
    out.append(static: "<td class=\"write\"></td><td class=\"write\"></td><td class=\"initials\">")
    initialBoxes(owners)
    out.line("</td></tr>")
  }

  /// One box per role that must initial, or one box for "any one of".
  mutating func initialBoxes(_ owners: Owners?) {
    guard let owners else { return out.append(static: "<span class=\"initial\"><span class=\"label\">Initials</span></span>") }
    if owners.mode == .any && owners.roles.count > 1 {
      out.append(static: "<span class=\"initial\"><span class=\"label\">Any one of ")
      out.append(owners: owners, names: roleNames)
      return out.append(static: "</span></span>")
    }
    for role in owners.roles {
      out.append(static: "<span class=\"initial\"><span class=\"label\">")
      out.append(roleNames[role])
      out.append(static: "</span></span>")
    }
  }

  func criterion(_ criterion: GateCriterion) -> String { self.criterion(criterion, observed: [], checked: false) }

  /// A criterion with its box and, for a measure, the observed value's blank (filled in from a
  /// run's decision when there is one).
  func criterion(_ criterion: GateCriterion, observed: [JournalValue], checked: Bool) -> String {
    var text = "<div class=\"criterion\">" + box(checked) + " "
    if let metric = criterion.metric {
      let shown = criterion.label.map { $0 + criterion.text.dropFirst(criterion.metric?.count ?? 0) } ?? criterion.text
      let value = observed.first { $0.name == metric }.map { html($0.value) } ?? ""
      text += html(shown) + " <span class=\"field\"><span class=\"label\">Observed</span><span class=\"blank w-value" + (value.isEmpty ? "" : " filled") + "\">" + value + "</span></span>"
    } else {
      text += html(criterion.text)
    }
    return text + "</div>"
  }

  /// A record's labelled blank, with the value recorded in a run written into it.
  mutating func record(_ record: Record, value: String? = nil, ifYes answer: String? = nil) {
    switch record.kind {
    case .yesNo:
      out.append(static: "<span class=\"field\"><span class=\"label\">")
      escaped(record.label ?? "Yes or no")
      out.append(static: "</span> ")
      out.append(box(value == "yes"))
      out.append(static: " Yes ")
      out.append(box(value == "no"))
      out.append(static: " No</span>")
      if let ifYes = record.ifYes {
        out.append(static: "<span class=\"field wide\"><span class=\"label\">If yes: ")
        escaped(ifYes)
        blank(width: "w-text", value: answer)
      }
    case .date: field(record.label ?? "Date", width: "w-date", value: value)
    case .time: field(record.label ?? "Time", width: "w-time", value: value)
    case .datetime: field(record.label ?? "Date and time", width: "w-datetime", value: value)
    case .number: field(record.label ?? "Number", width: "w-value", value: value)
    case .initials: field(record.label ?? "Initials", width: "w-initials", value: value)
    case .text:
      out.append(static: "<span class=\"field wide\"><span class=\"label\">")
      escaped(record.label ?? "Notes")
      blank(width: "w-text", value: value)
    }
  }

  /// A labelled blank: the label escaped, then the blank.
  mutating func field(_ label: String, width: String, value: String?) {
    out.append(static: "<span class=\"field\"><span class=\"label\">")
    escaped(label)
    blank(width: width, value: value)
  }

  /// The end of a field's label and its blank, `width` wide, with a run's value in it.
  mutating func blank(width: String, value: String?) {
    out.append(static: "</span><span class=\"blank ")
    out.append(width)
    if let value {
      out.append(static: " filled\">")
      escaped(value)
    } else {
      out.append(static: "\">")
    }
    out.append(static: "</span></span>")
  }

  /// A check box, ticked or empty.
  func box(_ ticked: Bool) -> String {
    ticked ? "<span class=\"box ticked\">✕</span>" : "<span class=\"box\"></span>"
  }

  /// "<b>4.</b> Backup completed", made once for each node.
  mutating func reference(_ node: Int) {
    if referencePieces[node] >= 0 { return out.append(piece: referencePieces[node]) }
    switch graph.nodes[node] {
    case .step(let index): savedNumbered(graph.steps[index].number, graph.steps[index].title)
    case .gate(let index): savedNumbered(graph.gates[index].number, graph.gates[index].title)
    case .signoff(let index): savedEscaped("the sign-off ", graph.signoffs[index].title)
    case .stageStart(let index), .stageEnd(let index): savedEscaped("", graph.stages[index].title)
    }
    referencePieces[node] = out.savePiece()
    out.append(piece: referencePieces[node])
  }

  /// "<b>4.</b> Title" added to the piece being saved.
  private mutating func savedNumbered(_ number: Int, _ title: String) {
    out.addToPiece("<b>")
    out.addToPiece(number)
    savedEscaped(".</b> ", title)
  }

  /// Text, then a title escaped, added to the piece being saved.
  private mutating func savedEscaped(_ text: String, _ title: String) {
    out.addToPiece(text)
    out.addToPiece { appendHTML(title, to: &$0) }
  }

  /// "DBA", "DBA and Vendor", "DBA, QA or Vendor".
  func ownersPhrase(_ owners: Owners) -> String {
    listPhrase(owners.roles.map { roleNames[$0] }, conjunction: owners.mode == .all ? "and" : "or")
  }

  // MARK: - Blocks

  mutating func signoffBlock(_ indices: [Int], topLevel: Bool) {
    line("<section class=\"signoff\"" + (topLevel ? " id=\"signoff\"" : "") + ">")
    if topLevel { line("<h2>Sign-off</h2>") }
    line("<table class=\"signoff\"><thead><tr><th scope=\"col\">Sign-off</th><th scope=\"col\">Role</th><th scope=\"col\">Printed name</th><th scope=\"col\">Signature</th><th scope=\"col\">Date and time</th></tr></thead><tbody>")
    for index in indices {
      let signoff = graph.signoffs[index]
      let title = html(signoff.title) + (signoff.optional ? " <span class=\"note\">(if applicable)</span>" : "")
      let role = signoff.role.map { html(graph.roles[$0].name) } ?? ""
      if let run, let signature = run.state.signoffSignatures[index] {
        line("<tr><th scope=\"row\">\(title)</th><td>\(role)</td><td class=\"write filled\">" + html(signature.entry.actor) + "</td><td class=\"write filled\">Signed in the journal, entry \(signature.entry.sequence) ("
          + (signature.entry.meaning?.rawValue ?? "approved") + ")<br><code>" + signature.entry.hash.prefix(16) + "…</code></td><td class=\"write filled\">" + html(run.shown(signature.entry.at)) + "</td></tr>")
      } else if let run {
        line("<tr><th scope=\"row\">\(title)</th><td>\(role)</td><td class=\"write\"></td><td class=\"write open\">" + html(RunReport.openText(run, signoff.node)) + "</td><td class=\"write\"></td></tr>")
      } else {
        line("<tr><th scope=\"row\">\(title)</th><td>\(role)</td><td class=\"write\"></td><td class=\"write\"></td><td class=\"write\"></td></tr>")
      }
    }
    line("</tbody></table>")
    line("</section>")
  }

  // MARK: - A run's record

  /// The run's facts under the title: what the report is of, and how the run went.
  mutating func runRecord(_ run: RunContext) {
    let state = run.state
    var rows: [(String, String)] = []
    rows.append(("Run", html(RunStatusText.headline(state)) + (state.endedAt.map { ", " + html(run.shown($0)) } ?? "")))
    if let start = state.start { rows.append(("Started", html(run.shown(start.at)) + " by " + html(start.actor))) }
    if let anchor = state.anchor {
      rows.append((html(graph.anchorName ?? "T"), html(Clock(anchor).full(0)) + (state.anchorRecorded ? " (recorded as reached)" : " (planned)")))
    }
    if let drift = run.drift { rows.append(("Against the plan", html(run.driftText(drift.seconds)))) }
    rows.append(("Deviations", state.deviations.isEmpty ? "none" : "\(state.deviations.count), listed at the end"))
    rows.append(("Journal", html(run.journalName) + ", \(plural(run.entryCount, "entry")); final hash <code>" + run.finalHash + "</code>"))
    rows.append(("Times", "shown in " + html(run.zone)))
    line("<table class=\"record\"><tbody>")
    for (label, value) in rows { line("<tr><th scope=\"row\">" + label + "</th><td>" + value + "</td></tr>") }
    line("</tbody></table>")
  }

  /// Each signature on a node: role, printed name, meaning and time; or what is still open.
  func signatures(_ run: RunContext, _ node: Int) -> String {
    if let skip = run.state.skips[node] {
      return "<span class=\"initial filled\"><span class=\"label\">Skipped</span>" + html(skip.actor) + "<br>" + html(run.shown(skip.at)) + "</span>"
    }
    var text = run.signed(node).map { signature -> String in
      let what = signature.entry.decision.map { $0 == .go ? "go" : "no-go" } ?? signature.entry.meaning?.rawValue ?? ""
      return "<span class=\"initial filled\"><span class=\"label\">" + html(run.state.roleName(signature.role)) + " · " + what + "</span>"
        + html(signature.entry.actor) + "<br>" + html(run.shown(signature.entry.at))
        + (signature.entry.note.map { "<br><span class=\"note\">" + html($0) + "</span>" } ?? "") + "</span>"
    }.joined()
    if !run.state.isDone(node) { text += "<span class=\"initial open\">" + html(RunReport.openText(run, node)) + "</span>" }
    return text
  }

  /// Decisions, deviations and notes, after the checklist.
  mutating func runEvents(_ run: RunContext) {
    let state = run.state
    if !state.deviations.isEmpty {
      line("<section id=\"deviations\"><h2>Deviations</h2><ol>")
      for entry in state.deviations { line("<li>" + html(RunStatusText.deviationText(run, entry).replacingOccurrences(of: "`", with: "")) + "</li>") }
      line("</ol></section>")
    }
    let notes = RunStatusText.noteEntries(state)
    if !notes.isEmpty {
      line("<section id=\"notes\"><h2>Notes</h2><ol>")
      for entry in notes { line("<li>" + html(RunStatusText.noteText(run, entry)) + "</li>") }
      line("</ol></section>")
    }
  }

  mutating func contactTable(heading: String, rows: [(label: String, details: ContactDetails)]) {
    let columns = contactColumns(rows.map(\.details))
    line("<table class=\"contacts\"><thead><tr><th scope=\"col\">" + heading + "</th>" + columns.map { "<th scope=\"col\">" + $0.title + "</th>" }.joined() + "</tr></thead><tbody>")
    for row in rows {
      line("<tr><th scope=\"row\">" + html(row.label) + "</th>" + columns.map { "<td>" + html($0.value(row.details)) + "</td>" }.joined() + "</tr>")
    }
    line("</tbody></table>")
  }

  /// Text as paragraphs: blank lines separate them, line breaks are kept.
  mutating func paragraphs(_ text: String) {
    var pending: [String] = []
    for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let trimmed = String(raw).trimmingSpaces
      if trimmed.isEmpty {
        if !pending.isEmpty { line("<p>" + pending.map { html($0) }.joined(separator: "<br>") + "</p>") }
        pending = []
      } else {
        pending.append(trimmed)
      }
    }
    if !pending.isEmpty { line("<p>" + pending.map { html($0) }.joined(separator: "<br>") + "</p>") }
  }

  mutating func uniqueID(_ base: String) -> String {
    var slug = ""
    for scalar in base.unicodeScalars {
      let value = scalar.value
      if (0x30...0x39).contains(value) || (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value) || scalar == "-" || scalar == "_" {
        slug.unicodeScalars.append(scalar)
      } else {
        slug += "-"
      }
    }
    var candidate = slug
    var counter = 1
    while usedIDs.contains(candidate) {
      counter += 1
      candidate = slug + "-\(counter)"
    }
    usedIDs.insert(candidate)
    return candidate
  }

  // MARK: - Style

  let stylesheet = """
    :root { color-scheme: light; }
    body { font: 10.5pt/1.35 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #000; margin: 0 auto; max-width: 60rem; padding: 1rem; }
    h1 { font-size: 18pt; margin: 0 0 .3rem; }
    h2 { font-size: 13.5pt; margin: 1.2rem 0 .3rem; border-bottom: 1.5pt solid #000; break-after: avoid-page; }
    h3, h4, h5, h6 { font-size: 11.5pt; margin: 1rem 0 .3rem; break-after: avoid-page; }
    p { margin: .3rem 0; }
    .facts { font-size: 9.5pt; break-after: avoid-page; }
    .note { font-size: 9pt; color: #222; }
    .details { font-size: 9pt; margin-top: .15rem; }
    .missing { color: #900; font-weight: bold; }
    a { color: #000; }
    nav.toc ol { margin: .2rem 0; padding-left: 2.4em; }
    table { border-collapse: collapse; width: 100%; margin: .3rem 0 .8rem; break-before: avoid-page; }
    th, td { border: 1pt solid #000; padding: 2pt 3pt; vertical-align: top; text-align: left; }
    thead th { background: #e6e6e6; font-size: 9pt; }
    thead { display: table-header-group; }
    tr { break-inside: avoid; page-break-inside: avoid; }
    table.steps td { height: 11mm; }
    col.c-number { width: 7mm; } col.c-owner { width: 26mm; } col.c-planned { width: 22mm; }
    col.c-time { width: 17mm; } col.c-initials { width: 26mm; } col.c-signed { width: 40mm; }
    .filled { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 8.5pt; }
    .blank.filled { height: auto; min-height: 5mm; padding: 0 2pt; }
    .initial.filled { min-height: 0; }
    .initial.filled .label { display: block; font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
    .initial.open, td.open { color: #555; font-style: italic; font-size: 8.5pt; border-style: dashed; }
    .box.ticked { text-align: center; line-height: 3.4mm; font-size: 8pt; font-weight: bold; }
    table.record { width: auto; margin: .5rem 0; } table.record th { text-align: left; padding-right: 8pt; }
    td.number { font-weight: bold; text-align: right; }
    td.planned { font-size: 8.5pt; }
    tr.gate td { background: #f3f3f3; }
    tr.gate .title { font-weight: bold; }
    .initial { display: block; box-sizing: border-box; border: 1pt solid #000; min-height: 9mm; margin: 0 0 2pt; padding: 1pt 2pt; }
    .initial .label, .field .label, .decision .label, .criteria .label { font-size: 7.5pt; color: #222; }
    .records, .criteria, .decision { margin-top: .25rem; }
    .criterion { margin: .1rem 0; }
    .field { display: inline-block; margin: 2pt 8pt 2pt 0; white-space: nowrap; }
    .field.wide { display: block; white-space: normal; }
    .blank { display: inline-block; border-bottom: 1pt solid #000; height: 5mm; vertical-align: bottom; margin-left: 3pt; }
    .w-date { width: 26mm; } .w-time { width: 16mm; } .w-datetime { width: 38mm; } .w-value { width: 24mm; }
    .w-initials { width: 14mm; } .w-name { width: 40mm; } .w-text { display: block; width: auto; margin: 0; }
    .box { display: inline-block; width: 3.6mm; height: 3.6mm; border: 1pt solid #000; vertical-align: -0.6mm; margin: 0 2pt 0 0; background: #fff; }
    table.signoff td, table.signoff th[scope=row] { height: 14mm; }
    table.signoff th[scope=row] { font-weight: normal; background: none; }
    pre.template { white-space: pre-wrap; border: 1pt solid #000; padding: 4pt; font-size: 8.5pt; break-inside: avoid; }
    footer.end { margin-top: 1.5rem; font-size: 8pt; border-top: 1pt solid #000; padding-top: .3rem; }
    code { font-size: 8pt; word-break: break-all; }
    @media print {
      body { max-width: none; padding: 0; }
      section.stage, section.signoff { break-inside: auto; }
      a { text-decoration: none; }
    }
    """
}

// MARK: - Escaping

/// Text from the runbook made literal in HTML, scalar by scalar: `&`, `<`, `>`, `"` and `'` as
/// character references (so that it is safe in elements and in quoted attributes), controls,
/// separators and bidi controls as U+FFFD, and line breaks as `<br>` (or kept, in `<pre>`).
func html(_ text: String, lineBreaks: Bool = true) -> String {
  var output: [UInt8] = []
  output.reserveCapacity(text.utf8.count + 8)
  appendHTML(text, lineBreaks: lineBreaks, to: &output)
  return String(decoding: output, as: UTF8.self)
}

/// The ASCII bytes below 0x40 that `html` writes as character references: `"`, `&`, `'`, `<`
/// and `>`, as bits of a mask.
private let htmlReferenceBytes: UInt64 = 1 << 0x22 | 1 << 0x26 | 1 << 0x27 | 1 << 0x3C | 1 << 0x3E

/// `html(text)` appended to UTF-8 bytes. Read a scalar at a time (its length from its lead
/// byte: a String is valid UTF-8); runs that need no escaping are copied whole.
func appendHTML<Sink: ByteSink & ~Copyable>(_ text: String, lineBreaks: Bool = true, to output: inout Sink) {
  text.withUTF8InPlace { appendHTML(bytes: $0, lineBreaks: lineBreaks, to: &output) }
}

private func appendHTML<Sink: ByteSink & ~Copyable>(bytes: UnsafeBufferPointer<UInt8>, lineBreaks: Bool, to output: inout Sink) {
  let count = bytes.count
  var plainStart = 0
  var index = 0
  while index < count {
    let byte = bytes[index]
    if byte >= 0x80 {
      let length = min(byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2, count - index)
      var value = UInt32(byte) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
      for offset in 1..<length { value = value << 6 | UInt32(bytes[index + offset] & 0x3F) }
      if isNeutralised(value) {
        output.append(bytes: UnsafeBufferPointer(rebasing: bytes[plainStart..<index]))
        output.append(static: "\u{FFFD}")
        plainStart = index + length
      }
      index += length
      continue
    }
    if byte >= 0x40 ? byte != 0x7F : byte >= 0x20 && htmlReferenceBytes & (1 << UInt64(byte)) == 0 {
      index += 1
      continue
    }
    output.append(bytes: UnsafeBufferPointer(rebasing: bytes[plainStart..<index]))
    switch byte {
    case UInt8(ascii: "&"): output.append(static: "&amp;")
    case UInt8(ascii: "<"): output.append(static: "&lt;")
    case UInt8(ascii: ">"): output.append(static: "&gt;")
    case UInt8(ascii: "\""): output.append(static: "&quot;")
    case UInt8(ascii: "'"): output.append(static: "&#39;")
    case UInt8(ascii: "\n"): if lineBreaks { output.append(static: "<br>") } else { output.append(byte) }
    case UInt8(ascii: "\t"): output.append(UInt8(ascii: " "))
    default: output.append(static: "\u{FFFD}")
    }
    index += 1
    plainStart = index
  }
  output.append(bytes: UnsafeBufferPointer(rebasing: bytes[plainStart..<count]))
}

/// A CSS string literal holding `text`: letters, digits and spaces as they are, everything else
/// as a hexadecimal escape, controls and bidi controls as U+FFFD.
func cssString(_ text: String) -> String {
  var output = "\""
  for scalar in text.unicodeScalars {
    let value = isNeutralised(scalar.value) ? 0xFFFD : scalar.value
    if (0x30...0x39).contains(value) || (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value) || value == 0x20 {
      output.unicodeScalars.append(scalar)
    } else {
      output += "\\" + String(value, radix: 16) + " "
    }
  }
  return output + "\""
}
