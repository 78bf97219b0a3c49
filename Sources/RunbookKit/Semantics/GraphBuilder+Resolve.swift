// The resolving pass: owners (inherited from stages), deciders, signers, references between
// steps, gates and stages, durations and times. Each unresolved or ill-formed fact is reported
// where it was written, with a suggestion when a declared name is close.

extension GraphBuilder {
  mutating func resolve() {
    usedRoles = [Bool](repeating: false, count: graph.roles.count)
    ownedSteps = []
    ownedStepsKept = false
    for index in graph.stages.indices {
      resolveStage(index, stageDeclarations[index])
    }
    for index in graph.steps.indices { resolveStep(index, stepDeclaration(index)) }
    for index in graph.gates.indices { resolveGate(index, gateDeclaration(index)) }
    for index in graph.signoffs.indices { resolveSignoff(index, signoffDeclaration(index)) }
  }

  // MARK: - Stages, steps, gates, sign-offs

  private mutating func resolveStage(_ index: Int, _ declaration: Declaration) {
    let inherited = graph.stages[index].parent.flatMap { graph.stages[$0].defaultOwners }
    graph.stages[index].defaultOwners = declaration.attributeIndex(.owner).flatMap { owners(declaration.attributes[$0].value) } ?? inherited
    if let duration = declaration.attributeIndex(.duration) { graph.stages[index].duration = minutes(declaration.attributes[duration].value) }
    if let window = declaration.attributeIndex(.window) { graph.stages[index].window = self.window(declaration.attributes[window].value) }
    if let deadline = declaration.attributeIndex(.deadline) {
      (graph.stages[index].deadline, graph.stages[index].deadlineUnit) = self.deadline(declaration.attributes[deadline].value)
    }
  }

  private mutating func resolveStep(_ index: Int, _ declaration: Declaration) {
    // Where the attributes a step's facts come from are, found in one pass and read in place (a
    // step has few attributes, and copying them was a visible cost).
    var owner = -1
    var duration = -1
    var window = -1
    var deadline = -1
    var verifies = -1
    let attributes = declaration.attributes
    for position in attributes.indices {
      switch attributes[position].keyword {
      case .owner where owner < 0: owner = position
      case .duration where duration < 0: duration = position
      case .window where window < 0: window = position
      case .deadline where deadline < 0: deadline = position
      case .verifies where verifies < 0: verifies = position
      default: break
      }
    }
    if owner >= 0 {
      if let own = owners(attributes[owner].value) { setOwners(own, ofStep: index) }
    } else if let stageDefault = graph.stages[graph.steps[index].stage].defaultOwners {
      setOwners(stageDefault, ofStep: index)
      graph.steps[index].ownersInherited = true
      for role in stageDefault.roles { usedRoles[role] = true }
    } else if !titleUnterminated(declaration) {
      // (A title whose string is not closed has swallowed the rest of its line, the owner
      // perhaps with it: the unterminated string is the one mistake reported.)
      let stage = graph.stages[graph.steps[index].stage]
      let place = stage.kind == .rollback ? "rollback" : "stage"
      report(
        .missingOwner, "step \(graph.describe(graph.steps[index].node)) has no owner",
        at: declaration.title?.range ?? declaration.keywordRange,
        help: "add `owner <role>` to the step, or a default `owner <role>` to its \(place) `\(stage.id ?? clipped(stage.title))`")
    }
    if duration >= 0 { graph.steps[index].duration = minutes(attributes[duration].value) }
    if window >= 0 { graph.steps[index].window = self.window(attributes[window].value) }
    if deadline >= 0 { (graph.steps[index].deadline, graph.steps[index].deadlineUnit) = self.deadline(attributes[deadline].value) }
    guard verifies >= 0, case .reference(let target) = attributes[verifies].value else { return }
    if !isQuoted(target), let verified = verifiedStep(target.name) {
      graph.steps[index].verifies = verified
    } else if let item = resolveItem(target, expecting: "the step it verifies") {
      if case .step(let verified) = item {
        graph.steps[index].verifies = verified
      } else {
        report(
          .wrongReferenceKind, "`verifies` must name a step; `\(target.name)` is a \(kindName(item))",
          at: target.range, help: "name the step whose work this step checks")
      }
    }
  }

