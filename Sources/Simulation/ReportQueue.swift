import Foundation

/// A binary min-heap of (next report time, device index), one entry per device.
///
/// The simulator only ever looks at the earliest device and then moves that same device to
/// its next time, so the heap offers `replaceTop` (one sift-down) instead of pop + push
/// (two sifts). Ties are broken by device index so the output order is deterministic.
struct ReportQueue: Sendable {
    /// One scheduled device.
    struct Entry: Sendable, Equatable {
        var time: Int64
        var index: Int32

        @inline(__always)
        static func < (a: Entry, b: Entry) -> Bool {
            a.time < b.time || (a.time == b.time && a.index < b.index)
        }
    }

    private var heap: [Entry] = []

    /// Builds the heap from unordered entries in linear time.
    init(_ entries: [Entry]) {
        heap = entries
        var i = heap.count / 2 - 1
        while i >= 0 {
            siftDown(from: i)
            i -= 1
        }
    }

    var count: Int {
        heap.count
    }

    /// The earliest entry, if any.
    var top: Entry? {
        heap.first
    }

    mutating func push(_ entry: Entry) {
        heap.append(entry)
        siftUp(from: heap.count - 1)
    }

    @discardableResult
    mutating func popTop() -> Entry? {
        guard let first = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(from: 0)
        }
        return first
    }

    /// Gives the earliest entry a new time and restores heap order.
    @inline(__always)
    mutating func replaceTop(time: Int64) {
        guard !heap.isEmpty else { return }
        heap[0].time = time
        siftDown(from: 0)
    }

    private mutating func siftUp(from start: Int) {
        var child = start
        let item = heap[child]
        while child > 0 {
            let parent = (child - 1) / 2
            guard item < heap[parent] else { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = item
    }

    @inline(__always)
    private mutating func siftDown(from start: Int) {
        let count = heap.count
        var parent = start
        let item = heap[parent]
        heap.withUnsafeMutableBufferPointer { h in
            while true {
                var child = 2 * parent + 1
                if child >= count { break }
                if child + 1 < count, h[child + 1] < h[child] { child += 1 }
                guard h[child] < item else { break }
                h[parent] = h[child]
                parent = child
            }
            h[parent] = item
        }
    }
}
