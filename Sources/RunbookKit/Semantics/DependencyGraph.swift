// Adjacency of the dependency graph in compact arrays, a topological order, and a worst-case
// forward pass. Every algorithm here is iterative and linear in nodes plus edges, so a chain of a
// hundred thousand steps costs no stack and no quadratic time.

/// Successor and predecessor lists of a graph's nodes, stored flat.
struct Adjacency {
  /// `successorEdges[successorStart[n]..<successorStart[n + 1]]` are the indices of the edges
  /// leaving `n`, and `successorNodes` over the same range the nodes they lead to; likewise for
  /// predecessors.
  private(set) var successorStart: [Int]
  private(set) var successorEdges: [Int]
  private(set) var successorNodes: [Int]
  private(set) var predecessorStart: [Int]
  private(set) var predecessorEdges: [Int]
  private(set) var predecessorNodes: [Int]

  init(nodeCount: Int, edges: [Edge]) {
    (successorStart, successorEdges, successorNodes) = Adjacency.grouped(edges, nodeCount: nodeCount, byTarget: false)
    (predecessorStart, predecessorEdges, predecessorNodes) = Adjacency.grouped(edges, nodeCount: nodeCount, byTarget: true)
  }

  /// The edges grouped by the node they leave (or, `byTarget`, enter), in edge order within a
  /// group: where each node's group starts, the edges' indices, and the node at each edge's
  /// other end. A counting sort through buffers: every edge of the graph passes through here.
  private static func grouped(_ edges: [Edge], nodeCount: Int, byTarget: Bool) -> (start: [Int], edges: [Int], nodes: [Int]) {
    var start = [Int](repeating: 0, count: nodeCount + 1)
    var indices = [Int](repeating: 0, count: edges.count)
    var others = [Int](repeating: 0, count: edges.count)
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
              indices[start[key]] = index
              others[start[key]] = other
            }
          }
        }
      }
    }
    return (start, indices, others)
  }

  /// Where in `successorNodes` (and `successorEdges`) the successors of `node` are: for passes
  /// over every node, which read them by position rather than through a slice (a slice holds
  /// the array, a count up and down for every node).
  func successorPositions(_ node: Int) -> Range<Int> {
    successorStart[node]..<successorStart[node + 1]
  }

  /// Where in `predecessorNodes` (and `predecessorEdges`) the predecessors of `node` are.
  func predecessorPositions(_ node: Int) -> Range<Int> {
    predecessorStart[node]..<predecessorStart[node + 1]
  }

  /// The nodes `node` leads to, one for each edge leaving it.
  func successors(_ node: Int) -> ArraySlice<Int> {
    successorNodes[successorStart[node]..<successorStart[node + 1]]
  }

  /// The nodes that lead to `node`, one for each edge entering it.
  func predecessors(_ node: Int) -> ArraySlice<Int> {
    predecessorNodes[predecessorStart[node]..<predecessorStart[node + 1]]
  }

  /// The indices of the edges leaving `node`.
  func outgoing(_ node: Int) -> ArraySlice<Int> {
    successorEdges[successorStart[node]..<successorStart[node + 1]]
  }

  /// The indices of the edges entering `node`.
  func incoming(_ node: Int) -> ArraySlice<Int> {
    predecessorEdges[predecessorStart[node]..<predecessorStart[node + 1]]
  }
}

/// A topological order by Kahn's algorithm. Ties go to the lower node index, which is the order
/// in which the source declares things, so the order is deterministic. Nodes on or behind a
/// cycle are left out.
func topologicalOrder(nodeCount: Int, adjacency: Adjacency) -> [Int] {
  // How many edges enter each node: the size of its group of predecessors.
  var remaining = (0..<nodeCount).map { adjacency.predecessorPositions($0).count }
  var ready = Heap()
  for node in 0..<nodeCount where remaining[node] == 0 { ready.push(node) }
  var order: [Int] = []
  order.reserveCapacity(nodeCount)
  while let node = ready.pop() {
    order.append(node)
    for position in adjacency.successorPositions(node) {
      let next = adjacency.successorNodes[position]
      remaining[next] -= 1
      if remaining[next] == 0 { ready.push(next) }
    }
  }
  return order
}

/// A binary min-heap of node indices.
struct Heap {
  private var items: [Int] = []

  // The sifts move the value along the path and write it once, through the buffer: every node
  // of a plan passes through the heap twice.
  mutating func push(_ value: Int) {
    items.append(value)
    items.withUnsafeMutableBufferPointer { heap in
      var child = heap.count - 1
      while child > 0 {
        let parent = (child - 1) / 2
        if heap[parent] <= value { break }
        heap[child] = heap[parent]
        child = parent
      }
      heap[child] = value
    }
  }

  mutating func pop() -> Int? {
    guard let first = items.first else { return nil }
    let last = items.removeLast()
    if !items.isEmpty {
      items.withUnsafeMutableBufferPointer { heap in
        var parent = 0
        while true {
          let left = 2 * parent + 1
          guard left < heap.count else { break }
          let right = left + 1
          let smaller = right < heap.count && heap[right] < heap[left] ? right : left
          if heap[smaller] >= last { break }
          heap[parent] = heap[smaller]
          parent = smaller
        }
        heap[parent] = last
      }
    }
    return first
  }
}
