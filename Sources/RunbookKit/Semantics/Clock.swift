// Clock time: the date, time and zone of a runbook's anchor (`anchor T "Go-live" at
// "2026-12-05 22:00 Europe/Berlin"`, or `--anchor-at` on the command line), checked for the
// mistakes people make with dates (no 30 February, no 25:00, a zone that exists, a local time
// that the clocks do not skip or repeat), and every T± offset turned into the clock time in the
// anchor's zone. Time zones come from the system's zone database through Foundation.
import Foundation

/// The moment the anchor stands for.
public struct AnchorTime: Sendable, Equatable {
  /// Seconds since 1970-01-01 00:00 UTC.
  public var seconds: Int
  /// The zone times are shown in: an IANA name (`Europe/Berlin`), `UTC`, or a fixed offset
  /// written as `+01:00`.
  public var zone: String
  /// The text it was given as.
  public var written: String
}

/// Why a date and time was not accepted; each case says what to do in `help`.
public enum DateTimeProblem: Error, Equatable, Sendable {
  /// Not of the form `2026-12-05 22:00 Europe/Berlin`: the text as written.
  case malformed(String)
  /// A date or time that does not exist in any calendar (`2026-02-30`, `24:30`).
  case invalidDate(String)
  /// No zone and no offset.
  case missingZone
  /// A zone name the zone database does not know, with the closest known name.
  case unknownZone(String, suggestion: String?)
  /// A local time the clocks skip (the night daylight-saving time starts).
  case skipped(local: String, zone: String, from: String, to: String)
  /// A local time that happens twice (the night daylight-saving time ends).
  case repeated(local: String, zone: String, first: String, second: String)
  /// An offset that the named zone does not have at that time.
  case offsetMismatch(offset: String, zone: String, actual: String)

  /// The message, in the words of the other diagnostics.
  public var message: String {
    switch self {
    case .malformed(let text): "`\(clipped(text))` is not a date and time"
    case .invalidDate(let why): why
    case .missingZone: "the date and time have no time zone"
    case .unknownZone(let name, _): "unknown time zone `\(name)`"
    case .skipped(let local, let zone, let from, let to):
      "\(local) does not exist in \(zone): the clocks go from \(from) straight to \(to) that night"
    case .repeated(let local, let zone, _, _): "\(local) happens twice in \(zone): the clocks go back an hour that night"
    case .offsetMismatch(let offset, let zone, let actual): "\(zone) is at \(actual) then, not \(offset)"
    }
  }

  /// What to do about it.
  public var help: String {
    switch self {
    case .malformed, .invalidDate:
      "write the date, the time on a 24-hour clock and the zone: `2026-12-05 22:00 Europe/Berlin`, or an ISO 8601 time with its offset: `2026-12-05T22:00+01:00`"
    case .missingZone:
      "add the zone the team works in, such as `Europe/Berlin` or `America/New_York`, or a UTC offset such as `+01:00`"
    case .unknownZone(_, let suggestion?): "did you mean `\(suggestion)`? Zones are named as in the IANA time zone database"
    case .unknownZone: "name the zone as in the IANA time zone database, such as `Europe/Berlin`, or give a UTC offset such as `+01:00`"
    case .skipped(_, _, _, let to): "choose a time that exists, such as \(to)"
    case .repeated(_, _, let first, let second):
      "add the offset to say which one: `\(first)` for the first, `\(second)` for the second"
    case .offsetMismatch(_, _, let actual): "write `\(actual)`, or leave the offset out"
    }
  }
}

