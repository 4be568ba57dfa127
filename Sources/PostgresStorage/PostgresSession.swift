import Dispatch
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO

/// One PostgreSQL connection used synchronously: each call waits for postgres-nio's future.
/// The store's callers are the ingest thread, the ticket office's thread and the commands,
/// so waiting here never occupies an event loop; postgres-nio does the I/O on its own loop.
public struct PostgresSession: Sendable {
    let connection: PostgresConnection
    let logger: Logger

    /// Longest wait for one statement. Ours take milliseconds, or a few seconds behind a lock
    /// (the server ends a transaction idle for 5 s); a statement sent on a connection the
    /// server dropped (a restart) may never be answered, and without this bound the calling
    /// thread (a community's MQTT loop) would wait forever while its leases kept being renewed.
    static let statementTimeoutSeconds = 15.0

    /// Runs one statement with positional binds (`$1`, `$2`, ...) and returns its rows.
    @discardableResult
    public func query(_ sql: String, _ binds: [SQLValue] = []) throws -> [PostgresRow] {
        try run(sql, binds).rows
    }

    /// How many rows the statement changed.
    @discardableResult
    public func execute(_ sql: String, _ binds: [SQLValue] = []) throws -> Int {
        try run(sql, binds).metadata.rows ?? 0
    }

    private func run(_ sql: String, _ binds: [SQLValue]) throws -> PostgresQueryResult {
        var bindings = PostgresBindings(capacity: binds.count)
        for value in binds { value.append(to: &bindings) }
        let future = connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
        let outcome = NIOLockedValueBox<Result<PostgresQueryResult, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        future.whenComplete { result in
            outcome.withLockedValue { $0 = result }
            done.signal()
        }
        guard done.wait(timeout: .now() + Self.statementTimeoutSeconds) == .success, let result = outcome.withLockedValue({ $0 }) else {
            // The connection is not to be trusted again: closed, so the pool drops it.
            let _: EventLoopFuture<Void> = connection.close()
            throw PostgresStoreError("no answer from the store within \(Int(Self.statementTimeoutSeconds)) s; connection closed")
        }
        return try result.get()
    }

    /// The first column of the first row, or nil.
    public func scalar<T: PostgresDecodable>(_ sql: String, _ binds: [SQLValue] = [], as type: T.Type = T.self) throws -> T? where T._DecodableType == T {
        guard let row = try query(sql, binds).first else { return nil }
        var cells = row.makeIterator()
        guard let cell = cells.next() else { return nil }
        return try cell.decode(Optional<T>.self)
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        try execute("BEGIN")
        do {
            let value = try body(self)
            try execute("COMMIT")
            return value
        } catch {
            _ = try? execute("ROLLBACK")
            throw error
        }
    }

    var isClosed: Bool { connection.isClosed }
}

/// A value bound to a statement parameter. One enum instead of generic encodables keeps the
/// call sites short and the optional cases (SQL NULL) explicit.
public enum SQLValue: Sendable {
    case text(String?)
    case int(Int64?)
    case double(Double?)
    case bool(Bool?)
    case bytes([UInt8])
    case texts([String])
    case ints([Int64])
    case bools([Bool])
    case doubles([Double])

    static func int(_ value: Int) -> SQLValue { .int(Int64(value)) }

    func append(to bindings: inout PostgresBindings) {
        switch self {
        case let .text(value): value.map { bindings.append($0) } ?? bindings.appendNull()
        case let .int(value): value.map { bindings.append($0) } ?? bindings.appendNull()
        case let .double(value): value.map { bindings.append($0) } ?? bindings.appendNull()
        case let .bool(value): value.map { bindings.append($0) } ?? bindings.appendNull()
        case let .bytes(value): bindings.append(ByteBuffer(bytes: value))
        case let .texts(value): bindings.append(value)
        case let .ints(value): bindings.append(value)
        case let .bools(value): bindings.append(value)
        case let .doubles(value): bindings.append(value)
        }
    }
}

extension PostgresRow {
    /// A column by name, decoded; SQL NULL as nil.
    func value<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T? where T._DecodableType == T {
        try makeRandomAccess()[column].decode(Optional<T>.self)
    }

    /// A column that is never NULL.
    func required<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T where T._DecodableType == T {
        guard let value = try value(column, as: T.self) else { throw PostgresStoreError("column \(column) is NULL") }
        return value
    }
}

/// A failure of the PostgreSQL store with a message for the operator.
public struct PostgresStoreError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
