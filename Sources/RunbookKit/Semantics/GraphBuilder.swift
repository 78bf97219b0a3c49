// Builds the validated graph from a syntax tree: declares every name, resolves references (with
// "did you mean" suggestions), inherits owners from stages, normalises durations and times, and
// makes the dependency edges. Name, ownership, gate and time checks are made here as each fact
// is resolved; checks over the whole graph (cycles, reachability, windows) are in GraphChecks.

/// What a misspelt name may have meant.
enum SuggestionKind: Hashable {
  case role, item, rollback
}

/// Turns a syntax tree into a validated graph.
struct GraphBuilder {
  var graph: RunbookGraph
  var diagnostics: [Diagnostic] = []
  /// Diagnostics past the cap, counted.
  var droppedDiagnostics = 0

  /// The declaration each stage came from, and where the declaration of each step, gate and
  /// sign-off sits among them, for the later passes. (Places date from when declarations were
  /// values and a copy of each was a sixth of the memory of a large file; a table of references
  /// instead measured 0.5% more instructions for the same memory.)
  var stageDeclarations: [Declaration] = []
  var stepPlaces: [DeclarationPlace] = []
  var gatePlaces: [DeclarationPlace] = []
  var signoffPlaces: [DeclarationPlace] = []
  /// Where each item sits in its container's `items`.
  var positions = ItemPositions()

  /// Ids of work: stages, steps, gates, rollbacks, sign-offs, templates, contacts.
  var names = NameTable<(item: Item?, range: SourceRange)>()
  /// Steps whose id another element took first (a duplicate, reported), by id: so that
  /// `verifies x` checks the step `x`, not a stage of the same name, and a four-eyes mistake is
  /// not hidden behind the duplicate. Only duplicates are kept: a table of every step would cost
  /// a large runbook memory and time for a rare mistake.
  var shadowedSteps: [String: Int] = [:]
  var roleIndex = NameTable<Int>()
  /// Ids declared inside statements that could not be parsed: references to them are not
  /// reported, since the real mistake has been.
  var brokenNames: Set<String> = []
  /// Whether each role owns, decides or signs something, by role index (a flag per role rather
  /// than a set: every step marks its owners).
  var usedRoles: [Bool] = []
  /// For each role, the first steps with ids it owns and how many, as owners are resolved. Made
  /// when a message first needs it (from the steps resolved by then), and kept up from there on:
  /// most runbooks never need it.
  var ownedSteps: [OwnedSteps] = []
  /// Whether `ownedSteps` has been made and is kept up.
  var ownedStepsKept = false
  /// The worst-case times the check of windows computed, for the schedule (`RunbookGraph.flowTimes`).
  var checkedTimes: FlowTimes? = nil
  /// Roles offered for an undeclared name that spells their display name.
  var suggestedRoles: Set<Int> = []
  var suggestionsMade = 0
  /// "Did you mean" indexes, built on the first miss of each kind.
  var suggestionIndexes: [SuggestionKind: SuggestionIndex] = [:]
  /// The work of each title, folded to lower case (nil where several share it), built on the
  /// first reference written as a title in quotes.
  var workByTitle: [String: Item?]?
  var maximumSteps = RunbookInfo.maximumSteps
  var reportedTooManySteps = false
  /// At most how many edges references will add (`after`, `verifies`, gate outcomes), counted
  /// while declaring so that the edge table is sized once: doubling it was the peak of memory.
  var referenceEdges = 0
  /// Set when a `no_go` names no rollback: then "rollback never entered" would only repeat it.
  var unresolvedRollbackReference = false
  let anchorRange: SourceRange?
  /// The source's bytes, to see which units a duration or time was written in.
  var sourceBytes: [UInt8] = []

  // MARK: - Entry

