// The Markdown backend: the checklist a coordinator prints and hands out on the day. GitHub-
// flavoured Markdown: stages as headings, steps as `- [ ]` task items with an initials blank per
// owner, record fields as blanks, gates with their criteria as boxes, sign-off and contact
// tables, templates as fenced blocks, and a footer that ties the printout to its source. Text
// from the source is escaped so that it always prints literally. Reads only the validated graph.

/// Renders a validated runbook as a printable Markdown checklist.
public struct MarkdownBackend: ~Copyable {
  let graph: RunbookGraph
  let sourceName: String
  let sourceHash: String
  /// The `after` and go edges, and which of them enter each node (in the order of the edges),
  /// so that "only after" lines cost no search.
  let waits: [Edge]
  let waitsOf: Adjacency
  /// The document as UTF-8 bytes, written once in order; saved in it, the texts that steps
  /// repeat (references, windows, initials lines), made the first time.
  private var out: TextBuffer
  /// Whether the last line written is empty; nil before the first line.
  private var lastLineEmpty: Bool?
  /// Each role's name, escaped once.
  private let roleNames: [String]
  private var referencePieces: [Int]
  private var initialsPieces: [Int]
  private var windowPieces: [Window: Int] = [:]
  /// With a dated anchor, clock times beside every T±.
  let clock: Clock?
  /// The gates entering each rollback, found once.
  let gatesByRollback: [Int: [Int]]

  /// Renders `graph`. `sourceName` and the hash of `sourceBytes` go into the footer.
  public static func render(_ graph: RunbookGraph, sourceName: String, sourceBytes: [UInt8]) -> String {
    renderBytes(graph, sourceName: sourceName, sourceBytes: sourceBytes).text
  }

  /// The checklist as UTF-8 bytes, in the buffer it was written into.
  public static func renderBytes(_ graph: RunbookGraph, sourceName: String, sourceBytes: [UInt8]) -> RenderedDocument {
    document(graph, sourceName: sourceName, sourceBytes: sourceBytes, streamingTo: nil)
  }

  /// The same checklist, handed to `destination` a buffer's worth at a time as it is written.
  public static func write(_ graph: RunbookGraph, sourceName: String, sourceBytes: [UInt8], to destination: DocumentDestination) {
    document(graph, sourceName: sourceName, sourceBytes: sourceBytes, streamingTo: destination).handOver(to: destination)
  }

  /// The checklist, in memory or streamed (then what is left after the last full buffer).
  private static func document(_ graph: RunbookGraph, sourceName: String, sourceBytes: [UInt8], streamingTo destination: DocumentDestination?) -> RenderedDocument {
    var backend = MarkdownBackend(graph: graph, sourceName: sourceName, sourceHash: sha256Hex(sourceBytes), sourceSize: sourceBytes.count, streamingTo: destination)
    backend.renderDocument()
    return backend.out.finish()
  }

  private init(graph: RunbookGraph, sourceName: String, sourceHash: String, sourceSize: Int, streamingTo destination: DocumentDestination?) {
    self.graph = graph
    self.sourceName = sourceName
    self.sourceHash = sourceHash
    self.clock = graph.anchorTime.map(Clock.init)
    self.gatesByRollback = graph.gatesByRollback()
    waits = graph.edges.filter { $0.origin == .after || $0.origin == .go }
    waitsOf = Adjacency(nodeCount: graph.nodes.count, edges: waits)
    roleNames = graph.roles.map { escapeInline($0.name) }
    referencePieces = [Int](repeating: -1, count: graph.nodes.count)
    initialsPieces = [Int](repeating: -1, count: graph.roles.count)
    // The checklist is about twice the size of its source (2.1 times for the benchmark's
    // runbooks of short titles, 2.2 for those of long ones): sized so that it does not grow, each
    // growth a copy of all written so far. Room reserved and never written costs no memory.
    out = TextBuffer(capacity: sourceSize * 5 / 2 + 16_384, streamingTo: destination)
  }

