import ArgumentParser
import Devices
import Formats
import Foundation
import PostgresStorage

/// `gridwatch cluster status`: the instances sharing a PostgreSQL store and who owns which
/// partition under which epoch (docs/cluster.md).
struct ClusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cluster", abstract: "Cluster mode: instances and partition owners.",
                                                    subcommands: [Status.self])

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Instances (alive or not) and each partition's owner, epoch and lease.")
        @OptionGroup var store: StoreOptions
        @Option(help: "text or json.") var format: OutputFormat = .text
        @Option(help: "An instance whose heartbeat is older than this many seconds counts as not alive.") var timeout: Double = 6

        func run() throws {
            guard let postgres = try store.openDatabase() as? PostgresStore else {
                throw CommandFailure("cluster status needs a PostgreSQL store (--store URL or storage.url): a SQLite file is a single node")
            }
            let instances = try postgres.clusterInstances(timeoutMs: Int64(timeout * 1000))
            let leases = try postgres.partitionLeases()
            switch format {
            case .json:
                print(JSONValue.object([
                    "instances": .array(instances.map { instance in
                        .object(["instance": .string(instance.name), "heartbeat_at": TimeText.format(milliseconds: instance.heartbeatAtMs),
                                 "alive": .bool(instance.alive)])
                    }),
                    "partitions": .array(leases.map { lease in
                        .object(["partition": .string(lease.partition), "owner": lease.owner.map(JSONValue.string) ?? .null,
                                 "epoch": .int(lease.epoch), "lease_expires_at": TimeText.format(milliseconds: lease.leaseExpiresAtMs)])
                    }),
                ]).jsonText)
            case .text:
                print("instances:")
                for instance in instances {
                    print("  \(instance.name)\t\(instance.alive ? "alive" : "gone")\theartbeat \(TimeText.text(milliseconds: instance.heartbeatAtMs))")
                }
                print("partitions:")
                for lease in leases {
                    print("  \(lease.partition)\t\(lease.owner ?? "-")\tepoch \(lease.epoch)\tlease until \(TimeText.text(milliseconds: lease.leaseExpiresAtMs))")
                }
            }
        }
    }
}