  /// Builds the graph of a parsed runbook.
  static func build(_ root: Declaration, source: SourceFile, maximumSteps: Int = RunbookInfo.maximumSteps) -> (RunbookGraph, [Diagnostic]) {
    var builder = GraphBuilder(root: root)
    builder.sourceBytes = source.bytes
    builder.maximumSteps = maximumSteps
    builder.declare(root)
    builder.deriveIDs()
    builder.resolve()
    builder.makeEdges()
    // Every reference is resolved: the name table, the largest table of a big runbook, is not
    // needed by the checks over the whole graph, which build large tables of their own.
    builder.names = NameTable()
    builder.checkGraph()
    builder.reportUnusedRoles()
    builder.graph.flowTimes = builder.checkedTimes
    if let summary = droppedSummary(builder.droppedDiagnostics, after: builder.diagnostics) { builder.diagnostics.append(summary) }
    return (builder.graph, builder.diagnostics)
  }

  init(root: Declaration) {
    var anchor: (String, String, SourceRange)?
    var anchorAt: TextLiteral?
    var graph = RunbookGraph(
      title: root.title?.value ?? "", version: nil, system: nil, description: nil,
      instructions: nil, notes: [], anchorName: nil, anchorDescription: nil, roles: [],
      stages: [], steps: [], gates: [], signoffs: [], templates: [], contactGroups: [],
      nodes: [], edges: [])
    for attribute in root.attributes {
      switch (attribute.keyword, attribute.value) {
      case (.version, .text(let text)): graph.version = text.value
      case (.system, .text(let text)): graph.system = text.value
      case (.description, .text(let text)): graph.description = text.value
      case (.instructions, .text(let text)): graph.instructions = text.value
      case (.note, .text(let text)): graph.notes.append(text.value)
      case (.anchor, .anchor(let name, let text, let at)):
        anchor = (name.name, text.value, name.range)
        if let at { anchorAt = at }
      default: break
      }
    }
    graph.anchorName = anchor?.0
    graph.anchorDescription = anchor?.1
    self.anchorRange = anchor?.2
    self.graph = graph
    if let anchorAt { resolveAnchorTime(anchorAt) }
  }

  /// Checks the anchor's `at "2026-12-05 22:00 Europe/Berlin"`.
  mutating func resolveAnchorTime(_ text: TextLiteral) {
    switch AnchorTime.parse(text.value) {
    case .success(let time): graph.anchorTime = time
    case .failure(let problem):
      let code: DiagnosticCode
      switch problem {
      case .unknownZone: code = .unknownTimeZone
      case .skipped, .repeated: code = .clockChange
      default: code = .invalidDateTime
      }
      report(code, problem.message, at: text.range, help: problem.help)
    }
  }

  /// The declaration of a step, gate or sign-off.
  func declaration(at place: DeclarationPlace) -> Declaration {
    stageDeclarations[place.stage].children[place.child]
  }

  func stepDeclaration(_ index: Int) -> Declaration { declaration(at: stepPlaces[index]) }

  func gateDeclaration(_ index: Int) -> Declaration { declaration(at: gatePlaces[index]) }

  func signoffDeclaration(_ index: Int) -> Declaration { declaration(at: signoffPlaces[index]) }

  mutating func report(
    _ code: DiagnosticCode, _ message: String, at range: SourceRange,
    notes: [DiagnosticNote] = [], help: String? = nil, fix: Fix? = nil
  ) {
    appendCapped(Diagnostic(code, message, at: range, notes: notes, help: help, fix: fix), to: &diagnostics, dropped: &droppedDiagnostics)
  }

  mutating func addNode(_ node: Node) -> Int {
    graph.nodes.append(node)
    return graph.nodes.count - 1
  }

  // MARK: - Declaring

