import Foundation
import PostgresNIO
import Storage

/// Taking, keeping and giving up partitions. An acquisition bumps the epoch while holding the
/// lease row `FOR UPDATE`, and every owner write first reads the row `FOR SHARE` with its own
/// epoch: so each write of an old owner either commits before the bump or fails after it.
extension PostgresStore {
    /// Takes `partition` for `owner` when it is free, expired, already `owner`'s (a restart
    /// under the same name), or held by an instance whose process is gone (its instance lock is
    /// free: the fast path after a crash). Returns the new fence, or nil when another live
    /// owner holds an unexpired lease.
    public func acquireLease(_ partition: String, owner: String, leaseMs: Int64) throws -> PartitionFence? {
        try write { session in
            guard let row = try session.query("""
                SELECT owner, epoch, lease_expires_at <= now() AS expired FROM partition_leases WHERE partition = $1 FOR UPDATE
                """, [.text(partition)]).first else { return nil }
            let previous = try row.value("owner", as: String.self)
            let expired = try row.required("expired", as: Bool.self)
            var reason = previous == nil ? "free" : previous == owner ? "restarted" : expired ? "expired" : ""
            if reason.isEmpty, let previous, try Self.instanceIsGone(previous, session) { reason = "owner_gone" }
            guard !reason.isEmpty else { return nil }
            guard let epoch = try session.scalar("""
                UPDATE partition_leases SET owner = $2, epoch = epoch + 1, lease_expires_at = now() + make_interval(secs => $3::float8 / 1000)
                WHERE partition = $1 RETURNING epoch
                """, [.text(partition), .text(owner), .int(leaseMs)], as: Int64.self) else { return nil }
            try Self.recordLeaseEvent(partition: partition, owner: owner, epoch: epoch, event: "acquired:\(reason)", previous: previous, session)
            return PartitionFence(partition: partition, owner: owner, epoch: epoch)
        }
    }

    /// Whether the process that registered `instance` is gone: no session holds its instance
    /// lock. Read from `pg_locks` rather than probed with a try-lock, so the check never holds
    /// the name itself (a probe would make a restarting instance's registration fail). A paused
    /// process still holds it; only its lease expiry frees its partitions.
    static func instanceIsGone(_ instance: String, _ session: PostgresSession) throws -> Bool {
        // A bigint advisory key shows in pg_locks as classid (high 32 bits) and objid (low 32).
        try session.scalar("""
            SELECT NOT EXISTS (
                SELECT 1 FROM pg_locks l, (SELECT hashtextextended('gridwatch-instance:' || $1, 0) AS k) key
                WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.granted
                  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND l.classid::bigint = ((key.k >> 32) & 4294967295) AND l.objid::bigint = (key.k & 4294967295))
            """, [.text(instance)], as: Bool.self) ?? false
    }

    /// Whether the process registered as `instance` is gone (see `instanceIsGone`).
    public func isInstanceGone(_ instance: String) throws -> Bool {
        try read { session in try Self.instanceIsGone(instance, session) }
    }

    /// Extends the leases still held under their fences; returns the partitions renewed (a
    /// missing one was lost: another instance took it).
    public func renewLeases(_ fences: [PartitionFence], leaseMs: Int64) throws -> Set<String> {
        guard let owner = fences.first?.owner else { return [] }
        return try write { session in
            Set(try session.query("""
                UPDATE partition_leases l SET lease_expires_at = now() + make_interval(secs => $3::float8 / 1000)
                FROM unnest($1::text[], $2::bigint[]) AS v(partition, epoch)
                WHERE l.partition = v.partition AND l.epoch = v.epoch AND l.owner = $4 RETURNING l.partition
                """, [.texts(fences.map(\.partition)), .ints(fences.map(\.epoch)), .int(leaseMs), .text(owner)]).map { try $0.decode(String.self) })
        }
    }

    /// Gives a partition up at once (a handover or a clean stop): the next owner need not wait
    /// for the lease to run out.
    public func releaseLease(_ fence: PartitionFence) throws {
        try write { session in
            let released = try session.execute("""
                UPDATE partition_leases SET owner = NULL, lease_expires_at = now() WHERE partition = $1 AND owner = $2 AND epoch = $3
                """, [.text(fence.partition), .text(fence.owner), .int(fence.epoch)])
            if released > 0 {
                try Self.recordLeaseEvent(partition: fence.partition, owner: fence.owner, epoch: fence.epoch, event: "released", previous: nil, session)
            }
        }
    }

    /// The first statement of every owner write: holds the lease row shared (an acquisition's
    /// epoch bump waits for this transaction) and fails when the epoch has moved on.
    static func checkFence(_ fence: PartitionFence, _ session: PostgresSession) throws {
        let held = try session.query("SELECT 1 FROM partition_leases WHERE partition = $1 AND owner = $2 AND epoch = $3 FOR SHARE",
                                     [.text(fence.partition), .text(fence.owner), .int(fence.epoch)])
        if held.isEmpty { throw FencedError(fence: fence) }
    }

    static func recordLeaseEvent(partition: String, owner: String, epoch: Int64, event: String, previous: String?, _ session: PostgresSession) throws {
        try session.execute("INSERT INTO lease_events (partition, owner, epoch, event, previous_owner) VALUES ($1, $2, $3, $4, $5)",
                            [.text(partition), .text(owner), .int(epoch), .text(event), .text(previous)])
    }

    /// Lease events, oldest first, with their server times in epoch ms (takeover measurements).
    public func leaseEvents() throws -> [(atMs: Int64, partition: String, owner: String, epoch: Int64, event: String)] {
        try read { session in
            try session.query("""
                SELECT (extract(epoch FROM at) * 1000)::bigint AS at_ms, partition, owner, epoch, event FROM lease_events ORDER BY id
                """).map { (atMs: try $0.required("at_ms"), partition: try $0.required("partition"), owner: try $0.required("owner"),
                            epoch: try $0.required("epoch"), event: try $0.required("event")) }
        }
    }

    /// Stores a batch of one partition's messages as its owner: fenced, one transaction, one
    /// round trip per table. Nothing of it commits if the epoch has moved on.
    public func store(_ batch: IngestBatch, fence: PartitionFence) throws -> IngestBatchResult {
        try storeCreatingPartitions(batch, fence: fence)
    }

    /// Saves a partition's rule checkpoint, fenced; `watermark` is the newest readings id in it.
    public func saveRuleState(_ snapshot: Data, savedAtMs: Int64, watermark: Int64, fence: PartitionFence) throws {
        try write { session in
            try Self.checkFence(fence, session)
            try session.execute("""
                INSERT INTO rule_state (partition, saved_at, snapshot, watermark) VALUES ($1, $2, $3, $4)
                ON CONFLICT (partition) DO UPDATE SET saved_at = excluded.saved_at, snapshot = excluded.snapshot, watermark = excluded.watermark
                """, [.text(fence.partition), .int(savedAtMs), .bytes(Array(snapshot)), .int(watermark)])
        }
    }

    /// A partition's rule checkpoint and its watermark, if one was saved.
    public func loadRuleState(partition: String) throws -> (snapshot: Data, watermark: Int64)? {
        try read { session in
            guard let row = try session.query("SELECT snapshot, watermark FROM rule_state WHERE partition = $1", [.text(partition)]).first else { return nil }
            let bytes = try row.required("snapshot", as: ByteBuffer.self)
            return (Data(bytes.readableBytesView), try row.required("watermark", as: Int64.self))
        }
    }
}
