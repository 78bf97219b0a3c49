// The attribute productions: owners, references, durations, windows, records, criteria and the
// gate outcomes. Each parses the value after its keyword and returns `.invalid` (reported) when
// the value is broken, so the attribute still counts as written.

extension Parser {
  /// attribute = keyword value ; the value's shape depends on the keyword.
  mutating func parseAttribute(of kind: DeclarationKind, inline: Bool) -> Attribute? {
    let shape = DeclarationShape.of(kind)
    guard at(.word), let keyword = currentKeyword, shape.accepts(keyword) else {
      let start = current.range
      let meant = reportBadInlineAttribute(of: kind, shape: shape)
      return meant.map { recoverMisspelt($0, inline: true) ?? skippedMisspelt($0, at: start) }
    }
    let keywordToken = current
    advance()
    let value = parseAttributeValue(keyword)
    // A broken value has been reported; the rest of its line would only repeat the problem.
    if value.isInvalid { skipToBlockOrLineEnd() }
    return Attribute(
      value: value, keyword: keyword, keywordRange: keywordToken.range,
      range: keywordToken.range.union(SourceRange.at(previousEnd)))
  }

  /// A misspelt inline attribute that could not be read as the one it most likely was: the rest
  /// of the line is skipped, and the attribute kept with an invalid value.
  mutating func skippedMisspelt(_ keyword: Keyword, at range: SourceRange) -> Attribute {
    skipToBlockOrLineEnd()
    return misspelt(keyword, at: range)
  }

  /// A misspelt attribute kept as the attribute it most likely was, with an invalid value, so
  /// that later phases do not also report it as missing.
  func misspelt(_ keyword: Keyword, at range: SourceRange) -> Attribute {
    Attribute(value: .invalid, keyword: keyword, keywordRange: range, range: range.union(SourceRange.at(previousEnd)))
  }

  /// Reports a word that is not an attribute of this declaration and skips the rest of the line;
  /// returns the attribute it was most likely meant to be.
  private mutating func reportBadInlineAttribute(of kind: DeclarationKind, shape: DeclarationShape) -> Keyword? {
    let word = at(.word) ? text(current) : nil
    let keyword = word.flatMap(Keyword.init(rawValue:))
    if let keyword, let child = DeclarationShape.declarationKind(keyword),
      shape.allows(child)
    {
      report(
        .expectedToken, "`\(keyword.rawValue)` must start on a new line", at: current.range,
        help: "put each \(keyword.rawValue) on a line of its own inside the block")
    } else if let word {
      let suggestion = reportUnknownStatement(word, keyword: keyword, in: kind, shape: DeclarationShape(
        attributes: shape.attributes, children: [], requiresID: false, repeatable: []))
      // The caller reads the line as the suggested attribute, or skips it.
      if let meant = suggestion.flatMap(Keyword.init(rawValue:)), shape.accepts(meant) { return meant }
      skipToBlockOrLineEnd()
      return nil
    } else {
      let examples = shape.attributes.prefix(3).map { "`\($0.rawValue)`" }
      reportExpected(
        "an attribute such as \(listPhrase(examples, conjunction: "or"))",
        help: at(.string) ? "a \(kind.rawValue) has one title; put further text in a `note`" : nil)
    }
    skipToBlockOrLineEnd()
    return nil
  }