  mutating func declare(_ root: Declaration) {
    // Sized up front: growing these tables one declaration at a time was a visible cost, and
    // sized to fit: a node for each step, gate and sign-off, two for each stage (and the runbook).
    var count = 1
    var steps = 0
    var nodes = 2
    var lists = [root.children]
    while let list = lists.popLast() {
      count += list.count
      for index in list.indices {
        switch list[index].kind {
        case .step: steps += 1; nodes += 1
        case .gate, .signoff: nodes += 1
        case .stage, .rollback: nodes += 2
        default: break
        }
        if !list[index].children.isEmpty { lists.append(list[index].children) }
      }
    }
    names = NameTable(capacity: count)
    graph.nodes.reserveCapacity(nodes)
    graph.steps.reserveCapacity(steps)
    stepPlaces.reserveCapacity(steps)
    positions.reserveSteps(steps)
    let rootIndex = addStage(root, kind: .runbook, parent: nil, depth: 0)
    for (position, child) in root.children.enumerated() {
      switch child.kind {
      case .role: declareRole(child)
      case .rollback:
        let index = addStage(child, kind: .rollback, parent: nil, depth: 0)
        declareName(child.id, item: .stage(index))
        declareContents(of: child, in: index)
      case .stage, .signoff: declareItem(child, in: rootIndex, at: position)
      case .template: declareTemplate(child)
      case .contacts: declareContactGroup(child)
      case .contact:
        declareName(child.id, item: nil)
        graph.contactGroups.append(ContactGroup(
          id: nil, title: nil, contacts: [contact(child)], notes: [], range: child.range))
      case .unknown: collectBrokenNames(child)
      default: break
      }
    }
  }

  mutating func addStage(_ declaration: Declaration, kind: StageKind, parent: Int?, depth: Int) -> Int {
    let index = graph.stages.count
    let start = addNode(.stageStart(index))
    let end = addNode(.stageEnd(index))
    // Sized for its contents once, rather than grown item by item.
    var items: [Item] = []
    items.reserveCapacity(declaration.children.count)
    graph.stages.append(Stage(
      id: declaration.id?.name, key: kind == .runbook ? "runbook" : declaration.id?.name ?? "", title: declaration.title?.value ?? "", kind: kind, parent: parent,
      items: items, parallel: declaration.has(.parallel), defaultOwners: nil,
      duration: nil, window: nil, deadline: nil, optional: declaration.has(.optional),
      notes: notes(declaration), startNode: start, endNode: end, depth: depth,
      range: declaration.range))
    stageDeclarations.append(declaration)
    return index
  }

  mutating func declareContents(of declaration: Declaration, in stage: Int) {
    for (position, child) in declaration.children.enumerated() {
      if child.kind == .unknown {
        collectBrokenNames(child)
      } else {
        declareItem(child, in: stage, at: position)
      }
    }
  }

  /// Declares the item `declaration`, which is child number `position` of stage `stage`.
  mutating func declareItem(_ declaration: Declaration, in stage: Int, at position: Int) {
    if declaration.kind == .step || declaration.kind == .gate {
      let count = graph.steps.count + graph.gates.count
      if count == maximumSteps && !reportedTooManySteps {
        reportedTooManySteps = true
        report(
          .tooManySteps, "the runbook has more than \(maximumSteps) steps and gates; the rest are not checked",
          at: declaration.keywordRange, help: "split the runbook into several files")
      }
      if count >= maximumSteps { return }
    }
    let attributes = declaration.attributes
    for position in attributes.indices {
      switch attributes[position].value {
      case .references(let targets) where attributes[position].keyword == .after: referenceEdges += targets.count
      case .reference, .noGo: referenceEdges += 1
      default: break
      }
    }
    let item: Item
    switch declaration.kind {
    case .stage:
      let index = addStage(declaration, kind: .stage, parent: stage, depth: graph.stages[stage].depth + 1)
      item = .stage(index)
      declareName(declaration.id, item: item)
      append(item, to: stage)
      declareContents(of: declaration, in: index)
      return
    case .step:
      let index = graph.steps.count
      let node = addNode(.step(index))
      graph.steps.append(Step(
        id: declaration.id?.name ?? "", title: declaration.title?.value ?? "",
        notes: notes(declaration), records: records(declaration), owners: nil,
        idWritten: declaration.id != nil, ownersInherited: false, optional: declaration.has(.optional),
        number: 0, stage: stage, node: node, verifies: nil,
        range: declaration.range, duration: nil, deadline: nil, window: nil))
      stepPlaces.append(DeclarationPlace(stage: stage, child: position))
      item = .step(index)
    case .gate:
      let index = graph.gates.count
      let node = addNode(.gate(index))
      graph.gates.append(Gate(
        id: declaration.id?.name ?? "", idWritten: declaration.id != nil, number: 0,
        title: declaration.title?.value ?? "", stage: stage, deciders: nil, criteria: [],
        noGoConditions: [], go: nil, noGo: nil, duration: nil, window: nil, deadline: nil,
        notes: notes(declaration), node: node, range: declaration.range))
      gatePlaces.append(DeclarationPlace(stage: stage, child: position))
      item = .gate(index)
    case .signoff:
      let index = graph.signoffs.count
      let node = addNode(.signoff(index))
      graph.signoffs.append(Signoff(
        id: declaration.id?.name, key: declaration.id?.name ?? "", title: declaration.title?.value ?? "", role: nil, covers: [],
        stage: stage, optional: declaration.has(.optional),
        notes: notes(declaration), node: node, range: declaration.range))
      signoffPlaces.append(DeclarationPlace(stage: stage, child: position))
      item = .signoff(index)
    default:
      return
    }
    declareName(declaration.id, item: item)
    append(item, to: stage)
  }

