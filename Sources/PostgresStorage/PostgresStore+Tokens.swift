import Foundation
import PostgresNIO
import Storage

/// API tokens on PostgreSQL: the same rows as on SQLite (name, role, SHA-256 of the secret,
/// never the secret). Several instances may create or revoke at once, so the checks that
/// SQLite's single writer made by reading first are made here by the statements themselves.
extension PostgresStore {
    /// Stores a new token's hash; the name is what timelines record as the actor.
    public func createAPIToken(name: String, role: String, hash: String, nowMs: Int64) throws {
        try write { session in
            // A revoked name may be reused; its old row goes, so history keeps only the live owner.
            // Only a revoked row is deleted: an active one stays and the insert below finds it.
            try session.execute("DELETE FROM api_tokens WHERE name = $1 AND revoked_at IS NOT NULL", [.text(name)])
            // ON CONFLICT instead of a read first: another instance creating the same name at the
            // same moment makes this one report the name as taken, not fail on the key.
            let inserted = try session.execute("""
                INSERT INTO api_tokens (name, role, hash, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING
                """, [.text(name), .text(role), .text(hash), .int(nowMs)])
            guard inserted > 0 else { throw APITokenStoreError.nameTaken(name) }
        }
    }

    /// Every token, active and revoked, by name.
    public func apiTokens() throws -> [StoredAPIToken] {
        try read { session in try session.query("SELECT * FROM api_tokens ORDER BY name").map(Self.token) }
    }

    /// The active token with this hash, or nil.
    public func activeAPIToken(hash: String) throws -> StoredAPIToken? {
        try read { session in
            try session.query("SELECT * FROM api_tokens WHERE hash = $1 AND revoked_at IS NULL", [.text(hash)]).first.map(Self.token)
        }
    }

    public func revokeAPIToken(name: String, nowMs: Int64) throws {
        try write { session in
            let changed = try session.execute("UPDATE api_tokens SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL",
                                              [.int(nowMs), .text(name)])
            guard changed > 0 else { throw APITokenStoreError.unknownName(name) }
        }
    }

    /// Notes that a token was used (the caller throttles this: it is a write per call).
    public func touchAPIToken(hash: String, nowMs: Int64) throws {
        try write { session in
            _ = try session.execute("UPDATE api_tokens SET last_used_at = $1 WHERE hash = $2", [.int(nowMs), .text(hash)])
        }
    }

    static func token(_ row: PostgresRow) throws -> StoredAPIToken {
        StoredAPIToken(name: try row.required("name"), role: try row.required("role"), hash: try row.required("hash"),
                       createdAtMs: try row.required("created_at"), revokedAtMs: try row.value("revoked_at"),
                       lastUsedAtMs: try row.value("last_used_at"))
    }
}
