// The JSON backend: the whole validated graph as a versioned JSON document described by
// Grammar/runbook.schema.json. Keys come in a fixed order; elements refer to each other by id;
// durations are minutes, windows and deadlines minutes from the anchor; every element carries
// its source location. Reads only the validated graph (and the line table, for locations).

/// Renders a compiled runbook as JSON.
public enum JSONBackend {
  /// The schema identifier written into every document; it changes only with the schema.
  public static let schema = "runbook-graph/1"

  /// The JSON of a compilation that has a graph. Warnings are included; callers do not render
  /// runbooks that have errors.
  public static func render(_ compilation: Compilation, sourceName: String) -> String {
    guard let graph = compilation.graph else { return JSONValue.null.serialized() }
    return document(graph, source: compilation.source, sourceName: sourceName, diagnostics: compilation.diagnostics).serialized()
  }

  /// The document as a value, for tools that post-process it.
  public static func document(_ graph: RunbookGraph, source: SourceFile, sourceName: String, diagnostics: [Diagnostic]) -> JSONValue {
    GraphEncoder(graph: graph, source: source).document(sourceName: sourceName, diagnostics: diagnostics)
  }
}

/// Turns each part of the graph into JSON.
private struct GraphEncoder {
  let graph: RunbookGraph
  let source: SourceFile

  func document(sourceName: String, diagnostics: [Diagnostic]) -> JSONValue {
    let root = graph.stages[RunbookGraph.rootStage]
    return .object([
      ("schema", .string(JSONBackend.schema)),
      ("compiler", .object([("name", .string("runbook")), ("version", .string(RunbookInfo.version))])),
      ("source", .object([("name", .string(sourceName)), ("sha256", .string(sha256Hex(source.bytes)))])),
      ("runbook", .object([
        ("title", .string(graph.title)),
        ("version", .string(graph.version)),
        ("system", .string(graph.system)),
        ("description", .string(graph.description)),
        ("instructions", .string(graph.instructions)),
        ("notes", strings(graph.notes)),
        ("anchor", graph.anchorName.map { .object([("name", .string($0)), ("description", .string(graph.anchorDescription ?? ""))]) } ?? .null),
        ("items", .array(root.items.map(reference))),
        ("location", location(root.range)),
      ])),
      ("roles", .array(graph.roles.map(role))),
      ("stages", .array(graph.stages.indices.filter { graph.stages[$0].kind == .stage }.map(stage))),
      ("rollbacks", .array(graph.rollbacks.map(rollback))),
      ("steps", .array(graph.steps.map(step))),
      ("gates", .array(graph.gates.map(gate))),
      ("signoffs", .array(graph.signoffs.map(signoff))),
      ("templates", .array(graph.templates.map(template))),
      ("contacts", .array(graph.contactGroups.map(contactGroup))),
      ("edges", .array(graph.edges.map(edge))),
      ("diagnostics", .array(diagnostics.map(diagnostic))),
    ])
  }

  // MARK: - Elements

  func role(_ role: Role) -> JSONValue {
    .object([("id", .string(role.id)), ("name", .string(role.name)), ("contact", contact(role.contact)), ("location", location(role.range))])
  }

  func stage(_ index: Int) -> JSONValue {
    let stage = graph.stages[index]
    let parent = stage.parent.flatMap { $0 == RunbookGraph.rootStage ? nil : graph.stages[$0].key }
    return .object([
      ("id", .string(stage.key)),
      ("id_written", .bool(stage.id != nil)),
      ("title", .string(stage.title)),
      ("parent", .string(parent)),
      ("items", .array(stage.items.map(reference))),
      ("parallel", .bool(stage.parallel)),
      ("owners", stage.defaultOwners.map(owners) ?? .null),
      ("duration", stage.duration.map(minutes) ?? .null),
      ("window", stage.window.map(window) ?? .null),
      ("deadline", .int(stage.deadline)),
      ("optional", .bool(stage.optional)),
      ("notes", strings(stage.notes)),
      ("location", location(stage.range)),
    ])
  }

