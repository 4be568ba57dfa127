/// A min-heap of (deadline, key): the engine's timer wheel. Entries are not removed when a
/// deadline moves; a popped entry is checked against the instance's current deadline instead.
struct TimerQueue<Key: Hashable & Sendable>: Sendable {
    private var heap: [(deadlineMs: Int64, key: Key)] = []

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }
    var nextDeadline: Int64? { heap.first?.deadlineMs }

    mutating func schedule(_ key: Key, at deadlineMs: Int64) {
        heap.append((deadlineMs, key))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadlineMs < heap[parent].deadlineMs else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest entry due at or before `nowMs`.
    mutating func popDue(_ nowMs: Int64) -> (deadlineMs: Int64, key: Key)? {
        guard let first = heap.first, first.deadlineMs <= nowMs else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < heap.count, heap[left].deadlineMs < heap[smallest].deadlineMs { smallest = left }
                if right < heap.count, heap[right].deadlineMs < heap[smallest].deadlineMs { smallest = right }
                if smallest == parent { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first
    }
}