  /// Gives a step its owners, and counts it among the steps each of them owns once that table
  /// is kept.
  private mutating func setOwners(_ owners: consuming Owners, ofStep index: Int) {
    graph.steps[index].owners = owners
    if ownedStepsKept { countOwned(step: index) }
  }

  /// Counts a step with an id among the steps its owners own.
  private mutating func countOwned(step index: Int) {
    guard graph.steps[index].idWritten, let roles = graph.steps[index].owners?.roles else { return }
    for role in roles {
      if ownedSteps[role].first.count < OwnedSteps.shown { ownedSteps[role].first.append(graph.steps[index].id) }
      ownedSteps[role].count += 1
    }
  }

  /// The steps with ids a role owns so far (for the help of a role named where work was meant):
  /// the table is made from the steps resolved until now the first time it is asked for. Steps
  /// are resolved in order, and only they have owners yet.
  private mutating func stepsOwned(by role: Int) -> OwnedSteps {
    if !ownedStepsKept {
      ownedSteps = [OwnedSteps](repeating: OwnedSteps(), count: graph.roles.count)
      ownedStepsKept = true
      for index in graph.steps.indices { countOwned(step: index) }
    }
    return role < ownedSteps.count ? ownedSteps[role] : OwnedSteps()
  }

  private mutating func resolveGate(_ index: Int, _ declaration: Declaration) {
    let gate = graph.gates[index]
    // Made only for a message: most gates are complete.
    var name: String { graph.describe(gate.node) }
    let decider = declaration.attributeIndex(.decidedBy)
    graph.gates[index].deciders = decider.flatMap { owners(declaration.attributes[$0].value) }
    if decider == nil {
      report(
        .missingDecider, "\(name) has no decider", at: declaration.title?.range ?? declaration.keywordRange,
        help: "add `decided_by <role>`: someone must own the go/no-go decision")
    }
    for attribute in declaration.attributes where attribute.keyword == .criterion || attribute.keyword == .noGoIf {
      guard let found = criterion(attribute.value) else { continue }
      if attribute.keyword == .criterion { graph.gates[index].criteria.append(found) } else { graph.gates[index].noGoConditions.append(found) }
    }
    if let duration = declaration.attributeIndex(.duration) { graph.gates[index].duration = minutes(declaration.attributes[duration].value) }
    if let window = declaration.attributeIndex(.window) { graph.gates[index].window = self.window(declaration.attributes[window].value) }
    if let deadline = declaration.attributeIndex(.deadline) {
      (graph.gates[index].deadline, graph.gates[index].deadlineUnit) = self.deadline(declaration.attributes[deadline].value)
    }

    // Read in place, by position (an optional copy of an attribute is slow to make and destroy).
    let go = declaration.attributeIndex(.go)
    let noGo = declaration.attributeIndex(.noGo)
    if let go, case .reference(let target) = declaration.attributes[go].value {
      graph.gates[index].go = resolveItem(target, expecting: "the step or stage the go branch continues with")
    }
    switch noGo.map({ declaration.attributes[$0].value }) {
    case .noGo(let target, let within):
      if let rollback = resolveRollback(target) {
        let bound = within.flatMap { checkedMinutes($0) }
        graph.gates[index].noGo = .rollback(rollback, within: bound)
      }
    case .stop:
      graph.gates[index].noGo = .stop
    default:
      break
    }
    if go == nil || noGo == nil {
      let missing = [go == nil ? "`go -> <step>`" : nil, noGo == nil ? "`no_go -> rollback <id>` (or `no_go -> stop`)" : nil].compactMap { $0 }
      report(
        .missingOutcome, "\(name) has no \(missing.count == 2 ? "outcomes" : missing[0] == "`go -> <step>`" ? "go outcome" : "no-go outcome")",
        at: declaration.title?.range ?? declaration.keywordRange,
        help: "add \(listPhrase(missing, conjunction: "and")): a gate says where each decision leads")
    }
    if !declaration.has(.criterion) && !declaration.has(.noGoIf) {
      report(
        .gateWithoutCriteria, "\(name) has no criteria", at: declaration.title?.range ?? declaration.keywordRange,
        help: "add `criterion \"…\"` lines (or a measure such as `criterion availability >= 99.9%`) so the decider knows what go means")
    }
  }

