// Which attributes and child declarations each kind of declaration accepts. The parser consults
// this table, so the grammar's shape lives in one place (and Grammar/runbook.ebnf mirrors it).

/// The shape of one kind of declaration. A class, made once per kind: the parser asks for the
/// shape of every declaration and attribute it reads, and a copy of a reference is one count.
final class DeclarationShape: Sendable {
  /// The attributes it accepts, in the order help lists them.
  let attributes: [Keyword]
  /// The declarations it may contain.
  let children: [DeclarationKind]
  /// Whether an id is required (it is optional otherwise).
  let requiresID: Bool
  /// `attributes` and `children` as bits (by `Keyword.ordinal` and `DeclarationKind.index`),
  /// for the questions asked of every statement, and the attributes that may be given more than
  /// once, kept only as bits.
  private let attributeBits: UInt64
  private let childBits: UInt64
  private let repeatableBits: UInt64

  init(attributes: [Keyword], children: [DeclarationKind], requiresID: Bool, repeatable: Set<Keyword>) {
    self.attributes = attributes
    self.children = children
    self.requiresID = requiresID
    attributeBits = attributes.reduce(0) { $0 | 1 << UInt64($1.ordinal) }
    childBits = children.reduce(0) { $0 | 1 << UInt64($1.index) }
    repeatableBits = repeatable.reduce(0) { $0 | 1 << UInt64($1.ordinal) }
  }

  /// Whether `keyword` is one of its attributes.
  func accepts(_ keyword: Keyword) -> Bool { attributeBits & 1 << UInt64(keyword.ordinal) != 0 }

  /// Whether a declaration of `kind` may be inside it.
  func allows(_ kind: DeclarationKind) -> Bool { childBits & 1 << UInt64(kind.index) != 0 }

  /// Whether the attribute `keyword` may be given more than once.
  func isRepeatable(_ keyword: Keyword) -> Bool { repeatableBits & 1 << UInt64(keyword.ordinal) != 0 }

  /// The shape of a declaration kind.
  static func of(_ kind: DeclarationKind) -> DeclarationShape {
    shapes[kind.index]
  }

  private static let shapes: [DeclarationShape] = DeclarationKind.allCases.map(make)

  private static func make(_ kind: DeclarationKind) -> DeclarationShape {
    switch kind {
    case .runbook:
      DeclarationShape(
        attributes: [.version, .system, .description, .instructions, .note, .anchor],
        children: [.role, .stage, .rollback, .signoff, .template, .contacts, .contact],
        requiresID: false, repeatable: [.note])
    case .role:
      DeclarationShape(
        attributes: [.name, .phone, .email, .chat, .location, .note],
        children: [], requiresID: true, repeatable: [.note])
    case .stage:
      DeclarationShape(
        attributes: [.owner, .after, .duration, .window, .deadline, .parallel, .optional, .note],
        children: [.step, .gate, .stage, .signoff], requiresID: false,
        repeatable: [.note, .after])
    case .step:
      DeclarationShape(
        attributes: [
          .owner, .after, .duration, .window, .deadline, .verifies, .optional, .note, .record,
        ],
        children: [], requiresID: false, repeatable: [.note, .record, .after])
    case .gate:
      DeclarationShape(
        attributes: [
          .decidedBy, .criterion, .noGoIf, .go, .noGo, .after, .duration, .window, .deadline,
          .note,
        ],
        children: [], requiresID: false, repeatable: [.note, .criterion, .noGoIf, .after])
    case .rollback:
      DeclarationShape(
        attributes: [.owner, .parallel, .note],
        children: [.step, .stage], requiresID: true, repeatable: [.note])
    case .signoff:
      DeclarationShape(
        attributes: [.by, .covers, .optional, .note],
        children: [], requiresID: false, repeatable: [.note, .covers])
    case .template:
      DeclarationShape(
        attributes: [.text, .note], children: [], requiresID: false, repeatable: [.note])
    case .contacts:
      DeclarationShape(
        attributes: [.note], children: [.contact], requiresID: false, repeatable: [.note])
    case .contact:
      DeclarationShape(
        attributes: [.name, .phone, .email, .chat, .location, .note],
        children: [], requiresID: false, repeatable: [.note])
    case .unknown:
      DeclarationShape(attributes: [], children: [], requiresID: false, repeatable: [])
    }
  }

  /// The declaration kind a keyword starts, if it starts one.
  static func declarationKind(_ keyword: Keyword) -> DeclarationKind? {
    switch keyword {
    case .runbook: .runbook
    case .role: .role
    case .stage: .stage
    case .step: .step
    case .gate: .gate
    case .rollback: .rollback
    case .signoff: .signoff
    case .template: .template
    case .contacts: .contacts
    case .contact: .contact
    default: nil
    }
  }

  /// The declaration kinds whose attributes include `keyword`, for "belongs to" help.
  static func owners(of keyword: Keyword) -> [DeclarationKind] {
    DeclarationKind.allCases.filter { $0 != .unknown && of($0).accepts(keyword) }
  }
}

extension DeclarationKind {
  /// The position of this kind in `allCases`.
  var index: Int {
    switch self {
    case .runbook: 0
    case .role: 1
    case .stage: 2
    case .step: 3
    case .gate: 4
    case .rollback: 5
    case .signoff: 6
    case .template: 7
    case .contacts: 8
    case .contact: 9
    case .unknown: 10
    }
  }
}
