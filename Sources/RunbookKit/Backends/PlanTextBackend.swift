// The plan as text for people, on a terminal or in a CI log: a summary, the problems, the work
// in order with aligned columns (start, finish, slack, group, step, owner) and the critical path
// marked, gates as branch points, then lanes per role, hand-offs, rollbacks and warnings. Times
// are in the runbook's own terms (T-4h, T+2h30m), or from the start (+2h) without an anchor.

/// Renders a plan as text.
public enum PlanTextBackend {
  public static func render(_ plan: Plan, sourceName: String) -> String {
    renderBytes(plan, sourceName: sourceName).text
  }

  /// The plan as UTF-8 bytes, in the buffer it was written into.
  public static func renderBytes(_ plan: Plan, sourceName: String) -> RenderedDocument {
    document(plan, sourceName: sourceName, streamingTo: nil)
  }

  /// The same text, handed to `destination` a buffer's worth at a time as it is written.
  public static func write(_ plan: Plan, sourceName: String, to destination: DocumentDestination) {
    document(plan, sourceName: sourceName, streamingTo: destination).handOver(to: destination)
  }

  /// The text, in memory or streamed (then what is left after the last full buffer).
  private static func document(_ plan: Plan, sourceName: String, streamingTo destination: DocumentDestination?) -> RenderedDocument {
    var text = PlanText(plan: plan, streamingTo: destination)
    text.render(sourceName: sourceName)
    return text.out.finish()
  }
}

private struct PlanText: ~Copyable {
  let plan: Plan
  let graph: RunbookGraph
  let schedule: Schedule
  /// The text, and saved in it each node's number, clipped title and owners, and each time and
  /// duration, made once: the table, the lanes and the hand-offs each print them again.
  var out: TextBuffer
  private let numbers: [Int]
  private let titles: [Int]
  private let ownerNames: [Int]
  private var times = PieceCache()
  /// With a dated anchor: clock times beside T±, and the last calendar day printed in a column
  /// (a clock column shows the date only when it changes).
  private let clock: Clock?
  private var lastDay = Int.min
  /// Each gate's rollback run, by gate index.
  private let rollbackRunOfGate: [Int: Int]
  /// The gate of each rollback's first run, by rollback (stage index).
  private var firstGateOfRollback: [Int: Int] = [:]
  private var durations = PieceCache()
  /// The widths of the table's columns of times, slack, groups and numbers: those of the header,
  /// or wider where a value would not fit (a plan months long, counted in minutes, has times like
  /// "T-6mo2d18h58m"), so that every row lines up. Set by `measureColumns`.
  private var timeWidth = 12
  private var slackWidth = 9
  private var groupWidth = 5
  private var numberWidth = 5
  /// Each work node's worst-case start, finish and slack as saved pieces, made once by
  /// `measureColumns` for the table and the lanes (by node; the cache of times holds only a few
  /// thousand, and a large plan has more).
  private var startPieces: [Int] = []
  private var finishPieces: [Int] = []
  private var slackPieces: [Int] = []

