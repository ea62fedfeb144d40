/// The simulator's agenda: a binary min-heap ordered by (time, insertion order), so
/// events at the same millisecond run in the order they were scheduled — a total
/// order, which is what makes a run replay from its seed.
struct EventQueue<Element> {
    private var heap: [(at: UInt64, order: UInt64, element: Element)] = []
    private var nextOrder: UInt64 = 0

    var count: Int { heap.count }
    var isEmpty: Bool { heap.isEmpty }
    var nextTime: UInt64? { heap.first?.at }

    mutating func push(_ element: Element, at: UInt64) {
        nextOrder += 1
        heap.append((at, nextOrder, element))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard less(child, parent) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (at: UInt64, element: Element)? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, less(left, smallest) { smallest = left }
            if right < heap.count, less(right, smallest) { smallest = right }
            guard smallest != parent else { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return (top.at, top.element)
    }

    private func less(_ a: Int, _ b: Int) -> Bool { (heap[a].at, heap[a].order) < (heap[b].at, heap[b].order) }
}