  func rollback(_ index: Int) -> JSONValue {
    let stage = graph.stages[index]
    let entries = graph.gates.filter {
      if case .rollback(let target, _) = $0.noGo { return target == index }
      return false
    }
    return .object([
      ("id", .string(stage.key)),
      ("title", .string(stage.title)),
      ("items", .array(stage.items.map(reference))),
      ("parallel", .bool(stage.parallel)),
      ("owners", stage.defaultOwners.map(owners) ?? .null),
      ("entered_by", .array(entries.map { .string($0.id) })),
      ("notes", strings(stage.notes)),
      ("location", location(stage.range)),
    ])
  }

  func step(_ step: Step) -> JSONValue {
    .object([
      ("id", .string(step.id)),
      ("id_written", .bool(step.idWritten)),
      ("number", .int(step.number)),
      ("title", .string(step.title)),
      ("stage", .string(graph.stages[step.stage].key)),
      ("owners", step.owners.map(owners) ?? .null),
      ("owners_inherited", .bool(step.ownersInherited)),
      ("duration", step.duration.map(minutes) ?? .null),
      ("window", step.window.map(window) ?? .null),
      ("deadline", .int(step.deadline)),
      ("verifies", .string(step.verifies.map { graph.steps[$0].id })),
      ("optional", .bool(step.optional)),
      ("notes", strings(step.notes)),
      ("records", .array(step.records.map(record))),
      ("location", location(step.range)),
    ])
  }

  func gate(_ gate: Gate) -> JSONValue {
    let noGo: JSONValue
    switch gate.noGo {
    case .rollback(let index, let within):
      noGo = .object([("kind", .string("rollback")), ("rollback", .string(graph.stages[index].key)), ("within", within.map(minutes) ?? .null)])
    case .stop:
      noGo = .object([("kind", .string("stop"))])
    case nil:
      noGo = .null
    }
    return .object([
      ("id", .string(gate.id)),
      ("id_written", .bool(gate.idWritten)),
      ("number", .int(gate.number)),
      ("title", .string(gate.title)),
      ("stage", .string(graph.stages[gate.stage].key)),
      ("deciders", gate.deciders.map(owners) ?? .null),
      ("criteria", .array(gate.criteria.map(criterion))),
      ("no_go_if", .array(gate.noGoConditions.map(criterion))),
      ("go", gate.go.map(reference) ?? .null),
      ("no_go", noGo),
      ("duration", gate.duration.map(minutes) ?? .null),
      ("window", gate.window.map(window) ?? .null),
      ("deadline", .int(gate.deadline)),
      ("notes", strings(gate.notes)),
      ("location", location(gate.range)),
    ])
  }

  func signoff(_ signoff: Signoff) -> JSONValue {
    .object([
      ("id", .string(signoff.key)),
      ("id_written", .bool(signoff.id != nil)),
      ("title", .string(signoff.title)),
      ("role", .string(signoff.role.map { graph.roles[$0].id })),
      ("covers", .array(signoff.covers.map(reference))),
      ("stage", signoff.stage == RunbookGraph.rootStage ? .null : .string(graph.stages[signoff.stage].key)),
      ("optional", .bool(signoff.optional)),
      ("notes", strings(signoff.notes)),
      ("location", location(signoff.range)),
    ])
  }

  func template(_ template: Template) -> JSONValue {
    .object([
      ("id", .string(template.id)),
      ("title", .string(template.title)),
      ("text", .string(template.text)),
      ("placeholders", strings(template.placeholders)),
      ("notes", strings(template.notes)),
      ("location", location(template.range)),
    ])
  }

  func contactGroup(_ group: ContactGroup) -> JSONValue {
    .object([
      ("id", .string(group.id)),
      ("title", .string(group.title)),
      ("contacts", .array(group.contacts.map { contact in
        .object([
          ("id", .string(contact.id)),
          ("label", .string(contact.label)),
          ("details", self.contact(contact.details)),
          ("location", location(contact.range)),
        ])
      })),
      ("notes", strings(group.notes)),
      ("location", location(group.range)),
    ])
  }