  init(plan: Plan, streamingTo destination: DocumentDestination?) {
    self.plan = plan
    let graph = plan.graph
    self.graph = graph
    self.schedule = plan.schedule
    // About 110 bytes for each row of the table, and as much again for the lanes and hand-offs.
    var out = TextBuffer(capacity: graph.nodes.count * 280, pieceCapacity: graph.nodes.count * 40, streamingTo: destination)
    var numbers = [Int](repeating: 0, count: graph.nodes.count)
    var titles = [Int](repeating: 0, count: graph.nodes.count)
    var ownerNames = [Int](repeating: 0, count: graph.nodes.count)
    let noNumber = out.save("")
    let noOwner = out.save("—")
    let roleNames = graph.roles.map { visible($0.name) }
    for node in graph.nodes.indices {
      numbers[node] = noNumber
      switch graph.nodes[node] {
      case .step(let index):
        out.addToPiece(graph.steps[index].number)
        numbers[node] = out.savePiece()
        titles[node] = out.saveVisible(graph.steps[index].title, limit: 60)
      case .gate(let index):
        out.addToPiece(graph.gates[index].number)
        numbers[node] = out.savePiece()
        titles[node] = out.save(visible(graph.gates[index].title + " (gate)", limit: 60))
      case .signoff(let index):
        titles[node] = out.save(visible("Sign-off: " + graph.signoffs[index].title, limit: 60))
      case .stageStart(let index), .stageEnd(let index):
        titles[node] = out.saveVisible(graph.stages[index].title, limit: 60)
      }
      guard let owners = graph.owners(of: node) else {
        ownerNames[node] = noOwner
        continue
      }
      for (position, role) in owners.roles.enumerated() {
        if position > 0 { out.addToPiece(owners.mode == .all ? " + " : " / ") }
        out.addToPiece(roleNames[role])
      }
      ownerNames[node] = out.savePiece()
    }
    self.out = out
    self.numbers = numbers
    self.titles = titles
    self.ownerNames = ownerNames
    self.clock = graph.anchorTime.map(Clock.init)
    var runs: [Int: Int] = [:]
    for (index, run) in plan.schedule.rollbacks.enumerated() { runs[run.gate] = index }
    self.rollbackRunOfGate = runs
  }

  /// The width of the clock column: none without a dated anchor.
  var clockWidth: Int { clock == nil ? 0 : 17 }

  /// "T-4h (Sat 5 Dec 18:00)" with a dated anchor, otherwise "T-4h".
  mutating func timeWithClock(_ minutes: Int) -> String {
    guard let clock else { return timeText(minutes) }
    return timeText(minutes) + " (" + clock.dayAndTime(minutes) + ")"
  }

  /// The clock time in a column of 17: with the day when it is not the last one printed.
  mutating func clockColumn(_ minutes: Int) {
    guard let clock else { return }
    let day = clock.day(minutes)
    let text = day == lastDay ? clock.time(minutes) : clock.dayAndTime(minutes)
    lastDay = day
    out.append(text)
    out.spaces(max(1, 17 - scalarCount(text)))
  }

  /// A time as a piece: `T-4h`, or `+2h` from the start without an anchor.
  mutating func time(_ minutes: Int) -> Int {
    if let known = times.piece(for: minutes) { return known }
    let (anchored, anchor) = (schedule.anchored, graph.anchorName)
    out.addToPiece { appendPlanTime(minutes, anchored: anchored, anchor: anchor, to: &$0) }
    let piece = out.savePiece()
    times.store(piece, for: minutes)
    return piece
  }

  mutating func timeText(_ minutes: Int) -> String {
    let piece = time(minutes)
    return out.text(of: piece)
  }

  /// A duration as a piece: `1h30m`, `-2h`.
  mutating func duration(_ minutes: Int) -> Int {
    if let known = durations.piece(for: minutes) { return known }
    out.addToPiece { appendDuration(minutes, to: &$0) }
    let piece = out.savePiece()
    durations.store(piece, for: minutes)
    return piece
  }

  mutating func durationText(_ minutes: Int) -> String {
    let piece = duration(minutes)
    return out.text(of: piece)
  }

  /// A time in a column of the table.
  mutating func timeColumn(_ minutes: Int) {
    let piece = time(minutes)
    out.column(piece: piece, timeWidth)
  }

  /// A work node's worst-case start and finish in their columns, the clock between them.
  mutating func startAndFinishColumns(_ node: Int) {
    out.column(piece: startPieces[node], timeWidth)
    clockColumn(schedule.startWorst[node])
    out.column(piece: finishPieces[node], timeWidth)
  }

