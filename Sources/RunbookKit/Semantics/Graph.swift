// The validated graph: the compiler's intermediate representation, built from the syntax tree
// by GraphBuilder and read by every backend. Names are resolved to indices, owners inherited,
// durations normalised to minutes, times to offsets from the anchor, and every dependency is an
// edge that records why it exists.

/// A declared role: a party that owns, decides or signs.
public struct Role: Sendable {
  /// The id used in the source, e.g. `customer`.
  public var id: String
  /// The display name, e.g. "Customer".
  public var name: String
  /// Contact details given with the role.
  public var contact: ContactDetails
  /// Where it was declared.
  public var range: SourceRange
}

/// Name, phone, e-mail and the like; every field optional.
public struct ContactDetails: Sendable, Equatable {
  public var name: String?
  public var phone: String?
  public var email: String?
  public var chat: String?
  public var location: String?
  public var notes: [String] = []

  /// True when no field is set.
  public var isEmpty: Bool {
    name == nil && phone == nil && email == nil && chat == nil && location == nil && notes.isEmpty
  }
}

/// A set of roles and how they combine.
public struct Owners: Sendable, Equatable {
  /// Indices into `RunbookGraph.roles`, in the order written, each once (a role named twice
  /// counts once).
  public var roles: [Int]
  /// Whether all must initial or any one may.
  public var mode: OwnerMode
}

/// A duration in minutes: a fixed value, a range, an uncertain estimate, or not yet known.
public struct Minutes: Sendable, Hashable {
  /// The best case.
  public var minimum: Int
  /// The worst case.
  public var maximum: Int
  /// Written with `?`.
  public var uncertain: Bool
  /// Written as `tbd`.
  public var toBeDecided: Bool
  /// The largest unit it was written in (`h` for `2h..3h30m`), so that it prints the way it was
  /// written; nil for computed values.
  public var unit: TimeUnit? = nil

  /// Zero, for work with no duration given.
  public static let zero = Minutes(minimum: 0, maximum: 0, uncertain: false, toBeDecided: false)
}

/// A window of time relative to the anchor, in minutes.
/// Both ends are at most a hundred years from the anchor, so they are kept `Narrow`.
public struct Window: Sendable, Hashable {
  /// Minutes from the anchor at which it opens (negative before the anchor).
  @Narrow public var start: Int
  /// Minutes from the anchor at which it closes.
  @Narrow public var end: Int
  /// The largest unit its ends were written in (`h` for `T-24h..T-4h`).
  public var unit: TimeUnit? = nil
}

/// What a container of work is.
public enum StageKind: String, Sendable {
  /// The runbook itself: the outermost container of the normal flow.
  case runbook
  /// A stage or nested section.
  case stage
  /// A rollback procedure, entered only through a gate's no-go.
  case rollback
}

/// An element of a stage, in written order.
public enum Item: Sendable, Hashable {
  case step(Int)
  case gate(Int)
  case stage(Int)
  case signoff(Int)
}

/// A stage, the runbook itself, or a rollback: an ordered container of work.
public struct Stage: Sendable {
  /// The id, if written.
  public var id: String?
  /// The id, or one derived from the title when none was written (`runbook` for the runbook
  /// itself); unique among stages, steps, gates and sign-offs.
  public var key: String
  /// The title.
  public var title: String
  /// What kind of container.
  public var kind: StageKind
  /// The enclosing container; nil for the runbook and for rollbacks.
  public var parent: Int?
  /// Its elements in written order.
  public var items: [Item]
  /// True when its elements have no order among them.
  public var parallel: Bool
  /// The default owners of its steps (already inherited from enclosing stages).
  public var defaultOwners: Owners?
  /// How long the stage is expected to take, if given.
  public var duration: Minutes?
  /// The window it must happen in, if given.
  public var window: Window?
  /// The time by which it must be finished, if given.
  public var deadline: Int?
  /// The largest unit the deadline was written in.
  public var deadlineUnit: TimeUnit? = nil
  /// Marked `optional`.
  public var optional: Bool
  /// Free-text notes.
  public var notes: [String]
  /// The node that stands for its start in the dependency graph.
  public var startNode: Int
  /// The node that stands for its end.
  public var endNode: Int
  /// How deeply it is nested (0 for the runbook and rollbacks).
  public var depth: Int
  /// Where it was declared.
  public var range: SourceRange
}

