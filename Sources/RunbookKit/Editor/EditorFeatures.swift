// The outline, folding, completion and hover of an open runbook, read from its syntax tree and
// its validated graph (with the schedule for planned times).

/// An entry of the outline.
public struct OutlineSymbol: Sendable {
  public enum Kind: Sendable { case runbook, stage, rollback, step, gate, signoff, role, other }
  public var name: String
  public var detail: String?
  public var kind: Kind
  /// The whole declaration, and its name (or keyword) to select.
  public var range: SourceRange
  public var selection: SourceRange
  public var children: [OutlineSymbol]
}

/// A completion offered at the cursor.
public struct CompletionItem: Sendable, Equatable {
  public enum Kind: Sendable { case keyword, role, item, unit }
  public var label: String
  public var detail: String?
  public var kind: Kind
}

extension EditorDocument {
  // MARK: - Outline and folding

  /// The outline: the runbook, its roles, stages › steps, gates and sign-offs, rollbacks.
  public var outline: [OutlineSymbol] {
    guard let root = compilation.tree.root else { return [] }
    func symbol(_ declaration: Declaration) -> OutlineSymbol? {
      let kind: OutlineSymbol.Kind
      switch declaration.kind {
      case .runbook: kind = .runbook
      case .stage: kind = .stage
      case .rollback: kind = .rollback
      case .step: kind = .step
      case .gate: kind = .gate
      case .signoff: kind = .signoff
      case .role: kind = .role
      case .template, .contacts: kind = .other
      default: return nil
      }
      let title = declaration.title?.value ?? ""
      let name = declaration.id.map { title.isEmpty ? $0.name : "\($0.name) — \(clipped(title, limit: 60))" } ?? (title.isEmpty ? declaration.kind.rawValue : clipped(title, limit: 60))
      return OutlineSymbol(
        name: name, detail: declaration.kind.rawValue, kind: kind, range: declaration.range,
        selection: declaration.id?.range ?? declaration.keywordRange, children: declaration.children.compactMap(symbol))
    }
    return symbol(root).map { [$0] } ?? []
  }

  /// Lines that fold: every block and text block over more than one line (0-based lines).
  public var foldingRanges: [(start: Int, end: Int)] {
    var ranges: [(Int, Int)] = []
    func visit(_ declaration: Declaration) {
      if let body = declaration.body {
        let start = source.lineIndex(of: body.start)
        let end = source.lineIndex(of: max(body.start, body.end - 1))
        if end > start { ranges.append((start, end)) }
      }
      for attribute in declaration.attributes {
        if case .text(let text) = attribute.value, text.isBlock {
          let start = source.lineIndex(of: text.range.start)
          let end = source.lineIndex(of: max(text.range.start, text.range.end - 1))
          if end > start { ranges.append((start, end)) }
        }
      }
      for child in declaration.children { visit(child) }
    }
    if let root = compilation.tree.root { visit(root) }
    return ranges
  }

  // MARK: - Completion

