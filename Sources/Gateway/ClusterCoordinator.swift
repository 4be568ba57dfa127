import Devices
import Dispatch
import Foundation
import Logging
import PostgresStorage
import Storage
import Synchronization

/// Cluster mode's control loop, once a second on a thread of its own (every call waits on
/// PostgreSQL): heartbeat, renew the leases held, drop the ones lost, take the partitions this
/// instance should own (rendezvous hashing over the live instances), hand over the ones it
/// should not, and drive the owned partitions' rule clocks, the ticket clocks and checkpoints.
/// The special partition `~services` carries the once-per-cluster work: MQTT alerts, webhooks
/// and retention run only on its owner.
final class ClusterCoordinator: Sendable {
    static let servicesPartition = "~services"

    /// Timings of the protocol: a lease lasts `leaseMs` past its last renewal; an owner that
    /// could not renew for `selfStopMs` stops writing by itself (before its lease can be taken);
    /// an instance whose heartbeat is older than `instanceTimeoutMs` counts as gone.
    struct Timings: Sendable {
        var roundMs: Int64 = 1000
        var leaseMs: Int64 = 10_000
        var selfStopMs: Int64 = 8000
        var instanceTimeoutMs: Int64 = 6000
        var checkpointEveryMs: Int64 = 5000
        /// A partition whose MQTT loop has not gone round for this long is given up.
        var stalledLoopMs: Int64 = 20_000
        /// How often (in rounds) the device table is read again for new communities.
        var inventoryEveryRounds = 15
        /// The longest pause between rounds while they fail.
        var maxBackoffMs: Int64 = 4000
    }

    static func partitions(of devices: [Device]) -> [String] {
        Array(Set(devices.map(\.community))).sorted() + [servicesPartition]
    }

    var devices: [Device] { inventory.withLock { $0.devices } }
    var partitions: [String] { inventory.withLock { $0.partitions } }
    let roundsUntilInventory = Atomic<Int>(0)

    /// Every `inventoryEveryRounds` rounds: the devices as stored now; new communities get a
    /// lease row and join the rendezvous.
    func refreshInventory() throws {
        guard roundsUntilInventory.subtract(1, ordering: .relaxed).newValue <= 0 else { return }
        roundsUntilInventory.store(timings.inventoryEveryRounds, ordering: .relaxed)
        let devices = try store.devices().map(\.device)
        let partitions = Self.partitions(of: devices)
        let added = Set(partitions).subtracting(self.partitions)
        if !added.isEmpty {
            try store.ensurePartitionLeases(partitions)
            logger.notice("new communities in the inventory", metadata: ["partitions": "\(added.sorted().joined(separator: ","))"])
        }
        inventory.withLock { $0 = (devices, partitions) }
    }

    let store: PostgresStore
    let instance: String
    let setup: GatewaySetup
    let tickets: TicketOffice
    let staff: StaffIntake
    let statistics: IngestStatistics
    let logger: Logger
    let timings: Timings
    /// The inventory as last read from the store, and the partitions it makes (its communities
    /// and `~services`): read again every `inventoryEveryRounds` rounds, so a community added with
    /// `gridwatch devices import` is taken without restarting any instance.
    private let inventory: Mutex<(devices: [Device], partitions: [String])>
    let consumers = Mutex<[String: PartitionConsumer]>([:])
    private let servicesFence = Mutex<PartitionFence?>(nil)
    private let stopRequested = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    /// Monotonic milliseconds of the last successful renewal, for the self-stop deadline.
    private let lastRenewalMs = Atomic<Int64>(ClusterCoordinator.monotonicMs())
    private let lastError = Mutex<String?>(nil)
    /// When the lease loop and the clock loop last went round (wall ms).
    let roundHeartbeatMs = Atomic<Int64>(ClusterCoordinator.wallMs())
    let clockHeartbeatMs = Atomic<Int64>(ClusterCoordinator.wallMs())
    /// Rule files as last read: an edit (or SIGHUP) reloads every owned partition's rules.
    private let ruleFiles: Mutex<RuleFileWatch>
    /// Set once the rule files changed since start: a partition taken later loads them too
    /// (the set parsed at start would be stale).
    private let rulesEdited = Atomic<Bool>(false)
    let hangup = Atomic<Bool>(false)
    private let staffFiles: Mutex<StaffFileWatch>

