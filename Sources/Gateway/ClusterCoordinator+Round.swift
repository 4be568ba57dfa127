import Foundation
import Logging
import PostgresStorage

/// One round of the control loop.
extension ClusterCoordinator {
    func round() {
        do {
            try keepMembership()
        } catch {
            noteError("cluster round failed: \(error)")
            // Cut off from the store: past the self-stop deadline, stop writing before any
            // other instance may take the partitions over.
            if Self.monotonicMs() - lastRenewal > timings.selfStopMs { dropEverything(reason: "no lease renewal for \(timings.selfStopMs) ms") }
            return
        }
        do {
            try renewAndRebalance()
            noteError(nil)
        } catch {
            noteError("cluster round failed: \(error)")
            if Self.monotonicMs() - lastRenewal > timings.selfStopMs { dropEverything(reason: "no lease renewal for \(timings.selfStopMs) ms") }
        }
    }

    /// Heartbeat, and the instance lock (lost when the store restarted: taken again).
    private func keepMembership() throws {
        if !store.holdsInstanceLock { try store.registerInstance(instance) }
        try store.heartbeat(instance)
    }

    private func renewAndRebalance() throws {
        try refreshInventory()
        let owned = currentConsumers.map(\.fence) + (currentServicesFence.map { [$0] } ?? [])
        let renewedAtMs = Self.monotonicMs()
        let renewed = owned.isEmpty ? [] : try store.renewLeases(owned, leaseMs: timings.leaseMs)
        setLastRenewal(renewedAtMs)
        for fence in owned where !renewed.contains(fence.partition) { lose(fence.partition, reason: "lease taken by another instance") }
        for consumer in currentConsumers where consumer.hasFailed {
            // The burst that failed was not acknowledged; a fresh client (new epoch) goes on.
            lose(consumer.fence.partition, reason: consumer.lastFailure ?? "consumer failed")
        }
        let stalledBeforeMs = Self.wallMs() - timings.stalledLoopMs
        for consumer in currentConsumers where consumer.loopHeartbeatMs < stalledBeforeMs {
            // Its network loop has not gone round: renewing its lease would keep the community
            // from any instance that could consume it. A fresh client (new epoch) replaces it.
            lose(consumer.fence.partition, reason: "its MQTT loop stalled for \(timings.stalledLoopMs / 1000) s")
        }
        let live = try liveInstances()
        let desired = PartitionAssignment.partitions(of: instance, among: live, partitions: partitions)
        let held = Set(currentConsumers.map(\.fence.partition) + (currentServicesFence.map { [$0.partition] } ?? []))
        for partition in desired.subtracting(held).sorted() { try take(partition) }
        for partition in held.subtracting(desired).sorted() { giveUp(partition) }
    }

    /// Instances alive by heartbeat whose process still holds its instance lock (a crashed
    /// process's lock is gone at once: its partitions move without waiting for the heartbeat).
    private func liveInstances() throws -> [String] {
        let alive = try store.clusterInstances(timeoutMs: timings.instanceTimeoutMs).filter(\.alive).map(\.name)
        var live = [instance]
        for name in alive where name != instance {
            if try !store.isInstanceGone(name) { live.append(name) }
        }
        return live
    }

    private func take(_ partition: String) throws {
        guard let fence = try store.acquireLease(partition, owner: instance, leaseMs: timings.leaseMs) else { return }
        if partition == Self.servicesPartition {
            setServicesFence(fence)
            logger.notice("cluster services taken (MQTT alerts, webhooks, retention)", metadata: ["epoch": "\(fence.epoch)"])
            return
        }
        do {
            let consumer = try PartitionConsumer(fence: fence, setup: setup, store: store, devices: devices, tickets: tickets, staff: staff,
                                                 statistics: statistics, logger: logger, nowMs: Self.wallMs())
            catchUpRules(consumer)
            try consumer.start(setup: setup)
            addConsumer(consumer)
        } catch {
            logger.error("partition not started; releasing it", metadata: ["partition": "\(partition)", "error": "\(error)"])
            try? store.releaseLease(fence)
        }
    }

    /// A graceful handover to the instance that should own `partition` now.
    private func giveUp(_ partition: String) {
        if partition == Self.servicesPartition, let fence = takeServicesFence() {
            try? store.releaseLease(fence)
            return
        }
        guard let consumer = currentConsumers.first(where: { $0.fence.partition == partition }) else { return }
        logger.notice("handing partition over", metadata: ["partition": "\(partition)"])
        consumer.stop(checkpoint: true)
        try? store.releaseLease(consumer.fence)
        removeConsumer(partition)
    }

    /// A partition lost to a newer epoch (or a failed consumer): stopped without a checkpoint,
    /// which would be refused anyway and would be older than the new owner's.
    private func lose(_ partition: String, reason: String) {
        if partition == Self.servicesPartition {
            _ = takeServicesFence()
            return
        }
        guard let consumer = currentConsumers.first(where: { $0.fence.partition == partition }) else { return }
        logger.warning("partition lost", metadata: ["partition": "\(partition)", "epoch": "\(consumer.fence.epoch)", "reason": "\(reason)"])
        consumer.stop(checkpoint: false)
        removeConsumer(partition)
    }

    private func dropEverything(reason: String) {
        for consumer in currentConsumers { lose(consumer.fence.partition, reason: reason) }
        _ = takeServicesFence()
    }
}