/// A field to fill in on the day.
public struct Record: Sendable, Equatable {
  /// What kind of value.
  public var kind: RecordKind
  /// The label printed beside the blank, if any.
  public var label: String?
  /// For yes/no: what to describe when the answer is yes.
  public var ifYes: String?
}

/// A step: one checklist item.
///
/// A large runbook is mostly steps, so the stored fields are laid out small: the one-byte fields
/// fill the space left after the optionals, and the counts, indices and times are `Narrow`.
/// That took a step from 184 to 128 bytes.
public struct Step: Sendable {
  /// The id: as written, or derived from the title when none was written.
  public var id: String
  /// The title.
  public var title: String
  /// Free-text notes.
  public var notes: [String]
  /// Fields to fill in.
  public var records: [Record]
  /// Who must initial it: its own `owner`, or its stage's default. Nil when nobody is (an error).
  public var owners: Owners?
  /// True when the id was written in the source.
  public var idWritten: Bool
  /// True when the owners were inherited from the stage.
  public var ownersInherited: Bool
  /// "If applicable".
  public var optional: Bool
  /// The largest unit the deadline was written in.
  public var deadlineUnit: TimeUnit? = nil
  /// Its number in the runbook, counting steps and gates in written order from 1.
  @Narrow public var number: Int
  /// The stage (or rollback) it belongs to.
  @Narrow public var stage: Int
  /// Its node in the dependency graph.
  @Narrow public var node: Int
  /// The step it verifies, if any.
  @NarrowOptional public var verifies: Int?
  /// Where it was declared.
  public var range: SourceRange
  /// How long it takes; nil when not given.
  public var duration: Minutes?
  /// The time by which it must be finished.
  @NarrowOptional public var deadline: Int?
  /// The window it must happen in.
  public var window: Window?

  /// True when how long it takes is not known: no `duration`, or `duration tbd`.
  public var durationUnknown: Bool { duration == nil || duration?.toBeDecided == true }
}

/// A measurable or free-text criterion of a gate.
public struct GateCriterion: Sendable, Equatable {
  /// The criterion as a person reads it: the text, or `availability >= 99.9%`.
  public var text: String
  /// For a measure: the metric, the comparison and the value.
  public var metric: String?
  public var comparison: Comparison?
  public var value: Double?
  public var unit: String?
  /// The label written after a measure, if any.
  public var label: String?
}

/// What happens when a gate says no-go.
public enum NoGoOutcome: Sendable, Equatable {
  /// Run a rollback procedure (an index into `stages`), promised to take at most `within`.
  case rollback(Int, within: Minutes?)
  /// Stop: nothing needs undoing.
  case stop
}

/// A go/no-go decision point.
public struct Gate: Sendable {
  /// The id: as written, or derived from the title.
  public var id: String
  /// True when the id was written in the source.
  public var idWritten: Bool
  /// Its number in the runbook (shared with steps).
  public var number: Int
  /// The title.
  public var title: String
  /// The stage it belongs to.
  public var stage: Int
  /// Who decides.
  public var deciders: Owners?
  /// Conditions for go.
  public var criteria: [GateCriterion]
  /// Conditions that force a no-go.
  public var noGoConditions: [GateCriterion]
  /// Where the go branch continues.
  public var go: Item?
  /// What the no-go branch does.
  public var noGo: NoGoOutcome?
  /// How long the decision takes, if given.
  public var duration: Minutes?
  /// The window the decision must happen in.
  public var window: Window?
  /// The time by which it must be decided.
  public var deadline: Int?
  /// The largest unit the deadline was written in.
  public var deadlineUnit: TimeUnit? = nil
  /// Free-text notes.
  public var notes: [String]
  /// Its node in the dependency graph.
  public var node: Int
  /// Where it was declared.
  public var range: SourceRange
}