  private mutating func resolveSignoff(_ index: Int, _ declaration: Declaration) {
    let byAttribute = declaration.attribute(.by)
    if case .reference(let role) = byAttribute?.value {
      graph.signoffs[index].role = resolveRole(role)
    } else if byAttribute == nil {
      report(
        .missingOwner, "sign-off `\(clipped(graph.signoffs[index].title))` has no signer",
        at: declaration.title?.range ?? declaration.keywordRange,
        help: "add `by <role>`: the role whose representative signs")
    }
    for attribute in declaration.attributes(.covers) {
      guard case .references(let targets) = attribute.value else { continue }
      for target in targets {
        if let item = resolveItem(target, expecting: "the work this sign-off covers") {
          graph.signoffs[index].covers.append(item)
        }
      }
    }
  }

  /// The step a `verifies` names: the step with that id, even when a stage took the id first.
  func verifiedStep(_ name: String) -> Int? {
    if case .step(let index)? = names[name]?.item { return index }
    return shadowedSteps[name]
  }

  /// Whether a declaration's title is a string that was never closed.
  func titleUnterminated(_ declaration: Declaration) -> Bool {
    guard let title = declaration.title, !title.isBlock, title.range.end > title.range.start else { return false }
    let last = sourceBytes[title.range.end - 1]
    return title.range.end - title.range.start < 2 || (last != UInt8(ascii: "\"") && last != UInt8(ascii: "'") && last != 0x9D)
  }

  // MARK: - Names written as titles

  /// Whether a reference was written as text in quotes where an id belongs (`owner "Operations"`):
  /// the parser keeps the text as the name, and its range starts at the quote, where an id's
  /// never does.
  func isQuoted(_ id: Identifier) -> Bool {
    guard id.range.start < sourceBytes.count else { return false }
    let first = sourceBytes[id.range.start]
    // (0xE2 starts the typographic quotes “ and ‘, reported by the lexer.)
    return first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") || first == 0xE2
  }

  /// A role named by its display name in quotes: reported with the role's id (and the fix that
  /// writes it) when one role has that name or id; resolved to it, so nothing else is reported.
  mutating func resolveQuotedRole(_ id: Identifier) -> Int? {
    let folded = id.name.lowercased()
    let matches = graph.roles.indices.filter { graph.roles[$0].name.lowercased() == folded || graph.roles[$0].id == id.name }
    guard matches.count == 1, let role = matches.first else {
      let example = id.name.lowercased().split { !$0.isLetter && !$0.isNumber }.joined(separator: "_")
      report(
        .undefinedRole, "a role is named by its id, not by text in quotes; no role is named \"\(clipped(id.name))\"", at: id.range,
        help: "declare the role with an id and its name, `role \(example.isEmpty ? "ops" : example) \"\(clipped(id.name))\"`, and name it by the id")
      return nil
    }
    usedRoles[role] = true
    let written = graph.roles[role].id
    report(
      .undefinedRole, "a role is named by its id, not by its name in quotes", at: id.range,
      notes: [DiagnosticNote("the role `\(written)` is declared here", at: graph.roles[role].range)],
      help: "write `\(written)`, the id of the role \"\(graph.roles[role].name)\"",
      fix: Fix("write `\(written)`", replacing: id.range, with: written))
    return role
  }

