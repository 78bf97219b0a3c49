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
    renderBytes(compilation, sourceName: sourceName).text
  }

  /// The same document as UTF-8 bytes, in the buffer it was written into.
  public static func renderBytes(_ compilation: Compilation, sourceName: String) -> RenderedDocument {
    document(compilation, sourceName: sourceName, streamingTo: nil)
  }

  /// The same document, handed to `destination` a buffer's worth at a time as it is written.
  public static func write(_ compilation: Compilation, sourceName: String, to destination: DocumentDestination) {
    document(compilation, sourceName: sourceName, streamingTo: destination).handOver(to: destination)
  }

  /// The document, in memory or streamed (then what is left after the last full buffer).
  private static func document(_ compilation: Compilation, sourceName: String, streamingTo destination: DocumentDestination?) -> RenderedDocument {
    guard let graph = compilation.graph else { return RenderedDocument(copying: Array("null\n".utf8)) }
    // About 670 bytes for each node and 3.5 for each byte of the source (fitted to the
    // benchmark's runbooks of short titles and of long ones), reserved with a fifth to spare so
    // that it does not grow, each growth a copy of all written so far. Room reserved and never
    // written costs no memory.
    var writer = JSONWriter(capacity: graph.nodes.count * 800 + compilation.source.bytes.count * 4 + 4096, streamingTo: destination)
    GraphEncoder(graph: graph, source: compilation.source, gatesByRollback: graph.gatesByRollback())
      .document(into: &writer, sourceName: sourceName, diagnostics: compilation.diagnostics)
    return writer.finishDocument()
  }
}

/// Writes each part of the graph as JSON.
private struct GraphEncoder {
  let graph: RunbookGraph
  let source: SourceFile
  /// The gates entering each rollback, found once.
  let gatesByRollback: [Int: [Int]]
  /// The line of the last location written: the document goes through the source nearly in
  /// order, so the next is on that line or a little after it.
  let lastLine = LineCursor()

  func document(into w: inout JSONWriter, sourceName: String, diagnostics: [Diagnostic]) {
    let root = graph.stages[RunbookGraph.rootStage]
    w.object { w in
      w.documentHead(schema: JSONBackend.schema, sourceName: sourceName, source: source)
      w.object("runbook") { w in
        w.field("title", graph.title)
        w.field("version", graph.version)
        w.field("system", graph.system)
        w.field("description", graph.description)
        w.field("instructions", graph.instructions)
        w.field("notes", strings: graph.notes)
        w.anchor(graph)
        w.array("items") { w in for item in root.items { reference(item, &w) } }
        location(root.range, &w)
      }
      w.array("roles") { w in for role in graph.roles { self.role(role, &w) } }
      w.array("stages") { w in
        for index in graph.stages.indices where graph.stages[index].kind == .stage { stage(index, &w) }
      }
      w.array("rollbacks") { w in for index in graph.rollbacks { rollback(index, &w) } }
      w.array("steps") { w in for step in graph.steps { self.step(step, &w) } }
      w.array("gates") { w in for gate in graph.gates { self.gate(gate, &w) } }
      w.array("signoffs") { w in for signoff in graph.signoffs { self.signoff(signoff, &w) } }
      w.array("templates") { w in for template in graph.templates { self.template(template, &w) } }
      w.array("contacts") { w in for group in graph.contactGroups { contactGroup(group, &w) } }
      w.array("edges") { w in for edge in graph.edges { self.edge(edge, &w) } }
      w.array("diagnostics") { w in for diagnostic in diagnostics { self.diagnostic(diagnostic, &w) } }
    }
  }

  // MARK: - Elements

  func role(_ role: Role, _ w: inout JSONWriter) {
    w.object { w in
      w.field("id", role.id)
      w.field("name", role.name)
      w.key("contact")
      contact(role.contact, &w)
      location(role.range, &w)
    }
  }

  func stage(_ index: Int, _ w: inout JSONWriter) {
    let stage = graph.stages[index]
    let parent = stage.parent.flatMap { $0 == RunbookGraph.rootStage ? nil : graph.stages[$0].key }
    w.object { w in
      w.field("id", stage.key)
      w.field("id_written", stage.id != nil)
      w.field("title", stage.title)
      w.field("parent", parent)
      w.array("items") { w in for item in stage.items { reference(item, &w) } }
      w.field("parallel", stage.parallel)
      owners("owners", stage.defaultOwners, &w)
      minutes("duration", stage.duration, &w)
      window("window", stage.window, &w)
      w.field("deadline", stage.deadline)
      w.field("optional", stage.optional)
      w.field("notes", strings: stage.notes)
      location(stage.range, &w)
    }
  }