  mutating func parseAttributeValue(_ keyword: Keyword) -> AttributeValue {
    switch keyword {
    case .version, .system, .description, .instructions, .note, .name, .phone, .email, .chat,
      .location, .text:
      guard at(.string) || at(.textBlock), !current.atLineStart else {
        reportExpected("text in quotes after `\(keyword.rawValue)`")
        return .invalid
      }
      return .text(parseText())
    case .anchor:
      guard let name = parseIdentifier("the anchor's name, such as `T`") else { return .invalid }
      guard at(.string) || at(.textBlock), !current.atLineStart else {
        reportExpected("what the anchor stands for, in quotes", help: "`anchor T \"Upgrade starts\"`")
        return .invalid
      }
      let description = parseText()
      guard current.keyword == .at, !current.atLineStart else { return .anchor(name, description, at: nil) }
      advance()
      guard at(.string), !current.atLineStart else {
        reportExpected("the date, time and zone in quotes", help: "`anchor T \"Go-live\" at \"2026-12-05 22:00 Europe/Berlin\"`")
        return .anchor(name, description, at: nil)
      }
      return .anchor(name, description, at: parseText())
    case .owner, .decidedBy:
      return parseOwners(keyword).map(AttributeValue.owners) ?? .invalid
    case .after, .covers:
      return parseReferenceList(keyword).map(AttributeValue.references) ?? .invalid
    case .verifies, .by:
      let what = keyword == .by ? "the role that signs" : "the id of the step it verifies"
      return parseReference(what).map(AttributeValue.reference) ?? .invalid
    case .go:
      guard expectArrow(after: "go", help: "`go -> next_step`"),
        let target = parseIdentifier("the step or stage to continue with")
      else { return .invalid }
      return .reference(target)
    case .noGo:
      guard expectArrow(after: "no_go", help: "`no_go -> rollback restore within 1h`")
      else { return .invalid }
      if currentKeyword == .stop && !current.atLineStart {
        advance()
        return .stop
      }
      // `no_go -> rollback restore`: the word `rollback` before the id is optional.
      if currentKeyword == .rollback && peek().kind == .word && !peek().atLineStart { advance() }
      guard let target = parseIdentifier("the rollback to run, or `stop`")
      else { return .invalid }
      var within: DurationSpec?
      if onSameLine && currentKeyword == .within {
        advance()
        guard let bound = parseDurationSpec(after: "within") else { return .invalid }
        within = bound
      }
      return .noGo(target, within: within)
    case .duration:
      return parseDurationSpec(after: "duration").map(AttributeValue.duration) ?? .invalid
    case .window:
      return parseWindow().map(AttributeValue.window) ?? .invalid
    case .deadline:
      return parseTimePoint().map(AttributeValue.deadline) ?? .invalid
    case .optional, .parallel:
      return .flag
    case .record:
      return parseRecord().map(AttributeValue.record) ?? .invalid
    case .criterion, .noGoIf:
      return parseCriterion().map(AttributeValue.criterion) ?? .invalid
    default:
      return .invalid
    }
  }

  // MARK: - Names

  /// identifier = word ; keywords are accepted where a name is expected. (`what` is made only
  /// when it is reported: most names are read without a mistake.)
  mutating func parseIdentifier(_ what: @autoclosure () -> String) -> Identifier? {
    guard at(.word), !current.atLineStart else {
      reportExpected(what())
      return nil
    }
    let identifier = Identifier(name: text(current), range: current.range)
    advance()
    return identifier
  }

  /// A role or a piece of work named where an id belongs. Text in quotes there — `owner
  /// "Operations"`, `after "Take a backup"`, as a table pasted from a document has it — is read
  /// as a reference whose range starts at the quote: the graph builder reports it with the id of
  /// the role or work of that name, which the parser does not know, and the line reads on.
  mutating func parseReference(_ what: @autoclosure () -> String) -> Identifier? {
    if at(.string), !current.atLineStart {
      let text = parseText()
      // A string never closed has run to the end of its line, and has been reported.
      let last = text.range.end > text.range.start + 1 ? source.bytes[text.range.end - 1] : 0
      guard last == UInt8(ascii: "\"") || last == UInt8(ascii: "'") || last == 0x9D || last == 0x99 else { return nil }
      return Identifier(name: text.value, range: text.range)
    }
    return parseIdentifier(what())
  }

  /// The `->` after `go` or `no_go`. Left out before the outcome's name (`no_go rollback
  /// restore`), it is reported with the fix that writes it, and the outcome is read.
  private mutating func expectArrow(after keyword: String, help: String) -> Bool {
    if at(.arrow) && !current.atLineStart {
      advance()
      return true
    }
    guard at(.word), !current.atLineStart else {
      reportExpected("`->` after `\(keyword)`", help: help)
      return false
    }
    report(
      .expectedToken, "`->` is missing after `\(keyword)`", at: SourceRange.at(current.range.start), help: help,
      fix: Fix("write `->`", replacing: SourceRange.at(current.range.start), with: "-> "))
    return true
  }

