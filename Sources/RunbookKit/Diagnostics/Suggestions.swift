// "Did you mean …?": the closest declared name to a misspelt one, by edit distance.

/// The candidate closest to `name`, if it is close enough to be a plausible typo: at most a third
/// of the name's length in edits (and at least one). Ties go to the earliest candidate.
public func closestName(to name: String, among candidates: some Sequence<String>) -> String? {
  let target = Array(name.lowercased().utf8)
  let limit = max(1, target.count / 3)
  var best: (name: String, distance: Int)?
  for candidate in candidates {
    let other = lowercasedBytes(candidate)
    if abs(other.count - target.count) > limit { continue }
    let distance = editDistance(target, other, limit: best.map { min($0.distance - 1, limit) } ?? limit)
    if let distance, distance < (best?.distance ?? Int.max) {
      best = (candidate, distance)
    }
  }
  return best?.name
}

/// The bytes of `name` lowercased, as `lowercased()` gives them: for ASCII, the letters A–Z
/// folded byte by byte, without making the lowercased string first.
func lowercasedBytes(_ name: String) -> [UInt8] {
  var bytes = Array(name.utf8)
  guard bytes.allSatisfy({ $0 < 0x80 }) else { return Array(name.lowercased().utf8) }
  for index in bytes.indices where bytes[index] >= 0x41 && bytes[index] <= 0x5A { bytes[index] |= 0x20 }
  return bytes
}

/// The Levenshtein distance (with adjacent transpositions counted as one edit) between two byte
/// strings, or nil when it exceeds `limit`.
func editDistance(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int? {
  if limit < 0 { return nil }
  if a == b { return 0 }
  let n = a.count
  let m = b.count
  if abs(n - m) > limit { return nil }
  if n == 0 || m == 0 { return max(n, m) <= limit ? max(n, m) : nil }
  // Three rows of the table in one temporary allocation (on the stack for names of ordinary
  // length): a query of "did you mean" compares thousands of names.
  return withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * (m + 1)) { rows -> Int? in
    var previousPrevious = rows.baseAddress!
    var previous = previousPrevious + (m + 1)
    var row = previous + (m + 1)
    for j in 0...m {
      previousPrevious[j] = 0
      previous[j] = j
    }
    for i in 1...n {
      row[0] = i
      var rowMinimum = i
      for j in 1...m {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        var value = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
        if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
          value = min(value, previousPrevious[j - 2] + 1)
        }
        row[j] = value
        rowMinimum = min(rowMinimum, value)
      }
      if rowMinimum > limit { return nil }
      // The rows move down: the oldest becomes the next to write.
      (previousPrevious, previous, row) = (previous, row, previousPrevious)
    }
    return previous[m] <= limit ? previous[m] : nil
  }
}

/// Names grouped by length, for "did you mean" over many names: a query looks only at names of
/// about its length, nearest lengths first, and in each length at the names nearest to it in
/// sorted order, both by their beginning (which finds a typo late in a name) and by their end
/// (a typo early in it), at most `budget` names in all, so that a runbook of a million ids with a
/// hundred misspelt references stays fast. Built once, on the first miss.
struct SuggestionIndex {
  /// For each length: the names sorted, and sorted by their bytes read backwards.
  private var byLength: [Int: (forward: [String], backward: [(key: [UInt8], name: String)])] = [:]
  /// The most candidates one query compares.
  static let budget = 4_000

  init(_ names: some Sequence<String>) {
    var groups: [Int: [String]] = [:]
    for name in names { groups[name.utf8.count, default: []].append(name) }
    for (length, group) in groups {
      byLength[length] = (group.sorted(), group.map { (Array($0.utf8.reversed()), $0) }.sorted { $0.key.lexicographicallyPrecedes($1.key) })
    }
  }

  /// The closest name among those looked at, by the rule of `closestName`; ties go to the name
  /// first in sorted order.
  func closest(to name: String) -> String? {
    let length = name.utf8.count
    let limit = max(1, length / 3)
    let target = Array(name.lowercased().utf8)
    let reversedName = Array(name.utf8.reversed())
    var looked = 0
    var best: (name: String, distance: Int)?
    func consider(_ candidate: String) {
      looked += 1
      let bound = best.map { min($0.distance, limit) } ?? limit
      guard let distance = editDistance(target, lowercasedBytes(candidate), limit: bound) else { return }
      if let current = best, distance > current.distance || (distance == current.distance && candidate > current.name) { return }
      best = (candidate, distance)
    }
    for delta in [0] + (1...limit).flatMap({ [-$0, $0] }) {
      guard let bucket = byLength[length + delta], !bucket.forward.isEmpty else { continue }
      // Outward from where the name would sort, in both orders at once.
      var forward = Outward(count: bucket.forward.count, start: insertionPoint(bucket.forward.count) { bucket.forward[$0] < name })
      var backward = Outward(
        count: bucket.backward.count,
        start: insertionPoint(bucket.backward.count) { bucket.backward[$0].key.lexicographicallyPrecedes(reversedName) })
      while looked < SuggestionIndex.budget, !(forward.done && backward.done) {
        if let index = forward.next() { consider(bucket.forward[index]) }
        if let index = backward.next() { consider(bucket.backward[index].name) }
      }
      if looked >= SuggestionIndex.budget { break }
    }
    return best?.name
  }

  /// The first index for which `before` is false, by binary search.
  private func insertionPoint(_ count: Int, _ before: (Int) -> Bool) -> Int {
    var low = 0
    var high = count
    while low < high {
      let middle = (low + high) / 2
      if before(middle) { low = middle + 1 } else { high = middle }
    }
    return low
  }
}

/// Indices outward from a starting point: start, start - 1, start + 1, start - 2, …
private struct Outward {
  let count: Int
  var above: Int
  var below: Int
  var turn = false

  init(count: Int, start: Int) {
    self.count = count
    above = start
    below = start - 1
  }

  var done: Bool { above >= count && below < 0 }

  mutating func next() -> Int? {
    turn.toggle()
    if (turn || below < 0) && above < count {
      above += 1
      return above - 1
    }
    if below >= 0 {
      below -= 1
      return below + 1
    }
    return nil
  }
}
