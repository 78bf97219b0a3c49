// The values people record on the day: record fields of a step (checked against their kind:
// date, time, yes/no, number…) and the observed values of a gate's measured criteria (compared
// with the threshold, in the criterion's unit). Names are matched loosely — `Date`, `date` and
// `fhsd_ticket_number` for "FHSD ticket number" — and stored as the runbook names them.

/// A record field as named on the command line.
public struct FieldName: Sendable, Equatable {
  /// The record (an index into the step's `records`).
  public var record: Int
  /// True for the description a yes/no with `if_yes` asks for.
  public var isIfYes: Bool
  /// The name as it is stored and shown: the slug of the label.
  public var key: String
}

/// `FHSD ticket number` → `fhsd_ticket_number`: lowercase letters and digits, other runs as `_`.
public func fieldSlug(_ text: String) -> String {
  var slug = ""
  var pendingSeparator = false
  for scalar in text.lowercased().unicodeScalars {
    // ASCII answered directly: the Unicode property tables are a hundred times slower.
    let isLetter = scalar.isASCII ? ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) : scalar.properties.isAlphabetic
    if isLetter || ("0"..."9").contains(scalar) {
      if pendingSeparator && !slug.isEmpty { slug += "_" }
      pendingSeparator = false
      slug.unicodeScalars.append(scalar)
    } else {
      pendingSeparator = true
    }
  }
  return slug
}

/// The names a step's record fields go by, in order: each field's key, then the `if_yes` text's.
public func fieldNames(of step: Step) -> [FieldName] {
  var names: [FieldName] = []
  var used: Set<String> = []
  func add(_ base: String, record: Int, ifYes: Bool) {
    var key = base.isEmpty ? "field" : base
    var counter = 1
    while used.contains(key) {
      counter += 1
      key = (base.isEmpty ? "field" : base) + "_\(counter)"
    }
    used.insert(key)
    names.append(FieldName(record: record, isIfYes: ifYes, key: key))
  }
  for (index, record) in step.records.enumerated() {
    add(fieldSlug(record.label ?? record.kind.rawValue), record: index, ifYes: false)
  }
  for (index, record) in step.records.enumerated() {
    if let ifYes = record.ifYes { add(fieldSlug(ifYes), record: index, ifYes: true) }
  }
  return names
}

/// Finds the field a name given on the command line means: its key, the kind's name when only one
/// field has that kind, `if_yes` when only one field asks for it, or its position from 1.
public func findField(_ given: String, in step: Step) -> FieldName? {
  let names = fieldNames(of: step)
  let slug = fieldSlug(given)
  if let exact = names.first(where: { $0.key == slug }) { return exact }
  if let position = Int(given), position >= 1, position <= step.records.count {
    return names.first { $0.record == position - 1 && !$0.isIfYes }
  }
  let primary = names.filter { !$0.isIfYes }
  if primary.count == 1 && slug == fieldSlug(step.id) { return primary[0] }
  let ofKind = names.filter { !$0.isIfYes && fieldSlug(step.records[$0.record].kind.rawValue) == slug }
  if ofKind.count == 1 { return ofKind[0] }
  if slug == "if_yes" {
    let asking = names.filter(\.isIfYes)
    if asking.count == 1 { return asking[0] }
  }
  return nil
}

/// An example value of a kind, for help texts.
public func exampleValue(_ kind: RecordKind) -> String {
  switch kind {
  case .date: "2026-12-05"
  case .time: "22:15"
  case .datetime: "2026-12-05 22:15"
  case .number: "42"
  case .initials: "AR"
  case .yesNo: "no"
  case .text: "'…'"
  }
}