  /// owners = identifier { ("and" | "or") identifier } ;
  mutating func parseOwners(_ keyword: Keyword) -> OwnerExpr? {
    guard let first = parseReference("a role after `\(keyword.rawValue)`") else { return nil }
    // One role more than there are connectives on the line (allocated once).
    var roles: [Identifier] = []
    roles.reserveCapacity(1 + countOnLine { $0.keyword == .and || $0.keyword == .or })
    roles.append(first)
    var mode: OwnerMode?
    var mixed = false
    while onSameLine {
      let connective = currentKeyword
      if at(.comma) || (connective != .and && connective != .or) {
        if at(.comma) {
          report(
            .expectedToken, "expected `and` or `or` between roles, found `,`", at: current.range,
            help: "write `\(keyword.rawValue) a and b` when all must initial, `\(keyword.rawValue) a or b` when any one may")
          advance()
          if let next = parseReference("a role") { roles.append(next) }
          continue
        }
        break
      }
      let connectiveRange = current.range
      let thisMode: OwnerMode = connective == .and ? .all : .any
      if let mode, mode != thisMode, !mixed {
        mixed = true
        report(
          .mixedOwnerOperators, "`and` and `or` are mixed in one owner list", at: connectiveRange,
          help: "use `and` when every role must initial, `or` when any one may; not both")
      }
      mode = mode ?? thisMode
      advance()
      guard let next = parseReference("a role after `\(connective?.rawValue ?? "")`") else { break }
      roles.append(next)
    }
    reportRepeats(in: roles, after: keyword)
    return OwnerExpr(
      roles: roles, mode: mode ?? .all, range: first.range.union(roles[roles.count - 1].range))
  }

  /// references = identifier { "," identifier } ; a line may break after a comma.
  mutating func parseReferenceList(_ keyword: Keyword) -> [Identifier]? {
    guard let first = parseReference("an id after `\(keyword.rawValue)`") else { return nil }
    // One id more than there are commas on the line (allocated once).
    var list: [Identifier] = []
    list.reserveCapacity(1 + countOnLine { $0.kind == .comma })
    list.append(first)
    while !current.atLineStart, eat(.comma) != nil {
      guard at(.word) else {
        reportExpected("an id after `,`")
        break
      }
      list.append(Identifier(name: text(current), range: current.range))
      advance()
    }
    if onSameLine && at(.word) && currentKeyword == .and {
      report(
        .expectedToken, "expected `,` between ids, found `and`", at: current.range,
        help: "separate the ids with commas: `\(keyword.rawValue) a, b`")
      advance()
      if let next = parseReference("an id") { list.append(next) }
    }
    reportRepeats(in: list, after: keyword)
    return list
  }

  /// A name given twice in one list, `owner ops and ops` or `after backup, backup`: it counts
  /// once, so the list means what it says without the repeat, which is reported as the slip it
  /// usually is (for another role, other work), with the fix that deletes it and the separator
  /// before it. Short lists, nearly all of them, are searched name by name; long ones through a
  /// table, so that a list of thousands costs no square of its length.
  private mutating func reportRepeats(in names: [Identifier], after keyword: Keyword) {
    guard names.count > 1 else { return }
    var firstIndex: [String: Int] = [:]
    for index in names.indices {
      let earlier: Int?
      if names.count <= 8 {
        earlier = names[..<index].firstIndex { $0.name == names[index].name }
      } else {
        earlier = firstIndex[names[index].name]
        if earlier == nil { firstIndex[names[index].name] = index }
      }
      guard let earlier else { continue }
      // Past the cap nothing but the count is made (a list of a hundred thousand repeats).
      if diagnostics.count >= RunbookInfo.maximumKeptDiagnostics {
        droppedDiagnostics += 1
        continue
      }
      let name = clipped(names[index].name)
      report(
        .repeatedName, "`\(name)` is named twice after `\(keyword.rawValue)`", at: names[index].range,
        notes: [DiagnosticNote("it is first named here", at: names[earlier].range)],
        help: "a name counts once in a list; delete the repeat, or name the \(keyword == .owner || keyword == .decidedBy ? "role" : "work") that was meant",
        fix: Fix("delete the second `\(name)`", replacing: SourceRange(names[index - 1].range.end, names[index].range.end), with: ""))
    }
  }