  private mutating func line(_ text: String = "") {
    out.line(text)
    lastLineEmpty = text.isEmpty
  }

  /// Ends a line written in parts, which is not empty.
  private mutating func endLine() {
    out.newline()
    lastLineEmpty = false
  }

  /// Starts a new block: exactly one blank line between blocks.
  private mutating func block() {
    if lastLineEmpty == false { line() }
  }

  private mutating func heading(_ level: Int, _ text: String) {
    block()
    out.bytes.append(repeating: UInt8(ascii: "#"), count: min(level, 6))
    out.append(static: " ")
    appendInline(text, to: &out)
    endLine()
    block()
  }

  // MARK: - Document

  private mutating func renderDocument() {
    heading(1, graph.title)
    var facts: [String] = []
    if let version = graph.version { facts.append("**Version:** " + escapeInline(version)) }
    if let system = graph.system { facts.append("**System:** " + escapeInline(system)) }
    if !facts.isEmpty { line(facts.joined(separator: " · ")) }
    if let name = graph.anchorName, let description = graph.anchorDescription {
      block()
      line("**Time zero (\(escapeInline(name))):** " + escapeInline(description)
        + (clock.map { ", " + escapeInline($0.full(0)) } ?? "")
        + ". Times such as \(escapeInline(name))-4h count from it"
        + (clock == nil ? "." : "; clock times are local to " + escapeInline(clock?.anchor.zone ?? "") + "."))
    } else if let clock {
      block()
      line("**Starts:** " + escapeInline(clock.full(0)) + ".")
    }
    if let description = graph.description {
      block()
      paragraphs(description, indent: "")
    }
    let root = graph.stages[RunbookGraph.rootStage]
    let sections = root.items.filter { if case .stage = $0 { return true }; return false }
    if sections.count + graph.rollbacks.count >= 4 { tableOfContents() }
    if let instructions = graph.instructions {
      heading(2, "Instructions")
      paragraphs(instructions, indent: "")
    }
    if graph.roles.contains(where: { !$0.contact.isEmpty }) {
      heading(2, "Roles and Key Contacts")
      rolesTable()
    }
    renderItems(of: RunbookGraph.rootStage, level: 2)
    for rollback in graph.rollbacks { renderStage(rollback, level: 2) }
    if !graph.templates.isEmpty {
      heading(2, "Communication Templates")
      for template in graph.templates { renderTemplate(template) }
    }
    if !graph.contactGroups.isEmpty {
      heading(2, "Contact Information")
      for group in graph.contactGroups { renderContacts(group) }
    }
    for note in graph.notes {
      block()
      paragraphs(note, indent: "")
    }
    block()
    line("---")
    block()
    var footer = ["Printed from " + escapeInline(sourceName)]
    if let version = graph.version { footer.append("version " + escapeInline(version)) }
    footer.append("source SHA-256 " + String(sourceHash.prefix(12)))
    footer.append("runbook \(RunbookInfo.version)")
    line("*" + footer.joined(separator: " · ") + "*")
  }

