import Foundation
import NIOPosix

/// The store and the ticket desk are synchronous (SQLite through GRDB, PostgreSQL through a
/// session that waits on its event loop): a handler that called them directly would hold one of
/// the few threads of Swift's cooperative pool for the length of a query, and enough slow
/// queries at once would stall every task of the process. They run on NIO's pool of threads for
/// blocking work instead, and the handler awaits the result.
extension APIEnvironment {
    func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(work)
    }
}