  // MARK: - Time

  /// duration_spec = "tbd" | duration [ ".." duration ] [ "?" ] ;
  mutating func parseDurationSpec(after keyword: String) -> DurationSpec? {
    if currentKeyword == .tbd && !current.atLineStart {
      let range = current.range
      advance()
      return DurationSpec(
        minimum: 0, maximum: 0, uncertain: true, toBeDecided: true, minimumRange: range,
        maximumRange: range, range: range)
    }
    if let estimate = estimateWord() {
      guard var spec = parseDurationSpec(after: keyword) else { return nil }
      report(
        .missingUnit, "`\(text(estimate))` before a duration: an estimate is written with `?` after it", at: estimate.range,
        help: "a duration that is only an estimate takes `?` after it: `2h?`, `2h..3h?`",
        fix: Fix(spec.uncertain ? "delete `\(text(estimate))`" : "delete `\(text(estimate))` and write `?` after the duration", [
          TextEdit(range: SourceRange(estimate.range.start, spec.range.start), replacement: ""),
          TextEdit(range: SourceRange.at(spec.range.end), replacement: spec.uncertain ? "" : "?"),
        ]))
      spec.uncertain = true
      return spec
    }
    if let range = hyphenatedRange() { return range }
    guard let low = bareLowerEnd() ?? parseDuration(after: keyword) else { return nil }
    var high = low
    if !current.atLineStart, eat(.dotDot) != nil {
      guard let upper = parseDuration(after: "`..`") else { return nil }
      high = upper
    }
    var uncertain = false
    if !current.atLineStart, eat(.question) != nil { uncertain = true }
    return DurationSpec(
      minimum: low.minutes, maximum: high.minutes, uncertain: uncertain, toBeDecided: false,
      minimumRange: low.range, maximumRange: high.range,
      range: low.range.union(SourceRange.at(previousEnd)))
  }

  /// duration = quantity ; e.g. `45m`, `1h30m`, `3mo`.
  mutating func parseDuration(after what: String) -> (minutes: Int, range: SourceRange)? {
    if let typed = durationAsTyped() { return typed }
    guard (at(.quantity) || at(.number)) && !current.atLineStart else {
      reportExpected("a duration such as `45m`, `2h` or `1w` after \(what)")
      return nil
    }
    let token = current
    advance()
    guard let minutes = decodeDuration(token) else { return nil }
    return (minutes, token.range)
  }

  /// The minutes of `token` when it is a further part of a duration spaced out on its line: a
  /// positive duration, with only spaces or tabs between it and the part before (which ends at
  /// `end`). `2h - 3h` and `2h-3h` are not parts of one duration.
  private func spacedDurationPart(after end: Int, _ token: Token) -> Int? {
    guard token.kind == .quantity, !token.atLineStart, token.range.start > end, blanksOnly(source.bytes, from: end, to: token.range.start),
      let minutes = plainDurationOf(token), minutes > 0
    else { return nil }
    return minutes
  }