  /// Widens a column whose longest value would fill it: each keeps at least one space after it.
  /// (The times and durations are made here once, and the rows find them made.)
  mutating func measureColumns() {
    var longestTime = 0
    var longestSlack = 0
    var longestNumber = 0
    startPieces = [Int](repeating: 0, count: graph.nodes.count)
    finishPieces = startPieces
    slackPieces = startPieces
    for node in plan.work {
      startPieces[node] = time(schedule.startWorst[node])
      finishPieces[node] = time(schedule.finishWorst[node])
      slackPieces[node] = duration(schedule.slack[node])
      longestTime = max(longestTime, out.width(of: startPieces[node]), out.width(of: finishPieces[node]))
      longestSlack = max(longestSlack, out.width(of: slackPieces[node]))
      longestNumber = max(longestNumber, out.width(of: numbers[node]))
    }
    for run in schedule.rollbacks where !run.repeatsEarlierRun {
      for (node, start, finish) in run.nodes where graph.isWork(node) {
        longestTime = max(longestTime, out.width(of: time(start)), out.width(of: time(finish)))
        longestNumber = max(longestNumber, out.width(of: numbers[node]))
      }
    }
    let groups = plan.work.reduce(0) { max($0, plan.group[$1]) }
    timeWidth = max(timeWidth, longestTime + 1)
    slackWidth = max(slackWidth, longestSlack + 1)
    groupWidth = max(groupWidth, decimalLength(groups) + 1)
    numberWidth = max(numberWidth, longestNumber + 1)
  }

  /// Where the number column starts in a row of the table, and where its title starts.
  var numberColumn: Int { 2 * timeWidth + clockWidth + slackWidth + groupWidth + 2 }
  var titleColumn: Int { numberColumn + numberWidth }

  /// A step's or gate's number and its quoted title.
  mutating func label(_ node: Int) {
    if !out.isEmpty(piece: numbers[node]) {
      out.append(piece: numbers[node])
      out.append(ascii: " ")
    }
    out.append(ascii: "\"")
    out.append(piece: titles[node])
    out.append(ascii: "\"")
  }

  func labelText(_ node: Int) -> String {
    let number = out.text(of: numbers[node])
    return (number.isEmpty ? "" : number + " ") + "\"" + out.text(of: titles[node]) + "\""
  }

  mutating func render(sourceName: String) {
    out.line("Plan: " + visible(graph.title))
    out.line("From: " + visible(sourceName))
    if let anchor = graph.anchorName, let description = graph.anchorDescription {
      out.line("Time zero \(anchor): " + visible(description) + (clock.map { ", " + $0.full(0) } ?? ""))
    } else if let clock {
      out.line("Starts at: " + clock.full(0))
    }
    let totalBest = schedule.endBest - schedule.start
    let totalWorst = schedule.endWorst - schedule.start
    let ends = schedule.endBest == schedule.endWorst
      ? timeWithClock(schedule.endWorst) : timeText(schedule.endBest) + ".." + timeWithClock(schedule.endWorst)
    out.line("Starts \(timeWithClock(schedule.start)) · ends \(ends) · takes \(range(totalBest, totalWorst)) (best..worst)")
    if let clock {
      for change in clock.clockChanges(from: schedule.start, to: schedule.endWorst) {
        out.line("Clock times are local to \(clock.anchor.zone); " + change)
      }
    }
    let errors = plan.diagnostics.filter { $0.severity == .error }.count
    let warnings = plan.diagnostics.filter { $0.severity == .warning }.count
    if errors + warnings > 0 { out.line("Problems: \(plural(errors, "error")), \(plural(warnings, "warning")) (shown at the step they concern)") }
    for diagnostic in plan.generalFlags { out.line("  " + flag(diagnostic)) }
    out.newline()
    table()
    out.newline()
    criticalChains()
    out.newline()
    out.line("Lanes")
    for (role, nodes) in plan.lanes {
      out.line("  " + visible(graph.roles[role].name) + " (\(plural(nodes.count, "item")))")
      lastDay = Int.min
      for node in nodes {
        out.append(static: "    ")
        startAndFinishColumns(node)
        label(node)
        out.newline()
      }
    }
    out.newline()
    out.line("Hand-offs (\(plan.handoffs.count))")
    for handoff in plan.handoffs {
      out.append(static: "  ")
      out.append(piece: ownerNames[handoff.from])
      out.append(static: " → ")
      out.append(piece: ownerNames[handoff.to])
      out.append(static: ": after ")
      label(handoff.from)
      out.append(static: ", ")
      out.append(piece: ownerNames[handoff.to])
      out.append(static: " starts ")
      label(handoff.to)
      out.newline()
    }
    if !schedule.rollbacks.isEmpty {
      // The gate of each rollback's first run: later runs of the rollback refer to its steps.
      for run in schedule.rollbacks where !run.repeatsEarlierRun { firstGateOfRollback[run.rollback] = run.gate }
      out.newline()
      out.line("Rollbacks")
      for run in schedule.rollbacks { rollback(run) }
    }
    if !schedule.unscheduled.isEmpty {
      let stuck = schedule.unscheduled.filter { graph.isWork($0) }
      out.newline()
      out.line("Not scheduled (on or after a dependency cycle): \(plural(stuck.count, "item"))")
      wrapList(stuck.map { .text(labelText($0)) }, separator: ", ")
    }
    if !schedule.stepsWithoutDuration.isEmpty {
      out.newline()
      let count = schedule.stepsWithoutDuration.count
      out.line("Warning: \(plural(count, "step")) \(count == 1 ? "has" : "have") no duration (or `tbd`) and \(count == 1 ? "counts" : "count") as zero:")
      wrapList(schedule.stepsWithoutDuration.map { .piece(numbers[graph.steps[$0].node]) }, separator: ", ")
    }
  }

