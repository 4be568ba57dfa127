import Foundation
import PostgresNIO
import Storage
import Tickets

/// Residents' requests on PostgreSQL: inserted in the ingest batch's fenced transaction (one
/// statement for the batch) or by the API inside the ticket transaction. The unique key on
/// (community, request_id) makes a repeat or a redelivery to another instance a no-op, and the
/// ticket lock every ticket transaction takes serialises the linking of a request to its
/// ticket across the cluster.
extension PostgresStore {
    static let residentRequestsSchema = """
        CREATE TABLE resident_requests (
            id bigserial PRIMARY KEY, community text NOT NULL, request_id text NOT NULL, source text NOT NULL,
            building text NOT NULL, unit text NOT NULL, item text NOT NULL, text text NOT NULL,
            asked_at bigint NOT NULL, received_at bigint NOT NULL, ticket_id text,
            UNIQUE (community, request_id));
        CREATE INDEX resident_requests_waiting ON resident_requests(id) WHERE ticket_id IS NULL;
        """

    /// Inserts `requests` in one round trip; returns how many were new.
    static func insertResidentRequests(_ requests: [ResidentRequest], _ session: PostgresSession) throws -> Int {
        guard !requests.isEmpty else { return 0 }
        return try session.query("""
            INSERT INTO resident_requests (community, request_id, source, building, unit, item, text, asked_at, received_at)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::bigint[])
            ON CONFLICT DO NOTHING RETURNING 1
            """, [.texts(requests.map(\.community)), .texts(requests.map(\.requestID)), .texts(requests.map(\.source)),
                  .texts(requests.map(\.building)), .texts(requests.map(\.unit)), .texts(requests.map(\.item)), .texts(requests.map(\.text)),
                  .ints(requests.map(\.askedAtMs)), .ints(requests.map(\.receivedAtMs))]).count
    }

    /// The requests matching `condition` ($1... in `binds`), oldest first.
    static func residentRequests(where condition: String, _ binds: [SQLValue], _ session: PostgresSession) throws -> [StoredResidentRequest] {
        try session.query("SELECT * FROM resident_requests WHERE \(condition) ORDER BY id", binds).map { row in
            StoredResidentRequest(
                request: ResidentRequest(community: try row.required("community", as: String.self), requestID: try row.required("request_id", as: String.self),
                                         source: try row.required("source", as: String.self), building: try row.required("building", as: String.self),
                                         unit: try row.required("unit", as: String.self), item: try row.required("item", as: String.self),
                                         text: try row.required("text", as: String.self), askedAtMs: try row.required("asked_at", as: Int64.self),
                                         receivedAtMs: try row.required("received_at", as: Int64.self)),
                ticketID: try row.value("ticket_id", as: String.self))
        }
    }

    public func residentRequests(requestID: String, community: String?) throws -> [StoredResidentRequest] {
        try read { session in
            try Self.residentRequests(where: "request_id = $1 AND coalesce($2::text, community) = community",
                                      [.text(requestID), .text(community)], session)
        }
    }

    public func residentRequestsWaiting(limit: Int) throws -> [ResidentRequest] {
        try read { session in
            try Self.residentRequests(where: "id IN (SELECT id FROM resident_requests WHERE ticket_id IS NULL ORDER BY id LIMIT $1)",
                                      [.int(Int64(limit))], session).map(\.request)
        }
    }
}

/// The ticket office's side of the requests, inside its transaction (which holds the ticket lock).
extension PostgresTicketLedger {
    public func recordRequest(_ request: ResidentRequest) throws -> StoredResidentRequest {
        _ = try PostgresStore.insertResidentRequests([request], session)
        return try PostgresStore.residentRequests(where: "community = $1 AND request_id = $2",
                                                  [.text(request.community), .text(request.requestID)], session)[0]
    }

    public func linkRequest(community: String, requestID: String, ticketID: String) throws -> Bool {
        try session.execute("UPDATE resident_requests SET ticket_id = $1 WHERE community = $2 AND request_id = $3 AND ticket_id IS NULL",
                            [.text(ticketID), .text(community), .text(requestID)]) == 1
    }
}