  private mutating func tableOfContents() {
    // GitHub gives every heading an anchor, counting repeats in the order the headings are
    // written, so every heading the document will write is counted here in that order, the
    // ones the table leaves out (stages inside stages, templates, contact groups) as well: a
    // nested "Delta" before a top-level one takes `#delta`, and the top-level one `#delta-1`.
    // The order is `renderDocument`'s; a test reads the headings back out of the document.
    var anchors = HeadingAnchors()
    anchors.register(graph.title)
    anchors.register("Contents")
    heading(2, "Contents")
    /// Counts a heading, and lists it in the table at `depth` unless that is nil.
    func counted(_ title: String, listedAt depth: Int?) {
      let anchor = anchors.register(title)
      guard let depth else { return }
      out.bytes.append(spaces: 2 * depth)
      out.append(static: "- [")
      appendInline(title, to: &out)
      out.append(static: "](#")
      out.append(anchor)
      out.append(ascii: ")")
      endLine()
    }
    if graph.instructions != nil { counted("Instructions", listedAt: 0) }
    if graph.roles.contains(where: { !$0.contact.isEmpty }) { counted("Roles and Key Contacts", listedAt: 0) }
    // Which stages have stages inside them (a stage is an item of its parent): only their items
    // are searched for them, where every stage's were, all the steps of the runbook.
    var holdsStages = [Bool](repeating: false, count: graph.stages.count)
    for index in graph.stages.indices {
      if let parent = graph.stages[index].parent { holdsStages[parent] = true }
    }
    /// A top-level stage's heading and those of the stages inside it, depth first, in the order
    /// they are written. The table lists the stage and, unless it is a rollback (as the HTML
    /// checklist's table), the stages directly inside it.
    func stageHeadings(_ top: Int) {
      let listed = graph.stages[top].kind == .rollback ? 0 : 1
      var stack = [(index: top, depth: 0)]
      while let (index, depth) = stack.popLast() {
        counted(stageHeading(index), listedAt: depth <= listed ? depth : nil)
        guard holdsStages[index] else { continue }
        for item in graph.stages[index].items.reversed() {
          if case .stage(let child) = item { stack.append((child, depth + 1)) }
        }
      }
    }
    for group in graph.itemGroups(of: RunbookGraph.rootStage) {
      switch group {
      case .stage(let index): stageHeadings(index)
      case .signoffs: counted("Sign-off", listedAt: 0)
      case .work: break
      }
    }
    for rollback in graph.rollbacks { stageHeadings(rollback) }
    if !graph.templates.isEmpty {
      counted("Communication Templates", listedAt: 0)
      for template in graph.templates { counted(template.title, listedAt: nil) }
    }
    if !graph.contactGroups.isEmpty {
      counted("Contact Information", listedAt: 0)
      for group in graph.contactGroups { if let title = group.title { counted(title, listedAt: nil) } }
    }
  }

  // MARK: - Stages and their items

  private func stageHeading(_ index: Int) -> String {
    // Read in place: a copy of the stage counts each of its references up and down.
    graph.stages[index].kind == .rollback ? "Rollback: " + graph.stages[index].title : graph.stages[index].title
  }

  private mutating func renderStage(_ index: Int, level: Int) {
    // Read in place, as a step is (`renderStep`).
    graph.stages.withUnsafeBufferPointer { stages in renderStage(stages.baseAddress! + index, index, level: level) }
  }

  private mutating func renderStage(_ stage: UnsafePointer<Stage>, _ index: Int, level: Int) {
    heading(level, stageHeading(index))
    var facts: [String] = []
    if stage.pointee.kind == .rollback {
      for gate in (gatesByRollback[index] ?? []).map({ graph.gates[$0] }) {
        var text = "Run only on a no-go at **\(gate.number).** " + escapeInline(gate.title)
        if case .rollback(_, let within?) = gate.noGo { text += "; must be finished within " + readableDuration(within) }
        facts.append(text)
      }
    }
    if let window = stage.pointee.window { facts.append("Window: " + readableWindow(window, anchor: graph.anchorName, clock: clock)) }
    if let deadline = stage.pointee.deadline { facts.append("Complete by " + readableTime(deadline, anchor: graph.anchorName, unit: stage.pointee.deadlineUnit, clock: clock)) }
    if let duration = stage.pointee.duration { facts.append("Takes " + readableDuration(duration)) }
    if let owners = stage.pointee.defaultOwners { facts.append("Owner: " + ownersPhrase(owners)) }
    if stage.pointee.parallel { facts.append("Steps in any order") }
    if stage.pointee.optional { facts.append("If applicable") }
    if !facts.isEmpty {
      line("*" + facts.joined(separator: " · ") + "*")
      block()
    }
    for note in stage.pointee.notes {
      paragraphs(note, indent: "")
      block()
    }
    renderItems(of: index, level: level + 1)
  }