  /// Work named by its title in quotes (`after "Take a backup"`): reported with the work's id and
  /// the fix that writes it when one stage, step or gate has that title and an id; resolved to
  /// it. Work of that title without an id is told to get one.
  mutating func resolveQuotedItem(_ id: Identifier, expecting what: String) -> Item? {
    if workByTitle == nil {
      var index: [String: Item?] = [:]
      func add(_ title: String, _ item: Item) {
        let key = title.lowercased()
        index[key] = index[key] == nil ? .some(item) : .some(nil)
      }
      for (number, step) in graph.steps.enumerated() { add(step.title, .step(number)) }
      for (number, gate) in graph.gates.enumerated() { add(gate.title, .gate(number)) }
      for (number, stage) in graph.stages.enumerated() where number != RunbookGraph.rootStage && stage.kind != .rollback { add(stage.title, .stage(number)) }
      workByTitle = index
    }
    let found = workByTitle?[id.name.lowercased()]
    guard let found, let item = found else {
      let why = found == nil ? "no stage, step or gate has the title \"\(clipped(id.name))\"" : "several have the title \"\(clipped(id.name))\""
      report(.undefinedReference, "work is named by its id, not by text in quotes; \(why)", at: id.range, help: "name \(what) by its id: `step backup \"Take a backup\"` is named `backup`")
      return nil
    }
    let (written, title, range): (String?, String, SourceRange) = switch item {
    case .step(let index): (graph.steps[index].idWritten ? graph.steps[index].id : nil, graph.steps[index].title, graph.steps[index].range)
    case .gate(let index): (graph.gates[index].idWritten ? graph.gates[index].id : nil, graph.gates[index].title, graph.gates[index].range)
    case .stage(let index): (graph.stages[index].id, graph.stages[index].title, graph.stages[index].range)
    case .signoff(let index): (graph.signoffs[index].id, graph.signoffs[index].title, graph.signoffs[index].range)
    }
    guard let written else {
      let example = title.lowercased().split { !$0.isLetter && !$0.isNumber }.prefix(4).joined(separator: "_")
      report(
        .undefinedReference, "work is named by its id, not by its title in quotes; the \(kindName(item)) \"\(clipped(title))\" has no id",
        at: id.range, notes: [DiagnosticNote("it is declared here", at: range)],
        help: "give it an id after its keyword, `\(kindName(item)) \(example.isEmpty ? "an_id" : example) \"\(clipped(title))\"`, and name it by the id")
      return nil
    }
    report(
      .undefinedReference, "work is named by its id, not by its title in quotes", at: id.range,
      notes: [DiagnosticNote("\(kindName(item)) `\(written)` is declared here", at: range)],
      help: "write `\(written)`, the id of the \(kindName(item)) \"\(clipped(title))\"",
      fix: Fix("write `\(written)`", replacing: id.range, with: written))
    return item
  }

  // MARK: - Names

  /// The role an id names, or nil (reported).
  mutating func resolveRole(_ id: Identifier) -> Int? {
    if isQuoted(id) { return resolveQuotedRole(id) }
    if let index = roleIndex[id.name] {
      usedRoles[index] = true
      return index
    }
    if brokenNames.contains(id.name) { return nil }
    var help = "declare it in the runbook: `role \(id.name) \"Display name\"`"
    var notes: [DiagnosticNote] = []
    if let (role, why) = roleByDisplayName(id.name) {
      suggestedRoles.insert(role)
      // `pharmacist` for `role pharm "Oncology Pharmacist"`: people name the role they mean.
      help = "write `\(graph.roles[role].id)`, the id of the role \"\(graph.roles[role].name)\"\(why)"
      notes = [DiagnosticNote("the role `\(graph.roles[role].id)` is declared here", at: graph.roles[role].range)]
    } else if let suggestion = suggest(id.name, kind: .role) {
      help = "did you mean `\(suggestion)`? or declare it: `role \(id.name) \"Display name\"`"
    }
    report(.undefinedRole, "the role `\(clipped(id.name))` is not declared", at: id.range, notes: notes, help: help)
    return nil
  }

  /// A declared role whose display name the undeclared id spells: every word of the id is a
  /// word of the name (`change_board` for "Change Advisory Board"), or the id is the name's
  /// initials (`cab`). Roles that nothing uses come first: they are the likeliest to be meant.
  private func roleByDisplayName(_ name: String) -> (Int, String)? {
    let words = name.lowercased().split(separator: "_").map(String.init).filter { !$0.isEmpty }
    guard !words.isEmpty, graph.roles.count <= 1000 else { return nil }
    var matches: [Int] = []
    for (index, role) in graph.roles.enumerated() {
      let nameWords = role.name.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
      let initials = String(nameWords.compactMap(\.first))
      let spelled = words.allSatisfy { word in nameWords.contains { $0 == word || ($0.count > 4 && word.count > 4 && ($0.hasPrefix(word) || word.hasPrefix($0))) } }
      if spelled || (nameWords.count > 1 && words.count == 1 && words[0] == initials) { matches.append(index) }
    }
    let unused = matches.filter { !usedRoles[$0] }
    guard let best = (unused.count == 1 ? unused.first : (matches.count == 1 ? matches.first : nil)) else { return nil }
    return (best, usedRoles[best] ? "" : ", which owns nothing yet")
  }

