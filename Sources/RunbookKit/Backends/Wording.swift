// Durations and times as people on the call read them, the same in every backend: the
// language's own notation (TimeFormat.swift), with an en dash between the ends of a range and
// words only where notation has none: "2h–3h30m", "1w–2w", "about 3mo", "3h–5h (estimate)",
// "to be decided", "T-24h to T-4h". Also the choices the Markdown and HTML checklists share.

/// "2h", "3h–5h", "45m–1h15m", "about 3mo", "3h–5h (estimate)", "to be decided".
public func readableDuration(_ value: Minutes) -> String {
  var bytes: [UInt8] = []
  appendReadableDuration(value, to: &bytes)
  return String(decoding: bytes, as: UTF8.self)
}

/// `readableDuration` written into bytes. Digits, unit letters, an en dash and plain words:
/// nothing in it needs escaping in Markdown or HTML.
func appendReadableDuration<Sink: ByteSink & ~Copyable>(_ value: Minutes, to output: inout Sink) {
  if value.toBeDecided { return output.append(static: "to be decided") }
  if value.minimum == value.maximum {
    if value.uncertain { output.append(static: "about ") }
    return appendDuration(value.minimum, unit: value.unit, to: &output)
  }
  appendDuration(value.minimum, unit: value.unit, to: &output)
  output.append(static: "–")
  appendDuration(value.maximum, unit: value.unit, to: &output)
  if value.uncertain { output.append(static: " (estimate)") }
}

/// "T-24h to T-4h"; with a dated anchor "T-24h to T-4h (Fri 4 Dec 22:00 to Sat 5 Dec 18:00)".
public func readableWindow(_ window: Window, anchor: String?, clock: Clock? = nil) -> String {
  let text = formatTime(window.start, anchor: anchor, unit: window.unit) + " to " + formatTime(window.end, anchor: anchor, unit: window.unit)
  guard let clock else { return text }
  let end = clock.day(window.start) == clock.day(window.end) ? clock.time(window.end) : clock.dayAndTime(window.end)
  return text + " (" + clock.dayAndTime(window.start) + " to " + end + ")"
}

/// "T-48h"; with a dated anchor "T-48h (Thu 3 Dec 22:00)".
public func readableTime(_ offset: Int, anchor: String?, unit: TimeUnit?, clock: Clock? = nil) -> String {
  let text = formatTime(offset, anchor: anchor, unit: unit)
  guard let clock else { return text }
  return text + " (" + clock.dayAndTime(offset) + ")"
}

extension TextBuffer {
  /// The owners' phrase as `listPhrase` makes it ("DBA", "DBA and Vendor", "DBA, QA or Vendor"),
  /// from role names already escaped for the output, written straight into it: every row of a
  /// checklist has one.
  mutating func append(owners: Owners, names: [String]) {
    let last = owners.roles.count - 1
    for position in owners.roles.indices {
      if position > 0 {
        if position < last { append(static: ", ") } else if owners.mode == .all { append(static: " and ") } else { append(static: " or ") }
      }
      append(names[owners.roles[position]])
    }
  }
}

/// "1 step", "3 steps", "2 entries" (a consonant and `y` make `ies`).
public func plural(_ count: Int, _ noun: String) -> String {
  guard count != 1 else { return "1 \(noun)" }
  if noun.count > 1, noun.hasSuffix("y"), let before = noun.dropLast().last, !"aeiou".contains(before) {
    return "\(count) \(noun.dropLast())ies"
  }
  return "\(count) \(noun)s"
}

/// The columns of a contact table: those of name, phone, e-mail, chat, location and notes that
/// any row fills (the name alone when none does), each with its title and how to read it.
func contactColumns(_ details: [ContactDetails]) -> [(title: String, value: (ContactDetails) -> String)] {
  let all: [(title: String, value: (ContactDetails) -> String)] = [
    ("Name", { $0.name ?? "" }), ("Phone", { $0.phone ?? "" }), ("E-mail", { $0.email ?? "" }),
    ("Chat", { $0.chat ?? "" }), ("Location", { $0.location ?? "" }),
    ("Notes", { $0.notes.joined(separator: " ") }),
  ]
  let used = all.filter { column in details.contains { !column.value($0).isEmpty } }
  return used.isEmpty ? [all[0]] : used
}
