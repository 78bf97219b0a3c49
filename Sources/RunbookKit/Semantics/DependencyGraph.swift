// Adjacency of the dependency graph in compact arrays, a topological order, and a worst-case
// forward pass. Every algorithm here is iterative and linear in nodes plus edges, so a chain of a
// hundred thousand steps costs no stack and no quadratic time.

/// Successor and predecessor lists of a graph's nodes, stored flat, in 32 bits (a source is at
/// most 64 MiB, RB0701, so no node or edge index comes near 2³¹): six tables of the size of the
/// graph, read by every pass over it, took half the memory of all its steps in 64 bits.
struct Adjacency {
  /// `successorEdges[successorStart[n]..<successorStart[n + 1]]` are the indices of the edges
  /// leaving `n`, and `successorNodes` over the same range the nodes they lead to; likewise for
  /// predecessors.
  private var successorStart: [Int32]
  private var successorEdges: [Int32]
  private var successorNodes: [Int32]
  private var predecessorStart: [Int32]
  private var predecessorEdges: [Int32]
  private var predecessorNodes: [Int32]

  init(nodeCount: Int, edges: [Edge]) {
    (successorStart, successorEdges, successorNodes) = Adjacency.grouped(edges, nodeCount: nodeCount, byTarget: false)
    (predecessorStart, predecessorEdges, predecessorNodes) = Adjacency.grouped(edges, nodeCount: nodeCount, byTarget: true)
  }

  /// The edges grouped by the node they leave (or, `byTarget`, enter), in edge order within a
  /// group: where each node's group starts, the edges' indices, and the node at each edge's
  /// other end. A counting sort through buffers: every edge of the graph passes through here.
  private static func grouped(_ edges: [Edge], nodeCount: Int, byTarget: Bool) -> (start: [Int32], edges: [Int32], nodes: [Int32]) {
    var start = [Int32](repeating: 0, count: nodeCount + 1)
    var indices = [Int32](repeating: 0, count: edges.count)
    var others = [Int32](repeating: 0, count: edges.count)
    edges.withUnsafeBufferPointer { edges in
      start.withUnsafeMutableBufferPointer { start in
        // Each node's count, then the running sum: `start[n]` is where the group of n ends.
        for edge in edges { start[byTarget ? edge.to : edge.from] += 1 }
        for node in 0..<nodeCount { start[node + 1] += start[node] }
        // Placed from the last edge back, each group fills from its end: its edges keep their
        // order, and `start[n]` ends where the group of n begins.
        indices.withUnsafeMutableBufferPointer { indices in
          others.withUnsafeMutableBufferPointer { others in
            for index in edges.indices.reversed() {
              let (key, other) = byTarget ? (edges[index].to, edges[index].from) : (edges[index].from, edges[index].to)
              start[key] -= 1
              indices[Int(start[key])] = Int32(index)
              others[Int(start[key])] = Int32(other)
            }
          }
        }
      }
    }
    return (start, indices, others)
  }

  /// Where the successors of `node` are, for `successor(at:)` and `successorEdge(at:)`: passes
  /// over every node read them by position rather than through a collection of their own.
  func successorPositions(_ node: Int) -> Range<Int> {
    Int(successorStart[node])..<Int(successorStart[node + 1])
  }

  /// Where the predecessors of `node` are, for `predecessor(at:)` and `predecessorEdge(at:)`.
  func predecessorPositions(_ node: Int) -> Range<Int> {
    Int(predecessorStart[node])..<Int(predecessorStart[node + 1])
  }

  /// The node at a position of `successorPositions`.
  func successor(at position: Int) -> Int { Int(successorNodes[position]) }

  /// The edge at a position of `successorPositions`.
  func successorEdge(at position: Int) -> Int { Int(successorEdges[position]) }

  /// The node at a position of `predecessorPositions`.
  func predecessor(at position: Int) -> Int { Int(predecessorNodes[position]) }

  /// The edge at a position of `predecessorPositions`.
  func predecessorEdge(at position: Int) -> Int { Int(predecessorEdges[position]) }

  /// The nodes `node` leads to, one for each edge leaving it.
  func successors(_ node: Int) -> LazyMapCollection<ArraySlice<Int32>, Int> {
    successorNodes[successorPositions(node)].lazy.map { Int($0) }
  }

  /// The nodes that lead to `node`, one for each edge entering it.
  func predecessors(_ node: Int) -> LazyMapCollection<ArraySlice<Int32>, Int> {
    predecessorNodes[predecessorPositions(node)].lazy.map { Int($0) }
  }

  /// The indices of the edges entering `node`.
  func incoming(_ node: Int) -> LazyMapCollection<ArraySlice<Int32>, Int> {
    predecessorEdges[predecessorPositions(node)].lazy.map { Int($0) }
  }
}

/// A topological order by Kahn's algorithm. Ties go to the lower node index, which is the order
/// in which the source declares things, so the order is deterministic. Nodes on or behind a
/// cycle are left out.
func topologicalOrder(nodeCount: Int, adjacency: Adjacency) -> [Int] {
  // The counts of unplaced predecessors and the ready nodes are each one allocation of the
  // graph's size, written through pointers: every node passes through both.
  let remaining = UnsafeMutablePointer<Int32>.allocate(capacity: max(nodeCount, 1))
  defer { remaining.deallocate() }
  var ready = Heap(capacity: nodeCount)
  for node in 0..<nodeCount {
    // How many edges enter each node: the size of its group of predecessors.
    remaining[node] = Int32(adjacency.predecessorPositions(node).count)
    if remaining[node] == 0 { ready.push(node) }
  }
  var order: [Int] = []
  order.reserveCapacity(nodeCount)
  while let node = ready.pop() {
    order.append(node)
    for position in adjacency.successorPositions(node) {
      let next = adjacency.successor(at: position)
      remaining[next] -= 1
      if remaining[next] == 0 { ready.push(next) }
    }
  }
  return order
}

/// A binary min-heap of node indices, in one allocation made for as many as will be pushed:
/// each node is pushed at most once, and an array's appends and removals would test on each
/// that its storage is not shared. Indices are kept in 32 bits, as the adjacency keeps them.
struct Heap: ~Copyable {
  private let items: UnsafeMutablePointer<Int32>
  private let capacity: Int
  private var count = 0

  /// A heap for at most `capacity` pushes.
  init(capacity: Int) {
    self.capacity = max(capacity, 1)
    items = .allocate(capacity: self.capacity)
  }

  deinit {
    items.deallocate()
  }

  // The sifts move the value along the path and write it once.
  mutating func push(_ value: Int) {
    precondition(count < capacity, "more nodes pushed than the heap was made for")
    let value = Int32(value)
    var child = count
    count += 1
    while child > 0 {
      let parent = (child - 1) / 2
      if items[parent] <= value { break }
      items[child] = items[parent]
      child = parent
    }
    items[child] = value
  }

  mutating func pop() -> Int? {
    guard count > 0 else { return nil }
    let first = items[0]
    count -= 1
    let last = items[count]
    var parent = 0
    while true {
      let left = 2 * parent + 1
      guard left < count else { break }
      let right = left + 1
      let smaller = right < count && items[right] < items[left] ? right : left
      if items[smaller] >= last { break }
      items[parent] = items[smaller]
      parent = smaller
    }
    items[parent] = last
    return Int(first)
  }
}
