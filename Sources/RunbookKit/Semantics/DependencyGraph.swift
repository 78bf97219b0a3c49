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
    var outCount = [Int](repeating: 0, count: nodeCount + 1)
    var inCount = [Int](repeating: 0, count: nodeCount + 1)
    for edge in edges {
      outCount[edge.from + 1] += 1
      inCount[edge.to + 1] += 1
    }
    for index in 0..<nodeCount {
      outCount[index + 1] += outCount[index]
      inCount[index + 1] += inCount[index]
    }
    var outFill = outCount
    var inFill = inCount
    var outEdges = [Int](repeating: 0, count: edges.count)
    var outNodes = [Int](repeating: 0, count: edges.count)
    var inEdges = [Int](repeating: 0, count: edges.count)
    var inNodes = [Int](repeating: 0, count: edges.count)
    for (index, edge) in edges.enumerated() {
      outEdges[outFill[edge.from]] = index
      outNodes[outFill[edge.from]] = edge.to
      outFill[edge.from] += 1
      inEdges[inFill[edge.to]] = index
      inNodes[inFill[edge.to]] = edge.from
      inFill[edge.to] += 1
    }
    successorStart = outCount
    successorEdges = outEdges
    successorNodes = outNodes
    predecessorStart = inCount
    predecessorEdges = inEdges
    predecessorNodes = inNodes
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
func topologicalOrder(nodeCount: Int, edges: [Edge], adjacency: Adjacency) -> [Int] {
  var remaining = [Int](repeating: 0, count: nodeCount)
  for edge in edges { remaining[edge.to] += 1 }
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