    init(store: PostgresStore, instance: String, setup: GatewaySetup, tickets: TicketOffice, staff: StaffIntake, statistics: IngestStatistics,
         devices: [Device], logger: Logger, timings: Timings = Timings()) {
        self.store = store
        self.instance = instance
        self.setup = setup
        self.tickets = tickets
        self.staff = staff
        self.statistics = statistics
        self.logger = logger
        self.timings = timings
        inventory = Mutex((devices, Self.partitions(of: devices)))
        ruleFiles = Mutex(RuleFileWatch(directory: setup.config.rulesPath))
        staffFiles = Mutex(StaffFileWatch(config: setup.config, board: staff.board))
    }

    static func monotonicMs() -> Int64 { Int64(DispatchTime.now().uptimeNanoseconds / 1_000_000) }
    static func wallMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// Starts the loop thread.
    func start() throws {
        try store.ensurePartitionLeases(partitions)
        roundsUntilInventory.store(timings.inventoryEveryRounds, ordering: .relaxed)
        // Leases on one thread, clocks on another: a ticket transaction waiting on a lock
        // must never delay a renewal past the self-stop deadline.
        startLoop(name: "cluster", stamp: { [self] in roundHeartbeatMs.store(Self.wallMs(), ordering: .relaxed) }) { [self] in
            round()
            return pauseAfterRound
        }
        let lastCheckpointMs = Atomic<Int64>(Self.monotonicMs())
        startLoop(name: "cluster-clocks", stamp: { [self] in clockHeartbeatMs.store(Self.wallMs(), ordering: .relaxed) }) { [self] in
            tickClocks()
            if Self.monotonicMs() - lastCheckpointMs.load(ordering: .relaxed) >= timings.checkpointEveryMs {
                checkpointAll()
                lastCheckpointMs.store(Self.monotonicMs(), ordering: .relaxed)
            }
            return timings.roundMs
        }
    }

    /// Runs `body` on a thread of its own until `stop`, again after the pause it returns (ms,
    /// counted from its start), calling `stamp` each time round: the systemd watchdog is fed
    /// only while both loops go round.
    private func startLoop(name: String, stamp: @escaping @Sendable () -> Void, _ body: @escaping @Sendable () -> Int64) {
        let thread = Thread { [self] in
            SystemThreadName.set(name)
            while !stopRequested.load(ordering: .acquiring) {
                stamp()
                let started = Self.monotonicMs()
                let pauseMs = body()
                let elapsed = Self.monotonicMs() - started
                if elapsed < pauseMs { usleep(useconds_t((pauseMs - elapsed) * 1000)) }
            }
            finished.signal()
        }
        thread.start()
    }

    /// The owned partitions' rule clocks and the ticket clocks. Every instance runs the ticket
    /// clocks: the store serialises ticket transactions, so a level due once is fired once, by
    /// whichever instance gets there first.
    private func tickClocks() {
        let nowMs = Self.wallMs()
        let hungUp = hangup.exchange(false, ordering: .acquiringAndReleasing)
        staffFiles.withLock { _ = $0.reloadIfChanged(hangup: hungUp, logger: logger) }
        if hungUp || ruleFiles.withLock({ $0.changed() }) {
            rulesEdited.store(true, ordering: .releasing)
            logger.notice("reloading rules", metadata: ["directory": "\(setup.config.rulesPath)"])
            for consumer in currentConsumers { consumer.rules.reload(nowMs: nowMs) }
        }
        for consumer in currentConsumers { consumer.tick(nowMs: nowMs) }
        tickets.timePassed(nowMs: nowMs)
    }