  /// What may be typed at the cursor: role ids after `owner`, `by`, `decided_by`, `and`, `or`;
  /// stage, step and gate ids after `after`, `verifies`, `covers`, `go ->`; rollback ids after
  /// `no_go -> rollback`; units right after a number; otherwise the keywords.
  public func completions(at position: EditorPosition) -> [CompletionItem] {
    let offset = offset(of: position)
    let lineStart = source.lineStarts[source.lineIndex(of: offset)]
    let before = String(decoding: source.bytes[lineStart..<offset], as: UTF8.self)
    // The word being typed is replaced; what decides the list is the word before it.
    let typed = before.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" }
    let head = before.dropLast(typed.count)
    if typed.first?.isNumber == true || (typed.isEmpty && head.last?.isNumber == true) {
      if typed.allSatisfy({ $0.isNumber }) || typed.last?.isNumber == true {
        return TimeUnit.allCases.map { CompletionItem(label: $0.symbol, detail: "\($0.minutes) minutes", kind: .unit) }
      }
    }
    let words = head.split { $0 == " " || $0 == "\t" || $0 == "," }.map(String.init)
    let graph = compilation.graph
    let roles = (graph?.roles ?? []).map { CompletionItem(label: $0.id, detail: $0.name, kind: .role) }
    let items: [CompletionItem] = {
      guard let graph else { return [] }
      return graph.stages.dropFirst().compactMap { stage in stage.kind == .rollback ? nil : stage.id.map { CompletionItem(label: $0, detail: stage.title, kind: .item) } }
        + graph.steps.filter(\.idWritten).map { CompletionItem(label: $0.id, detail: $0.title, kind: .item) }
        + graph.gates.filter(\.idWritten).map { CompletionItem(label: $0.id, detail: $0.title, kind: .item) }
    }()
    let rollbacks = (graph?.rollbacks ?? []).compactMap { index in graph?.stages[index].id.map { CompletionItem(label: $0, detail: graph?.stages[index].title, kind: .item) } }
    switch words.last {
    case "owner", "by", "decided_by", "and", "or": return roles
    case "after", "verifies", "covers": return items
    case "->" where words.dropLast().last == "go": return items
    case "rollback" where words.dropLast().last == "->": return rollbacks
    case "->" where words.dropLast().last == "no_go": return [CompletionItem(label: "rollback", detail: nil, kind: .keyword), CompletionItem(label: "stop", detail: nil, kind: .keyword)]
    default:
      // The statements and attributes the enclosing block accepts (the runbook's when outside
      // any block; on a line that has begun, the attributes of its statement).
      let enclosing = enclosingKind(at: offset, lineStart: lineStart)
      let shape = DeclarationShape.of(enclosing.kind)
      let words = enclosing.onStatementLine ? shape.attributes.map(\.rawValue) : shape.children.map(\.rawValue) + shape.attributes.map(\.rawValue)
      return words.map { CompletionItem(label: $0, detail: nil, kind: .keyword) }
    }
  }

  /// The kind of the innermost declaration whose block holds an offset, or whose line it is on.
  private func enclosingKind(at offset: Int, lineStart: Int) -> (kind: DeclarationKind, onStatementLine: Bool) {
    var kind = DeclarationKind.runbook
    var onLine = false
    func visit(_ declaration: Declaration) {
      if declaration.keywordRange.start >= lineStart && declaration.keywordRange.start < offset
        && source.lineIndex(of: declaration.keywordRange.start) == source.lineIndex(of: offset)
      {
        kind = declaration.kind
        onLine = true
        return
      }
      guard let body = declaration.body, body.start < offset, offset <= max(body.end - 1, body.start + 1) else { return }
      kind = declaration.kind
      onLine = false
      for child in declaration.children { visit(child) }
    }
    if let root = compilation.tree.root {
      if root.keywordRange.start < offset && source.lineIndex(of: root.keywordRange.start) == source.lineIndex(of: offset) { return (.runbook, true) }
      visit(root)
    }
    return (kind, onLine)
  }

  // MARK: - Hover

