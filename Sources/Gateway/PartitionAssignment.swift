/// Which instance should own which partition: rendezvous (highest-random-weight) hashing.
/// Every instance computes the same answer from the same list of live instances, and when an
/// instance joins or leaves only the partitions it wins or held move: `hash % count` (EMQX's
/// shared-subscription hashing, ThingsBoard's `i % n`) would move most of them.
public enum PartitionAssignment {
    /// The instance that should own `partition` among `instances` (nil when there are none).
    public static func owner(of partition: String, among instances: [String]) -> String? {
        instances.max { lhs, rhs in
            let (left, right) = (weight(lhs, partition), weight(rhs, partition))
            return left != right ? left < right : lhs > rhs
        }
    }

    /// The partitions `instance` should own.
    public static func partitions(of instance: String, among instances: [String], partitions: [String]) -> Set<String> {
        Set(partitions.filter { owner(of: $0, among: instances) == instance })
    }

    /// A stable 64-bit weight of an (instance, partition) pair: FNV-1a over both names, then
    /// SplitMix64's finaliser so that similar names spread. Stable across processes and
    /// builds (Swift's `Hasher` is seeded per process and would not be).
    static func weight(_ instance: String, _ partition: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in instance.utf8 + [0] + partition.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        hash = (hash ^ (hash >> 30)) &* 0xbf58_476d_1ce4_e5b9
        hash = (hash ^ (hash >> 27)) &* 0x94d0_49bb_1331_11eb
        return hash ^ (hash >> 31)
    }
}