  /// "2h" or "1h..3h".
  mutating func range(_ best: Int, _ worst: Int) -> String {
    best == worst ? durationText(worst) : durationText(best) + ".." + durationText(worst)
  }

  func flag(_ diagnostic: Diagnostic) -> String {
    let mark = diagnostic.severity == .error ? "✗" : "!"
    return "\(mark) \(diagnostic.severity.rawValue)[\(diagnostic.code.rawValue)]: \(visible(diagnostic.message))"
  }

  /// The main table: one row per step, gate and sign-off, with stage headings.
  mutating func table() {
    measureColumns()
    let header = pad("Start", timeWidth) + (clock == nil ? "" : pad("Clock", 17)) + pad("Finish", timeWidth) + pad("Slack", slackWidth)
      + pad("Grp", groupWidth) + "  " + pad("#", numberWidth) + pad("Step", 62) + "Owner"
    out.line(header)
    out.line(String(repeating: "-", count: header.count))
    var currentStage = -1
    var noReturn = [Bool](repeating: false, count: graph.nodes.count)
    for node in schedule.pointsOfNoReturn { noReturn[node] = true }
    for node in plan.work {
      let stage = graph.stage(of: node)
      if stage != currentStage {
        currentStage = stage
        stageHeading(stage)
      }
      if noReturn[node] {
        out.line("  ---- point of no return: no rollback is planned from here on ----")
      }
      startAndFinishColumns(node)
      out.column(piece: slackPieces[node], slackWidth)
      // The group number in its column: its digits are one byte, one column each.
      out.append(plan.group[node])
      out.spaces(max(1, groupWidth - decimalLength(plan.group[node])))
      out.append(ascii: schedule.critical[node] ? "*" : " ")
      out.append(ascii: " ")
      out.column(piece: numbers[node], numberWidth)
      out.column(piece: titles[node], 62)
      out.append(piece: ownerNames[node])
      out.newline()
      if case .gate(let index) = graph.nodes[node] { branches(index) }
      // (Looked up only when there are any: most runbooks that are planned have none.)
      if plan.flags.isEmpty { continue }
      for diagnostic in plan.flags[node] ?? [] {
        out.spaces(numberColumn)
        out.line(flag(diagnostic))
      }
    }
  }