  mutating func append(_ item: Item, to stage: Int) {
    positions[item] = graph.stages[stage].items.count
    graph.stages[stage].items.append(item)
  }

  mutating func declareName(_ id: Identifier?, item: Item?) {
    guard let id else { return }
    // One look-up: a new id is added, a duplicate leaves the first declaration in its place.
    if let first = names.insertNew(id.name, (item, id.range)) {
      if case .step(let index) = item, shadowedSteps[id.name] == nil { shadowedSteps[id.name] = index }
      report(
        .duplicateID, "the id `\(clipped(id.name))` is already used", at: id.range,
        notes: [DiagnosticNote("first used here", at: first.range)],
        help: "give each stage, step, gate, rollback and sign-off its own id")
    }
  }

  mutating func declareRole(_ declaration: Declaration) {
    guard let id = declaration.id else { return }
    if let first = roleIndex[id.name] {
      report(
        .duplicateID, "the role `\(clipped(id.name))` is already declared", at: id.range,
        notes: [DiagnosticNote("first declared here", at: graph.roles[first].range)],
        help: "declare each role once")
      return
    }
    _ = roleIndex.insertNew(id.name, graph.roles.count)
    graph.roles.append(Role(
      id: id.name, name: declaration.title?.value ?? id.name, contact: contactDetails(declaration),
      range: id.range))
  }

  mutating func declareTemplate(_ declaration: Declaration) {
    declareName(declaration.id, item: nil)
    var text = ""
    if case .text(let literal) = declaration.attribute(.text)?.value { text = literal.value }
    graph.templates.append(Template(
      id: declaration.id?.name, title: declaration.title?.value ?? "", text: text,
      placeholders: placeholders(in: text), notes: notes(declaration), range: declaration.range))
  }

  mutating func declareContactGroup(_ declaration: Declaration) {
    declareName(declaration.id, item: nil)
    var contacts: [Contact] = []
    for child in declaration.children where child.kind == .contact {
      declareName(child.id, item: nil)
      contacts.append(contact(child))
    }
    graph.contactGroups.append(ContactGroup(
      id: declaration.id?.name, title: declaration.title?.value, contacts: contacts,
      notes: notes(declaration), range: declaration.range))
  }

  func contact(_ declaration: Declaration) -> Contact {
    Contact(
      id: declaration.id?.name, label: declaration.title?.value ?? "",
      details: contactDetails(declaration), range: declaration.range)
  }