  func rollback(_ index: Int, _ w: inout JSONWriter) {
    let stage = graph.stages[index]
    let entries = (gatesByRollback[index] ?? []).map { graph.gates[$0] }
    w.object { w in
      w.field("id", stage.key)
      w.field("title", stage.title)
      w.array("items") { w in for item in stage.items { reference(item, &w) } }
      w.field("parallel", stage.parallel)
      owners("owners", stage.defaultOwners, &w)
      w.field("entered_by", strings: entries.map(\.id))
      w.field("notes", strings: stage.notes)
      location(stage.range, &w)
    }
  }

  func step(_ step: Step, _ w: inout JSONWriter) {
    w.object { w in
      w.field("id", step.id)
      w.field("id_written", step.idWritten)
      w.field("number", step.number)
      w.field("title", step.title)
      w.field("stage", graph.stages[step.stage].key)
      owners("owners", step.owners, &w)
      w.field("owners_inherited", step.ownersInherited)
      minutes("duration", step.duration, &w)
      window("window", step.window, &w)
      w.field("deadline", step.deadline)
      w.field("verifies", step.verifies.map { graph.steps[$0].id })
      w.field("optional", step.optional)
      w.field("notes", strings: step.notes)
      w.array("records") { w in
        for record in step.records {
          w.object { w in
            w.field("kind", code: record.kind.rawValue)
            w.field("label", record.label)
            w.field("if_yes", record.ifYes)
          }
        }
      }
      location(step.range, &w)
    }
  }

  func gate(_ gate: Gate, _ w: inout JSONWriter) {
    w.object { w in
      w.field("id", gate.id)
      w.field("id_written", gate.idWritten)
      w.field("number", gate.number)
      w.field("title", gate.title)
      w.field("stage", graph.stages[gate.stage].key)
      owners("deciders", gate.deciders, &w)
      w.array("criteria") { w in for criterion in gate.criteria { self.criterion(criterion, &w) } }
      w.array("no_go_if") { w in for criterion in gate.noGoConditions { self.criterion(criterion, &w) } }
      w.key("go")
      if let go = gate.go { reference(go, &w) } else { w.null() }
      w.key("no_go")
      switch gate.noGo {
      case .rollback(let index, let within):
        w.object { w in
          w.field("kind", "rollback")
          w.field("rollback", graph.stages[index].key)
          minutes("within", within, &w)
        }
      case .stop:
        w.object { w in w.field("kind", "stop") }
      case nil:
        w.null()
      }
      minutes("duration", gate.duration, &w)
      window("window", gate.window, &w)
      w.field("deadline", gate.deadline)
      w.field("notes", strings: gate.notes)
      location(gate.range, &w)
    }
  }

  func signoff(_ signoff: Signoff, _ w: inout JSONWriter) {
    w.object { w in
      w.field("id", signoff.key)
      w.field("id_written", signoff.id != nil)
      w.field("title", signoff.title)
      w.field("role", signoff.role.map { graph.roles[$0].id })
      w.array("covers") { w in for item in signoff.covers { reference(item, &w) } }
      w.field("stage", signoff.stage == RunbookGraph.rootStage ? nil : graph.stages[signoff.stage].key)
      w.field("optional", signoff.optional)
      w.field("notes", strings: signoff.notes)
      location(signoff.range, &w)
    }
  }

  func template(_ template: Template, _ w: inout JSONWriter) {
    w.object { w in
      w.field("id", template.id)
      w.field("title", template.title)
      w.field("text", template.text)
      w.field("placeholders", strings: template.placeholders)
      w.field("notes", strings: template.notes)
      location(template.range, &w)
    }
  }

  func contactGroup(_ group: ContactGroup, _ w: inout JSONWriter) {
    w.object { w in
      w.field("id", group.id)
      w.field("title", group.title)
      w.array("contacts") { w in
        for contact in group.contacts {
          w.object { w in
            w.field("id", contact.id)
            w.field("label", contact.label)
            w.key("details")
            self.contact(contact.details, &w)
            location(contact.range, &w)
          }
        }
      }
      w.field("notes", strings: group.notes)
      location(group.range, &w)
    }
  }

