import Foundation
import GridDispatch
import Storage

/// The communities the inventory names, for routes that take a `community`: an unknown name is
/// a 404 naming the known ones, not an empty answer that looks like a quiet month.
extension APIEnvironment {
    /// `name` when a device of the inventory belongs to it.
    func knownCommunity(_ name: String) throws -> String {
        try knownCommunity(name, among: SitePlan.communities(database.devices().map(\.device)))
    }

    func knownCommunity(_ name: String, among communities: [String]) throws -> String {
        guard communities.contains(name) else {
            throw APIError(.notFound, "no community '\(name)' (known: \(communities.joined(separator: ", ")))")
        }
        return name
    }
}