  mutating func collectBrokenNames(_ declaration: Declaration) {
    var stack = [declaration]
    while let next = stack.popLast() {
      if let id = next.id { brokenNames.insert(id.name) }
      stack += next.children
    }
  }

  /// Numbers steps and gates in written order, and gives those without an id one derived from
  /// the title, unique in the runbook.
  mutating func deriveIDs() {
    var number = 0
    let untitled = graph.steps.count(where: { !$0.idWritten }) + graph.gates.count(where: { !$0.idWritten })
    var taken = IDAllocator(declared: names, capacity: untitled)
    for stage in graph.stages.indices where graph.stages[stage].parent == nil {
      numberItems(of: stage, number: &number, taken: &taken)
    }
    for index in graph.stages.indices where graph.stages[index].key.isEmpty {
      graph.stages[index].key = taken.derive(from: graph.stages[index].title)
    }
  }

  /// Nesting is bounded by the parser's depth limit, so this recursion is too.
  mutating func numberItems(of stage: Int, number: inout Int, taken: inout IDAllocator) {
    for item in graph.stages[stage].items {
      switch item {
      case .step(let index):
        number += 1
        graph.steps[index].number = number
        if !graph.steps[index].idWritten {
          graph.steps[index].id = taken.derive(from: graph.steps[index].title)
        }
      case .gate(let index):
        number += 1
        graph.gates[index].number = number
        if !graph.gates[index].idWritten {
          graph.gates[index].id = taken.derive(from: graph.gates[index].title)
        }
      case .stage(let index):
        numberItems(of: index, number: &number, taken: &taken)
      case .signoff(let index):
        if graph.signoffs[index].key.isEmpty {
          graph.signoffs[index].key = taken.derive(from: graph.signoffs[index].title)
        }
      }
    }
  }
}

/// Makes ids from titles: lowercase ASCII letters and digits joined by `_`, at most about 40
/// characters, made unique with a `_2`, `_3` … suffix.
///
/// Real runbooks leave most steps without an id, so this runs for nearly every step: the slug is
/// made from the title's bytes (through `lowercased()` only for a title outside ASCII), and one
/// table answers both whether an id is taken and which suffix a slug tries next.
struct IDAllocator {
  /// The ids written in the runbook (shared with the builder's table, not copied).
  let declared: NameTable<(item: Item?, range: SourceRange)>
  /// Every id derived so far, and every slug tried (a slug not derived was taken by a written
  /// id): each with the next suffix to try when a title makes it again, so that many equal
  /// titles cost linear time. An id derived with a suffix may be another title's slug: its
  /// suffixes then start at 2, as for any slug.
  var taken = NameTable<Int>()
  /// Where the slug and each candidate are put together.
  private let scratch = ScratchBytes(capacity: maximumSlugLength + 1 + maximumDecimalLength)

  /// An allocator of about `capacity` ids (the table is sized once for them).
  init(declared: NameTable<(item: Item?, range: SourceRange)>, capacity: Int = 0) {
    self.declared = declared
    taken = NameTable(capacity: capacity)
  }

  /// The id a title makes: its slug, or the slug with the next free suffix. The slug and each
  /// candidate are put together in a buffer and looked up as bytes, and only the id given is
  /// made a string (with the slug, the first time one is tried): a runbook of repeated titles
  /// made two strings for nearly every step, one of them thrown away.
  mutating func derive(from title: String) -> String {
    let start = scratch.start
    let slugLength = Self.writeSlug(of: title, to: start)
    let slug = UnsafeBufferPointer(start: start, count: slugLength)
    let slugHash = taken.hash(slug)
    let slugIndex = taken.index(spelledBy: slug, hash: slugHash)
    let declaredSlug = declared.index(spelledBy: slug, hash: slugHash) != nil
    if slugIndex == nil && !declaredSlug {
      let id = String(decoding: slug, as: UTF8.self)
      _ = taken.insertNew(id, 2, hash: slugHash)
      return id
    }
    var suffix = slugIndex.map { taken.values[$0] } ?? 2
    start[slugLength] = UInt8(ascii: "_")
    var candidate: UnsafeBufferPointer<UInt8>
    var candidateHash: UInt64
    repeat {
      candidate = UnsafeBufferPointer(start: start, count: slugLength + 1 + writeDecimal(suffix, to: start + slugLength + 1))
      candidateHash = taken.hash(candidate)
      suffix += 1
    } while declared.index(spelledBy: candidate, hash: candidateHash) != nil
      || taken.index(spelledBy: candidate, hash: candidateHash) != nil
    if let slugIndex {
      taken.setValue(suffix, at: slugIndex)
    } else {
      _ = taken.insertNew(String(decoding: slug, as: UTF8.self), suffix, hash: slugHash)
    }
    let id = String(decoding: candidate, as: UTF8.self)
    _ = taken.insertNew(id, 2, hash: candidateHash)
    return id
  }