  /// What to show for the name under the cursor: for a step or gate its owners, duration,
  /// dependencies and planned time; for a role its display name and what it owns; for a code in
  /// a suppression comment its title and explanation.
  public func hover(at position: EditorPosition) -> (text: String, range: SourceRange)? {
    let offset = offset(of: position)
    if let code = diagnosticCode(at: offset) {
      return ("**\(code.code.rawValue)**: \(code.code.title)\n\n\(code.code.explanation.summary)", code.range)
    }
    guard let use = nameUse(at: position), let graph = compilation.graph else { return nil }
    switch use.space {
    case .role:
      guard let role = graph.roles.first(where: { $0.id == use.name }) else { return nil }
      let owned = graph.steps.filter { $0.owners?.roles.contains(where: { graph.roles[$0].id == use.name }) == true }
      let decided = graph.gates.filter { $0.deciders?.roles.contains(where: { graph.roles[$0].id == use.name }) == true }
      var text = "**\(role.name)** (role `\(role.id)`)\n\nOwns \(plural(owned.count, "step"))"
      if !owned.isEmpty { text += ": " + owned.prefix(8).map { "\($0.number). \(clipped($0.title))" }.joined(separator: "; ") + (owned.count > 8 ? "; …" : "") }
      if !decided.isEmpty { text += "\n\nDecides " + decided.map { "\($0.number). \(clipped($0.title))" }.joined(separator: "; ") }
      return (text, use.range)
    case .item:
      let schedule = Schedule.compute(graph)
      let anchor = graph.anchorName
      func planned(_ node: Int) -> String {
        guard schedule.scheduled[node] else { return "" }
        return "\n\nPlanned \(formatPlanTime(schedule.startWorst[node], anchored: schedule.anchored, anchor: anchor)) → \(formatPlanTime(schedule.finishWorst[node], anchored: schedule.anchored, anchor: anchor))"
      }
      func owners(_ owners: Owners?) -> String {
        guard let owners else { return "no owner" }
        return owners.roles.map { graph.roles[$0].name }.joined(separator: owners.mode == .all ? " and " : " or ")
      }
      func after(_ node: Int) -> String {
        let earlier = graph.edges.filter { $0.to == node && $0.origin == .after }.map { graph.describe($0.from) }
        return earlier.isEmpty ? "" : "\n\nAfter " + earlier.joined(separator: ", ")
      }
      if let step = graph.steps.first(where: { $0.idWritten && $0.id == use.name }) {
        var text = "**\(step.number). \(step.title)**\n\nOwner: \(owners(step.owners))"
        if let duration = step.duration { text += " · takes \(readableDuration(duration))" }
        if let verified = step.verifies { text += "\n\nVerifies \(graph.steps[verified].number). \(clipped(graph.steps[verified].title))" }
        return (text + after(step.node) + planned(step.node), use.range)
      }
      if let gate = graph.gates.first(where: { $0.idWritten && $0.id == use.name }) {
        let text = "**\(gate.number). Gate: \(gate.title)**\n\nDecided by \(owners(gate.deciders))" + (gate.criteria.isEmpty ? "" : "\n\n" + gate.criteria.map { "- \($0.text)" }.joined(separator: "\n"))
        return (text + after(gate.node) + planned(gate.node), use.range)
      }
      if let stage = graph.stages.first(where: { $0.id == use.name }) {
        var text = "**\(stage.kind == .rollback ? "Rollback" : "Stage"): \(stage.title)**\n\n\(plural(stage.items.count, "item"))"
        if let owners = stage.defaultOwners { text += " · owner \(owners.roles.map { graph.roles[$0].name }.joined(separator: ", "))" }
        if let index = graph.stages.firstIndex(where: { $0.id == use.name }), schedule.scheduled[stage.startNode] {
          text += "\n\nPlanned \(formatPlanTime(schedule.stageStart[index], anchored: schedule.anchored, anchor: anchor)) → \(formatPlanTime(schedule.stageFinish[index], anchored: schedule.anchored, anchor: anchor))"
        }
        return (text, use.range)
      }
      return nil
    }
  }

  /// A code such as `RB0404` at an offset, in a comment.
  private func diagnosticCode(at offset: Int) -> (code: DiagnosticCode, range: SourceRange)? {
    guard let comment = compilation.tree.comments.first(where: { $0.start <= offset && offset <= $0.end }) else { return nil }
    let bytes = source.bytes
    var start = offset
    while start > comment.start && (bytes[start - 1] | 0x20 >= 0x61 && bytes[start - 1] | 0x20 <= 0x7A || bytes[start - 1] >= 0x30 && bytes[start - 1] <= 0x39) { start -= 1 }
    var end = offset
    while end < comment.end && (bytes[end] | 0x20 >= 0x61 && bytes[end] | 0x20 <= 0x7A || bytes[end] >= 0x30 && bytes[end] <= 0x39) { end += 1 }
    let word = String(decoding: bytes[start..<end], as: UTF8.self)
    return DiagnosticCode(rawValue: word).map { ($0, SourceRange(start, end)) }
  }
}