  private mutating func renderItems(of stageIndex: Int, level: Int) {
    for group in graph.itemGroups(of: stageIndex) {
      switch group {
      case .stage(let child):
        renderStage(child, level: level)
      case .signoffs(let run):
        if stageIndex == RunbookGraph.rootStage { heading(2, "Sign-off") } else { block() }
        signoffTable(run)
      case .work(let run):
        block()
        for item in run {
          if case .step(let index) = item { renderStep(index) }
          if case .gate(let index) = item { renderGate(index) }
        }
      }
    }
  }

  private mutating func renderStep(_ index: Int) {
    // The step's fields are read where they are, through a pointer: a copy of the whole step
    // counts five references up and down again, on every row, and a borrowed value is copied
    // all the same, since writing the output might change it for all the compiler knows.
    graph.steps.withUnsafeBufferPointer { steps in renderStep(steps.baseAddress! + index, in: steps) }
  }

  private mutating func renderStep(_ step: UnsafePointer<Step>, in steps: UnsafeBufferPointer<Step>) {
    out.append(static: "- [ ] **")
    out.append(step.pointee.number)
    out.append(static: ".** ")
    appendInline(step.pointee.title, to: &out)
    if step.pointee.optional { out.append(static: " (if applicable)") }
    // The owners taken once, and the lists read only when they hold something: each taking of
    // one counts a reference up and down.
    let owners = step.pointee.owners
    if let owners {
      out.append(static: " — ")
      out.append(owners: owners, names: roleNames)
    }
    endLine()
    let hasRecords = !step.pointee.records.isEmpty
    if hasRecords { for record in step.pointee.records { recordLine(record) } }
    if let duration = step.pointee.duration { durationLine(duration) }
    if let window = step.pointee.window { windowLine(window) }
    if let deadline = step.pointee.deadline {
      line("  - Done by " + readableTime(deadline, anchor: graph.anchorName, unit: step.pointee.deadlineUnit, clock: clock))
    }
    if let verified = step.pointee.verifies {
      out.append(static: "  - Checks ")
      reference(steps[verified].node)
      out.append(static: " (by someone other than who did it)")
      endLine()
    }
    waitsFor(node: step.pointee.node)
    if !step.pointee.notes.isEmpty { for note in step.pointee.notes { noteLine(note) } }
    if hasRecords {
      for record in step.pointee.records where record.kind == .yesNo {
        if let ifYes = record.ifYes {
          out.append(static: "  - ")
          appendInline(ifYes, to: &out)
          out.append(static: ": ")
          blank(40)
          endLine()
        }
      }
    }
    if let owners { initials(owners) }
  }

  /// "  - Takes 3h–5h".
  private mutating func durationLine(_ duration: Minutes) {
    out.append(static: "  - Takes ")
    appendReadableDuration(duration, to: &out.bytes)
    endLine()
  }

  /// "  - Window: T-24h to T-4h", made once for each window.
  private mutating func windowLine(_ window: Window) {
    if let piece = windowPieces[window] { return pieceLine(piece) }
    let piece = out.save("  - Window: " + readableWindow(window, anchor: graph.anchorName, clock: clock))
    windowPieces[window] = piece
    pieceLine(piece)
  }

  private mutating func pieceLine(_ piece: Int) {
    out.append(piece: piece)
    endLine()
  }

