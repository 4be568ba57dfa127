import Foundation
import Synchronization

/// Live counters of the ingest path, shared by the network thread, the pipeline and `/readyz`.
public final class IngestStatistics: Sendable {
    public let received = Atomic<Int>(0)
    /// When the pipeline last went round its loop (epoch ms): the watchdog's proof of life.
    public let pipelineHeartbeatMs = Atomic<Int64>(Int64(Date().timeIntervalSince1970 * 1000))
    public let stored = Atomic<Int>(0)
    public let duplicates = Atomic<Int>(0)
    public let rejected = Atomic<Int>(0)
    public let backlogBytes = Atomic<Int>(0)
    public let batches = Atomic<Int>(0)
    /// The broker's `$SYS/broker/publish/messages/dropped` as last published; -1 until heard.
    public let brokerDropped = Atomic<Int>(-1)
    /// The first value heard: the baseline a rise is measured from. The rules clock samples
    /// `brokerDropped` once a second, and drops inside the first second must still count.
    public let brokerDroppedFirst = Atomic<Int>(-1)
    public let lastCommitMicroseconds = Atomic<Int>(0)
    /// The same figures for Prometheus.
    public let metrics = GatewayMetrics()
    private let failure = Mutex<String?>(nil)

    public init() {}

    public func countRejected(_ reason: String) {
        metrics.rejected(reason)
    }

    /// Set when the pipeline stops on an error it cannot pass (database unwritable).
    public var pipelineFailure: String? {
        get { failure.withLock { $0 } }
        set { failure.withLock { $0 = newValue } }
    }
}
