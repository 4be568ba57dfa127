import Foundation
import GRDB
import Tickets

/// A stored resident's request and the ticket opened for it (nil until the office opens it).
public struct StoredResidentRequest: Sendable, Hashable {
    public var request: ResidentRequest
    public var ticketID: String?

    public init(request: ResidentRequest, ticketID: String?) {
        self.request = request
        self.ticketID = ticketID
    }
}

/// Residents' requests on SQLite: inserted with the ingest batch that accepted them (durable
/// before the PUBACK) or by the API inside the ticket transaction; the unique key on
/// (community, request_id) makes a repeat a no-op, and `ticket_id` is set in the transaction
/// that opens the ticket, so one request never gets two tickets, across restarts too.
extension GatewayDatabase {
    static func migrateResidentRequests(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE resident_requests (
                id INTEGER PRIMARY KEY, community TEXT NOT NULL, request_id TEXT NOT NULL, source TEXT NOT NULL,
                building TEXT NOT NULL, unit TEXT NOT NULL, item TEXT NOT NULL, text TEXT NOT NULL,
                asked_at INTEGER NOT NULL, received_at INTEGER NOT NULL, ticket_id TEXT,
                UNIQUE (community, request_id));
            -- The office's queue: requests stored whose ticket is not open yet.
            CREATE INDEX resident_requests_waiting ON resident_requests(id) WHERE ticket_id IS NULL;
            """)
    }

    /// Inserts `requests` (a repeat of a stored one is skipped); returns how many were new.
    static func insertResidentRequests(_ requests: [ResidentRequest], db: Database) throws -> Int {
        guard !requests.isEmpty else { return 0 }
        let insert = try db.cachedStatement(sql: """
            INSERT INTO resident_requests (community, request_id, source, building, unit, item, text, asked_at, received_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (community, request_id) DO NOTHING
            """)
        var inserted = 0
        for request in requests {
            try insert.execute(arguments: [request.community, request.requestID, request.source, request.building, request.unit,
                                           request.item, request.text, request.askedAtMs, request.receivedAtMs])
            inserted += db.changesCount
        }
        return inserted
    }

    /// The requests matching `condition`, oldest first, at most `limit` (-1: all).
    static func residentRequests(where condition: String, _ arguments: StatementArguments, limit: Int = -1, db: Database) throws -> [StoredResidentRequest] {
        try Row.fetchAll(db, sql: "SELECT * FROM resident_requests WHERE \(condition) ORDER BY id LIMIT ?", arguments: arguments + [limit]).map { row in
            StoredResidentRequest(request: ResidentRequest(community: row["community"], requestID: row["request_id"], source: row["source"],
                                                           building: row["building"], unit: row["unit"], item: row["item"], text: row["text"],
                                                           askedAtMs: row["asked_at"], receivedAtMs: row["received_at"]),
                                  ticketID: row["ticket_id"])
        }
    }

    public func residentRequests(requestID: String, community: String?) throws -> [StoredResidentRequest] {
        try pool.read { db in
            try Self.residentRequests(where: "request_id = ? AND coalesce(?, community) = community", [requestID, community], db: db)
        }
    }

    public func residentRequestsWaiting(limit: Int) throws -> [ResidentRequest] {
        try pool.read { db in try Self.residentRequests(where: "ticket_id IS NULL", [], limit: limit, db: db).map(\.request) }
    }
}

/// The ticket office's side of the requests, inside its transaction.
extension DatabaseTicketLedger {
    public func recordRequest(_ request: ResidentRequest) throws -> StoredResidentRequest {
        _ = try GatewayDatabase.insertResidentRequests([request], db: db)
        return try GatewayDatabase.residentRequests(where: "community = ? AND request_id = ?", [request.community, request.requestID], db: db)[0]
    }

    public func linkRequest(community: String, requestID: String, ticketID: String) throws -> Bool {
        try db.execute(sql: "UPDATE resident_requests SET ticket_id = ? WHERE community = ? AND request_id = ? AND ticket_id IS NULL",
                       arguments: [ticketID, community, requestID])
        return db.changesCount == 1
    }
}