  func edge(_ edge: Edge, _ w: inout JSONWriter) {
    w.object { w in
      nodeName("from", edge.from, &w)
      nodeName("to", edge.to, &w)
      w.field("origin", code: edge.origin.rawValue)
      if let range = edge.range {
        location(range, &w)
      } else {
        w.key("location")
        w.null()
      }
    }
  }

  func diagnostic(_ diagnostic: Diagnostic, _ w: inout JSONWriter) {
    w.object { w in
      w.field("code", code: diagnostic.code.rawValue)
      w.field("severity", code: diagnostic.severity.rawValue)
      w.field("message", diagnostic.message)
      w.field("help", diagnostic.help)
      location(diagnostic.range, &w)
    }
  }

  // MARK: - Values

  func reference(_ item: Item, _ w: inout JSONWriter) {
    let (kind, id): (String, String)
    switch item {
    case .step(let index): (kind, id) = ("step", graph.steps[index].id)
    case .gate(let index): (kind, id) = ("gate", graph.gates[index].id)
    case .signoff(let index): (kind, id) = ("signoff", graph.signoffs[index].key)
    case .stage(let index): (kind, id) = (graph.stages[index].kind == .rollback ? "rollback" : "stage", graph.stages[index].key)
    }
    w.object { w in
      w.field("kind", code: kind)
      w.field("id", id)
    }
  }

  /// `"key": "step:backup"`, or `gate:go_no_go`, `stage:day_of:start`, `rollback:restore:end`,
  /// `runbook:start`: written from its parts, as every edge names two nodes.
  func nodeName(_ key: StaticString, _ node: Int, _ w: inout JSONWriter) {
    w.key(key)
    // The stage's fields read in place: a copy of the whole stage, for two of them, was most of
    // the cost of every edge into or out of a stage.
    func container(_ index: Int, _ end: StaticString) {
      switch graph.stages[index].kind {
      case .runbook: w.string("runbook", "", end)
      case .rollback: w.string("rollback:", graph.stages[index].key, end)
      case .stage: w.string("stage:", graph.stages[index].key, end)
      }
    }
    switch graph.nodes[node] {
    case .step(let index): w.string("step:", graph.steps[index].id)
    case .gate(let index): w.string("gate:", graph.gates[index].id)
    case .signoff(let index): w.string("signoff:", graph.signoffs[index].key)
    case .stageStart(let index): container(index, ":start")
    case .stageEnd(let index): container(index, ":end")
    }
  }

  func owners(_ name: StaticString, _ owners: Owners?, _ w: inout JSONWriter) {
    w.key(name)
    guard let owners else { return w.null() }
    w.object { w in
      w.array("roles") { w in
        for role in owners.roles { w.string(graph.roles[role].id) }
      }
      w.field("mode", code: owners.mode.rawValue)
    }
  }

  func minutes(_ name: StaticString, _ value: Minutes?, _ w: inout JSONWriter) {
    w.key(name)
    guard let value else { return w.null() }
    w.object { w in
      w.field("min", value.minimum)
      w.field("max", value.maximum)
      w.field("uncertain", value.uncertain)
      w.field("tbd", value.toBeDecided)
    }
  }

  func window(_ name: StaticString, _ window: Window?, _ w: inout JSONWriter) {
    w.key(name)
    guard let window else { return w.null() }
    w.object { w in
      w.field("start", window.start)
      w.field("end", window.end)
    }
  }

  func criterion(_ criterion: GateCriterion, _ w: inout JSONWriter) {
    w.object { w in
      w.field("text", criterion.text)
      w.field("metric", criterion.metric)
      w.field("comparison", criterion.comparison?.rawValue)
      w.key("value")
      w.double(criterion.value)
      w.field("unit", criterion.unit)
      w.field("label", criterion.label)
    }
  }

  func contact(_ details: ContactDetails, _ w: inout JSONWriter) {
    w.object { w in
      w.field("name", details.name)
      w.field("phone", details.phone)
      w.field("email", details.email)
      w.field("chat", details.chat)
      w.field("location", details.location)
      w.field("notes", strings: details.notes)
    }
  }

  func location(_ range: SourceRange, _ w: inout JSONWriter) {
    let start = source.lineColumn(of: range.start, nearLine: lastLine.line)
    lastLine.line = start.line
    let end = source.lineColumn(of: range.end, after: range.start, at: start)
    w.location(line: start.line, column: start.column, endLine: end.line, endColumn: end.column)
  }
}

/// A line of the source, remembered from one location to the next.
private final class LineCursor {
  var line = 1
}