  /// The owners an `owner` or `decided_by` attribute names; nil when broken or nothing resolved.
  mutating func owners(_ value: AttributeValue) -> Owners? {
    guard case .owners(let expression) = value else { return nil }
    var roles: [Int] = []
    roles.reserveCapacity(expression.roles.count)
    // A set only for long lists: most steps have one or two owners.
    var seen: Set<Int>? = expression.roles.count > 8 ? [] : nil
    for role in expression.roles {
      guard let index = resolveRole(role) else { continue }
      if seen == nil ? !roles.contains(index) : seen?.insert(index).inserted == true { roles.append(index) }
    }
    return roles.isEmpty ? nil : Owners(roles: roles, mode: expression.mode)
  }

  /// The stage, step, gate or sign-off an id names, or nil (reported).
  mutating func resolveItem(_ id: Identifier, expecting what: String) -> Item? {
    if isQuoted(id) { return resolveQuotedItem(id, expecting: what) }
    if let entry = names[id.name] {
      if let item = entry.item { return item }
      report(
        .wrongReferenceKind, "`\(clipped(id.name))` is not a stage, step or gate", at: id.range,
        notes: [DiagnosticNote("`\(clipped(id.name))` is declared here", at: entry.range)],
        help: "name \(what)")
      return nil
    }
    if brokenNames.contains(id.name) { return nil }
    if let role = roleIndex[id.name] {
      // `after vendor`: a role where a step was meant.
      let owned = stepsOwned(by: role)
      let shown = owned.first.map { "`\($0)`" }
      let more = owned.count > OwnedSteps.shown ? " and \(owned.count - OwnedSteps.shown) more" : ""
      let list = owned.count == 0 ? "" : "; the steps \(graph.roles[role].name) owns are " + listPhrase(shown, conjunction: "and") + more
      report(
        .wrongReferenceKind, "`\(clipped(id.name))` is a role, not a stage, step or gate", at: id.range,
        notes: [DiagnosticNote("the role `\(clipped(id.name))` is declared here", at: graph.roles[role].range)],
        help: "name \(what) by its id\(list)")
      return nil
    }
    var help = "name \(what) by its id; an id is written after the keyword: `step \(id.name) \"Title\"`"
    if let suggestion = suggest(id.name, kind: .item) { help = "did you mean `\(suggestion)`?" }
    report(.undefinedReference, "no stage, step or gate has the id `\(clipped(id.name))`", at: id.range, help: help)
    return nil
  }

  /// The rollback an id names, or nil (reported).
  mutating func resolveRollback(_ id: Identifier) -> Int? {
    if let entry = names[id.name] {
      if case .stage(let index) = entry.item, graph.stages[index].kind == .rollback { return index }
      report(
        .wrongReferenceKind, "`no_go` must lead to a rollback; `\(clipped(id.name))` is \(entry.item.map { "a " + kindName($0) } ?? "not one")",
        at: id.range, notes: [DiagnosticNote("`\(clipped(id.name))` is declared here", at: entry.range)],
        help: "declare the procedure as `rollback \(id.name) \"Title\" { … }`, or write `no_go -> stop` when nothing needs undoing")
      unresolvedRollbackReference = true
      return nil
    }
    unresolvedRollbackReference = true
    if brokenNames.contains(id.name) { return nil }
    var help = "declare it: `rollback \(id.name) \"Title\" { … }`"
    if let suggestion = suggest(id.name, kind: .rollback) {
      help = "did you mean `\(suggestion)`?"
    }
    report(.undefinedRollback, "no rollback has the id `\(clipped(id.name))`", at: id.range, help: help)
    return nil
  }

