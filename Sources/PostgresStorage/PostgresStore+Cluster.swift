import Foundation
import Logging
import NIOPosix
import PostgresNIO
import Storage

/// A partition's lease as stored: who owns it, under which epoch, until when (server time).
public struct PartitionLease: Sendable, Hashable, Codable {
    public var partition: String
    public var owner: String?
    public var epoch: Int64
    public var leaseExpiresAtMs: Int64
}

/// An instance as the cluster sees it.
public struct ClusterInstance: Sendable, Hashable, Codable {
    public var name: String
    public var heartbeatAtMs: Int64
    public var startedAtMs: Int64
    public var alive: Bool
}

/// What an owner proves in every write it makes for a partition: the epoch it acquired.
public struct PartitionFence: Sendable, Hashable {
    public var partition: String
    public var owner: String
    public var epoch: Int64

    public init(partition: String, owner: String, epoch: Int64) {
        self.partition = partition
        self.owner = owner
        self.epoch = epoch
    }
}

/// A write refused because its partition now has a newer epoch (or another owner).
public struct FencedError: Error, CustomStringConvertible {
    public var fence: PartitionFence
    public var description: String { "partition \(fence.partition): epoch \(fence.epoch) of \(fence.owner) is fenced off (a newer owner holds it)" }
}

/// Membership and partition leases on PostgreSQL (docs/cluster.md). Every time is the
/// server's `now()`, so instances with skewed clocks agree on who holds what.
extension PostgresStore {
    /// The advisory key naming an instance: held for the instance's life on a connection of its
    /// own, so a second process with the same name is refused, and a contender can tell a dead
    /// owner (its session gone, the lock free) from a paused one (lock still held).
    static func instanceLockSQL(_ call: String) -> String { "SELECT \(call)(hashtextextended('gridwatch-instance:' || $1, 0))" }

    /// Claims `name` for this process: refused when a live process holds it.
    public func registerInstance(_ name: String) throws {
        let session = try pool.openDedicatedSession()
        let locked: Bool
        do {
            locked = try session.scalar(Self.instanceLockSQL("pg_try_advisory_lock"), [.text(name)], as: Bool.self) == true
        } catch {
            _ = try? session.connection.close().wait()
            throw error
        }
        guard locked else {
            _ = try? session.connection.close().wait()
            throw PostgresStoreError("an instance named '\(name)' is already running on the store \(url.redacted): give this one another --instance")
        }
        // A previous lock connection (broken, since we are registering again) is closed first.
        let previous = instanceSession.withLockedValue { current -> PostgresSession? in defer { current = session }; return current }
        if let previous { _ = try? previous.connection.close().wait() }
        try write { session in
            try session.execute("""
                INSERT INTO cluster_instances (name, heartbeat_at, started_at) VALUES ($1, now(), now())
                ON CONFLICT (name) DO UPDATE SET heartbeat_at = now(), started_at = now(), stopped_at = NULL
                """, [.text(name)])
        }
    }

    /// Whether this process still holds its instance lock (its dedicated connection is open).
    public var holdsInstanceLock: Bool { instanceSession.withLockedValue { $0.map { !$0.isClosed } ?? false } }

    /// Records that `name` is alive; returns the server's time in epoch ms.
    @discardableResult
    public func heartbeat(_ name: String) throws -> Int64 {
        try write { session in
            try session.scalar("""
                UPDATE cluster_instances SET heartbeat_at = now() WHERE name = $1
                RETURNING (extract(epoch FROM now()) * 1000)::bigint
                """, [.text(name)], as: Int64.self) ?? 0
        }
    }

    /// A clean stop: the instance leaves at once instead of after its heartbeat times out.
    public func markStopped(_ name: String) throws {
        try write { try $0.execute("UPDATE cluster_instances SET stopped_at = now() WHERE name = $1", [.text(name)]) }
        if let session = instanceSession.withLockedValue({ session -> PostgresSession? in defer { session = nil }; return session }) {
            _ = try? session.connection.close().wait()
        }
    }

    /// Every instance known, alive when its heartbeat is younger than `timeoutMs` and it did not stop.
    public func clusterInstances(timeoutMs: Int64) throws -> [ClusterInstance] {
        try read { session in
            try session.query("""
                SELECT name, (extract(epoch FROM heartbeat_at) * 1000)::bigint AS heartbeat_ms,
                       (extract(epoch FROM started_at) * 1000)::bigint AS started_ms,
                       stopped_at IS NULL AND heartbeat_at > now() - make_interval(secs => $1::float8 / 1000) AS alive
                FROM cluster_instances ORDER BY name
                """, [.int(timeoutMs)]).map { row in
                ClusterInstance(name: try row.required("name"), heartbeatAtMs: try row.required("heartbeat_ms"),
                                startedAtMs: try row.required("started_ms"), alive: try row.required("alive"))
            }
        }
    }

    /// Makes sure every partition has a lease row (unowned at first).
    public func ensurePartitionLeases(_ partitions: [String]) throws {
        guard !partitions.isEmpty else { return }
        try write { session in
            try session.execute("INSERT INTO partition_leases (partition) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING", [.texts(partitions.sorted())])
        }
    }

    public func partitionLeases() throws -> [PartitionLease] {
        try read { session in
            try session.query("""
                SELECT partition, owner, epoch, (extract(epoch FROM lease_expires_at) * 1000)::bigint AS expires_ms
                FROM partition_leases ORDER BY partition
                """).map { row in
                PartitionLease(partition: try row.required("partition"), owner: try row.value("owner"), epoch: try row.required("epoch"),
                               leaseExpiresAtMs: try row.required("expires_ms"))
            }
        }
    }
}