  private mutating func renderGate(_ index: Int) {
    let gate = graph.gates[index]
    var title = "- [ ] **\(gate.number).** " + escapeInline(gate.title)
    if let deciders = gate.deciders { title += " — decided by " + ownersPhrase(deciders) }
    line(title)
    let sub = "  - "
    if !gate.criteria.isEmpty {
      line(sub + "Go when all of these hold:")
      for criterion in gate.criteria { line("    - [ ] " + criterionText(criterion)) }
    }
    if !gate.noGoConditions.isEmpty {
      line(sub + "No-go if any of these occurs:")
      for criterion in gate.noGoConditions { line("    - [ ] " + criterionText(criterion)) }
    }
    if let window = gate.window { line(sub + "Window: " + readableWindow(window, anchor: graph.anchorName, clock: clock)) }
    if let deadline = gate.deadline { line(sub + "Decide by " + readableTime(deadline, anchor: graph.anchorName, unit: gate.deadlineUnit, clock: clock)) }
    line(sub + "Decision: Go [ ] No-go [ ]")
    if let go = gate.go {
      out.append(sub + "On go: continue with ")
      reference(graph.entryNode(go))
      endLine()
    }
    switch gate.noGo {
    case .rollback(let rollback, let within):
      var text = sub + "On no-go: run the rollback *" + escapeInline(graph.stages[rollback].title) + "*"
      if let within { text += ", finished within " + readableDuration(within) }
      line(text)
    case .stop:
      line(sub + "On no-go: stop; do not go on")
    case nil:
      break
    }
    for note in gate.notes { noteLine(note) }
    if let deciders = gate.deciders { initials(deciders) }
  }

  /// A criterion as printed: its text, a measure as code, or a labelled measure in words
  /// ("System availability < 95%").
  private func criterionText(_ criterion: GateCriterion) -> String {
    guard let metric = criterion.metric else { return escapeInline(criterion.text) }
    guard let label = criterion.label else { return codeSpan(criterion.text) }
    return escapeInline(label + criterion.text.dropFirst(metric.count))
  }

  /// "  - Only after …": the work a node waits for that is not simply the line above it.
  private mutating func waitsFor(node: Int) {
    var first = true
    for position in waitsOf.predecessorPositions(node) {
      if first { out.append(static: "  - Only after ") } else { out.append(static: "; ") }
      first = false
      if waits[waitsOf.predecessorEdge(at: position)].origin == .go { out.append(static: "a go at ") }
      reference(waitsOf.predecessor(at: position))
    }
    if !first { endLine() }
  }

  /// A node's reference, made once for each node.
  private mutating func reference(_ node: Int) {
    if referencePieces[node] < 0 { referencePieces[node] = saveNodeReference(node) }
    out.append(piece: referencePieces[node])
  }

  /// Saves a node's reference as a piece: "**12.** Title", "the sign-off *Title*", "*Stage*".
  private mutating func saveNodeReference(_ node: Int) -> Int {
    switch graph.nodes[node] {
    case .step(let index): saveNumbered(graph.steps[index].number, graph.steps[index].title)
    case .gate(let index): saveNumbered(graph.gates[index].number, graph.gates[index].title)
    case .signoff(let index): out.save("the sign-off *" + escapeInline(graph.signoffs[index].title) + "*")
    case .stageStart(let index), .stageEnd(let index): out.save("*" + escapeInline(graph.stages[index].title) + "*")
    }
  }

  private mutating func saveNumbered(_ number: Int, _ title: String) -> Int {
    out.addToPiece("**")
    out.addToPiece(number)
    out.addToPiece(".** ")
    out.addToPiece(escapeInline(title))
    return out.savePiece()
  }

  /// "  - Date: ____________", "  - Any issues? Yes [ ] No [ ]": a field to fill in, as a line.
  private mutating func recordLine(_ record: Record) {
    out.append(static: "  - ")
    switch record.kind {
    case .yesNo:
      if let label = record.label {
        appendInline(label, to: &out)
        out.append(static: ": ")
      }
      out.append(static: "Yes [ ] No [ ]")
    case .date: field(record.label ?? "Date", blank: 12)
    case .time: field(record.label ?? "Time", blank: 10)
    case .datetime: field(record.label ?? "Date and time", blank: 20)
    case .number: field(record.label ?? "Number", blank: 10)
    case .initials: field(record.label ?? "Initials", blank: 8)
    case .text: field(record.label ?? "Notes", blank: 30)
    }
    endLine()
  }

  /// "Label: ____" with a blank `width` underscores long.
  private mutating func field(_ label: String, blank width: Int) {
    appendInline(label, to: &out)
    out.append(static: ": ")
    blank(width)
  }