  /// `2-3h`, `2h-3h`, `2h -3h`, `2h to 3h`, `2 to 3h`, `2-3 hours`, `2 to 3 hours`: a range
  /// written as in a document. Read as the range it means (a bare number takes the upper end's
  /// unit) and reported with the way to write it. (`2h - 3h` and `2h – 3h` come here as `2h..3h`
  /// already: the lexer reads a dash standing between the ends of a range as `..`, and reports
  /// it.)
  private mutating func hyphenatedRange() -> DurationSpec? {
    guard !current.atLineStart, at(.number) || at(.quantity) else { return nil }
    let separator = peek()
    let upperAt: Int
    // The dash of `2 - 3 hours`, which the lexer has reported: this range's report stands for it.
    var lexedDash: Int? = nil
    if (separator.kind == .quantity || separator.kind == .number), !separator.atLineStart,
      blanksOnly(source.bytes, from: current.range.end, to: separator.range.start), source.bytes[separator.range.start] == UInt8(ascii: "-")
    {
      upperAt = 1
    } else if separator.kind == .word, !separator.atLineStart, text(separator).lowercased() == "to" {
      upperAt = 2
    } else if at(.number), separator.kind == .dotDot, !separator.atLineStart, typedUpperEnd(at: 2)?.tokens == 2 {
      // `2 - 3 hours`, whose dash the lexer has read as `..`: neither end is written as a
      // duration. (In `1h..3 hours` only the upper end is typed, and is reported alone.)
      upperAt = 2
      lexedDash = separator.range.start
    } else {
      return nil
    }
    guard let upper = typedUpperEnd(at: upperAt) else { return nil }
    let low: Int
    var lowText = text(current)
    if at(.number) {
      guard let bare = bareNumber(current, in: upper.unit) else { return nil }
      (low, lowText) = bare
    } else {
      guard let minutes = plainDurationOf(current), minutes >= 0 else { return nil }
      low = minutes
    }
    let (lowRange, range) = (current.range, current.range.union(upper.range))
    for _ in 0..<(upperAt + upper.tokens) { advance() }
    let written = lowText + ".." + upper.written
    let message = "`\(source.text(range))` is a range; it is written `\(written)`"
    let help = "a range of durations is written with two dots, shortest first: `2h..3h`"
    let fix = Fix("write `\(written)`", replacing: range, with: written)
    if let lexedDash {
      report(.missingUnit, message, at: range, help: help, fix: fix, replacingLexed: .invalidCharacter, at: lexedDash)
    } else {
      report(.missingUnit, message, at: range, help: help, fix: fix)
    }
    var uncertain = false
    if !current.atLineStart, eat(.question) != nil { uncertain = true }
    return DurationSpec(
      minimum: low, maximum: upper.minutes, uncertain: uncertain, toBeDecided: false,
      minimumRange: lowRange, maximumRange: upper.range, range: range.union(SourceRange.at(previousEnd)))
  }

  /// The upper end of a range typed as in a document, `ahead` tokens on: a duration (`3h`, or
  /// `-3h` glued to its hyphen), or a number and a unit word (`3 hours`, `-3 hours`). Its
  /// minutes, how it is written, its last unit, where it was written (without a hyphen) and how
  /// many tokens it takes.
  private func typedUpperEnd(at ahead: Int) -> (minutes: Int, written: String, unit: String, range: SourceRange, tokens: Int)? {
    let token = peek(ahead)
    guard !token.atLineStart else { return nil }
    let hyphen = source.bytes[token.range.start] == UInt8(ascii: "-") ? 1 : 0
    if token.kind == .quantity, let minutes = plainDurationOf(token), (minutes < 0) == (hyphen == 1) {
      let written = String(text(token).dropFirst(hyphen))
      return (abs(minutes), written, lastUnitSymbol(written), SourceRange(token.range.start + hyphen, token.range.end), 1)
    }
    let word = peek(ahead + 1)
    guard token.kind == .number, word.kind == .word, !word.atLineStart, let unit = unitWord(text(word)),
      let number = Int(text(token).dropFirst(hyphen)), number <= maximumMinutes / unit.minutes
    else { return nil }
    return (number * unit.minutes, "\(number)\(unit.symbol)", unit.symbol, SourceRange(token.range.start + hyphen, word.range.end), 2)
  }

  /// `about 2h`, `approx 2h`: a word that makes the duration after it an estimate, as a document
  /// writes one. Taken (and returned) when a duration follows it on the line.
  private mutating func estimateWord() -> Token? {
    guard !current.atLineStart, at(.word), !peek().atLineStart, peek().kind == .quantity || peek().kind == .number else { return nil }
    switch text(current).lowercased() {
    case "about", "approx", "approximately", "around", "roughly", "circa", "ca", "est", "estimated":
      let word = current
      advance()
      return word
    default:
      return nil
    }
  }

  /// `2..3h`: the lower end of a range written without its unit, as a document leaves it off.
  /// Read with the upper end's unit and reported with the fix that writes it; the rest of the
  /// range is read as usual.
  private mutating func bareLowerEnd() -> (minutes: Int, range: SourceRange)? {
    let upper = peek(2)
    guard !current.atLineStart, at(.number), peek().kind == .dotDot, !peek().atLineStart,
      upper.kind == .quantity, !upper.atLineStart, plainDurationOf(upper) != nil
    else { return nil }
    guard let (minutes, written) = bareNumber(current, in: lastUnitSymbol(text(upper))) else { return nil }
    let range = current.range
    report(
      .missingUnit, "`\(text(current))` has no unit; in this range it is `\(written)`", at: range,
      help: "each end of a range has its unit: `\(written)..\(text(upper))`",
      fix: Fix("write `\(written)`", replacing: range, with: written))
    advance()
    return (minutes, range)
  }

