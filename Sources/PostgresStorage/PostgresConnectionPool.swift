import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresNIO

/// A few PostgreSQL connections shared by the store's synchronous callers. A caller takes an
/// idle connection (or opens one, up to `maxConnections`, else waits), uses it on its own
/// thread and gives it back; a connection that failed is closed and forgotten, so the next
/// caller reconnects. postgres-nio's own pool is async-only; this one keeps the seam synchronous.
final class PostgresConnectionPool: Sendable {
    let url: PostgresURL
    let maxConnections: Int
    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private let state = NIOLockedValueBox(State())
    private let slots: DispatchSemaphore
    private let nextID = NIOLockedValueBox(0)

    private struct State {
        var idle: [PostgresConnection] = []
        var closed = false
    }

    init(url: PostgresURL, password: String?, maxConnections: Int = 6, connectTimeoutSeconds: Int64 = 5, logger: Logger) {
        self.url = url
        self.maxConnections = maxConnections
        self.logger = logger
        slots = DispatchSemaphore(value: maxConnections)
        var configuration = PostgresConnection.Configuration(host: url.host, port: url.port, username: url.user,
                                                             password: password ?? url.password, database: url.database, tls: .disable)
        configuration.options.connectTimeout = .seconds(connectTimeoutSeconds)
        self.configuration = configuration
    }

    /// Runs `body` on a pooled connection.
    func withSession<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        slots.wait()
        defer { slots.signal() }
        let connection = try take()
        do {
            let value = try body(PostgresSession(connection: connection, logger: logger))
            giveBack(connection)
            return value
        } catch {
            // A statement error leaves the connection usable; a broken one is dropped.
            if connection.isClosed { _ = try? connection.close().wait() } else { giveBack(connection) }
            throw error
        }
    }

    private func take() throws -> PostgresConnection {
        while let idle = state.withLockedValue({ $0.idle.popLast() }) {
            if !idle.isClosed { return idle }
            _ = try? idle.close().wait()
        }
        if state.withLockedValue({ $0.closed }) { throw PostgresStoreError("the store \(url.redacted) is closed") }
        return try connect()
    }

    private func connect() throws -> PostgresConnection {
        let id = nextID.withLockedValue { id -> Int in
            id += 1
            return id
        }
        do {
            let connection = try PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration,
                                                            id: id, logger: logger).wait()
            // Our transactions last milliseconds. One left open longer belongs to a process that
            // is paused (SIGSTOP, a VM frozen) or wedged: the server ends it, so its locks (a
            // lease row held FOR SHARE, the ticket lock) cannot hold the rest of the cluster up
            // past the lease time. Its writes then fail, and nothing it had not committed is
            // acknowledged.
            _ = try connection.query(PostgresQuery(unsafeSQL: "SET idle_in_transaction_session_timeout = \(Self.idleInTransactionTimeoutMs)"),
                                     logger: logger).wait()
            return connection
        } catch {
            throw PostgresStoreError("cannot connect to the store \(url.redacted): \(Self.describe(error))")
        }
    }

    /// A connection of its own, outside the pool, for a session-level lock held for the
    /// process's life; the caller closes it.
    func openDedicatedSession() throws -> PostgresSession {
        PostgresSession(connection: try connect(), logger: logger)
    }

    private func giveBack(_ connection: PostgresConnection) {
        let keep = state.withLockedValue { state -> Bool in
            guard !state.closed, !connection.isClosed else { return false }
            state.idle.append(connection)
            return true
        }
        if !keep { _ = try? connection.close().wait() }
    }

    /// Closes every idle connection; later calls fail.
    func close() {
        let idle = state.withLockedValue { state -> [PostgresConnection] in
            state.closed = true
            defer { state.idle = [] }
            return state.idle
        }
        for connection in idle { _ = try? connection.close().wait() }
    }

    /// Shorter than a lease (10 s), so a paused owner's locks are gone before its lease is.
    static let idleInTransactionTimeoutMs = 5000

    /// postgres-nio's errors print as a code; the server's message is what an operator needs.
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            if let underlying = error.underlying { return "\(error.code): \(underlying)" }
            return "\(error.code)"
        }
        return "\(error)"
    }
}
