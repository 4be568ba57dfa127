import Foundation
import GRDB

/// An API token as stored: its owner's name, role and the SHA-256 of the secret, never the secret.
public struct StoredAPIToken: Sendable, Hashable {
    public var name: String
    public var role: String
    public var hash: String
    public var createdAtMs: Int64
    public var revokedAtMs: Int64?
    public var lastUsedAtMs: Int64?

    public init(name: String, role: String, hash: String, createdAtMs: Int64, revokedAtMs: Int64?, lastUsedAtMs: Int64?) {
        self.name = name
        self.role = role
        self.hash = hash
        self.createdAtMs = createdAtMs
        self.revokedAtMs = revokedAtMs
        self.lastUsedAtMs = lastUsedAtMs
    }
}

/// Why a token could not be created or revoked.
public enum APITokenStoreError: Error, CustomStringConvertible {
    case nameTaken(String)
    case unknownName(String)

    public var description: String {
        switch self {
        case let .nameTaken(name): "a token named '\(name)' exists already (revoke it first, or pick another name)"
        case let .unknownName(name): "no active token named '\(name)'"
        }
    }
}

extension GatewayDatabase {
    /// Stores a new token's hash; the name is what timelines record as the actor.
    public func createAPIToken(name: String, role: String, hash: String, nowMs: Int64) throws {
        try pool.write { db in
            if let existing = try Row.fetchOne(db, sql: "SELECT revoked_at FROM api_tokens WHERE name = ?", arguments: [name]) {
                // A revoked name may be reused; its old row goes, so history keeps only the live owner.
                guard (existing["revoked_at"] as Int64?) != nil else { throw APITokenStoreError.nameTaken(name) }
                try db.execute(sql: "DELETE FROM api_tokens WHERE name = ?", arguments: [name])
            }
            try db.execute(sql: "INSERT INTO api_tokens (name, role, hash, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [name, role, hash, nowMs])
        }
    }

    /// Every token, active and revoked, by name.
    public func apiTokens() throws -> [StoredAPIToken] {
        try pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM api_tokens ORDER BY name").map(Self.token) }
    }

    /// The active token with this hash, or nil.
    public func activeAPIToken(hash: String) throws -> StoredAPIToken? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM api_tokens WHERE hash = ? AND revoked_at IS NULL", arguments: [hash]).map(Self.token)
        }
    }

    public func revokeAPIToken(name: String, nowMs: Int64) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL", arguments: [nowMs, name])
            guard db.changesCount > 0 else { throw APITokenStoreError.unknownName(name) }
        }
    }

    /// Notes that a token was used (the caller throttles this; it takes the write lock).
    public func touchAPIToken(hash: String, nowMs: Int64) throws {
        try pool.write { db in try db.execute(sql: "UPDATE api_tokens SET last_used_at = ? WHERE hash = ?", arguments: [nowMs, hash]) }
    }

    static func token(_ row: Row) -> StoredAPIToken {
        StoredAPIToken(name: row["name"], role: row["role"], hash: row["hash"], createdAtMs: row["created_at"],
                       revokedAtMs: row["revoked_at"], lastUsedAtMs: row["last_used_at"])
    }
}