  /// A number written without its unit, read in the unit of the other end of its range
  /// (`symbol`, as `h`): its minutes and how it is written with the unit. Nil when the unit is
  /// not one, or the duration would be too long.
  private func bareNumber(_ token: Token, in symbol: String) -> (minutes: Int, written: String)? {
    guard let number = Int(text(token)), let unit = TimeUnit.allCases.first(where: { $0.symbol == symbol }),
      number <= maximumMinutes / unit.minutes
    else { return nil }
    return (number * unit.minutes, text(token) + symbol)
  }

  /// The unit a duration ends with, as written: `m` of `1h30m`.
  private func lastUnitSymbol(_ duration: String) -> String {
    String(duration.reversed().prefix { $0.isLetter }.reversed())
  }

  /// The rank of a duration's first or last unit (`m` 1, `h` 2, `d` 3, `w` 4, `mo` 5; 0 for none).
  private func unitRank(_ duration: String, last: Bool) -> Int {
    let unit: Substring
    if last {
      unit = duration[(duration.lastIndex { !$0.isLetter }.map(duration.index(after:)) ?? duration.startIndex)...]
    } else {
      unit = duration.drop { !$0.isLetter }.prefix { $0.isLetter }
    }
    return ["m": 1, "h": 2, "d": 3, "w": 4, "mo": 5][String(unit)] ?? 0
  }

