// Every diagnostic the compiler can emit, with its stable code and default severity. The code
// numbers are part of the public contract (CI configurations and suppressions name them): never
// renumber, only add. Long explanations live in Explanations.swift.

/// A stable diagnostic code. The raw value is what users see: `RB0102`.
public enum DiagnosticCode: String, CaseIterable, Sendable, Comparable {
  // MARK: - Lexical (RB00xx)
  case invalidCharacter = "RB0001"
  case invalidUTF8 = "RB0002"
  case nulByte = "RB0003"
  case unterminatedString = "RB0004"
  case unterminatedTextBlock = "RB0005"
  case invalidEscape = "RB0006"
  case textBlockIndentation = "RB0007"
  case unknownUnit = "RB0008"
  case invalidNumber = "RB0009"
  case bidiControl = "RB0010"

  // MARK: - Syntax (RB01xx)
  case expectedToken = "RB0101"
  case unknownKeyword = "RB0102"
  case unclosedBlock = "RB0103"
  case nestingTooDeep = "RB0104"
  case misplacedStatement = "RB0105"
  case missingRunbook = "RB0106"
  case extraRunbook = "RB0107"
  case duplicateAttribute = "RB0108"
  case mixedOwnerOperators = "RB0109"
  case missingID = "RB0110"
  case misleadingIndentation = "RB0111"
  case repeatedName = "RB0112"

  // MARK: - Names (RB02xx)
  case duplicateID = "RB0201"
  case undefinedRole = "RB0202"
  case undefinedReference = "RB0203"
  case undefinedRollback = "RB0204"
  case undefinedAnchor = "RB0205"
  case wrongReferenceKind = "RB0206"

  // MARK: - Ordering (RB03xx)
  case dependencyCycle = "RB0301"
  case dependsOnLaterStage = "RB0302"
  case forwardAfter = "RB0303"
  case windowCannotHold = "RB0304"
  case rollbackRejoinsFlow = "RB0305"
  case signoffBeforeWork = "RB0306"
  case unreachableStep = "RB0307"

  // MARK: - Ownership (RB04xx)
  case missingOwner = "RB0401"
  case missingDecider = "RB0402"
  case sameRoleVerifies = "RB0403"
  case unusedRole = "RB0404"

  // MARK: - Gates (RB05xx)
  case missingOutcome = "RB0501"
  case rollbackTooLong = "RB0502"
  case gateWithoutCriteria = "RB0503"
  case rollbackNeverEntered = "RB0504"
  case rollbackBoundUnchecked = "RB0505"

  // MARK: - Durations and times (RB06xx)
  case invertedRange = "RB0601"
  case zeroDuration = "RB0602"
  case windowEndsBeforeStart = "RB0603"
  case missingUnit = "RB0604"
  case durationTooLarge = "RB0605"
  case invalidDateTime = "RB0606"
  case unknownTimeZone = "RB0607"
  case clockChange = "RB0608"

  // MARK: - Limits (RB07xx)
  case fileTooLarge = "RB0701"
  case nameTooLong = "RB0702"
  case textTooLong = "RB0703"
  case tooManySteps = "RB0704"
  case tooManyDiagnostics = "RB0705"

  // MARK: - Suppressions (RB08xx)
  case unusedSuppression = "RB0801"
  case unknownSuppressionCode = "RB0802"
  case errorNotSuppressible = "RB0803"
  case malformedSuppression = "RB0804"

  /// The severity a diagnostic of this code has unless a caller changes it.
  public var defaultSeverity: Severity {
    switch self {
    case .unusedRole, .misleadingIndentation, .repeatedName, .gateWithoutCriteria, .rollbackNeverEntered, .rollbackBoundUnchecked, .unusedSuppression, .bidiControl,
      .unknownSuppressionCode, .errorNotSuppressible, .malformedSuppression:
      .warning
    default: .error
    }
  }

  /// A short title for lists, SARIF rules and `runbook explain --list`.
  public var title: String {
    switch self {
    case .invalidCharacter: "unexpected character"
    case .invalidUTF8: "invalid UTF-8"
    case .nulByte: "NUL byte in source"
    case .unterminatedString: "unterminated string"
    case .unterminatedTextBlock: "unterminated text block"
    case .invalidEscape: "invalid escape sequence"
    case .textBlockIndentation: "badly indented text block"
    case .unknownUnit: "unknown unit"
    case .invalidNumber: "invalid number"
    case .bidiControl: "text with a bidirectional control character"
    case .expectedToken: "unexpected token"
    case .unknownKeyword: "unknown keyword"
    case .unclosedBlock: "unclosed block"
    case .nestingTooDeep: "nesting too deep"
    case .misplacedStatement: "statement not allowed here"
    case .missingRunbook: "missing runbook block"
    case .extraRunbook: "more than one runbook in a file"
    case .duplicateAttribute: "attribute given twice"
    case .mixedOwnerOperators: "`and` mixed with `or`"
    case .missingID: "missing id"
    case .misleadingIndentation: "indentation that hides the nesting"
    case .repeatedName: "name listed twice"
    case .duplicateID: "duplicate id"
    case .undefinedRole: "undefined role"
    case .undefinedReference: "undefined step, stage or gate"
    case .undefinedRollback: "undefined rollback"
    case .undefinedAnchor: "undefined anchor"
    case .wrongReferenceKind: "reference to the wrong kind of element"
    case .dependencyCycle: "dependency cycle"
    case .dependsOnLaterStage: "dependency on a later stage"
    case .forwardAfter: "`after` points forward in a sequential stage"
    case .windowCannotHold: "window cannot hold"
    case .rollbackRejoinsFlow: "rollback rejoins the normal flow"
    case .signoffBeforeWork: "sign-off before the work it signs"
    case .unreachableStep: "unreachable step"
    case .missingOwner: "step without an owner"
    case .missingDecider: "gate without a decider"
    case .sameRoleVerifies: "verification by the same role (four-eyes)"
    case .unusedRole: "role never used"
    case .missingOutcome: "gate without both outcomes"
    case .rollbackTooLong: "rollback exceeds its time bound"
    case .gateWithoutCriteria: "gate without criteria"
    case .rollbackNeverEntered: "rollback never entered"
    case .rollbackBoundUnchecked: "rollback bound that cannot be checked"
    case .invertedRange: "inverted range"
    case .zeroDuration: "zero duration"
    case .windowEndsBeforeStart: "window ends before it starts"
    case .missingUnit: "number without a unit"
    case .durationTooLarge: "duration too large"
    case .invalidDateTime: "invalid date or time"
    case .unknownTimeZone: "unknown time zone"
    case .clockChange: "local time skipped or repeated by a clock change"
    case .fileTooLarge: "file too large"
    case .nameTooLong: "name too long"
    case .textTooLong: "text too long"
    case .tooManySteps: "too many steps"
    case .tooManyDiagnostics: "too many problems to list"
    case .unusedSuppression: "suppression that suppresses nothing"
    case .unknownSuppressionCode: "suppression of an unknown code"
    case .errorNotSuppressible: "suppression of an error"
    case .malformedSuppression: "malformed suppression comment"
    }
  }

  public static func < (a: DiagnosticCode, b: DiagnosticCode) -> Bool { a.rawValue < b.rawValue }
}
