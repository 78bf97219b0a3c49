// "Did you mean …?": the closest declared name to a misspelt one, by edit distance.

/// The candidate closest to `name`, if it is close enough to be a plausible typo: at most a third
/// of the name's length in edits (and at least one). Ties go to the earliest candidate.
public func closestName(to name: String, among candidates: some Sequence<String>) -> String? {
  let target = Array(name.lowercased().utf8)
  let limit = max(1, target.count / 3)
  var best: (name: String, distance: Int)?
  for candidate in candidates {
    let other = Array(candidate.lowercased().utf8)
    if abs(other.count - target.count) > limit { continue }
    let distance = editDistance(target, other, limit: best.map { min($0.distance - 1, limit) } ?? limit)
    if let distance, distance < (best?.distance ?? Int.max) {
      best = (candidate, distance)
    }
  }
  return best?.name
}

/// The Levenshtein distance (with adjacent transpositions counted as one edit) between two byte
/// strings, or nil when it exceeds `limit`.
func editDistance(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int? {
  if limit < 0 { return nil }
  if a == b { return 0 }
  let n = a.count
  let m = b.count
  if abs(n - m) > limit { return nil }
  var previousPrevious = [Int](repeating: 0, count: m + 1)
  var previous = Array(0...m)
  var row = [Int](repeating: 0, count: m + 1)
  for i in 1...max(n, 1) where n > 0 {
    row[0] = i
    var rowMinimum = row[0]
    for j in 1...max(m, 1) where m > 0 {
      let cost = a[i - 1] == b[j - 1] ? 0 : 1
      var value = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
      if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
        value = min(value, previousPrevious[j - 2] + 1)
      }
      row[j] = value
      rowMinimum = min(rowMinimum, value)
    }
    if rowMinimum > limit { return nil }
    previousPrevious = previous
    previous = row
  }
  let distance = n == 0 ? m : previous[m]
  return distance <= limit ? distance : nil
}