  /// Durations as people type them in a document — `90 mins`, `2 hours`, `1,5h`, `1h 30m`,
  /// `half an hour` — reported with the way to write them (and a fix, since the meaning is
  /// certain), and read for what they mean, so that nothing else on the line is reported because
  /// of them.
  private mutating func durationAsTyped() -> (minutes: Int, range: SourceRange)? {
    guard !current.atLineStart else { return nil }
    // `90 mins`, `2 hours`, `1 day`: a number, a space, a unit word.
    if at(.number), peek().kind == .word, !peek().atLineStart, let unit = unitWord(text(peek())),
      let number = Int(text(current)), number <= maximumMinutes / unit.minutes
    {
      let range = current.range.union(peek().range)
      let written = "\(number)\(unit.symbol)"
      advance()
      advance()
      report(
        .missingUnit, "`\(source.text(range))` is written `\(written)`", at: range,
        help: "a duration is a number with its unit right after it: `m` minutes, `h` hours, `d` days, `w` weeks, `mo` months",
        fix: Fix("write `\(written)`", replacing: range, with: written))
      return (number * unit.minutes, range)
    }
    // `2d 18h 58m`, `1h 30m`: the parts of one duration with spaces between them. Nothing else
    // may follow a duration on its line, so the parts are read as one, and reported.
    // (The part after it is looked for first: nearly every duration has none, and is then
    // decoded once, by `parseDuration`.)
    if at(.quantity), spacedDurationPart(after: current.range.end, peek()) != nil, var total = plainDurationOf(current), total > 0 {
      var range = current.range
      var joined = text(current)
      var inOrder = true
      advance()
      while let part = spacedDurationPart(after: range.end, current), total + part <= maximumMinutes {
        let next = text(current)
        inOrder = inOrder && unitRank(joined, last: true) > unitRank(next, last: false)
        total += part
        joined += next
        range = range.union(current.range)
        advance()
      }
      // The parts as written when their units come largest first (`2d18h58m`), else the total.
      let written = inOrder ? joined : formatDuration(total)
      report(
        .missingUnit, "`\(clipped(source.text(range)))` is written `\(clipped(written))`", at: range,
        help: "a duration is one word, its parts without spaces between them: `1h30m`, `2d4h`",
        fix: Fix("write `\(clipped(written))`", replacing: range, with: written))
      return (total, range)
    }
    // `2×30m`: a product, as a plan pasted from a spreadsheet may say. The lexer has reported
    // the `×`; it gets the total as its fix, and the duration is read as the total.
    if at(.number), peek().kind == .quantity, !peek().atLineStart, let count = Int(text(current)), count > 0, count <= 1000,
      peek().range.start == current.range.end + 2, source.bytes[current.range.end] == 0xC3, source.bytes[current.range.end + 1] == 0x97,
      let each = plainDurationOf(peek()), each * count <= maximumMinutes
    {
      let range = current.range.union(peek().range)
      let sign = SourceRange(current.range.end, current.range.end + 2)
      advance()
      advance()
      let written = formatDuration(each * count)
      if let reported = diagnostics.lastIndex(where: { $0.range == sign }) {
        diagnostics[reported].message = "`\(source.text(range))` multiplies; the language has no arithmetic"
        diagnostics[reported].help = "write the total: `\(written)`"
        diagnostics[reported].fix = Fix("write `\(written)`", replacing: range, with: written)
      }
      return (each * count, range)
    }
    // `1,5h`: a decimal comma.
    if at(.number), peek().kind == .comma, peek(2).kind == .quantity, peek().range.start == current.range.end,
      peek(2).range.start == peek().range.end
    {
      let range = current.range.union(peek(2).range)
      let decimal = text(current) + "." + text(peek(2))
      advance()
      advance()
      advance()
      var minutes: Int?
      let value = Double(decimal.prefix { $0.isNumber || $0 == "." }) ?? 0
      let unitText = String(decimal.drop { $0.isNumber || $0 == "." })
      if let unit = TimeUnit.allCases.first(where: { $0.symbol == unitText }) {
        let total = value * Double(unit.minutes)
        if total == total.rounded(), total <= Double(maximumMinutes) { minutes = Int(total) }
      }
      guard let minutes else {
        report(
          .invalidNumber, "`\(source.text(range))` uses a decimal comma", at: range,
          help: "write whole units, such as `1h30m`; numbers use a decimal point, not a comma")
        return nil
      }
      let written = formatDuration(minutes)
      report(
        .invalidNumber, "`\(source.text(range))` uses a decimal comma; it is written `\(written)`", at: range,
        help: "numbers use a decimal point, not a comma; durations are best written in whole units",
        fix: Fix("write `\(written)`", replacing: range, with: written))
      return (minutes, range)
    }
    // `half an hour`, `an hour`, `one day`.
    if at(.word) {
      let phrases: [([String], Int)] = [
        (["half", "an", "hour"], 30), (["half", "hour"], 30), (["an", "hour"], 60), (["one", "hour"], 60),
        (["a", "day"], 1440), (["one", "day"], 1440), (["a", "week"], 10_080), (["one", "week"], 10_080),
      ]
      for (words, minutes) in phrases {
        let matches = words.indices.allSatisfy { offset in
          let token = peek(offset)
          return token.kind == .word && (offset == 0 || !token.atLineStart) && text(token).lowercased() == words[offset]
        }
        guard matches else { continue }
        let range = current.range.union(peek(words.count - 1).range)
        for _ in words { advance() }
        let written = formatDuration(minutes)
        report(
          .missingUnit, "`\(source.text(range))` is written `\(written)`", at: range,
          help: "durations are numbers with a unit: `m` minutes, `h` hours, `d` days, `w` weeks, `mo` months",
          fix: Fix("write `\(written)`", replacing: range, with: written))
        return (minutes, range)
      }
    }
    return nil
  }

  /// The unit a word people type for it stands for: `mins`, `hours`, `hrs`, `day`.
  func unitWord(_ word: String) -> TimeUnit? {
    switch word.lowercased() {
    case "m", "min", "mins", "minute", "minutes": .minute
    case "h", "hr", "hrs", "hour", "hours": .hour
    case "d", "day", "days": .day
    case "w", "wk", "wks", "week", "weeks": .week
    case "mo", "month", "months": .month
    default: nil
    }
  }