    /// A partition taken after an edit of the rule files runs the edited rules.
    func catchUpRules(_ consumer: PartitionConsumer) {
        if rulesEdited.load(ordering: .acquiring) { consumer.rules.reload(nowMs: Self.wallMs()) }
    }

    /// Stops the loop, then hands every partition over cleanly: disconnect, final checkpoint,
    /// release (the next owner need not wait for the lease to run out), and leave the cluster.
    func stop() {
        stopRequested.store(true, ordering: .releasing)
        for _ in 0..<2 { _ = finished.wait(timeout: .now() + 10) }
        for (_, consumer) in consumers.withLock({ $0 }) { handOver(consumer) }
        if let fence = servicesFence.withLock({ $0 }) { try? store.releaseLease(fence) }
        try? store.markStopped(instance)
    }

    var ownedPartitions: [String] { consumers.withLock { $0.keys.sorted() } }
    var ownsServices: Bool { servicesFence.withLock { $0 != nil } }
    var failure: String? { lastError.withLock { $0 } }
    /// Every owned partition's MQTT loop went round recently (the watchdog's test).
    var oldestLoopHeartbeatMs: Int64 { consumers.withLock { $0.values.map(\.loopHeartbeatMs).min() } ?? Self.wallMs() }
    var allConnected: Bool { consumers.withLock { $0.values.allSatisfy(\.isConnected) } }

    private func handOver(_ consumer: PartitionConsumer) {
        consumer.stop(checkpoint: true)
        do { try store.releaseLease(consumer.fence) } catch {
            logger.warning("lease not released; it will expire", metadata: ["partition": "\(consumer.fence.partition)", "error": "\(error)"])
        }
        _ = consumers.withLock { $0.removeValue(forKey: consumer.fence.partition) }
    }

    // State the round reads and changes, each behind its lock.
    var currentConsumers: [PartitionConsumer] { consumers.withLock { Array($0.values) } }
    func addConsumer(_ consumer: PartitionConsumer) { consumers.withLock { $0[consumer.fence.partition] = consumer } }
    func removeConsumer(_ partition: String) { _ = consumers.withLock { $0.removeValue(forKey: partition) } }
    var currentServicesFence: PartitionFence? { servicesFence.withLock { $0 } }
    func setServicesFence(_ fence: PartitionFence) { servicesFence.withLock { $0 = fence } }
    func takeServicesFence() -> PartitionFence? { servicesFence.withLock { fence in defer { fence = nil }; return fence } }
    var lastRenewal: Int64 { lastRenewalMs.load(ordering: .relaxed) }
    func setLastRenewal(_ ms: Int64) { lastRenewalMs.store(ms, ordering: .relaxed) }

    /// Rounds failed in a row (the store unreachable): the lease loop backs off, 1, 2, then 4 s
    /// between attempts, instead of reconnecting every second. Never longer: the self-stop
    /// deadline is checked once a round.
    private let failedRounds = Atomic<Int>(0)
    var pauseAfterRound: Int64 {
        min(timings.roundMs << min(failedRounds.load(ordering: .relaxed), 2), timings.maxBackoffMs)
    }

    func noteError(_ message: String?) {
        if message == nil { failedRounds.store(0, ordering: .relaxed) } else { failedRounds.add(1, ordering: .relaxed) }
        let changed = lastError.withLock { last -> Bool in defer { last = message }; return last != message }
        if changed, let message { logger.error("\(message)") }
    }

    private func checkpointAll() {
        for consumer in consumers.withLock({ Array($0.values) }) {
            do { try consumer.checkpoint() } catch {
                logger.warning("checkpoint failed", metadata: ["partition": "\(consumer.fence.partition)", "error": "\(error)"])
            }
        }
    }
}