  /// The longest slug: 40 bytes of the title and `item_` in front.
  static let maximumSlugLength = 45

  /// The title's lowercase ASCII letters and digits, each other run between them as one `_`,
  /// cut once 40 bytes are reached; `item_` in front when that leaves nothing or starts with a
  /// digit. Read as bytes: every byte of a character outside ASCII is a separator, as the
  /// character is.
  static func slug(of title: String) -> String {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maximumSlugLength) { buffer in
      let length = writeSlug(of: title, to: buffer.baseAddress!)
      return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<length]), as: UTF8.self)
    }
  }

  /// Writes the slug of `title` at `target`, which has room for `maximumSlugLength` bytes, and
  /// returns its length.
  private static func writeSlug(of title: String, to target: UnsafeMutablePointer<UInt8>) -> Int {
    let ascii = title.utf8.withContiguousStorageIfAvailable { bytes in
      bytes.allSatisfy { $0 < 0x80 } ? writeSlug(ofLowercased: bytes, to: target) : nil
    }
    if let ascii = ascii ?? nil { return ascii }
    return lowercasedBytes(title).withUnsafeBufferPointer { writeSlug(ofLowercased: $0, to: target) }
  }

  /// What each byte is in a slug: itself for a lowercase letter or a digit, the lowercase
  /// letter for a capital, 0 for a separator (every other byte, and every byte outside ASCII):
  /// one look-up a byte, where two ranges were tested for each.
  private static let slugBytes: [UInt8] = (0..<256).map { value in
    let byte = UInt8(value)
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return byte
    case UInt8(ascii: "A")...UInt8(ascii: "Z"): return byte | 0x20
    default: return 0
    }
  }

  /// The slug of ASCII, or of bytes already lowercased (whose capitals, none, need no folding).
  private static func writeSlug(ofLowercased bytes: UnsafeBufferPointer<UInt8>, to target: UnsafeMutablePointer<UInt8>) -> Int {
    let prefix: StaticString = "item_"
    let prefixLength = prefix.utf8CodeUnitCount
    // Written after room for the prefix, which most slugs do without.
    let slug = target + prefixLength
    var count = 0
    slugBytes.withUnsafeBufferPointer { table in
      var pendingUnderscore = false
      for byte in bytes {
        let kept = table[Int(byte)]
        guard kept != 0 else {
          pendingUnderscore = true
          continue
        }
        if pendingUnderscore && count > 0 {
          slug[count] = UInt8(ascii: "_")
          count += 1
        }
        pendingUnderscore = false
        slug[count] = kept
        count += 1
        if count >= 40 { break }
      }
    }
    if count == 0 || (slug[0] >= UInt8(ascii: "0") && slug[0] <= UInt8(ascii: "9")) {
      target.update(from: prefix.utf8Start, count: prefixLength)
      return prefixLength + count
    }
    // Moved down over the room for the prefix, from the front (the ranges overlap).
    for index in 0..<count { target[index] = slug[index] }
    return count
  }
}

