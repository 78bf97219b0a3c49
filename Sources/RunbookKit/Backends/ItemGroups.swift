// A stage's items as the checklists lay them out: each nested stage on its own, and runs of
// sign-offs and of steps and gates together (a sign-off table, a list or table of work).

/// A group of a stage's items, in written order.
enum ItemGroup {
  /// A nested stage.
  case stage(Int)
  /// Sign-offs written one after another (indices into `signoffs`).
  case signoffs([Int])
  /// Steps and gates written one after another: a slice of the stage's items.
  case work(ArraySlice<Item>)
}

extension RunbookGraph {
  /// The items of a stage, grouped as the checklists print them.
  func itemGroups(of stage: Int) -> [ItemGroup] {
    let items = stages[stage].items
    var groups: [ItemGroup] = []
    var position = 0
    while position < items.count {
      switch items[position] {
      case .stage(let child):
        groups.append(.stage(child))
        position += 1
      case .signoff:
        var run: [Int] = []
        while position < items.count, case .signoff(let index) = items[position] {
          run.append(index)
          position += 1
        }
        groups.append(.signoffs(run))
      case .step, .gate:
        let start = position
        collecting: while position < items.count {
          switch items[position] {
          case .step, .gate: position += 1
          case .stage, .signoff: break collecting
          }
        }
        groups.append(.work(items[start..<position]))
      }
    }
    return groups
  }
}
