// Durations and times written the way the language writes them: `1h30m`, `2w`, `T-4h`.

/// A duration in the largest units that divide it: 90 → `1h30m`, 20160 → `2w`, 0 → `0m`.
public func formatDuration(_ minutes: Int) -> String {
  if minutes == 0 { return "0m" }
  var rest = abs(minutes)
  var text = minutes < 0 ? "-" : ""
  for (unit, size) in minutesPerUnit where rest >= size {
    text += "\(rest / size)\(unit)"
    rest %= size
  }
  return text
}

/// A duration range: `2h`, `3h..5h`, `3h..5h?`, `tbd`.
public func formatMinutes(_ value: Minutes) -> String {
  if value.toBeDecided { return "tbd" }
  var text = formatDuration(value.minimum)
  if value.maximum != value.minimum { text += ".." + formatDuration(value.maximum) }
  return value.uncertain ? text + "?" : text
}

/// A time relative to the anchor: `T`, `T-4h`, `T+2h30m`; without an anchor, minutes from the
/// start: `+2h30m`.
public func formatTime(_ offset: Int, anchor: String?) -> String {
  let name = anchor ?? ""
  if offset == 0 { return anchor ?? "0m" }
  return name + (offset < 0 ? "-" : "+") + formatDuration(abs(offset))
}