  /// A "did you mean" suggestion among roles, items (stages, steps, gates, sign-offs) or
  /// rollbacks. Only the first 100 misses of a file get one, each from a bounded search of an
  /// index built on the first miss, so that a file of many broken references stays linear.
  mutating func suggest(_ name: String, kind: SuggestionKind) -> String? {
    guard suggestionsMade < 100 else { return nil }
    suggestionsMade += 1
    if suggestionIndexes[kind] == nil {
      switch kind {
      case .role: suggestionIndexes[kind] = SuggestionIndex(roleIndex.keys)
      case .item:
        let table = names
        suggestionIndexes[kind] = SuggestionIndex(table.keys.indices.lazy.filter { table.values[$0].item != nil }.map { table.keys[$0] })
      case .rollback:
        suggestionIndexes[kind] = SuggestionIndex(graph.stages.lazy.filter { $0.kind == .rollback }.compactMap(\.id))
      }
    }
    return suggestionIndexes[kind]?.closest(to: name)
  }

  func kindName(_ item: Item) -> String {
    switch item {
    case .step: "step"
    case .gate: "gate"
    case .signoff: "sign-off"
    case .stage(let index): graph.stages[index].kind == .rollback ? "rollback" : "stage"
    }
  }

  // MARK: - Time

  /// The minutes of a `duration` attribute, checked; nil when broken.
  mutating func minutes(_ value: AttributeValue) -> Minutes? {
    guard case .duration(let spec) = value else { return nil }
    return checkedMinutes(spec)
  }

  /// Checks a duration spec: no inverted ranges, nothing zero or negative. Nil for an inverted
  /// range (reported).
  mutating func checkedMinutes(_ spec: DurationSpec) -> Minutes? {
    var value = Minutes(
      minimum: spec.minimum, maximum: spec.maximum, uncertain: spec.uncertain,
      toBeDecided: spec.toBeDecided, unit: writtenUnit(spec.range))
    if spec.toBeDecided { return value }
    if spec.minimum < 0 || spec.maximum < 0 {
      report(
        .zeroDuration, "a duration cannot be negative", at: spec.minimum < 0 ? spec.minimumRange : spec.maximumRange,
        help: "write how long the work takes, e.g. `30m`")
      value.minimum = max(0, value.minimum)
      value.maximum = max(value.minimum, value.maximum)
    } else if spec.maximum == 0 {
      report(
        .zeroDuration, "a duration of zero", at: spec.range,
        help: "leave `duration` out when it is not known, or write `duration tbd`")
    } else if spec.minimum > spec.maximum {
      report(
        .invertedRange,
        "the range runs backwards: \(formatDuration(spec.minimum)) is longer than \(formatDuration(spec.maximum))",
        at: spec.range, help: "write the shorter duration first: `\(formatDuration(spec.maximum))..\(formatDuration(spec.minimum))`")
      // Which end was meant is not known: the duration is left out of the schedule rather than
      // feeding window errors computed from a guess.
      return nil
    }
    return value
  }

  /// The window of a `window` attribute, checked; nil when broken.
  mutating func window(_ value: AttributeValue) -> Window? {
    guard case .window(let window) = value else { return nil }
    guard let start = offset(window.start), let end = offset(window.end) else { return nil }
    if end < start {
      report(
        .windowEndsBeforeStart,
        "the window ends (\(formatTime(end, anchor: graph.anchorName))) before it starts (\(formatTime(start, anchor: graph.anchorName)))",
        at: window.range, help: "write the earlier time first")
      return nil
    }
    return Window(start: start, end: end, unit: writtenUnit(window.range))
  }

  /// The largest unit written in a range of the source.
  func writtenUnit(_ range: SourceRange) -> TimeUnit? {
    guard range.start >= 0, range.end <= sourceBytes.count, range.start <= range.end else { return nil }
    return TimeUnit.largest(in: sourceBytes[range.start..<range.end])
  }

  /// The offset of a `deadline` attribute; nil when broken.
  mutating func deadline(_ value: AttributeValue) -> (Int?, TimeUnit?) {
    guard case .deadline(let point) = value else { return (nil, nil) }
    return (offset(point), writtenUnit(point.range))
  }