  mutating func stageHeading(_ stage: Int) {
    guard stage != RunbookGraph.rootStage else { return }
    // The stage and the stages it is in, innermost first.
    var chain: [Int] = []
    var current: Int? = stage
    while let index = current, index != RunbookGraph.rootStage {
      chain.append(index)
      current = graph.stages[index].parent
    }
    let info = graph.stages[stage]
    var facts: [String] = []
    if let window = info.window { facts.append("window " + readableWindow(window, anchor: graph.anchorName)) }
    if let deadline = info.deadline { facts.append("by " + formatTime(deadline, anchor: graph.anchorName, unit: info.deadlineUnit)) }
    if let duration = info.duration { facts.append(readableDuration(duration)) }
    if info.parallel { facts.append("in any order") }
    if schedule.scheduled[info.startNode] || schedule.scheduled[info.endNode] {
      var span = timeText(schedule.stageStart[stage]) + " → " + timeText(schedule.stageFinish[stage])
      if let clock {
        let (start, finish) = (schedule.stageStart[stage], schedule.stageFinish[stage])
        span += " (" + clock.dayAndTime(start) + " → "
          + (clock.day(start) == clock.day(finish) ? clock.time(finish) : clock.dayAndTime(finish)) + ")"
      }
      facts.append(span)
    }
    // Written piece by piece: joining the titles and facts into one string first cost more
    // than all the rest of a heading.
    out.newline()
    out.append(ascii: "[")
    for (position, index) in chain.reversed().enumerated() {
      if position > 0 { out.append(static: " › ") }
      out.append(visible(graph.stages[index].title))
    }
    out.append(ascii: "]")
    for (position, fact) in facts.enumerated() {
      out.append(static: position == 0 ? "  " : " · ")
      out.append(fact)
    }
    out.newline()
    for diagnostic in plan.flags[info.startNode] ?? [] { out.line("  " + flag(diagnostic)) }
  }

  /// The critical path as chains that follow real dependencies, one chain a line: where a chain
  /// starts says what fixes its start (the plan's start, a window, or a step of another chain).
  /// Chains of a single item that start the same way share a line ("after 1, each: 10, 11").
  mutating func criticalChains() {
    let chains = schedule.criticalChains
    guard !chains.isEmpty else {
      out.line("Critical path: none")
      return
    }
    out.line(chains.count == 1 ? "Critical path (marked * above):" : "Critical path (marked * above), in \(chains.count) chains:")
    let shownLines = 50
    var lines = 0
    var index = 0
    while index < chains.count {
      if lines == shownLines {
        out.line("  … and \(chains.count - index) more chains")
        return
      }
      let chain = chains[index]
      var end = index + 1
      if chain.nodes.count == 1 {
        while end < chains.count && chains[end].nodes.count == 1 && chains[end].start == chain.start
          && chains[end].opening == chain.opening { end += 1 }
      }
      var items = chains[index..<end].flatMap { $0.nodes }.map { shortItem($0) }
      let each = end - index > 1 ? ", each" : ""
      let first = text(of: items[0])
      switch chain.start {
      case .start: if !each.isEmpty { items[0] = .text("from the start, each: " + first) }
      case .window: items[0] = .text("waits for window " + timeWithClock(chain.opening ?? 0) + each + ": " + first)
      case .after(let node): items[0] = .text("after " + shortName(node) + each + ": " + first)
      case .stageDuration(let stage):
        let length = graph.stages[stage].duration.map(readableDuration) ?? ""
        items[0] = .text("when \"" + visible(graph.stages[stage].title, limit: 30) + "\" has taken its " + length + each + ": " + first)
      }
      wrapList(items, separator: each.isEmpty ? " → " : ", ")
      lines += 1
      index = end
    }
  }

  /// A step's or gate's number, or a sign-off's clipped title.
  func shortName(_ node: Int) -> String {
    text(of: shortItem(node))
  }

  /// The same as an item of a list: the saved number, where there is one.
  func shortItem(_ node: Int) -> ListItem {
    guard out.isEmpty(piece: numbers[node]) else { return .piece(numbers[node]) }
    return .text(clippedTitle(node))
  }

  /// A sign-off's, stage's, step's or gate's title clipped to 30 scalars.
  func clippedTitle(_ node: Int) -> String {
    switch graph.nodes[node] {
    case .signoff(let index): return visible("Sign-off: " + graph.signoffs[index].title, limit: 30)
    case .stageStart(let index), .stageEnd(let index): return visible(graph.stages[index].title, limit: 30)
    case .step(let index): return visible(graph.steps[index].title, limit: 30)
    case .gate(let index): return visible(graph.gates[index].title, limit: 30)
    }
  }