  /// A blank to write on: `width` underscores.
  private mutating func blank(_ width: Int) {
    out.bytes.append(repeating: UInt8(ascii: "_"), count: width)
  }

  private mutating func initials(_ owners: Owners) {
    if owners.mode == .any && owners.roles.count > 1 {
      out.append(static: "  - Initials (any one of ")
      out.append(owners: owners, names: roleNames)
      out.append(static: "): ")
      blank(8)
      return endLine()
    }
    for role in owners.roles {
      if initialsPieces[role] < 0 {
        out.addToPiece("  - " + roleNames[role] + " initials: ")
        out.addToPiece { $0.append(repeating: UInt8(ascii: "_"), count: 8) }
        initialsPieces[role] = out.savePiece()
      }
      pieceLine(initialsPieces[role])
    }
  }

  /// A note as a sub-item; each line of a multi-line note is kept with a hard line break.
  private mutating func noteLine(_ note: String) {
    // Most notes are one line with nothing to trim.
    if isOneTrimmedLine(note) {
      out.append(static: "  - Note: ")
      out.append(escapeLineStart(escapeInline(note)))
      return endLine()
    }
    let lines = note.split(separator: "\n").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
    for (offset, text) in lines.enumerated() {
      let escaped = escapeLineStart(escapeInline(text))
      line((offset == 0 ? "  - Note: " : "    ") + escaped + (offset == lines.count - 1 ? "" : "\\"))
    }
  }

  private func ownersPhrase(_ owners: Owners) -> String {
    listPhrase(owners.roles.map { roleNames[$0] }, conjunction: owners.mode == .all ? "and" : "or")
  }

  // MARK: - Tables and blocks

  private mutating func signoffTable(_ indices: [Int]) {
    line("| Sign-off | Role | Name | Signature | Date |")
    line("|---|---|---|---|---|")
    for index in indices {
      let signoff = graph.signoffs[index]
      var title = escapeCell(signoff.title)
      if signoff.optional { title += " (if applicable)" }
      let role = signoff.role.map { escapeCell(graph.roles[$0].name) } ?? ""
      line("| \(title) | \(role) |  |  |  |")
    }
    block()
  }

  private mutating func rolesTable() {
    contactTable(heading: "Role", rows: graph.roles.map { ($0.name, $0.contact) })
  }

  /// A table of labels with the contact columns that any row fills.
  private mutating func contactTable(heading: String, rows: [(label: String, details: ContactDetails)]) {
    let columns = contactColumns(rows.map(\.details))
    line("| \(heading) | " + columns.map(\.title).joined(separator: " | ") + " |")
    line("|---|" + String(repeating: "---|", count: columns.count))
    for row in rows {
      let cells = columns.map { escapeCell($0.value(row.details)) }
      line("| " + escapeCell(row.label) + " | " + cells.joined(separator: " | ") + " |")
    }
  }

  private mutating func renderContacts(_ group: ContactGroup) {
    if let title = group.title { heading(3, title) } else { block() }
    for note in group.notes {
      paragraphs(note, indent: "")
      block()
    }
    contactTable(heading: "Contact", rows: group.contacts.map { ($0.label, $0.details) })
  }

  private mutating func renderTemplate(_ template: Template) {
    heading(3, template.title)
    for note in template.notes {
      paragraphs(note, indent: "")
      block()
    }
    if !template.placeholders.isEmpty {
      line("Fill in: " + template.placeholders.map { escapeInline("[" + $0 + "]") }.joined(separator: ", "))
      block()
    }
    let fence = String(repeating: "`", count: max(3, longestRun(of: "`", in: template.text) + 1))
    line(fence + "text")
    for text in neutralised(template.text, lineBreaks: nil).split(separator: "\n", omittingEmptySubsequences: false) {
      line(String(text))
    }
    line(fence)
  }

