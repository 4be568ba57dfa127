import Dispatch
import Synchronization

/// A bounded FIFO between one producer thread and one consumer: `push` blocks while full,
/// `pop` blocks while empty and returns nil once the producer has finished and it is drained.
final class ChunkQueue<Element: Sendable>: Sendable {
    private struct State {
        var items: [Element] = []
        var finished = false
    }

    private let state = Mutex(State())
    private let slots: DispatchSemaphore
    private let available = DispatchSemaphore(value: 0)

    init(capacity: Int) { slots = DispatchSemaphore(value: capacity) }

    func push(_ element: Element) {
        slots.wait()
        state.withLock { $0.items.append(element) }
        available.signal()
    }

    func finish() {
        state.withLock { $0.finished = true }
        available.signal()
    }

    func pop() -> Element? {
        while true {
            available.wait()
            let next: (Element?, Bool) = state.withLock { state in
                if !state.items.isEmpty { return (state.items.removeFirst(), false) }
                return (nil, state.finished)
            }
            if let element = next.0 {
                slots.signal()
                return element
            }
            if next.1 { return nil }
        }
    }

    /// Unblocks a producer after the consumer gave up early.
    func drain() { for _ in 0..<64 { slots.signal() } }
}