  mutating func branches(_ index: Int) {
    let gate = graph.gates[index]
    let indent = titleColumn + 1
    for criterion in gate.criteria {
      out.spaces(indent)
      out.line("go if: " + visible(criterion.text, limit: 70))
    }
    for criterion in gate.noGoConditions {
      out.spaces(indent)
      out.line("no-go if: " + visible(criterion.text, limit: 70))
    }
    if let go = gate.go {
      out.spaces(indent)
      out.append(static: "go    → continue with ")
      label(graph.entryNode(go))
      out.newline()
    }
    switch gate.noGo {
    case .rollback(let rollback, _):
      if let runIndex = rollbackRunOfGate[index] {
        let run = schedule.rollbacks[runIndex]
        out.spaces(indent)
        out.line("no-go → rollback \"\(visible(graph.stages[rollback].title))\": " + rollbackSummary(run))
      }
    case .stop:
      out.spaces(indent)
      out.line("no-go → stop")
    case nil:
      break
    }
  }

  mutating func rollbackSummary(_ run: RollbackRun) -> String {
    var text = "takes \(range(run.lengthBest, run.lengthWorst))"
    if let bound = run.bound {
      switch run.fits {
      case true?: text += " within \(durationText(bound)): fits"
      case false?: text += ", over its \(durationText(bound)) bound by \(durationText(run.lengthWorst - bound))"
      case nil:
        // A closure, not `map(shortName)`: Swift 6.3.1 crashes on a method reference of a
        // value that cannot be copied (this one holds a TextBuffer).
        let steps = run.withoutDuration.map { shortName($0) }
        text += "; the \(durationText(bound)) bound cannot be checked: "
          + (steps.count == 1 ? "step \(steps[0]) has" : "steps \(steps.prefix(8).joined(separator: ", "))\(steps.count > 8 ? ", …" : "") have")
          + " no duration"
      }
    }
    return text
  }

  mutating func rollback(_ run: RollbackRun) {
    out.append("  \"" + visible(graph.stages[run.rollback].title) + "\" after a no-go at ")
    label(graph.gates[run.gate].node)
    out.newline()
    out.line("    starts \(timeWithClock(run.start)), " + rollbackSummary(run))
    if run.repeatsEarlierRun, let first = firstGateOfRollback[run.rollback] {
      // Its steps are those listed for the first gate entering it, shifted to this start: a
      // rollback entered by many gates is listed once, not once for each.
      out.append(static: "    the same steps as listed after ")
      label(graph.gates[first].node)
      out.line(", starting \(timeWithClock(run.start))")
      return
    }
    for (node, start, finish) in run.nodes where graph.isWork(node) {
      out.append(static: "    ")
      timeColumn(start)
      timeColumn(finish)
      out.column(piece: numbers[node], numberWidth)
      out.column(piece: titles[node], 62)
      out.append(piece: ownerNames[node])
      out.newline()
    }
  }

  /// An item of a list that wraps: a saved piece (a step's number, printed from where it is
  /// saved: the list of steps without a duration can hold every step), or text.
  enum ListItem {
    case piece(Int)
    case text(String)
  }

  func text(of item: ListItem) -> String {
    switch item {
    case .piece(let piece): out.text(of: piece)
    case .text(let text): text
    }
  }

  /// Items separated by `separator`, in lines of about 100 columns indented by two.
  mutating func wrapList(_ items: [ListItem], separator: String) {
    let separatorWidth = scalarCount(separator)
    var width = 2
    for (offset, item) in items.enumerated() {
      let last = offset == items.count - 1
      let itemWidth: Int
      switch item {
      case .piece(let piece): itemWidth = out.width(of: piece)
      case .text(let text): itemWidth = scalarCount(text)
      }
      let pieceWidth = itemWidth + (last ? 0 : separatorWidth)
      if width > 2 && width + pieceWidth > 100 {
        out.newline()
        width = 2
      }
      guard pieceWidth > 0 else { continue }
      if width == 2 { out.append(static: "  ") }
      switch item {
      case .piece(let piece): out.append(piece: piece)
      case .text(let text): out.append(text)
      }
      if !last { out.append(separator) }
      width += pieceWidth
    }
    if width > 2 { out.newline() }
  }
}