extension AnchorTime {
  /// Reads `2026-12-05 22:00 Europe/Berlin`, `2026-12-05 22:00 +01:00`, `2026-12-05T22:00Z`,
  /// `2026-12-05T22:00:00+01:00`, `2026-12-05 22:00 UTC`, or an offset and a zone together
  /// (`2026-10-25 02:30 +02:00 Europe/Berlin`, which says which of a repeated hour is meant).
  public static func parse(_ text: String) -> Result<AnchorTime, DateTimeProblem> {
    var scanner = DateTimeScanner(Array(text.utf8))
    scanner.skipSpaces()
    guard let year = scanner.number(digits: 4), scanner.eat("-"), let month = scanner.number(digits: 2), scanner.eat("-"),
      let day = scanner.number(digits: 2)
    else { return .failure(.malformed(text)) }
    guard scanner.eat("T") || scanner.eat("t") || scanner.skipSpaces() > 0 else { return .failure(.malformed(text)) }
    guard let hour = scanner.number(digits: 2), scanner.eat(":"), let minute = scanner.number(digits: 2) else {
      return .failure(.malformed(text))
    }
    var second = 0
    if scanner.eat(":") {
      guard let value = scanner.number(digits: 2) else { return .failure(.malformed(text)) }
      second = value
    }
    guard (1...12).contains(month) else { return .failure(.invalidDate("there is no month \(month)")) }
    let monthDays = daysIn(month: month, year: year)
    guard (1...monthDays).contains(day) else {
      return .failure(.invalidDate("\(monthNames[month - 1]) \(year) has \(monthDays) days, not \(day)"))
    }
    guard hour < 24, minute < 60, second < 60 else {
      return .failure(.invalidDate("`\(twoDigits(hour)):\(twoDigits(minute))` is not a time on a 24-hour clock"))
    }
    scanner.skipSpaces()
    var offset: Int?
    var offsetText = ""
    if scanner.eat("Z") || scanner.eat("z") {
      offset = 0
      offsetText = "+00:00"
    } else if let sign = scanner.sign() {
      guard let hours = scanner.number(digits: 2) else { return .failure(.malformed(text)) }
      var minutes = 0
      if scanner.eat(":") {
        guard let value = scanner.number(digits: 2) else { return .failure(.malformed(text)) }
        minutes = value
      } else if let value = scanner.number(digits: 2) {
        minutes = value
      }
      guard hours <= 14, minutes < 60 else { return .failure(.invalidDate("`\(offsetString(sign * (hours * 3600 + minutes * 60)))` is not a UTC offset")) }
      offset = sign * (hours * 3600 + minutes * 60)
      offsetText = offsetString(offset ?? 0)
    }
    scanner.skipSpaces()
    let zoneName = scanner.rest().trimmingCharacters(in: .whitespaces)
    let local = daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
    let localText = "\(year)-\(twoDigits(month))-\(twoDigits(day)) \(twoDigits(hour)):\(twoDigits(minute))"

    if zoneName.isEmpty || zoneName == "UTC" || zoneName == "GMT" {
      if zoneName.isEmpty && offset == nil { return .failure(.missingZone) }
      let fixed = offset ?? 0
      if !zoneName.isEmpty && fixed != 0 {
        return .failure(.offsetMismatch(offset: offsetText, zone: zoneName, actual: "+00:00"))
      }
      let zone = zoneName.isEmpty ? (fixed == 0 ? "UTC" : offsetString(fixed)) : "UTC"
      return .success(AnchorTime(seconds: local - fixed, zone: zone, written: text))
    }
    // Zones are named by region and city; abbreviations such as `CET` or `EST` (which the
    // database also knows, without their daylight-saving rules) are not accepted.
    guard zoneName.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }), zoneName.contains("/"),
      let zone = TimeZone(identifier: zoneName)
    else {
      let suggestion = closestName(to: zoneName, among: TimeZone.knownTimeZoneIdentifiers)
      return .failure(.unknownZone(clipped(zoneName), suggestion: suggestion))
    }
    // The instants whose local time in the zone is the one written: none in a skipped hour, two
    // in a repeated one.
    var candidates: [Int] = []
    for probe in [-86_400, 0, 86_400] {
      let guess = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local + probe)))
      if !candidates.contains(guess), zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local - guess))) == guess {
        candidates.append(guess)
      }
    }
    candidates.sort(by: >)  // the earlier instant first: the larger offset
    if let offset {
      guard candidates.contains(offset) else {
        let actual = candidates.map(offsetString).joined(separator: " or ")
        if candidates.isEmpty { return .failure(skipped(local: local, localText: localText, zone: zone, name: zoneName)) }
        return .failure(.offsetMismatch(offset: offsetText, zone: zoneName, actual: actual))
      }
      return .success(AnchorTime(seconds: local - offset, zone: zoneName, written: text))
    }
    switch candidates.count {
    case 0: return .failure(skipped(local: local, localText: localText, zone: zone, name: zoneName))
    case 1: return .success(AnchorTime(seconds: local - candidates[0], zone: zoneName, written: text))
    default:
      return .failure(.repeated(
        local: localText, zone: zoneName,
        first: "\(localText) \(offsetString(candidates[0])) \(zoneName)", second: "\(localText) \(offsetString(candidates[1])) \(zoneName)"))
    }
  }

  /// The problem for a local time the clocks skip: the local times either side of the jump.
  private static func skipped(local: Int, localText: String, zone: TimeZone, name: String) -> DateTimeProblem {
    let before = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local - 86_400)))
    let after = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local + 86_400)))
    // The jump happens at the instant (local - before) lands past; find it from a day before.
    let transition = zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: TimeInterval(local - before - 86_400)))
    let instant = transition.map { Int($0.timeIntervalSince1970) } ?? (local - before)
    return .skipped(
      local: localText, zone: name,
      from: clockText(instant + before), to: clockText(instant + after))
  }


}

