import Gateway
import Testing

/// Rendezvous hashing: every partition has exactly one owner, the spread is even, and an
/// instance joining or leaving moves only the partitions it wins or held.
@Suite struct PartitionAssignmentTests {
    static let communities = (1...200).map { "community-\($0)" }

    @Test func everyPartitionHasOneOwnerAndTheSpreadIsEven() {
        let instances = ["gw-a", "gw-b", "gw-c"]
        var counts: [String: Int] = [:]
        for community in Self.communities {
            let owner = PartitionAssignment.owner(of: community, among: instances)
            #expect(owner != nil)
            counts[owner ?? "", default: 0] += 1
        }
        #expect(counts.count == 3)
        // 200 partitions over 3: about 67 each; HRW keeps each share within a few dozen percent.
        #expect(counts.values.allSatisfy { $0 >= 45 && $0 <= 90 }, "\(counts)")
        let union = instances.map { PartitionAssignment.partitions(of: $0, among: instances, partitions: Self.communities) }
        #expect(union.reduce(0) { $0 + $1.count } == Self.communities.count)
    }

    @Test func aLeavingInstanceMovesOnlyItsOwnPartitions() {
        let before = ["gw-a", "gw-b", "gw-c"]
        let after = ["gw-a", "gw-c"]
        for community in Self.communities {
            let old = PartitionAssignment.owner(of: community, among: before)
            let new = PartitionAssignment.owner(of: community, among: after)
            if old != "gw-b" { #expect(old == new, "\(community) moved from \(old ?? "-") to \(new ?? "-")") }
        }
    }

    @Test func aJoiningInstanceTakesOnlyWhatItWins() {
        let before = ["gw-a", "gw-b"]
        let after = ["gw-a", "gw-b", "gw-c"]
        var moved = 0
        for community in Self.communities {
            let old = PartitionAssignment.owner(of: community, among: before)
            let new = PartitionAssignment.owner(of: community, among: after)
            if old != new {
                moved += 1
                #expect(new == "gw-c")
            }
        }
        #expect(moved > 30 && moved < 110, "moved \(moved) of 200")
    }

    @Test func theAnswerDoesNotDependOnListOrder() {
        for community in Self.communities.prefix(20) {
            #expect(PartitionAssignment.owner(of: community, among: ["a", "b", "c"]) == PartitionAssignment.owner(of: community, among: ["c", "a", "b"]))
        }
        #expect(PartitionAssignment.owner(of: "x", among: []) == nil)
    }
}