/// Checks a value against a record's kind; returns it as stored (yes/no normalised) or why not.
public func checkedValue(_ text: String, kind: RecordKind) -> Result<String, RunRefusal> {
  let value = text.trimmingSpaces
  let scalars = Array(value.unicodeScalars)
  func fail(_ what: String) -> Result<String, RunRefusal> {
    .failure(RunRefusal("`\(visible(value, limit: 40))` is not \(what)", help: "write it like `\(exampleValue(kind))`"))
  }
  if value.isEmpty { return .failure(RunRefusal("the value is empty", help: "write the value after `=`, like `\(exampleValue(kind))`")) }
  switch kind {
  case .text:
    return .success(value)
  case .initials:
    guard scalars.count <= 8, scalars.allSatisfy({ $0.properties.isAlphabetic || $0 == "." || $0 == "-" }),
      scalars.contains(where: { $0.properties.isAlphabetic })
    else { return fail("initials (letters, at most 8)") }
    return .success(value)
  case .yesNo:
    switch value.lowercased() {
    case "yes", "y", "true": return .success("yes")
    case "no", "n", "false": return .success("no")
    default: return fail("yes or no")
    }
  case .number:
    guard parseDecimal(value) != nil else { return fail("a number") }
    return .success(value)
  case .date:
    guard validDate(value) else { return fail("a date (year-month-day)") }
    return .success(value)
  case .time:
    guard validTime(value) else { return fail("a time on a 24-hour clock") }
    return .success(value)
  case .datetime:
    if case .success = AnchorTime.parse(value) { return .success(value) }
    let parts = value.split(separator: " ", maxSplits: 1).map(String.init)
    let pieces = parts.count == 2 ? parts : value.split(separator: "T", maxSplits: 1).map(String.init)
    guard pieces.count == 2, validDate(pieces[0]), validTime(pieces[1]) else { return fail("a date and time") }
    return .success(value)
  }
}

/// `2026-12-05`, a day that exists.
func validDate(_ text: String) -> Bool {
  let bytes = Array(text.utf8)
  guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
  return parseUTCTimestamp(text + "T00:00:00Z") != nil
}

/// `22:15` or `22:15:30`.
func validTime(_ text: String) -> Bool {
  let bytes = Array(text.utf8)
  guard bytes.count == 5 || bytes.count == 8 else { return false }
  return parseUTCTimestamp("2000-01-01T" + (bytes.count == 5 ? text + ":00" : text) + "Z") != nil
}

/// `-12.5` → -12.5; digits with an optional sign and fraction, nothing else.
func parseDecimal(_ text: String) -> Double? {
  let bytes = Array(text.utf8)
  var index = 0
  if index < bytes.count && (bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")) { index += 1 }
  var digits = 0
  while index < bytes.count && (0x30...0x39).contains(bytes[index]) { index += 1; digits += 1 }
  if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
    index += 1
    while index < bytes.count && (0x30...0x39).contains(bytes[index]) { index += 1; digits += 1 }
  }
  guard digits > 0, index == bytes.count, digits <= 30 else { return nil }
  return Double(text)
}

/// An observed measure: `99.95%`, `1.5s`, `250ms`, `4`.
public struct Observed: Sendable, Equatable {
  public var number: Double
  public var unit: String
}

/// Reads an observed value: a number followed by a unit (or none).
public func parseObserved(_ text: String) -> Observed? {
  let value = text.trimmingSpaces
  var numberEnd = value.startIndex
  for index in value.indices {
    let character = value[index]
    if character.isNumber || character == "." || ((character == "-" || character == "+") && index == value.startIndex) {
      numberEnd = value.index(after: index)
    } else {
      break
    }
  }
  guard let number = parseDecimal(String(value[..<numberEnd])) else { return nil }
  let unit = String(value[numberEnd...]).trimmingSpaces
  guard unit.unicodeScalars.count <= 12, !unit.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return nil }
  return Observed(number: number, unit: unit)
}

/// Seconds per time unit, for comparing `2s` with `1500ms`.
private let secondsPerUnit: [String: Double] = ["ms": 0.001, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86_400]

/// Whether an observed value meets a measured criterion, or why it cannot be compared.
public func holds(_ observed: Observed, _ criterion: GateCriterion) -> Result<Bool, RunRefusal> {
  guard let comparison = criterion.comparison, let threshold = criterion.value, let metric = criterion.metric else {
    return .success(true)
  }
  let unit = criterion.unit ?? ""
  var left = observed.number
  var right = threshold
  if observed.unit != unit {
    guard let from = secondsPerUnit[observed.unit], let to = secondsPerUnit[unit] else {
      let wanted = unit.isEmpty ? "a plain number" : "a value in `\(unit)`"
      return .failure(RunRefusal(
        "the observed `\(metric)` is in `\(observed.unit.isEmpty ? "no unit" : observed.unit)`; the criterion `\(criterion.text)` needs \(wanted)",
        help: "give it like `--value \(metric)=\(formatNumber(threshold))\(unit)`"))
    }
    left *= from
    right *= to
  }
  switch comparison {
  case .less: return .success(left < right)
  case .lessEqual: return .success(left <= right)
  case .greater: return .success(left > right)
  case .greaterEqual: return .success(left >= right)
  case .equal: return .success(left == right)
  case .notEqual: return .success(left != right)
  }
}

/// `99.9`, `95`: a threshold as people write it.
func formatNumber(_ value: Double) -> String {
  value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
}