/// Turns minutes from a dated anchor into clock times in the anchor's zone. Holds the zone; one
/// per output.
public struct Clock: Sendable {
  public let anchor: AnchorTime
  private let zone: TimeZone?
  private let fixedOffset: Int
  /// The anchor's own UTC offset and year: other times show theirs only when they differ.
  private let anchorOffset: Int
  private let anchorYear: Int

  public init(_ anchor: AnchorTime) {
    self.anchor = anchor
    if anchor.zone == "UTC" {
      zone = nil
      fixedOffset = 0
    } else if anchor.zone.hasPrefix("+") || anchor.zone.hasPrefix("-") {
      zone = nil
      fixedOffset = Clock.offsetSeconds(anchor.zone)
    } else {
      zone = TimeZone(identifier: anchor.zone)
      fixedOffset = 0
    }
    let offset = zone?.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(anchor.seconds))) ?? fixedOffset
    anchorOffset = offset
    anchorYear = civilFromDays(floorDiv(anchor.seconds + offset, 86_400)).year
  }

  /// The local time `minutes` from the anchor.
  public func local(_ minutes: Int) -> LocalTime {
    local(instant: anchor.seconds + minutes * 60)
  }

  /// The local time at an instant (seconds since 1970 UTC).
  public func local(instant: Int) -> LocalTime {
    let offset = zone?.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant))) ?? fixedOffset
    let localSeconds = instant + offset
    let days = floorDiv(localSeconds, 86_400)
    let (year, month, day) = civilFromDays(days)
    let secondOfDay = localSeconds - days * 86_400
    return LocalTime(
      year: year, month: month, day: day, hour: secondOfDay / 3600, minute: secondOfDay % 3600 / 60,
      weekday: ((days % 7) + 11) % 7, dayNumber: days, offset: offset)
  }

  /// The minutes from the anchor of the wall-clock time `clockMinutes` after midnight nearest
  /// to the anchor (within twelve hours; the earlier of two equally near), or nil when the
  /// clocks skip that time on that day.
  public func nearest(clockMinutes: Int) -> Int? {
    let anchorLocal = local(0)
    var difference = clockMinutes - (anchorLocal.hour * 60 + anchorLocal.minute)
    if difference > 12 * 60 { difference -= 24 * 60 }
    if difference < -12 * 60 { difference += 24 * 60 }
    // Across a change of the clocks the wall-clock difference is not the real one: corrected by
    // the change, and checked.
    let corrected = difference + (anchorLocal.offset - local(difference).offset) / 60
    let found = local(corrected)
    guard found.hour * 60 + found.minute == clockMinutes else { return nil }
    return corrected
  }

  /// "Sat 5 Dec 22:03", an instant (seconds since 1970 UTC) on the wall clock, with the year
  /// when it is not the anchor's.
  public func dayAndTime(instant: Int) -> String {
    let value = local(instant: instant)
    var text = "\(weekdayNames[value.weekday]) \(value.day) \(monthAbbreviations[value.month - 1])"
    if value.year != anchorYear { text += " \(value.year)" }
    return text + " \(twoDigits(value.hour)):\(twoDigits(value.minute))"
  }

  /// "22:00".
  public func time(_ minutes: Int) -> String {
    let value = local(minutes)
    return "\(twoDigits(value.hour)):\(twoDigits(value.minute))"
  }

  /// "Sat 5 Dec 22:00", the local time on the wall clock, with the year when it is not the
  /// anchor's. `clockChanges` says when the zone's offset changes.
  public func dayAndTime(_ minutes: Int) -> String {
    let value = local(minutes)
    var text = "\(weekdayNames[value.weekday]) \(value.day) \(monthAbbreviations[value.month - 1])"
    if value.year != anchorYear { text += " \(value.year)" }
    return text + " \(twoDigits(value.hour)):\(twoDigits(value.minute))"
  }

  /// The clock changes between two times, in words: "the clocks go from 02:00 to 03:00 on Sun
  /// 29 Mar (UTC+01:00 to UTC+02:00)". At most a few: a plan of months sees one or two.
  public func clockChanges(from start: Int, to end: Int) -> [String] {
    guard let zone, end > start else { return [] }
    var changes: [String] = []
    var after = Date(timeIntervalSince1970: TimeInterval(anchor.seconds + start * 60))
    let limit = Date(timeIntervalSince1970: TimeInterval(anchor.seconds + end * 60))
    while changes.count < 8, let next = zone.nextDaylightSavingTimeTransition(after: after), next <= limit {
      let instant = Int(next.timeIntervalSince1970)
      let before = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant - 1)))
      let afterOffset = zone.secondsFromGMT(for: next)
      let day = local((instant - anchor.seconds) / 60)
      changes.append(
        "the clocks go from \(clockText(instant + before)) to \(clockText(instant + afterOffset)) on "
          + "\(weekdayNames[day.weekday]) \(day.day) \(monthAbbreviations[day.month - 1]) (UTC\(offsetString(before)) to UTC\(offsetString(afterOffset)))")
      after = next
    }
    return changes
  }

  /// The local calendar day, for telling when the date changes.
  public func day(_ minutes: Int) -> Int { local(minutes).dayNumber }

  /// "Sat 5 Dec 2026 22:00 Europe/Berlin (UTC+01:00)": the anchor in full.
  public func full(_ minutes: Int) -> String {
    let value = local(minutes)
    let zoneText = anchor.zone == "UTC" || anchor.zone.hasPrefix("+") || anchor.zone.hasPrefix("-") ? "UTC" + (value.offset == 0 ? "" : offsetString(value.offset)) : "\(anchor.zone) (UTC\(offsetString(value.offset)))"
    return "\(weekdayNames[value.weekday]) \(value.day) \(monthAbbreviations[value.month - 1]) \(value.year) \(twoDigits(value.hour)):\(twoDigits(value.minute)) " + zoneText
  }

  /// "2026-12-05T22:00+01:00": ISO 8601 with the offset, for JSON.
  public func iso(_ minutes: Int) -> String {
    let value = local(minutes)
    return "\(value.year)-\(twoDigits(value.month))-\(twoDigits(value.day))T\(twoDigits(value.hour)):\(twoDigits(value.minute))\(offsetString(value.offset))"
  }

  /// "2026-12-05 22:00": local date and time, for charts that read times without a zone.
  public func plain(_ minutes: Int) -> String {
    let value = local(minutes)
    return "\(value.year)-\(twoDigits(value.month))-\(twoDigits(value.day)) \(twoDigits(value.hour)):\(twoDigits(value.minute))"
  }

  private static func offsetSeconds(_ text: String) -> Int {
    let bytes = Array(text.utf8)
    guard bytes.count == 6 else { return 0 }
    let digit = { (i: Int) in Int(bytes[i]) - 0x30 }
    let value = (digit(1) * 10 + digit(2)) * 3600 + (digit(4) * 10 + digit(5)) * 60
    return bytes[0] == UInt8(ascii: "-") ? -value : value
  }
}