  /// Text as paragraphs: blank lines separate paragraphs, and each line break is kept.
  private mutating func paragraphs(_ text: String, indent: String) {
    var pending: [String] = []
    func flush(_ backend: inout MarkdownBackend) {
      for (offset, text) in pending.enumerated() {
        backend.line(indent + text + (offset == pending.count - 1 ? "" : "\\"))
      }
      pending = []
    }
    for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let trimmed = String(raw).trimmingSpaces
      if trimmed.isEmpty {
        flush(&self)
        if lastLineEmpty == false { line() }
      } else {
        pending.append(escapeLineStart(escapeInline(trimmed)))
      }
    }
    flush(&self)
  }
}

/// True when `text` is one line with no space or tab at either end: what most notes are.
private func isOneTrimmedLine(_ text: String) -> Bool {
  text.withUTF8InPlace { bytes in
    guard let first = bytes.first, let last = bytes.last else { return false }
    if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") || last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
      return false
    }
    for byte in bytes where byte == 0x0A || byte == 0x0D { return false }
    return true
  }
}

extension String {
  var trimmingSpaces: String {
    var text = Substring(self)
    while let first = text.first, first == " " || first == "\t" || first == "\r" { text = text.dropFirst() }
    while let last = text.last, last == " " || last == "\t" || last == "\r" { text = text.dropLast() }
    return String(text)
  }

  fileprivate var replacingNewlines: String {
    String(map { $0 == "\n" || $0 == "\r\n" || $0 == "\r" ? " " : $0 })
  }

}

/// Anchors of headings as GitHub makes them: lowercase, punctuation dropped, spaces to hyphens,
/// and `-1`, `-2` … for repeats.
struct HeadingAnchors {
  /// Every anchor given so far, with the number of repeats of it that have been numbered.
  private var used: [String: Int] = [:]

  /// Registers a heading and returns its anchor. A repeat takes the first `-1`, `-2` … that no
  /// heading has taken, so "Delta", "Delta 1", "Delta" give `delta`, `delta-1`, `delta-2`.
  @discardableResult
  mutating func register(_ title: String) -> String {
    let slug = HeadingAnchors.asciiSlug(title) ?? HeadingAnchors.slug(title)
    var anchor = slug
    while !HeadingAnchors.take(&used[anchor]) {
      let repeats = used[slug, default: 0] + 1
      used[slug] = repeats
      anchor = slug + "-" + String(repeats)
    }
    return anchor
  }

  /// Takes an anchor that no heading has (one lookup of it, where a test and a store are two):
  /// false if one has.
  private static func take(_ repeats: inout Int?) -> Bool {
    guard repeats == nil else { return false }
    repeats = 0
    return true
  }

  /// The slug of a title that is all ASCII, as `slug` makes it, from the bytes (most titles):
  /// nil for any other.
  private static func asciiSlug(_ title: String) -> String? {
    title.withUTF8InPlace { bytes -> String? in
      var ascii = true
      // Written into the string's own storage: no array between (and no allocation at all for a
      // slug of up to 15 bytes, which a string holds in itself).
      let slug = String(unsafeUninitializedCapacity: bytes.count) { slug in
        var count = 0
        for byte in bytes {
          switch byte {
          case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"): slug[count] = byte
          case UInt8(ascii: "A")...UInt8(ascii: "Z"): slug[count] = byte + 0x20
          case UInt8(ascii: " "): slug[count] = UInt8(ascii: "-")
          case 0x80...:
            ascii = false
            return 0
          default: continue
          }
          count += 1
        }
        return count
      }
      return ascii ? slug : nil
    }
  }

  /// A title's slug: lowercase, letters, digits, `_` and `-` kept, spaces to hyphens.
  private static func slug(_ title: String) -> String {
    var slug = ""
    for scalar in title.lowercased().unicodeScalars {
      // ASCII answered directly: the Unicode property tables are a hundred times slower.
      let kept = scalar.isASCII
        ? ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
        : scalar.properties.isAlphabetic || scalar.properties.numericType != nil
      if kept || scalar == "_" || scalar == "-" {
        slug.unicodeScalars.append(scalar)
      } else if scalar == " " {
        slug.append("-")
      }
    }
    return slug
  }
}