/// A sign-off line.
public struct Signoff: Sendable {
  /// The id, if written.
  public var id: String?
  /// The id, or one derived from the title; unique among stages, steps, gates and sign-offs.
  public var key: String
  /// The title, e.g. "Vendor Team Lead".
  public var title: String
  /// The role that signs.
  public var role: Int?
  /// The stages or steps it signs for; empty means everything before it.
  public var covers: [Item]
  /// The stage it is written in (the runbook itself for a top-level sign-off).
  public var stage: Int
  /// "If applicable".
  public var optional: Bool
  /// Free-text notes.
  public var notes: [String]
  /// Its node in the dependency graph.
  public var node: Int
  /// Where it was declared.
  public var range: SourceRange
}

/// A text block carried into the output, such as an e-mail template.
public struct Template: Sendable {
  public var id: String?
  public var title: String
  /// The text.
  public var text: String
  /// The `[placeholders]` in the text, each once, in order of first use.
  public var placeholders: [String]
  public var notes: [String]
  public var range: SourceRange
}

/// A contact line.
public struct Contact: Sendable {
  public var id: String?
  /// What the contact is for, e.g. "Deployment Lead".
  public var label: String
  public var details: ContactDetails
  public var range: SourceRange
}

/// A titled list of contacts.
public struct ContactGroup: Sendable {
  public var id: String?
  /// The group's title; nil for contacts written outside any group.
  public var title: String?
  public var contacts: [Contact]
  public var notes: [String]
  public var range: SourceRange
}

/// Why a dependency edge exists.
public enum EdgeOrigin: String, Sendable {
  /// `after x`.
  case after
  /// `verifies x`: a check comes after the work it checks.
  case verifies
  /// Written order inside a sequential stage.
  case sequence
  /// One stage follows another.
  case stageOrder = "stage_order"
  /// A stage's start precedes its contents, and its contents precede its end.
  case contains
  /// A gate's `go ->`.
  case go
  /// A gate's `no_go ->`.
  case noGo = "no_go"
}

/// What a node of the dependency graph stands for.
public enum Node: Sendable, Hashable {
  case step(Int)
  case gate(Int)
  case signoff(Int)
  /// The start of a stage (or of the runbook, or of a rollback).
  case stageStart(Int)
  /// The end of a stage.
  case stageEnd(Int)
}

/// A dependency: `to` cannot start before `from` has finished.
public struct Edge: Sendable {
  /// The node that must finish first.
  @Narrow public var from: Int
  /// The node that waits for it.
  @Narrow public var to: Int
  public var origin: EdgeOrigin
  /// Where the edge was written (the `after` reference, the gate outcome), if anywhere.
  public var range: SourceRange?
}

/// The whole validated runbook.
public struct RunbookGraph: Sendable {
  public var title: String
  public var version: String?
  public var system: String?
  public var description: String?
  public var instructions: String?
  public var notes: [String]
  /// The anchor's name (`T`) and what it stands for.
  public var anchorName: String?
  public var anchorDescription: String?
  /// The anchor's date, time and zone, when known: written with `at`, or given on the command
  /// line. With it, every output shows clock times beside T±.
  public var anchorTime: AnchorTime?

  public var roles: [Role]
  /// Every container: index 0 is the runbook itself; rollbacks have kind `.rollback`.
  public internal(set) var stages: [Stage]
  public internal(set) var steps: [Step]
  public internal(set) var gates: [Gate]
  public var signoffs: [Signoff]
  public var templates: [Template]
  public var contactGroups: [ContactGroup]

  /// The nodes of the dependency graph.
  public internal(set) var nodes: [Node]
  /// The edges, in the order they were made.
  public internal(set) var edges: [Edge]