/// A local date and time.
public struct LocalTime: Sendable, Equatable {
  public var year: Int
  public var month: Int
  public var day: Int
  public var hour: Int
  public var minute: Int
  /// 0 for Sunday … 6 for Saturday.
  public var weekday: Int
  /// Days since 1970-01-01 in local time.
  public var dayNumber: Int
  /// Seconds east of UTC.
  public var offset: Int
}

// MARK: - UTC timestamps

/// "2026-12-05T21:00:00Z": an instant (seconds since 1970) in UTC, as journals store it.
public func utcTimestamp(_ seconds: Int) -> String {
  let days = floorDiv(seconds, 86_400)
  let (year, month, day) = civilFromDays(days)
  let second = seconds - days * 86_400
  let yearText = String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
  return "\(yearText)-\(twoDigits(month))-\(twoDigits(day))T\(twoDigits(second / 3600)):\(twoDigits(second % 3600 / 60)):\(twoDigits(second % 60))Z"
}

/// Reads exactly the form `utcTimestamp` writes; nil for anything else.
public func parseUTCTimestamp(_ text: String) -> Int? {
  let bytes = Array(text.utf8)
  guard bytes.count == 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
    bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "Z")
  else { return nil }
  func field(_ from: Int, _ count: Int) -> Int? {
    var value = 0
    for byte in bytes[from..<from + count] {
      guard (0x30...0x39).contains(byte) else { return nil }
      value = value * 10 + Int(byte - 0x30)
    }
    return value
  }
  guard let year = field(0, 4), let month = field(5, 2), let day = field(8, 2), let hour = field(11, 2),
    let minute = field(14, 2), let second = field(17, 2), (1...12).contains(month),
    (1...daysIn(month: month, year: year)).contains(day), hour < 24, minute < 60, second < 60
  else { return nil }
  return daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
}

