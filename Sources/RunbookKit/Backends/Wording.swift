// Durations and times in the words a person reads on a printed checklist: "45 minutes",
// "1–2 weeks", "about 3 months", "T-24h to T-4h". Shared by the Markdown and plan backends.

private let unitNames: [(minutes: Int, singular: String, plural: String)] = [
  (43_200, "month", "months"), (10_080, "week", "weeks"), (1_440, "day", "days"),
  (60, "hour", "hours"), (1, "minute", "minutes"),
]

/// `90` → "1 hour 30 minutes", `20160` → "2 weeks".
public func durationInWords(_ minutes: Int) -> String {
  if minutes == 0 { return "0 minutes" }
  var rest = minutes
  var parts: [String] = []
  for unit in unitNames where rest >= unit.minutes {
    let count = rest / unit.minutes
    rest %= unit.minutes
    parts.append("\(count) \(count == 1 ? unit.singular : unit.plural)")
  }
  return parts.joined(separator: " ")
}

/// "2 hours", "3–5 hours", "45 minutes to 1 hour 15 minutes", "about 3 months",
/// "3–5 hours (estimate)", "to be decided".
public func durationInWords(_ value: Minutes) -> String {
  if value.toBeDecided { return "to be decided" }
  var text: String
  if value.minimum == value.maximum {
    text = durationInWords(value.minimum)
    return value.uncertain ? "about " + text : text
  }
  if let unit = unitNames.first(where: { value.minimum % $0.minutes == 0 && value.maximum % $0.minutes == 0 && value.minimum >= $0.minutes }) {
    text = "\(value.minimum / unit.minutes)–\(value.maximum / unit.minutes) \(unit.plural)"
  } else {
    text = durationInWords(value.minimum) + " to " + durationInWords(value.maximum)
  }
  return value.uncertain ? text + " (estimate)" : text
}

/// "T-24h to T-4h".
public func windowInWords(_ window: Window, anchor: String?) -> String {
  formatTime(window.start, anchor: anchor) + " to " + formatTime(window.end, anchor: anchor)
}

/// "1 step", "3 steps".
public func plural(_ count: Int, _ noun: String) -> String {
  "\(count) \(noun)\(count == 1 ? "" : "s")"
}