/// Bytes to put a short text together in, allocated once for the allocator that owns them.
private final class ScratchBytes {
  let start: UnsafeMutablePointer<UInt8>

  init(capacity: Int) {
    start = .allocate(capacity: capacity)
  }

  deinit {
    start.deallocate()
  }
}

/// Where each item sits in its container, in arrays indexed like the graph's (cheaper than a
/// dictionary keyed by item, which hashing made the largest cost of building big graphs).
struct ItemPositions {
  /// In 32 bits, as the graph's tables (a stage holds far fewer than 2³¹ items).
  private var steps: [Int32] = []
  private var gates: [Int32] = []
  private var stages: [Int32] = []
  private var signoffs: [Int32] = []

  /// Makes room for the positions of `count` steps at once.
  mutating func reserveSteps(_ count: Int) { steps.reserveCapacity(count) }

  subscript(item: Item) -> Int? {
    get {
      switch item {
      case .step(let index): index < steps.count ? Int(steps[index]) : nil
      case .gate(let index): index < gates.count ? Int(gates[index]) : nil
      case .stage(let index): index < stages.count ? Int(stages[index]) : nil
      case .signoff(let index): index < signoffs.count ? Int(signoffs[index]) : nil
      }
    }
    set {
      let value = Int32(newValue ?? 0)
      func store(_ array: inout [Int32], _ index: Int) {
        if index == array.count {
          array.append(value)
          return
        }
        while array.count <= index { array.append(0) }
        array[index] = value
      }
      switch item {
      case .step(let index): store(&steps, index)
      case .gate(let index): store(&gates, index)
      case .stage(let index): store(&stages, index)
      case .signoff(let index): store(&signoffs, index)
      }
    }
  }
}

// MARK: - Small readers of declarations

func notes(_ declaration: Declaration) -> [String] {
  guard declaration.has(.note) else { return [] }
  var notes: [String] = []
  for attribute in declaration.attributes where attribute.keyword == .note {
    if case .text(let text) = attribute.value { notes.append(text.value) }
  }
  return notes
}

func records(_ declaration: Declaration) -> [Record] {
  guard declaration.has(.record) else { return [] }
  var records: [Record] = []
  for attribute in declaration.attributes where attribute.keyword == .record {
    if case .record(let field) = attribute.value {
      records.append(Record(kind: field.kind, label: field.label?.value, ifYes: field.ifYes?.value))
    }
  }
  return records
}

func contactDetails(_ declaration: Declaration) -> ContactDetails {
  var details = ContactDetails()
  for attribute in declaration.attributes {
    guard case .text(let text) = attribute.value else { continue }
    switch attribute.keyword {
    case .name: details.name = text.value
    case .phone: details.phone = text.value
    case .email: details.email = text.value
    case .chat: details.chat = text.value
    case .location: details.location = text.value
    case .note: details.notes.append(text.value)
    default: break
    }
  }
  return details
}

/// The `[placeholders]` of a text, each once, in order of first use.
func placeholders(in text: String) -> [String] {
  var found: [String] = []
  var seen: Set<String> = []
  var rest = Substring(text)
  while let open = rest.firstIndex(of: "[") {
    let after = rest[rest.index(after: open)...]
    guard let close = after.firstIndex(where: { $0 == "]" || $0 == "[" || $0 == "\n" }) else { break }
    if after[close] == "]" {
      let name = String(after[..<close])
      if !name.isEmpty && seen.insert(name).inserted { found.append(name) }
      rest = after[after.index(after: close)...]
    } else {
      rest = after[close...]
    }
  }
  return found
}

/// Where an item's declaration sits: child number `child` of the declaration of stage `stage`.
struct DeclarationPlace {
  @Narrow var stage: Int
  @Narrow var child: Int
}

/// The steps with written ids a role owns, as far as owners are resolved: the first few by
/// their ids, and how many in all.
struct OwnedSteps {
  /// How many a message names.
  static let shown = 6
  var first: [String] = []
  var count = 0
}