extension AnchorTime {
  /// The anchor at an instant, shown in a zone (an IANA name, `UTC` or an offset such as
  /// `+01:00`): what `run anchor now` records.
  public init(instant: Int, zone: String) {
    let clock = Clock(AnchorTime(seconds: instant, zone: zone, written: ""))
    let value = clock.local(instant: instant)
    let second = instant - floorDiv(instant, 60) * 60
    let written = "\(value.year)-\(twoDigits(value.month))-\(twoDigits(value.day))T\(twoDigits(value.hour)):\(twoDigits(value.minute)):\(twoDigits(second))\(offsetString(value.offset))"
      + (zone.hasPrefix("+") || zone.hasPrefix("-") || zone == "UTC" ? "" : " " + zone)
    self.init(seconds: instant, zone: zone, written: written)
  }
}

// MARK: - Calendar arithmetic

private let monthNames = [
  "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
  "November", "December",
]
private let monthAbbreviations = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
private let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]

/// `7` as `07`, for clock times.
func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

/// "02:00": the wall-clock time of seconds since 1970 in local time.
private func clockText(_ localSeconds: Int) -> String {
  let minutes = floorDiv(localSeconds, 60) % 1440
  let wrapped = minutes < 0 ? minutes + 1440 : minutes
  return "\(twoDigits(wrapped / 60)):\(twoDigits(wrapped % 60))"
}

/// `+01:00`, `-05:30`, `+00:00`.
func offsetString(_ seconds: Int) -> String {
  let minutes = abs(seconds) / 60
  return (seconds < 0 ? "-" : "+") + twoDigits(minutes / 60) + ":" + twoDigits(minutes % 60)
}

private func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }

private func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

private func daysIn(month: Int, year: Int) -> Int {
  switch month {
  case 2: isLeap(year) ? 29 : 28
  case 4, 6, 9, 11: 30
  default: 31
  }
}

/// Days since 1970-01-01 of a date in the proleptic Gregorian calendar (the usual era-based
/// conversion: 400-year eras of 146,097 days, years starting in March).
private func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
  let y = month <= 2 ? year - 1 : year
  let era = floorDiv(y, 400)
  let yearOfEra = y - era * 400
  let monthFromMarch = (month + 9) % 12
  let dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1
  let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
  return era * 146_097 + dayOfEra - 719_468
}

/// The date of a day number: the inverse of `daysFromCivil`.
private func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
  let z = days + 719_468
  let era = floorDiv(z, 146_097)
  let dayOfEra = z - era * 146_097
  let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
  let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
  let monthFromMarch = (5 * dayOfYear + 2) / 153
  let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
  let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
  return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
}

/// Reads the pieces of a date and time from bytes.
private struct DateTimeScanner {
  let bytes: [UInt8]
  var position = 0

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  mutating func number(digits: Int) -> Int? {
    guard position + digits <= bytes.count else { return nil }
    var value = 0
    for index in position..<position + digits {
      guard bytes[index] >= 0x30 && bytes[index] <= 0x39 else { return nil }
      value = value * 10 + Int(bytes[index] - 0x30)
    }
    position += digits
    return value
  }

  mutating func eat(_ character: Character) -> Bool {
    guard position < bytes.count, let ascii = character.asciiValue, bytes[position] == ascii else { return false }
    position += 1
    return true
  }

  mutating func sign() -> Int? {
    if eat("+") { return 1 }
    if eat("-") { return -1 }
    return nil
  }

  @discardableResult
  mutating func skipSpaces() -> Int {
    let start = position
    while position < bytes.count && (bytes[position] == 0x20 || bytes[position] == 0x09) { position += 1 }
    return position - start
  }

  func rest() -> String { String(decoding: bytes[position...], as: UTF8.self) }
}