  /// The worst-case times of the normal flow as the check of windows and deadlines computed
  /// them, kept so that the schedule does not compute them again; nil when the check needed
  /// none. What they are computed from (stages, steps, gates, nodes, edges) is changed only by
  /// the graph builder, which sets them last.
  var flowTimes: FlowTimes? = nil

  /// The index of the runbook container in `stages`.
  public static let rootStage = 0

  /// The rollbacks, as indices into `stages`.
  public var rollbacks: [Int] { stages.indices.filter { stages[$0].kind == .rollback } }

  /// The node an item starts at.
  public func entryNode(_ item: Item) -> Int {
    switch item {
    case .step(let index): steps[index].node
    case .gate(let index): gates[index].node
    case .signoff(let index): signoffs[index].node
    case .stage(let index): stages[index].startNode
    }
  }

  /// The node an item ends at.
  public func exitNode(_ item: Item) -> Int {
    if case .stage(let index) = item { return stages[index].endNode }
    return entryNode(item)
  }

  /// How long a node takes: a step's or gate's duration; zero for everything else.
  public func duration(of node: Int) -> Minutes? {
    switch nodes[node] {
    case .step(let index): steps[index].duration
    case .gate(let index): gates[index].duration
    default: nil
    }
  }

  /// The container a node belongs to.
  public func stage(of node: Int) -> Int {
    switch nodes[node] {
    case .step(let index): steps[index].stage
    case .gate(let index): gates[index].stage
    case .signoff(let index): signoffs[index].stage
    case .stageStart(let index), .stageEnd(let index): index
    }
  }

  /// The rollback a node belongs to, or nil for the normal flow.
  public func rollback(containing node: Int) -> Int? {
    var stage = stage(of: node)
    while let parent = stages[stage].parent { stage = parent }
    return stages[stage].kind == .rollback ? stage : nil
  }

  /// Whether a node is work people do (a step, gate or sign-off) rather than a stage boundary.
  public func isWork(_ node: Int) -> Bool {
    switch nodes[node] {
    case .step, .gate, .signoff: true
    default: false
    }
  }

  /// For each rollback (an index into `stages`) that some gate enters, those gates (indices into
  /// `gates`) in written order. One pass over the gates: use it rather than `gates(entering:)`
  /// for every rollback, which would cost gates × rollbacks.
  public func gatesByRollback() -> [Int: [Int]] {
    var map: [Int: [Int]] = [:]
    for (index, gate) in gates.enumerated() {
      if case .rollback(let target, _) = gate.noGo { map[target, default: []].append(index) }
    }
    return map
  }

  /// The gates whose no-go enters a rollback (an index into `stages`); a pass over every gate.
  public func gates(entering rollback: Int) -> [Gate] {
    gates.filter {
      if case .rollback(let target, _) = $0.noGo { return target == rollback }
      return false
    }
  }

  /// The owners of a step, or the deciders of a gate.
  public func owners(of node: Int) -> Owners? {
    switch nodes[node] {
    case .step(let index): steps[index].owners
    case .gate(let index): gates[index].deciders
    case .signoff(let index): signoffs[index].role.map { Owners(roles: [$0], mode: .all) }
    default: nil
    }
  }

  /// A short description of a node for messages: "step `backup`", "stage `Day of Upgrade`".
  public func describe(_ node: Int) -> String {
    switch nodes[node] {
    case .step(let index): "`\(steps[index].idWritten ? steps[index].id : clipped(steps[index].title))`"
    case .gate(let index): "gate `\(gates[index].idWritten ? gates[index].id : clipped(gates[index].title))`"
    case .signoff(let index): "sign-off `\(clipped(signoffs[index].title))`"
    case .stageStart(let index), .stageEnd(let index):
      "\(stages[index].kind == .rollback ? "rollback" : "stage") `\(stages[index].id ?? clipped(stages[index].title))`"
    }
  }
}
