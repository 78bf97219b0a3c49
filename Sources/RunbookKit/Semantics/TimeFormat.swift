// Durations and times written the way the language writes them: `1h30m`, `2w`, `T-4h`. One rule
// for every output, so that a time reads the same in the plan, the checklist, the chart and a
// message:
// - a value the runbook wrote prints in the largest unit it was written in, and smaller ones:
//   `T-24h` stays `T-24h`, `T+1d` stays `T+1d`, `90m` stays `90m`, `2h..3h30m` is `2h`–`3h30m`;
// - a computed value (a start, a slack, a total) prints below 72 hours in hours and minutes
//   (`45m`, `26h30m`, `T-48h`: the way runbooks count the hours around a go-live), and from 72
//   hours on in the largest units that divide it (`3d`, `1w2d`, `3mo2w4h`). A month is 30 days.

/// A duration by the rule above: in `unit` and smaller units when given (a written value);
/// otherwise 90 → `1h30m`, 1440 → `24h`, 4320 → `3d`, 20160 → `2w`, 0 → `0m`.
public func formatDuration(_ minutes: Int, unit: TimeUnit? = nil) -> String {
  if minutes == 0 { return "0" + (unit ?? .minute).symbol }
  var rest = minutes.magnitude
  var text = minutes < 0 ? "-" : ""
  let largest = unit ?? (rest < 72 * 60 ? .hour : .month)
  for candidate in TimeUnit.allCases where candidate >= largest && rest >= UInt(candidate.minutes) {
    text += "\(rest / UInt(candidate.minutes))\(candidate.symbol)"
    rest %= UInt(candidate.minutes)
  }
  return text
}

/// A duration range: `2h`, `3h..5h`, `3h..5h?`, `tbd`.
public func formatMinutes(_ value: Minutes) -> String {
  if value.toBeDecided { return "tbd" }
  var text = formatDuration(value.minimum, unit: value.unit)
  if value.maximum != value.minimum { text += ".." + formatDuration(value.maximum, unit: value.unit) }
  return value.uncertain ? text + "?" : text
}

/// A time relative to the anchor: `T`, `T-4h`, `T+2h30m`; without an anchor, minutes from the
/// start: `+2h30m`. `unit` as for `formatDuration`.
public func formatTime(_ offset: Int, anchor: String?, unit: TimeUnit? = nil) -> String {
  let name = anchor ?? ""
  if offset == 0 { return anchor ?? "0m" }
  return name + (offset < 0 ? "-" : "+") + formatDuration(abs(offset), unit: unit)
}

/// A time of the plan: relative to the anchor (`T-4h`) when the runbook is tied to it, otherwise
/// from the plan's start (`+2h30m`, `0m`).
public func formatPlanTime(_ minutes: Int, anchored: Bool, anchor: String?) -> String {
  if anchored { return formatTime(minutes, anchor: anchor ?? "T") }
  return minutes == 0 ? "0m" : (minutes < 0 ? "-" : "+") + formatDuration(abs(minutes))
}