  /// The minutes from the anchor of a time such as `T-4h`, once its anchor is checked.
  mutating func offset(_ point: TimePoint) -> Int? {
    if let clock = point.clock { return clockTimeOffset(clock, at: point.range) }
    guard let anchor = graph.anchorName else {
      report(
        .undefinedAnchor, "`\(clipped(point.anchor.name))` refers to an anchor, but the runbook declares none",
        at: point.anchor.range,
        help: "declare the moment times are counted from: `anchor \(point.anchor.name) \"Upgrade starts\"`")
      return nil
    }
    guard point.anchor.name == anchor else {
      report(
        .undefinedAnchor, "the anchor is `\(anchor)`, not `\(clipped(point.anchor.name))`", at: point.anchor.range,
        notes: anchorRange.map { [DiagnosticNote("the anchor is declared here", at: $0)] } ?? [],
        help: "write times relative to the anchor, e.g. `\(anchor)-4h`")
      return nil
    }
    return point.offset
  }

  /// `deadline 23:30`: a clock time where a time from the anchor belongs. Reported with the time
  /// from the anchor that the nearest such clock time is, when the anchor's date and time are
  /// known, and read as it (so that the rest is checked); a guess of the day, so no fix is
  /// offered. Without the anchor's date and time nothing can be read from it.
  mutating func clockTimeOffset(_ clock: Int, at range: SourceRange) -> Int? {
    let anchor = graph.anchorName ?? "T"
    let written = twoDigits(clock / 60) + ":" + twoDigits(clock % 60)
    guard let time = graph.anchorTime else {
      report(
        .invalidDateTime, "`\(written)` is a clock time; times are written from the anchor, as `\(anchor)+2h` or `\(anchor)-30m`", at: range,
        help: graph.anchorName == nil
          ? "declare the anchor with its date and time, `anchor T \"Go-live\" at \"2026-12-05 22:00 Europe/Berlin\"`, and write `T+2h`: the checklist prints the clock times"
          : "write the time from `\(anchor)`; give the anchor its date and time (`at \"2026-12-05 22:00 Europe/Berlin\"`) and the checklist prints the clock times")
      return nil
    }
    let dated = Clock(time)
    guard let minutes = dated.nearest(clockMinutes: clock) else {
      report(
        .invalidDateTime, "`\(written)` is a clock time, and one that the clocks skip near `\(anchor)` (\(dated.dayAndTime(0)))", at: range,
        help: "write the time from `\(anchor)`, as `\(anchor)+2h` or `\(anchor)-30m`")
      return nil
    }
    let relative = formatTime(minutes, anchor: anchor)
    report(
      .invalidDateTime, "`\(written)` is a clock time; times are written from the anchor: here `\(relative)`", at: range,
      notes: anchorRange.map { [DiagnosticNote("`\(anchor)` is \(dated.dayAndTime(0)); the nearest \(written) to it is \(dated.dayAndTime(minutes))", at: $0)] } ?? [],
      help: "write `\(relative)`; for \(written) on another day, count from `\(anchor)` to it")
    return minutes
  }

  /// A gate criterion as the graph keeps it.
  func criterion(_ value: AttributeValue) -> GateCriterion? {
    guard case .criterion(let criterion) = value else { return nil }
    switch criterion.form {
    case .text(let text):
      return GateCriterion(text: text.value, metric: nil, comparison: nil, value: nil, unit: nil, label: nil)
    case .measure(let metric, let comparison, let value, let label):
      return GateCriterion(
        text: "\(metric.name) \(comparison.rawValue) \(value.text)", metric: metric.name,
        comparison: comparison, value: value.number, unit: value.unit, label: label?.value)
    }
  }

  // MARK: - Unused roles

  mutating func reportUnusedRoles() {
    // A role an undeclared name was matched to has been pointed at already, with the fix.
    for (index, role) in graph.roles.enumerated() where !usedRoles[index] && !suggestedRoles.contains(index) {
      report(
        .unusedRole, "the role `\(role.id)` is declared but never owns, decides or signs anything",
        at: role.range, help: "remove the role, or make it the owner of the steps it does")
    }
  }
}
