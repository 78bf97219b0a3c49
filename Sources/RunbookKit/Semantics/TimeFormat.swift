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
  var bytes: [UInt8] = []
  appendDuration(minutes, unit: unit, to: &bytes)
  return String(decoding: bytes, as: UTF8.self)
}

/// `formatDuration` written into bytes: the plan prints a time on every row.
func appendDuration<Sink: ByteSink & ~Copyable>(_ minutes: Int, unit: TimeUnit? = nil, to output: inout Sink) {
  if minutes == 0 {
    output.append(UInt8(ascii: "0"))
    return output.append(symbol: unit ?? .minute)
  }
  var rest = minutes.magnitude
  if minutes < 0 { output.append(UInt8(ascii: "-")) }
  let largest = unit ?? (rest < 72 * 60 ? .hour : .month)
  for candidate in TimeUnit.allCases where candidate >= largest && rest >= UInt(candidate.minutes) {
    output.append(decimal: Int(rest / UInt(candidate.minutes)))
    output.append(symbol: candidate)
    rest %= UInt(candidate.minutes)
  }
}

extension ByteSink where Self: ~Copyable {
  /// A unit's symbol: `mo`, `w`, `d`, `h`, `m` (its bytes, rather than `symbol` as a string:
  /// every duration and time written ends with one).
  mutating func append(symbol unit: TimeUnit) {
    switch unit {
    case .month:
      append(UInt8(ascii: "m"))
      append(UInt8(ascii: "o"))
    case .week: append(UInt8(ascii: "w"))
    case .day: append(UInt8(ascii: "d"))
    case .hour: append(UInt8(ascii: "h"))
    case .minute: append(UInt8(ascii: "m"))
    }
  }
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
  var bytes: [UInt8] = []
  appendTime(offset, anchor: anchor, unit: unit, to: &bytes)
  return String(decoding: bytes, as: UTF8.self)
}

/// `formatTime` written into bytes.
func appendTime<Sink: ByteSink & ~Copyable>(_ offset: Int, anchor: String?, unit: TimeUnit? = nil, to output: inout Sink) {
  if offset == 0 { return output.append(utf8: anchor ?? "0m") }
  if let anchor { output.append(utf8: anchor) }
  output.append(UInt8(ascii: offset < 0 ? "-" : "+"))
  appendDuration(abs(offset), unit: unit, to: &output)
}

/// A time of the plan: relative to the anchor (`T-4h`) when the runbook is tied to it, otherwise
/// from the plan's start (`+2h30m`, `0m`).
public func formatPlanTime(_ minutes: Int, anchored: Bool, anchor: String?) -> String {
  var bytes: [UInt8] = []
  appendPlanTime(minutes, anchored: anchored, anchor: anchor, to: &bytes)
  return String(decoding: bytes, as: UTF8.self)
}

/// `formatPlanTime` written into bytes: a time from the anchor, or from the start when the plan
/// is not tied to it.
func appendPlanTime<Sink: ByteSink & ~Copyable>(_ minutes: Int, anchored: Bool, anchor: String?, to output: inout Sink) {
  appendTime(minutes, anchor: anchored ? anchor ?? "T" : nil, to: &output)
}