  /// window = time ".." time ;
  mutating func parseWindow() -> TimeWindow? {
    guard let start = parseTimePoint() else { return nil }
    // `T-2d to T-1d`, as a document says it: read as the window, and reported with the way to
    // write it.
    let separator = current
    let typed = separator.kind == .word && !separator.atLineStart && ["to", "until"].contains(text(separator).lowercased())
      && (peek().kind == .time || peek().kind == .word) && !peek().atLineStart
    if typed {
      advance()
      guard let end = parseTimePoint() else { return nil }
      report(
        .expectedToken, "the window's start and end are separated by `..`, not `\(text(separator))`", at: separator.range,
        help: "`window \(source.text(start.range))..\(source.text(end.range))`",
        fix: Fix("write `..`", replacing: SourceRange(start.range.end, end.range.start), with: ".."))
      return TimeWindow(start: start, end: end, range: start.range.union(end.range))
    }
    guard expect(.dotDot, "`..` between the window's start and end", help: "`window T-4h..T+12h`") != nil,
      let end = parseTimePoint()
    else { return nil }
    return TimeWindow(start: start, end: end, range: start.range.union(end.range))
  }

  /// time = anchor_name | anchor_name ("+" | "-") duration ;
  mutating func parseTimePoint() -> TimePoint? {
    guard !current.atLineStart, at(.time) || at(.word) else {
      reportExpected("a time such as `T-4h` or `T+2h`")
      return nil
    }
    let token = current
    advance()
    if token.kind == .word {
      return TimePoint(
        anchor: Identifier(name: text(token), range: token.range), offset: 0, range: token.range)
    }
    return decodeTime(token)
  }

  // MARK: - Records and criteria

  /// record = "record" record_kind [ string ] [ "if_yes" string ] ;
  mutating func parseRecord() -> RecordField? {
    guard at(.word), !current.atLineStart else {
      reportExpected("the kind of record, such as `date`, `time`, `text` or `yes_no`")
      return nil
    }
    let kindToken = current
    let word = text(kindToken)
    guard let kind = RecordKind(named: word) else {
      let names = RecordKind.allCases.map(\.rawValue)
      let suggestion = closestName(to: word, among: names)
      report(
        .unknownKeyword, "unknown record kind `\(clipped(word))`", at: kindToken.range,
        help: suggestion.map { "did you mean `\($0)`?" }
          ?? "use one of \(listPhrase(names.map { "`\($0)`" }, conjunction: "or"))")
      advance()
      skipToBlockOrLineEnd()
      return nil
    }
    advance()
    var field = RecordField(kind: kind, label: nil, ifYes: nil, range: kindToken.range)
    if (at(.string) || at(.textBlock)) && !current.atLineStart { field.label = parseText() }
    if onSameLine && currentKeyword == .ifYes {
      let ifYesRange = current.range
      advance()
      if kind != .yesNo {
        report(
          .misplacedStatement, "`if_yes` only applies to a `yes_no` record", at: ifYesRange,
          help: "remove `if_yes`, or make the record `yes_no`")
      }
      guard at(.string) && !current.atLineStart else {
        reportExpected("what to write when the answer is yes, in quotes")
        return nil
      }
      field.ifYes = parseText()
    }
    field.range = kindToken.range.union(SourceRange.at(previousEnd))
    return field
  }

  /// criterion = string | identifier comparison measure [ string ] ;
  mutating func parseCriterion() -> Criterion? {
    if (at(.string) || at(.textBlock)) && !current.atLineStart {
      let literal = parseText()
      return Criterion(form: .text(literal), range: literal.range)
    }
    guard let metric = parseIdentifier("a criterion: text in quotes, or a measure such as `availability >= 99.9%`") else {
      return nil
    }
    guard current.kind.isComparison, !current.atLineStart,
      let comparison = Comparison(rawValue: text(current))
    else {
      reportExpected("a comparison such as `>=` after `\(metric.name)`")
      return nil
    }
    advance()
    guard [.number, .percent, .quantity].contains(current.kind), !current.atLineStart else {
      reportExpected("a value such as `99.9%`, `2s` or `4.0`")
      return nil
    }
    let valueToken = current
    advance()
    guard let value = decodeMeasure(valueToken) else { return nil }
    var label: TextLiteral?
    if at(.string) && !current.atLineStart { label = parseText() }
    return Criterion(
      form: .measure(metric: metric, comparison: comparison, value: value, label: label),
      range: metric.range.union(SourceRange.at(previousEnd)))
  }
}