  func edge(_ edge: Edge) -> JSONValue {
    .object([
      ("from", .string(nodeName(edge.from))),
      ("to", .string(nodeName(edge.to))),
      ("origin", .string(edge.origin.rawValue)),
      ("location", edge.range.map(location) ?? .null),
    ])
  }

  func diagnostic(_ diagnostic: Diagnostic) -> JSONValue {
    .object([
      ("code", .string(diagnostic.code.rawValue)),
      ("severity", .string(diagnostic.severity.rawValue)),
      ("message", .string(diagnostic.message)),
      ("help", .string(diagnostic.help)),
      ("location", location(diagnostic.range)),
    ])
  }

  // MARK: - Values

  func reference(_ item: Item) -> JSONValue {
    switch item {
    case .step(let index): .object([("kind", .string("step")), ("id", .string(graph.steps[index].id))])
    case .gate(let index): .object([("kind", .string("gate")), ("id", .string(graph.gates[index].id))])
    case .signoff(let index): .object([("kind", .string("signoff")), ("id", .string(graph.signoffs[index].key))])
    case .stage(let index):
      .object([("kind", .string(graph.stages[index].kind == .rollback ? "rollback" : "stage")), ("id", .string(graph.stages[index].key))])
    }
  }

  /// `step:backup`, `gate:go_no_go`, `stage:day_of:start`, `rollback:restore:end`, `runbook:start`.
  func nodeName(_ node: Int) -> String {
    func container(_ index: Int, _ end: String) -> String {
      let stage = graph.stages[index]
      switch stage.kind {
      case .runbook: return "runbook:\(end)"
      case .rollback: return "rollback:\(stage.key):\(end)"
      case .stage: return "stage:\(stage.key):\(end)"
      }
    }
    switch graph.nodes[node] {
    case .step(let index): return "step:" + graph.steps[index].id
    case .gate(let index): return "gate:" + graph.gates[index].id
    case .signoff(let index): return "signoff:" + graph.signoffs[index].key
    case .stageStart(let index): return container(index, "start")
    case .stageEnd(let index): return container(index, "end")
    }
  }

  func owners(_ owners: Owners) -> JSONValue {
    .object([("roles", .array(owners.roles.map { .string(graph.roles[$0].id) })), ("mode", .string(owners.mode.rawValue))])
  }

  func minutes(_ value: Minutes) -> JSONValue {
    .object([("min", .int(value.minimum)), ("max", .int(value.maximum)), ("uncertain", .bool(value.uncertain)), ("tbd", .bool(value.toBeDecided))])
  }

  func window(_ window: Window) -> JSONValue {
    .object([("start", .int(window.start)), ("end", .int(window.end))])
  }

  func record(_ record: Record) -> JSONValue {
    .object([("kind", .string(record.kind.rawValue)), ("label", .string(record.label)), ("if_yes", .string(record.ifYes))])
  }

  func criterion(_ criterion: GateCriterion) -> JSONValue {
    .object([
      ("text", .string(criterion.text)),
      ("metric", .string(criterion.metric)),
      ("comparison", .string(criterion.comparison?.rawValue)),
      ("value", criterion.value.map(JSONValue.double) ?? .null),
      ("unit", .string(criterion.unit)),
      ("label", .string(criterion.label)),
    ])
  }

  func contact(_ details: ContactDetails) -> JSONValue {
    .object([
      ("name", .string(details.name)),
      ("phone", .string(details.phone)),
      ("email", .string(details.email)),
      ("chat", .string(details.chat)),
      ("location", .string(details.location)),
      ("notes", strings(details.notes)),
    ])
  }

  func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }

  func location(_ range: SourceRange) -> JSONValue {
    let start = source.lineColumn(of: range.start)
    let end = source.lineColumn(of: range.end)
    return .object([
      ("line", .int(start.line)), ("column", .int(start.column)),
      ("end_line", .int(end.line)), ("end_column", .int(end.column)),
    ])
  }
}
